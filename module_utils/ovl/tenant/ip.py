# -*- coding: utf-8 -*-
"""Desired links, addresses, routes and namespaces of one host (input of the
``ip_state`` module).

``build_ip(tenants, host, tenant_tags, hosts, tunnel_mode='port')
-> {namespaces, links, addresses, routes}``, each list sorted.
Endpoint: namespace <endpoint>, veth ove<sha1[:10]> <-> eth0 (tenant MTU),
eth0 = ip/prefixlen, default via the gateway. Router (tenant with snat and an
endpoint here): namespace ovr-<t> with ip_forward, veth ovg-<t> <-> qr0
(gateway/prefixlen), veth ovu-<t> <-> qg0 on the transit /30 of slot
tenant_tags[t] (host end .1, router end .2), default via the host end.
With the netdev datapath every veth gets tx_offload: false (TCP breaks
otherwise). tunnel_mode kernel adds the vxlan devices.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.tenant.hosts import host_facts
from ansible.module_utils.ovl.tenant.names import (
    ENDPOINT_DEV, ROUTER_GW_DEV, ROUTER_UP_DEV, VXLAN_PORT, endpoint_port, gateway_leg,
    has_router, local_endpoints, router_ns, transit, uplink_leg)
from ansible.module_utils.ovl.tenant.ovs import check_mode, tunnels


def tag_of(tenant_tags, name):
    tags = tenant_tags or {}
    if name not in tags:
        raise InputError('tenant_tags', name, 'has no local VLAN tag (use the tenant_tags '
                         'returned by ovs_state)')
    return tags[name]


def _veth(name, peer, netns, mtu, netdev):
    link = dict(name=name, kind='veth', peer=peer, peer_netns=netns, state='up')
    if mtu is not None:
        link['mtu'] = mtu
    if netdev:
        link['tx_offload'] = False
    return link


def _router(tenant, tag, netdev, out):
    name, ns = tenant['name'], router_ns(tenant['name'])
    net, host_end, router_end = transit(tag)
    prefix = net.split('/')[1]
    out['namespaces'].append(dict(name=ns, sysctls={'net.ipv4.ip_forward': 1}))
    out['links'].append(_veth(gateway_leg(name), ROUTER_GW_DEV, ns, tenant['mtu'], netdev))
    out['links'].append(_veth(uplink_leg(name), ROUTER_UP_DEV, ns, None, netdev))
    out['addresses'].extend([
        dict(netns=ns, dev=ROUTER_GW_DEV, address='%s/%d' % (tenant['gateway'],
                                                              tenant['prefixlen'])),
        dict(netns=ns, dev=ROUTER_UP_DEV, address='%s/%s' % (router_end, prefix)),
        dict(dev=uplink_leg(name), address='%s/%s' % (host_end, prefix)),
    ])
    out['routes'].append(dict(netns=ns, dst='default', via=host_end))


def _vxlan_links(tenants, host, hosts, out):
    for tenant, name, peer, own in tunnels(tenants, host, hosts):
        link = dict(name=name, kind='vxlan', id=tenant['vni'], remote=peer['underlay_ip'],
                    local=own['underlay_ip'], dstport=VXLAN_PORT, learning=False,
                    mtu=tenant['mtu'], state='up')
        if own['underlay_interface']:
            link['dev'] = own['underlay_interface']
        out['links'].append(link)


def build_ip(tenants, host, tenant_tags, hosts, tunnel_mode='port'):
    check_mode(tunnel_mode)
    netdev = host_facts(hosts, host)['datapath_type'] == 'netdev'
    out = dict(namespaces=[], links=[], addresses=[], routes=[])
    for tenant in tenants:
        for ep in local_endpoints(tenant, host):
            out['namespaces'].append(dict(name=ep['name']))
            out['links'].append(_veth(endpoint_port(ep['name']), ENDPOINT_DEV, ep['name'],
                                      tenant['mtu'], netdev))
            out['addresses'].append(dict(netns=ep['name'], dev=ENDPOINT_DEV,
                                         address='%s/%d' % (ep['ip'], ep['prefixlen'])))
            out['routes'].append(dict(netns=ep['name'], dst='default', via=tenant['gateway']))
        if has_router(tenant, host):
            _router(tenant, tag_of(tenant_tags, tenant['name']), netdev, out)
    if tunnel_mode == 'kernel':
        _vxlan_links(tenants, host, hosts, out)
    return dict(
        namespaces=sorted(out['namespaces'], key=lambda n: n['name']),
        links=sorted(out['links'], key=lambda l: l['name']),
        addresses=sorted(out['addresses'], key=lambda a: (a.get('netns') or '', a['dev'],
                                                          a['address'])),
        routes=sorted(out['routes'], key=lambda r: (r.get('netns') or '', r['dst'])),
    )
