# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Desired SNAT and inbound blocks of one host (input of ``nat_state``).

``build_nat(inventory, facts, tags, host_block_inbound=False)
-> {namespaces: [...]}``
Per router namespace ovr-<t>: masquerade the tenant subnet out qg0, block
NEW connections coming in on qg0, forwarded ones and ones to the router's own
addresses (local: without it a SYN routed to the router's transit address
169.254.x.y was answered by the router's stack with a RST, seen on real
kernels in molecule/kvm). On the host (netns None, always listed
first, empty when no router is here so stale host rules get pruned):
masquerade each transit /30 out the uplink (br-phy with the netdev
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

from ansible.module_utils.ovl.tenant.names import (
    ROUTER_UP_DEV, UPLINK_BRIDGE, router_ns, tag_of, transit, uplink_leg)


def uplink(facts):
    """The interface the transit networks leave by: br-phy with the netdev
    datapath (it holds the underlay address), else the underlay interface
    (given, or found by the preflight)."""
    return UPLINK_BRIDGE if facts.netdev else facts.underlay_interface


def build_nat(inventory, facts, tags, host_block_inbound=False):
    routers = [t for t in inventory.tenants_on(facts.name) if t.has_router(facts.name)]
    host_ns = dict(netns=None, snat=[], block_inbound=[])
    if not routers:
        return dict(namespaces=[host_ns])
    out_dev = uplink(facts)
    spaces = [host_ns]
    for tenant in routers:
        name = tenant.name
        net = transit(tag_of(tags, name))[0]
        host_ns['snat'].append(dict(source=net, out_interface=out_dev, action='masquerade',
                                    id=name))
        if host_block_inbound:
            host_ns['block_inbound'].append(dict(id='in-' + name, in_interface=out_dev,
                                                 out_interface=uplink_leg(name)))
        spaces.append(dict(
            netns=router_ns(name),
            snat=[dict(source=tenant.subnet, out_interface=ROUTER_UP_DEV,
                       action='masquerade', id=name)],
            block_inbound=[dict(in_interface=ROUTER_UP_DEV, local=True)]))
    return dict(namespaces=spaces)
