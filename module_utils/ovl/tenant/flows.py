# -*- coding: utf-8 -*-
"""Flow-based tunnels (``overlay_tunnel_mode: flow``): desired OVS objects
and OpenFlow rules of one host, after Neutron's br-tun.

Objects (input of ``ovs_state``, see ``flow_ovs``):
- ``br-int`` stays a standalone (NORMAL, VLAN-aware) switch for local ports;
  patch port ``ovp-tun`` on it is a trunk of all tenant VLANs;
- ``br-tun`` (fail_mode secure: only our flows forward) holds the patch peer
  ``ovp-int`` and ONE VXLAN port per peer host (``vxf-<low 24 bits of the
  peer address>``, ``key=flow``, ``remote_ip=<peer>``), whatever the number
  of tenants. Peers: the hosts that carry at least one tenant of this host.

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

import ipaddress

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.tenant.hosts import host_facts
from ansible.module_utils.ovl.tenant.names import VXLAN_PORT, tenant_hosts

TUNNEL_BRIDGE = 'br-tun'
PATCH_INT = 'ovp-tun'      # on br-int, leads to br-tun
PATCH_TUN = 'ovp-int'      # on br-tun, leads to br-int
LEARNED_COOKIE = '0x0f1c800000000000'
LEARN_TIMEOUT = 300
UNICAST = '00:00:00:00:00:00/01:00:00:00:00:00'
MULTICAST = '01:00:00:00:00:00/01:00:00:00:00:00'


def tunnel_port(peer_ip):
    """``vxf-`` + low 24 bits of the peer address in hex (10 characters)."""
    return 'vxf-%06x' % (int(ipaddress.ip_address(peer_ip)) & 0xffffff)


def local_tenants(tenants, host):
    return [t for t in tenants if host in tenant_hosts(t)]


def peers(tenants, host, hosts):
    """{peer host: tunnel port name} for the hosts sharing a tenant with *host*."""
    names, seen = {}, {}
    for tenant in local_tenants(tenants, host):
        for other in tenant_hosts(tenant):
            if other == host or other in names:
                continue
            name = tunnel_port(host_facts(hosts, other)['underlay_ip'])
            if name in seen:
                raise InputError('%s: overlay_underlay_ip' % other, name,
                                 'is also the tunnel port name of %s (underlay addresses must '
                                 'differ in their last 24 bits)' % seen[name])
            seen[name] = other
            names[other] = name
    return names


def flow_ovs(tenants, host, hosts):
    """(extra bridges, extra ports) of flow mode for ovs_state."""
    facts = host_facts(hosts, host)
    own = facts['underlay_ip']
    bridges = [dict(name=TUNNEL_BRIDGE, datapath_type=facts['datapath_type'],
                    fail_mode='secure')]
    ports = [dict(name=PATCH_INT, bridge=facts['integration_bridge'], type='patch',
                  peer=PATCH_TUN),
             dict(name=PATCH_TUN, bridge=TUNNEL_BRIDGE, type='patch', peer=PATCH_INT)]
    for peer, name in sorted(peers(tenants, host, hosts).items()):
        ports.append(dict(name=name, bridge=TUNNEL_BRIDGE, type='vxlan',
                          options=dict(remote_ip=host_facts(hosts, peer)['underlay_ip'],
                                       key='flow', dst_port=str(VXLAN_PORT), local_ip=own)))
    return bridges, ports


def _flow(table, priority, actions, match=''):
    return dict(table=table, priority=priority, match=match, actions=actions)


def learn_action():
    return ('learn(table=20,hard_timeout=%d,priority=1,cookie=%s,NXM_OF_VLAN_TCI[0..11],'
            'NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],'
            'load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:%s'
            % (LEARN_TIMEOUT, LEARNED_COOKIE, PATCH_TUN))


def fixed_flows(tunnels):
    flows = [_flow(0, 1, 'resubmit(,2)', 'in_port=' + PATCH_TUN)]
    flows += [_flow(0, 1, 'resubmit(,4)', 'in_port=' + name) for name in sorted(tunnels)]
    flows += [_flow(0, 0, 'drop'),
              _flow(2, 1, 'resubmit(,20)', 'dl_dst=' + UNICAST),
              _flow(2, 1, 'resubmit(,22)', 'dl_dst=' + MULTICAST),
              _flow(2, 0, 'drop'),
              _flow(4, 0, 'drop'),
              _flow(10, 1, learn_action()),
              _flow(20, 0, 'resubmit(,22)'),
              _flow(22, 0, 'drop')]
    return flows


def tag_of(tenant_tags, name):
    if name not in (tenant_tags or {}):
        raise InputError('tenant_tags', name, 'has no local VLAN tag (use the tenant_tags '
                         'returned by ovs_state)')
    return tenant_tags[name]


def tenant_flows(tenant, tag, tunnels):
    """Ingress VNI -> tag; egress flood tag -> VNI to the carrying peers."""
    flows = [_flow(4, 1, 'mod_vlan_vid:%d,resubmit(,10)' % tag, 'tun_id=%d' % tenant['vni'])]
    if tunnels:
        outputs = ','.join('output:' + t for t in sorted(tunnels))
        flows.append(_flow(22, 1, 'strip_vlan,set_tunnel:%d,%s' % (tenant['vni'], outputs),
                           'dl_vlan=%d' % tag))
    return flows


def gateway_arp_flows(tenant, tag):
    """A tenant with SNAT has a router with the SAME gateway address on every
    host: ARP for/from the gateway never crosses a tunnel, so endpoints always
    use their own host's router (and SNAT to their own host's address)."""
    if not tenant.get('snat'):
        return []
    gw = tenant['gateway']
    return [_flow(2, 2, 'drop', 'arp,dl_vlan=%d,arp_%s=%s' % (tag, field, gw))
            for field in ('spa', 'tpa')] + \
           [_flow(4, 2, 'drop', 'arp,tun_id=%d,arp_%s=%s' % (tenant['vni'], field, gw))
            for field in ('spa', 'tpa')]


def build_flows(tenants, host, tenant_tags, hosts):
    """{bridge, flows} (input of ovs_flows) for *host*."""
    names = peers(tenants, host, hosts)
    flows = fixed_flows(names.values())
    for tenant in sorted(local_tenants(tenants, host), key=lambda t: t['vni']):
        carrying = [names[h] for h in tenant_hosts(tenant) if h != host]
        tag = tag_of(tenant_tags, tenant['name'])
        flows += tenant_flows(tenant, tag, carrying) + gateway_arp_flows(tenant, tag)
    return dict(bridge=TUNNEL_BRIDGE,
                flows=sorted(flows, key=lambda f: (f['table'], -f['priority'], f['match'])))
