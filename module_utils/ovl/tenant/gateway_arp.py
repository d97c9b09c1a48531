# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Keep gateway ARP on its own host (tunnel modes ``port`` and ``kernel``;
provider tenants in every mode).

Every host has a router holding the SAME gateway address for a SNAT tenant.
ARP for or from the gateway arriving on one of the tenant's tunnel ports is
dropped on br-int, so an endpoint only ever learns its own host's router and
its traffic leaves with its own host's address (measured without it: an
endpoint on host1 kept host2's router MAC, and its SNAT left from host2).
A DHCP tenant's DHCP (udp 67 and 68) arriving on one of its tunnel ports is
dropped the same way: each host's DHCP server serves that host's endpoints.
In ``flow`` mode the same rules live on br-tun (ovl.tenant.flows.gateway_arp_flows)
and br-int holds none for the tunnelled tenants, so switching modes prunes these.
A provider tenant (vlan, flat) has no tunnel: its frames from the other
hosts come in on its patch port from the physical network (``ovpi-<tenant>``),
where the same rules apply, in every tunnel mode.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.flows import DHCP_PORTS
from ansible.module_utils.ovl.tenant.names import provider_patches
from ansible.module_utils.ovl.tenant.topology import tunnels


def _drops(port, tenant):
    """What of *tenant* coming in on *port* (from another host) stays out."""
    if not (tenant.snat or tenant.dhcp):
        return []
    flows = [dict(table=0, priority=100, actions='drop',
                  match='arp,in_port=%s,arp_%s=%s' % (port, field, tenant.gateway))
             for field in ('spa', 'tpa')]
    if tenant.dhcp:
        flows.extend(dict(table=0, priority=100, actions='drop',
                          match='udp,in_port=%s,tp_dst=%d' % (port, number))
                     for number in DHCP_PORTS)
    return flows


def build_int_flows(inventory, facts):
    """{bridge, flows} (input of ovs_flows) for the integration bridge."""
    flows = []
    if facts.tunnel_mode != 'flow':
        for tunnel in tunnels(inventory, facts.name, facts.tunnel_mode):
            flows += _drops(tunnel.name, tunnel.tenant)
    for tenant in inventory.tenants_on(facts.name):
        if tenant.provider:
            flows += _drops(provider_patches(tenant.name)[0], tenant)
    return dict(bridge=facts.integration_bridge, flows=sorted(flows, key=lambda f: f['match']))
