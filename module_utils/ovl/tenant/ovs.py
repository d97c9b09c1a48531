# -*- coding: utf-8 -*-
"""Desired OVS state of one host (input of the ``ovs_state`` module).

``build_ovs(tenants, host, hosts, tunnel_mode='port') -> {bridges, ports}``
*tenants*: normalised tenants (the whole inventory); *hosts*: facts of EVERY
overlay host (tunnels are computed from the whole inventory, also under
--limit). Tunnels: for each tenant with an endpoint on *host*, one VXLAN port
per other host carrying an endpoint of the tenant.
tunnel_mode ``port``: OVS vxlan ports; ``kernel``: kernel vxlan devices (made
by ip_state, see ovl.tenant.ip) attached as ordinary ports; ``flow``: one
``key=flow`` VXLAN port per peer host on br-tun plus OpenFlow rules (see
ovl.tenant.flows).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.tenant.flows import flow_ovs
from ansible.module_utils.ovl.tenant.hosts import host_facts
from ansible.module_utils.ovl.tenant.names import (
    UPLINK_BRIDGE, VXLAN_PORT, endpoint_port, gateway_leg, has_router, local_endpoints,
    tenant_hosts, vxlan_port_names)

TUNNEL_MODES = ('port', 'kernel', 'flow')


def check_mode(tunnel_mode):
    if tunnel_mode not in TUNNEL_MODES:
        raise InputError('tunnel_mode', tunnel_mode, 'is not one of %s' % ', '.join(TUNNEL_MODES))


def tunnels(tenants, host, hosts):
    """[(tenant, port name, peer facts, own facts)] for *host*, sorted by name."""
    own = host_facts(hosts, host)
    out = []
    for tenant in tenants:
        present = tenant_hosts(tenant)
        if host not in present:
            continue
        peers = dict((host_facts(hosts, p)['underlay_ip'], host_facts(hosts, p))
                     for p in present if p != host)
        for peer_ip, name in sorted(vxlan_port_names(tenant['vni'], peers).items()):
            out.append((tenant, name, peers[peer_ip], own))
    return sorted(out, key=lambda item: item[1])


def _bridges(facts):
    datapath = facts['datapath_type']
    # standalone: with no controller the bridge is a normal (VLAN-aware) switch
    bridges = [dict(name=facts['integration_bridge'], datapath_type=datapath,
                    fail_mode='standalone')]
    if datapath == 'netdev':
        bridges.append(dict(name=UPLINK_BRIDGE, datapath_type=datapath, fail_mode='standalone'))
    return bridges


def _tunnel_ports(tenants, host, hosts, bridge, tunnel_mode):
    ports = []
    for tenant, name, peer, own in tunnels(tenants, host, hosts):
        if tunnel_mode == 'kernel':
            ports.append(dict(name=name, bridge=bridge, type='system', tenant=tenant['name']))
            continue
        ports.append(dict(name=name, bridge=bridge, type='vxlan', tenant=tenant['name'],
                          options=dict(remote_ip=peer['underlay_ip'], key=str(tenant['vni']),
                                       dst_port=str(VXLAN_PORT), local_ip=own['underlay_ip'])))
    return ports


def build_ovs(tenants, host, hosts, tunnel_mode='port'):
    check_mode(tunnel_mode)
    facts = host_facts(hosts, host)
    bridge = facts['integration_bridge']
    ports = []
    if facts['datapath_type'] == 'netdev':
        if not facts['underlay_interface']:
            raise InputError('%s: overlay_underlay_interface' % host, None,
                             'is required with overlay_datapath_type netdev (it moves to %s)'
                             % UPLINK_BRIDGE)
        ports.append(dict(name=facts['underlay_interface'], bridge=UPLINK_BRIDGE, type='system'))
    for tenant in tenants:
        for ep in local_endpoints(tenant, host):
            ports.append(dict(name=endpoint_port(ep['name']), bridge=bridge, type='system',
                              tenant=tenant['name']))
        if has_router(tenant, host):
            ports.append(dict(name=gateway_leg(tenant['name']), bridge=bridge, type='system',
                              tenant=tenant['name']))
    bridges = _bridges(facts)
    if tunnel_mode == 'flow':
        extra_bridges, extra_ports = flow_ovs(tenants, host, hosts)
        bridges += extra_bridges
        ports += extra_ports
    else:
        ports += _tunnel_ports(tenants, host, hosts, bridge, tunnel_mode)
    return dict(bridges=bridges,
                ports=sorted(ports, key=lambda p: (p['bridge'], p['name'])))
