# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Endpoint kinds: how a tenant endpoint is realised on its host. One table
(``KINDS``: kind name -> unit); each unit is its own module and implements:

- ``ip(facts, tenant, ep, out)``: what the ip layer makes for it
  (namespaces, links, addresses, routes);
- ``ports(ep)``: its ports on the integration bridge (tagged with the
  tenant's host-local VLAN by ``ovl.tenant.ovs``);
- ``announcement(ep)``: what it announces by gratuitous ARP when the ip
  layer made or changed it (``ovl.ip.garp``), or None;
- ``names(ep)``: the object names on a host that belong to it (the drift
  report attributes them to its tenant);
- ``tools``: {binary: Debian package} a host needs for it beyond the
  layers' own (the preflight checks them, and installs the packages when
  ``overlay_install_packages`` is on);
- ``netns(ep)``: the network namespace its interface lives in (the verify
  probes it there).

``namespace`` (a network namespace the product makes) is the first row;
``vm`` (a libvirt/KVM VM of the operator on the host's libvirt network) the
second. A new kind is a module here and one row.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.endpoints import namespace, vm

KINDS = {
    namespace.KIND: namespace,
    vm.KIND: vm,
}
DEFAULT = namespace.KIND


def tools_for(endpoints):
    """{binary: package} the kinds of *endpoints* need on their host."""
    out = {}
    for ep in endpoints:
        out.update(kind_of(ep).tools)
    return out


def flattened(inventory, workloads=()):
    """Every endpoint of the model with its tenant's resolved settings and
    the namespace its interface lives in (the verify probes it there):
    [{name, host, ip, prefixlen, kind, netns, tenant, vni, subnet, snat,
    mtu, type, wire, token}], a VM also with its mac and iface_id (netns None).
    *workloads*: the operator's containers the verify
    also probes ({name, host, tenant, ip, netns, kind}: made by Docker, not by
    the tenant file), with their tenant's settings the same way; one whose
    tenant is not in the model is a ValueError naming it."""
    tenants = dict((t.name, t) for t in inventory.tenants)
    out = [_settled(t, _with_id(t, ep), kind_of(ep).netns(ep), inventory)
           for t in inventory.tenants for ep in t.endpoints]
    for w in workloads or ():
        tenant = tenants.get(w.get('tenant'))
        if tenant is None:
            raise ValueError('workload %s: tenant %r is not in the inventory'
                             % (w.get('name'), w.get('tenant')))
        out.append(_settled(tenant, dict(name=w['name'], host=w['host'], ip=w['ip'],
                                         prefixlen=tenant.prefixlen,
                                         kind=w.get('kind') or 'docker'), w['netns'], inventory))
    return out


def _with_id(tenant, ep):
    out = ep.as_dict()
    if ep.kind == vm.KIND:
        out['iface_id'] = vm.iface_id(tenant.name, ep.name)
    return out


def vm_interfaces(tenants, host):
    """{interface id: tenant} of the VM endpoints of *tenants* on *host*."""
    return dict((vm.iface_id(t.name, ep.name), t.name) for t in tenants
                for ep in t.endpoints_on(host) if ep.kind == vm.KIND)


def _settled(t, ep, netns, inventory):
    """*ep* with its tenant's settings; ``wire``: how its frames look
    between hosts: {type: the network type, key: the VNI (tunnels), the
    VLAN id (vlan) or 0 (flat), iface: the host's interface on the physical
    network (provider tenants; None: the underlay's)}."""
    iface = None
    if t.provider and ep['host'] in inventory.host_names():
        mapped = inventory.host(ep['host']).bridge_mappings or {}
        iface = (mapped.get(t.physical_network) or {}).get('interface')
    wire = dict(type=t.network_type, iface=iface,
                key=(t.segmentation_id or 0) if t.provider else t.vni)
    return dict(ep, netns=netns, tenant=t.name, vni=t.vni, subnet=t.subnet, snat=t.snat,
                mtu=t.mtu, type=t.tunnel_type, wire=wire, token='%s/%s' % (t.name, ep['name']))


def kind_of(ep):
    """The unit of endpoint *ep* (``Endpoint.kind``; None: the default)."""
    return KINDS[ep.kind or DEFAULT]
