# -*- coding: utf-8 -*-
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

from ansible.module_utils.ovl.tenant.hosts import host_facts
from ansible.module_utils.ovl.tenant.ovs import tunnels


def build_int_flows(tenants, host, hosts, tunnel_mode='port'):
    """{bridge, flows} (input of ovs_flows) for the integration bridge."""
    flows = []
    if tunnel_mode != 'flow':
        for tenant, port, _peer, _own in tunnels(tenants, host, hosts):
            if not tenant.get('snat'):
                continue
            for field in ('spa', 'tpa'):
                flows.append(dict(table=0, priority=100, actions='drop',
                                  match='arp,in_port=%s,arp_%s=%s'
                                  % (port, field, tenant['gateway'])))
    return dict(bridge=host_facts(hosts, host)['integration_bridge'],
                flows=sorted(flows, key=lambda f: f['match']))
