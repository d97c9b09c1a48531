# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The OVN backend's layer inputs of one host (``ovl.tenant.host_state``).

- ``build_chassis(inventory, facts)``: the ``chassis`` layer's options (the
  Open_vSwitch keys that join the host to the central, ``ovl.ovn.chassis``);
- ``build_nb(inventory, facts, discovered)``: on the central host, the
  ``ovn_nb`` layer's options (every tenant as plain data: the logical port
  of each endpoint is named by its interface id, ``endpoints.vm.iface_id``,
  which the ovs layer sets as ``external_ids:iface-id`` on a namespace's
  port and libvirt on a VM's, from its ``interfaceid``; the routers' address
  range and next hop; the underlay network's prefix length for their
  external ports); None on the other hosts.

Both are None with the ovs backend.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.ovn.chassis import chassis_keys
from ansible.module_utils.ovl.tenant.endpoints.vm import iface_id
from ansible.module_utils.ovl.tenant.names import UPLINK_BRIDGE, endpoint_mac


def build_chassis(inventory, facts):
    if not facts.ovn:
        return None
    central = inventory.host(facts.ovn_central)
    keys, mapping = chassis_keys(facts, central.underlay_ip, UPLINK_BRIDGE)
    return dict(keys=keys, mapping=mapping, system_id=facts.name, owner=facts.owner,
                central=facts.ovn_central_here)


def port_address(owner, ep):
    """'MAC IP' of an endpoint's logical port: the VM's MAC, else the
    namespace's (``names.endpoint_mac``)."""
    return '%s %s' % (ep.mac or endpoint_mac(owner, ep.name), ep.ip)


def nb_tenant(tenant, owner):
    return dict(name=tenant.name, vni=tenant.vni, subnet=tenant.subnet,
                prefixlen=tenant.prefixlen, gateway=tenant.gateway, snat=tenant.snat,
                dhcp=tenant.dhcp, mtu=tenant.mtu,
                ports=[dict(name=iface_id(tenant.name, ep.name), address=port_address(owner, ep),
                            endpoint=ep.name, kind=ep.kind, ip=ep.ip, floating_ip=ep.floating_ip,
                            publish=[dict(proto=p.proto, port=p.port, host_port=p.host_port)
                                     for p in ep.publish])
                       for ep in tenant.endpoints])


def build_nb(inventory, facts, discovered):
    if not facts.ovn_central_here:
        return None
    return dict(tenants=[nb_tenant(t, facts.owner) for t in inventory.tenants],
                owner=facts.owner, pool=facts.ovn_external_range,
                next_hop=facts.ovn_external_gateway,
                prefixlen=(discovered or {}).get('underlay_prefixlen'))
