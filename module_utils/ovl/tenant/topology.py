# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Who carries which tenant, and so which tunnels a host has. Pure, over the
model (``ovl.tenant.model.Inventory``).

A tenant spans exactly the hosts that hold one of its endpoints. A provider
tenant (``vlan``, ``flat``) is carried by its physical network and has no
tunnels: it counts for none of this. A host has
tunnels only towards hosts that share a tenant with it, and for each tenant
only towards that tenant's other hosts (a full mesh among exactly its hosts),
so flooding never reaches a host that does not carry the tenant.

``tunnels(inventory, host, mode)`` lists every tunnel the host needs, one
``Tunnel(name, tenant, peers, type)`` per OVS/kernel port (*type*: the
tunnel type's row in ``ovl.core.tunnels``):

- ``port``: one per (tenant, peer), ``tenant`` and ``peers=(peer,)`` set;
- ``kernel``: one per tenant with at least one peer, all its peers in
  ``peers`` (the device's flood list);
- ``flow``: one per (peer host, tunnel type of a tenant shared with it),
  ``tenant`` None, ``peers=(peer,)``.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible.module_utils.ovl.core import tunnels as types
from ansible.module_utils.ovl.tenant.names import flow_port, kernel_device, tunnel_port

Tunnel = collections.namedtuple('Tunnel', 'name tenant peers type')


def tunnelled(inventory, host):
    """The tenants on *host* carried in tunnels (not on a physical network)."""
    return tuple(t for t in inventory.tenants_on(host) if not t.provider)


def peers(inventory, tenant, host):
    """HostFacts of the other hosts carrying *tenant*, sorted by name."""
    return tuple(inventory.host(name) for name in tenant.hosts if name != host)


def peer_hosts(inventory, host):
    """HostFacts of every host that shares at least one tenant with *host*."""
    names = set()
    for tenant in tunnelled(inventory, host):
        names.update(h for h in tenant.hosts if h != host)
    return tuple(inventory.host(name) for name in sorted(names))


def flow_types(inventory, host):
    """{peer name: sorted tunnel type names of the tenants *host* shares with it}."""
    found = {}
    for tenant in tunnelled(inventory, host):
        for name in tenant.hosts:
            if name != host:
                found.setdefault(name, set()).add(tenant.tunnel_type)
    return dict((name, sorted(kinds)) for name, kinds in found.items())


def tunnels(inventory, host, mode):
    """The tunnels of *host* in tunnel mode *mode*, sorted by name."""
    out = []
    if mode == 'flow':
        kinds = flow_types(inventory, host)
        out = [Tunnel(flow_port(p.underlay_ip, kind), None, (p,), types.get(kind))
               for p in peer_hosts(inventory, host) for kind in kinds[p.name]]
    else:
        for tenant in tunnelled(inventory, host):
            others = peers(inventory, tenant, host)
            kind = types.get(tenant.tunnel_type)
            if not others:
                continue
            if mode == 'kernel':
                out.append(Tunnel(kernel_device(tenant.vni, kind.name), tenant, others, kind))
            else:
                out.extend(Tunnel(tunnel_port(tenant.vni, p.underlay_ip, kind.name), tenant, (p,),
                                  kind) for p in others)
    return sorted(out, key=lambda t: t.name)
