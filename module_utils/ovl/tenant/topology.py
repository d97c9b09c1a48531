# -*- coding: utf-8 -*-
"""Who carries which tenant, and so which tunnels a host has. Pure, over the
model (``ovl.tenant.model.Inventory``).

A tenant spans exactly the hosts that hold one of its endpoints. A host has
tunnels only towards hosts that share a tenant with it, and for each tenant
only towards that tenant's other hosts (a full mesh among exactly its hosts),
so flooding never reaches a host that does not carry the tenant.

``tunnels(inventory, facts, mode)`` lists every tunnel *facts* (the host's
facts) needs, one ``Tunnel`` per OVS/kernel port:

- ``port``: one per (tenant, peer), ``tenant`` and ``peers=(peer,)`` set;
- ``kernel``: one per tenant with at least one peer, all its peers in
  ``peers`` (the device's flood list);
- ``flow``: one per peer host, ``tenant`` None, ``peers=(peer,)``.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible.module_utils.ovl.tenant.names import flow_port, vxlan_device, vxlan_port

Tunnel = collections.namedtuple('Tunnel', 'name tenant peers')


def peers(inventory, tenant, host):
    """HostFacts of the other hosts carrying *tenant*, sorted by name."""
    return tuple(inventory.host(name) for name in tenant.hosts if name != host)


def peer_hosts(inventory, host):
    """HostFacts of every host that shares at least one tenant with *host*."""
    names = set()
    for tenant in inventory.tenants_on(host):
        names.update(h for h in tenant.hosts if h != host)
    return tuple(inventory.host(name) for name in sorted(names))


def tunnels(inventory, host, mode):
    """The tunnels of *host* in tunnel mode *mode*, sorted by name."""
    out = []
    if mode == 'flow':
        out = [Tunnel(flow_port(p.underlay_ip), None, (p,)) for p in peer_hosts(inventory, host)]
    else:
        for tenant in inventory.tenants_on(host):
            others = peers(inventory, tenant, host)
            if not others:
                continue
            if mode == 'kernel':
                out.append(Tunnel(vxlan_device(tenant.vni), tenant, others))
            else:
                out.extend(Tunnel(vxlan_port(tenant.vni, p.underlay_ip), tenant, (p,))
                           for p in others)
    return sorted(out, key=lambda t: t.name)
