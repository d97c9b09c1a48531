# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Desired links, addresses, routes and namespaces of one host (input of the
``ip_state`` module).

``build_ip(inventory, facts, tags) -> {namespaces, links, addresses, routes}``,
each list sorted.

- Each endpoint: what its kind makes (``ovl.tenant.endpoints``; kind
  ``namespace``: namespace <endpoint>, veth ove<sha1[:10]> <-> eth0).
- Each router (tenant with snat and an endpoint here): ``ovl.tenant.router``.
- With the netdev datapath every veth gets tx_offload: false (TCP breaks
  otherwise); the end of every veth inside a namespace gets a fixed Ethernet
  address (``ovl.tenant.veth``): made again after a reboot or by hand, it
  keeps it, so peers do not hold a stale ARP entry (~8 s of loss otherwise).
- Tunnel mode ``kernel``: one VXLAN device per tenant with peers
  (``vx<vni hex>``, learning on) whose flood list is exactly the tenant's
  other hosts: head-end replication, one port per tenant on br-int.
- OVN backend: the endpoints only (OVN routes, and makes its tunnels).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.endpoints import kind_of
from ansible.module_utils.ovl.tenant.router import Router
from ansible.module_utils.ovl.tenant.topology import tunnels


def _kernel_devices(inventory, facts):
    return [dict(name=t.name, kind=t.type.kernel_kind, id=t.tenant.vni, local=facts.underlay_ip,
                 dstport=t.type.udp_port, learning=True, mtu=t.tenant.mtu, state='up',
                 flood=[p.underlay_ip for p in t.peers])
            for t in tunnels(inventory, facts.name, 'kernel')]


def build_ip(inventory, facts, tags):
    host = facts.name
    out = dict(namespaces=[], links=[], addresses=[], routes=[])
    for tenant in inventory.tenants_on(host):
        for ep in tenant.endpoints_on(host):
            kind_of(ep).ip(facts, tenant, ep, out)
    for router in Router.on(inventory, facts, tags):
        router.ip(out)
    if facts.tunnel_mode == 'kernel' and not facts.ovn:
        out['links'] += _kernel_devices(inventory, facts)
    return dict(
        namespaces=sorted(out['namespaces'], key=lambda n: n['name']),
        links=sorted(out['links'], key=lambda l: l['name']),
        addresses=sorted(out['addresses'], key=lambda a: (a.get('netns') or '', a['dev'],
                                                          a['address'])),
        routes=sorted(out['routes'], key=lambda r: (r.get('netns') or '', r['dst'])),
    )


def announcements(inventory, facts):
    """[{netns, dev, address, port}] of every endpoint on the host: what it
    announces (gratuitous ARP) when the ip layer made or changed it."""
    out = []
    for tenant in inventory.tenants_on(facts.name):
        for ep in tenant.endpoints_on(facts.name):
            found = kind_of(ep).announcement(ep)
            if found is not None:
                out.append(found)
    return out
