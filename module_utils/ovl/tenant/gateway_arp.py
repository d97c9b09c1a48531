# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Keep gateway ARP on its own host (tunnel modes ``port`` and ``kernel``).

Every host has a router holding the SAME gateway address for a SNAT tenant.
ARP for or from the gateway arriving on one of the tenant's tunnel ports is
dropped on br-int, so an endpoint only ever learns its own host's router and
its traffic leaves with its own host's address (measured without it: an
endpoint on host1 kept host2's router MAC, and its SNAT left from host2).
In ``flow`` mode the same rule lives on br-tun (ovl.tenant.flows.gateway_arp_flows)
and br-int holds none, so switching modes prunes these.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.topology import tunnels


def build_int_flows(inventory, facts):
    """{bridge, flows} (input of ovs_flows) for the integration bridge."""
    flows = []
    if facts.tunnel_mode != 'flow':
        for tunnel in tunnels(inventory, facts.name, facts.tunnel_mode):
            if not tunnel.tenant.snat:
                continue
            for field in ('spa', 'tpa'):
                flows.append(dict(table=0, priority=100, actions='drop',
                                  match='arp,in_port=%s,arp_%s=%s'
                                  % (tunnel.name, field, tunnel.tenant.gateway)))
    return dict(bridge=facts.integration_bridge, flows=sorted(flows, key=lambda f: f['match']))
