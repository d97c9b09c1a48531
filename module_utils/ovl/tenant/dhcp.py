# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The DHCP servers of one host (input of the ``dhcp`` layer, ``ovl.dhcp``):
one per DHCP tenant with VM endpoints on the host, in the tenant's router
namespace on its gateway leg (``qr0``, holding the gateway address: the
server's address), leasing to this host's VM endpoints only. The router
option is the gateway when the tenant has SNAT, none otherwise; the MTU is
the tenant's. None with the OVN backend: OVN answers the VMs' DHCP itself
(``DHCP_Options``, ``ovl.ovn.model``), and the layer removes the servers
the ovs backend left."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.endpoints import vm
from ansible.module_utils.ovl.tenant.names import ROUTER_GW_DEV, router_ns

# what a host with a DHCP server needs: {binary: Debian package}
DHCP_TOOLS = {'dnsmasq': 'dnsmasq-base'}


def build_dhcp(inventory, facts):
    servers = []
    if facts.ovn:
        return servers
    for tenant in inventory.tenants_on(facts.name):
        vms = [ep for ep in tenant.endpoints_on(facts.name) if ep.kind == vm.KIND]
        if not (tenant.dhcp and vms):
            continue
        servers.append(dict(
            tenant=tenant.name, netns=router_ns(tenant.name), interface=ROUTER_GW_DEV,
            subnet=tenant.subnet, address=tenant.gateway,
            router=tenant.gateway if tenant.snat else None, mtu=tenant.mtu,
            hosts=[dict(mac=ep.mac, ip=ep.ip, name=ep.name) for ep in vms]))
    return servers
