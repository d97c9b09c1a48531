# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Desired links, addresses, routes and namespaces of one host (input of the
``ip_state`` module).

``build_ip(inventory, facts, tags) -> {namespaces, links, addresses, routes}``,
each list sorted.

- Endpoint: namespace <endpoint>, veth ove<sha1[:10]> <-> eth0 (tenant MTU),
  eth0 = ip/prefixlen, default via the gateway.
- Router (tenant with snat and an endpoint here): namespace ovr-<t> with
  ip_forward, veth ovg-<t> <-> qr0 (gateway/prefixlen), veth ovu-<t> <-> qg0
  on the transit /30 of slot tags[t] (host end .1, router end .2), default
  via the host end.
- With the netdev datapath every veth gets tx_offload: false (TCP breaks
  otherwise).
- The end of every veth inside a namespace (eth0, qr0, qg0) gets a fixed
  Ethernet address (``names.interface_mac``): made again after a reboot or by
  hand, it keeps its address, so peers on other hosts and the router do not
  hold a stale ARP entry (traffic to it would be lost until the entry fails,
  ~8 s with Linux's defaults). An endpoint's address follows the endpoint,
  not the host (``names.endpoint_mac``): moved to another host it keeps its
  MAC, as a Neutron port does; its peers learn the new place from its
  gratuitous ARP (``announcements``, ``ovl.ip.garp``).
- Tunnel mode ``kernel``: one VXLAN device per tenant with peers
  (``vx<vni hex>``, learning on) whose flood list is exactly the tenant's
  other hosts: head-end replication, one port per tenant on br-int.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.names import (
    ENDPOINT_DEV, ROUTER_GW_DEV, ROUTER_UP_DEV, endpoint_mac, endpoint_port, gateway_leg,
    interface_mac, router_ns, tag_of, transit, uplink_leg)
from ansible.module_utils.ovl.tenant.topology import tunnels


def _veth(facts, name, peer, netns, mtu, mac=None):
    link = dict(name=name, kind='veth', peer=peer, peer_netns=netns, state='up',
                peer_address=mac or interface_mac(facts.owner, facts.name, netns, peer))
    if mtu is not None:
        link['mtu'] = mtu
    if facts.netdev:
        link['tx_offload'] = False
    return link


def _router(facts, tenant, tag, out):
    name, ns = tenant.name, router_ns(tenant.name)
    net, host_end, router_end = transit(tag)
    prefix = net.split('/')[1]
    out['namespaces'].append(dict(name=ns, sysctls={'net.ipv4.ip_forward': 1}))
    out['links'].append(_veth(facts, gateway_leg(name), ROUTER_GW_DEV, ns, tenant.mtu))
    out['links'].append(_veth(facts, uplink_leg(name), ROUTER_UP_DEV, ns, None))
    out['addresses'].extend([
        dict(netns=ns, dev=ROUTER_GW_DEV, address='%s/%d' % (tenant.gateway, tenant.prefixlen)),
        dict(netns=ns, dev=ROUTER_UP_DEV, address='%s/%s' % (router_end, prefix)),
        dict(dev=uplink_leg(name), address='%s/%s' % (host_end, prefix)),
    ])
    out['routes'].append(dict(netns=ns, dst='default', via=host_end))


def _kernel_devices(inventory, facts):
    return [dict(name=t.name, kind=t.type.kernel_kind, id=t.tenant.vni, local=facts.underlay_ip,
                 dstport=t.type.udp_port, learning=True, mtu=t.tenant.mtu, state='up',
                 flood=[p.underlay_ip for p in t.peers])
            for t in tunnels(inventory, facts.name, 'kernel')]


def build_ip(inventory, facts, tags):
    host = facts.name
    out = dict(namespaces=[], links=[], addresses=[], routes=[])
    for tenant in inventory.tenants_on(host):
        for ep in tenant.endpoints_on(host):
            out['namespaces'].append(dict(name=ep.name))
            out['links'].append(_veth(facts, endpoint_port(ep.name), ENDPOINT_DEV, ep.name,
                                      tenant.mtu, endpoint_mac(facts.owner, ep.name)))
            out['addresses'].append(dict(netns=ep.name, dev=ENDPOINT_DEV,
                                         address='%s/%d' % (ep.ip, ep.prefixlen)))
            out['routes'].append(dict(netns=ep.name, dst='default', via=tenant.gateway))
        if tenant.has_router(host):
            _router(facts, tenant, tag_of(tags, tenant.name), out)
    if facts.tunnel_mode == 'kernel':
        out['links'] += _kernel_devices(inventory, facts)
    return dict(
        namespaces=sorted(out['namespaces'], key=lambda n: n['name']),
        links=sorted(out['links'], key=lambda l: l['name']),
        addresses=sorted(out['addresses'], key=lambda a: (a.get('netns') or '', a['dev'],
                                                          a['address'])),
        routes=sorted(out['routes'], key=lambda r: (r.get('netns') or '', r['dst'])),
    )


def announcements(inventory, facts):
    """[{netns, dev, address, port}] of every endpoint on the host: what it
    announces (gratuitous ARP) when the ip layer made or changed it."""
    return [dict(netns=ep.name, dev=ENDPOINT_DEV, address=ep.ip, port=endpoint_port(ep.name))
            for tenant in inventory.tenants_on(facts.name)
            for ep in tenant.endpoints_on(facts.name)]
