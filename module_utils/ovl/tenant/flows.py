# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Flow-based tunnels (``overlay_tunnel_mode: flow``): desired OVS objects
and OpenFlow rules of one host, after Neutron's br-tun.

Objects (input of ``ovs_state``):
- ``br-int`` stays a standalone (NORMAL, VLAN-aware) switch for local ports;
  patch port ``ovp-tun`` on it is a trunk of all tenant VLANs;
- ``br-tun`` (fail_mode secure: only our flows forward) holds the patch peer
  ``ovp-int`` and ONE tunnel port per peer host and tunnel type
  (``vxf-<low 24 bits of the peer address>`` for VXLAN, ``key=flow``,
  ``remote_ip=<peer>``), whatever the number of tenants. Peers: the hosts
  that carry at least one tenant of this host; types: those of the tenants
  shared with that peer.
  (Both are made by ``ovl.tenant.ovs``; this module builds the rules.)

Pipeline on br-tun (``flows``; every flow gets the project cookie from
the ovs_flows module):

====== ================================= =====================================
table  match                             actions
====== ================================= =====================================
0      in_port=ovp-int                   resubmit(,2)        from br-int
0      in_port=<tunnel>                  resubmit(,4)        from a peer
0      (priority 0)                      drop
2      arp for/from the SNAT gateway     drop (prio 2; each host has its router)
2      dl_dst unicast                    resubmit(,20)
2      dl_dst multicast/broadcast        resubmit(,22)
4      arp for/from the SNAT gateway     drop (prio 2)
4      tun_id=<vni>                      mod_vlan_vid:<local tag>, resubmit(,10)
4      (priority 0)                      drop                unknown VNI
10     (any)                             learn MAC -> (VNI, tunnel) into table
                                         20, output:ovp-int  (never back to a
                                         tunnel: split horizon)
20     learned dl_vlan+dl_dst            strip_vlan, tun_id, output:<tunnel>
20     (priority 0)                      resubmit(,22)       unknown unicast
22     dl_vlan=<local tag>               strip_vlan, set_tunnel:<vni>,
                                         output:<tunnels of the peers that
                                         carry the tenant>
22     (priority 0)                      drop
====== ================================= =====================================

Isolation: a tenant's frames enter br-tun tagged with its local VLAN only,
leave with its VNI only, and come back into br-int tagged with the local VLAN
of that VNI only; a VNI not carried here is dropped. Learned flows carry the
project cookie with bit 47 set and are flushed when the static rules change.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.marks import COOKIE_LEARNED
from ansible.module_utils.ovl.tenant.names import PATCH_TUN, TUNNEL_BRIDGE, tag_of
from ansible.module_utils.ovl.tenant.topology import tunnelled, tunnels

LEARNED_COOKIE = '0x%016x' % COOKIE_LEARNED
LEARN_TIMEOUT = 300
UNICAST = '00:00:00:00:00:00/01:00:00:00:00:00'
MULTICAST = '01:00:00:00:00:00/01:00:00:00:00:00'


def _flow(table, priority, actions, match=''):
    return dict(table=table, priority=priority, match=match, actions=actions)


def learn_action():
    return ('learn(table=20,hard_timeout=%d,priority=1,cookie=%s,NXM_OF_VLAN_TCI[0..11],'
            'NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],'
            'load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:%s'
            % (LEARN_TIMEOUT, LEARNED_COOKIE, PATCH_TUN))


def fixed_flows(ports):
    flows = [_flow(0, 1, 'resubmit(,2)', 'in_port=' + PATCH_TUN)]
    flows += [_flow(0, 1, 'resubmit(,4)', 'in_port=' + name) for name in sorted(ports)]
    flows += [_flow(0, 0, 'drop'),
              _flow(2, 1, 'resubmit(,20)', 'dl_dst=' + UNICAST),
              _flow(2, 1, 'resubmit(,22)', 'dl_dst=' + MULTICAST),
              _flow(2, 0, 'drop'),
              _flow(4, 0, 'drop'),
              _flow(10, 1, learn_action()),
              _flow(20, 0, 'resubmit(,22)'),
              _flow(22, 0, 'drop')]
    return flows


def tenant_flows(tenant, tag, ports):
    """Ingress VNI -> tag; egress flood tag -> VNI to the carrying peers."""
    flows = [_flow(4, 1, 'mod_vlan_vid:%d,resubmit(,10)' % tag, 'tun_id=%d' % tenant.vni)]
    if ports:
        outputs = ','.join('output:' + p for p in sorted(ports))
        flows.append(_flow(22, 1, 'strip_vlan,set_tunnel:%d,%s' % (tenant.vni, outputs),
                           'dl_vlan=%d' % tag))
    return flows


DHCP_PORTS = (67, 68)


def gateway_arp_flows(tenant, tag):
    """A tenant with SNAT (or DHCP) has a router with the SAME gateway address
    on every host: ARP for/from the gateway never crosses a tunnel, so
    endpoints always use their own host's router (and SNAT to their own
    host's address). A DHCP tenant's DHCP (udp 67, 68) never crosses one
    either: each host serves its own endpoints."""
    if not (tenant.snat or tenant.dhcp):
        return []
    gw = tenant.gateway
    flows = [_flow(2, 2, 'drop', 'arp,dl_vlan=%d,arp_%s=%s' % (tag, field, gw))
             for field in ('spa', 'tpa')] + \
        [_flow(4, 2, 'drop', 'arp,tun_id=%d,arp_%s=%s' % (tenant.vni, field, gw))
         for field in ('spa', 'tpa')]
    if tenant.dhcp:
        flows += [_flow(2, 2, 'drop', 'udp,dl_vlan=%d,tp_dst=%d' % (tag, port)) for port in DHCP_PORTS]
        flows += [_flow(4, 2, 'drop', 'udp,tun_id=%d,tp_dst=%d' % (tenant.vni, port))
                  for port in DHCP_PORTS]
    return flows


def build_flows(inventory, facts, tags):
    """{bridge, flows} (input of ovs_flows) for br-tun of *facts*' host."""
    ports = tunnels(inventory, facts.name, 'flow')
    port_of = dict(((t.peers[0].name, t.type.name), t.name) for t in ports)
    flows = fixed_flows(port_of.values())
    for tenant in sorted(tunnelled(inventory, facts.name), key=lambda t: t.vni):
        carrying = [port_of[(h, tenant.tunnel_type)] for h in tenant.hosts if h != facts.name]
        tag = tag_of(tags, tenant.name)
        flows += tenant_flows(tenant, tag, carrying) + gateway_arp_flows(tenant, tag)
    return dict(bridge=TUNNEL_BRIDGE,
                flows=sorted(flows, key=lambda f: (f['table'], -f['priority'], f['match'])))
