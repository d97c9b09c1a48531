# -*- coding: utf-8 -*-
"""Desired SNAT and inbound blocks of one host (input of ``nat_state``).

``build_nat(tenants, host, tenant_tags, hosts, host_block_inbound=False)
-> {namespaces: [...]}``
Per router namespace ovr-<t>: masquerade the tenant subnet out qg0, block
NEW connections coming in on qg0. On the host (netns None, always listed
first, empty when no router is here so stale host rules get pruned):
masquerade each transit /30 out the uplink (br-phy with the netdev
datapath, else overlay_underlay_interface). This is the double NAT that
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

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.tenant.hosts import host_facts
from ansible.module_utils.ovl.tenant.ip import tag_of
from ansible.module_utils.ovl.tenant.names import (
    ROUTER_UP_DEV, UPLINK_BRIDGE, has_router, router_ns, transit, uplink_leg)


def uplink(facts, host):
    if facts['datapath_type'] == 'netdev':
        return UPLINK_BRIDGE
    if not facts['underlay_interface']:
        raise InputError('%s: overlay_underlay_interface' % host, None,
                         'is required for SNAT (the uplink the transit networks leave by)')
    return facts['underlay_interface']


def build_nat(tenants, host, tenant_tags, hosts, host_block_inbound=False):
    facts = host_facts(hosts, host)
    routers = sorted((t for t in tenants if has_router(t, host)), key=lambda t: t['name'])
    host_ns = dict(netns=None, snat=[], block_inbound=[])
    if not routers:
        return dict(namespaces=[host_ns])
    out_dev = uplink(facts, host)
    spaces = [host_ns]
    for tenant in routers:
        name = tenant['name']
        net = transit(tag_of(tenant_tags, name))[0]
        host_ns['snat'].append(dict(source=net, out_interface=out_dev, action='masquerade',
                                    id=name))
        if host_block_inbound:
            host_ns['block_inbound'].append(dict(id='in-' + name, in_interface=out_dev,
                                                 out_interface=uplink_leg(name)))
        spaces.append(dict(
            netns=router_ns(name),
            snat=[dict(source=tenant['subnet'], out_interface=ROUTER_UP_DEV,
                       action='masquerade', id=name)],
            block_inbound=[dict(in_interface=ROUTER_UP_DEV)]))
    return dict(namespaces=spaces)
