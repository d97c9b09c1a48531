# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Keep gateway ARP on its own host (tunnel modes ``port`` and ``kernel``).

Every host has a router holding the SAME gateway address for a SNAT tenant.
ARP for or from the gateway arriving on one of the tenant's tunnel ports is
dropped on br-int, so an endpoint only ever learns its own host's router and
its traffic leaves with its own host's address (measured without it: an
endpoint on host1 kept host2's router MAC, and its SNAT left from host2).
A DHCP tenant's DHCP (udp 67 and 68) arriving on one of its tunnel ports is
dropped the same way: each host's DHCP server serves that host's endpoints.
In ``flow`` mode the same rules live on br-tun (ovl.tenant.flows.gateway_arp_flows)
and br-int holds none, so switching modes prunes these.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.flows import DHCP_PORTS
from ansible.module_utils.ovl.tenant.topology import tunnels


def build_int_flows(inventory, facts):
    """{bridge, flows} (input of ovs_flows) for the integration bridge."""
    flows = []
    if facts.tunnel_mode != 'flow':
        for tunnel in tunnels(inventory, facts.name, facts.tunnel_mode):
            tenant = tunnel.tenant
            if not (tenant.snat or tenant.dhcp):
                continue
            for field in ('spa', 'tpa'):
                flows.append(dict(table=0, priority=100, actions='drop',
                                  match='arp,in_port=%s,arp_%s=%s'
                                  % (tunnel.name, field, tenant.gateway)))
            if tenant.dhcp:
                flows.extend(dict(table=0, priority=100, actions='drop',
                                  match='udp,in_port=%s,tp_dst=%d' % (tunnel.name, port))
                             for port in DHCP_PORTS)
    return dict(bridge=facts.integration_bridge, flows=sorted(flows, key=lambda f: f['match']))
