# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Desired SNAT and inbound blocks of one host (input of ``nat_state``).

``build_nat(inventory, facts, tags, host_block_inbound=False)
-> {namespaces: [...]}``
Per router (``ovl.tenant.router``) namespace ovr-<t>: masquerade the tenant
subnet out qg0, block NEW connections coming in on qg0, forwarded ones and
ones to the router's own addresses (local: without it a SYN routed to the
router's transit address 169.254.x.y was answered by the router's stack
with a RST, seen on real kernels in molecule/kvm). On the host (netns None,
always listed first, empty when no router is here so stale host rules get
pruned): masquerade each transit /30 out the uplink (br-phy with the netdev
datapath, else the underlay interface). This is the double NAT that
lets overlapping tenant subnets share the host's address.

The router's block on qg0 is what keeps the outside from opening connections
to endpoints (the tenant subnets are not routed on the host at all). With
*host_block_inbound* the host also drops NEW connections from the uplink into
each ovu-<t> ({id: in-<t>, in_interface: uplink, out_interface: ovu-<t>});
off by default because nat_state's block_inbound has no out_interface yet,
and a block on the whole uplink would also drop other forwarding on the host
(e.g. Docker's published ports).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.names import UPLINK_BRIDGE
from ansible.module_utils.ovl.tenant.router import Router


def uplink(facts):
    """The interface the transit networks leave by: br-phy with the netdev
    datapath (it holds the underlay address), else the underlay interface
    (given, or found by the preflight)."""
    return UPLINK_BRIDGE if facts.netdev else facts.underlay_interface


def build_nat(inventory, facts, tags, host_block_inbound=False):
    routers = [r for r in Router.on(inventory, facts, tags) if r.uplink]
    host_ns = dict(netns=None, snat=[], block_inbound=[], forward_accept=[], dnat=[],
                   forward_dnat=[])
    out_dev = uplink(facts) if routers else None
    for router in routers:
        router.host_nat(out_dev, host_ns, host_block_inbound)
    return dict(namespaces=[host_ns] + [router.nat() for router in routers])


def build_floating(inventory, facts, tags):
    """The ``floating`` layer's input of one host: its routers' floating
    addresses on the uplink and the routes of their NAT addresses."""
    addresses, routes = [], []
    routers = [r for r in Router.on(inventory, facts, tags) if r.uplink]
    for router in routers:
        more, via = router.floating(uplink(facts))
        addresses += more
        routes += via
    return dict(addresses=addresses, routes=routes)
