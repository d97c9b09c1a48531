# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The OVN northbound rows the tenant model asks for (pure).

``desired(nb, external, prefixlen, gateway_chassis) -> {table: {name: row}}``; a row
is ``{column: value}`` with the columns this project sets (``external_ids``
always holds ``ovl-owner``). Tables and names:

- ``Logical_Switch`` ``ovl-<tenant>``: ``other_config:requested-tnl-key`` =
  the VNI (the Geneve/VXLAN key on the wire);
- ``Logical_Switch_Port`` named by the endpoint's interface id (the uuid5
  of tenant/endpoint, ``ovl.tenant.endpoints.vm.iface_id``: the host sets
  it as ``external_ids:iface-id`` on the endpoint's OVS interface), with
  ``addresses`` and ``port_security`` "MAC IP" (no spoofing);
- ``Port_Group`` ``ovl_<vni>`` (port group names allow no '-') holding the
  tenant's endpoint ports, and its ``ACL``s, which give what the ovs backend
  gives: new connections out and between the tenant's own endpoints, the
  replies, and nothing else inbound (an OVN router routes unsolicited
  traffic to a switch unless an ACL drops it);
- per SNAT tenant: ``Logical_Router`` ``ovl-r-<tenant>`` with a port on the
  tenant switch (the gateway address) and one on the shared external switch
  ``ovl-ext`` (its ``localnet`` port reaches the underlay through br-phy:
  ``ovn-bridge-mappings ovl-ext:br-phy``), the external port's gateway
  chassis (the central host), ``snat`` of the subnet to the router's
  external address and a default route to ``overlay_ovn_external_gateway``;
- per floating address: a ``dnat_and_snat`` NAT of that router, distributed
  (``logical_port`` = the endpoint's port, ``external_mac`` its own): the
  chassis of the endpoint answers for the address on the underlay through
  its own br-phy and NATs there, not the gateway chassis; the endpoint's
  own connections leave as its floating address;
- per DHCP tenant with VM endpoints: ``DHCP_Options`` ``<tenant>/dhcp``
  (``cidr`` the subnet; ``server_id`` the gateway, ``server_mac`` the
  router's inside MAC, the lease time, the tenant's MTU, ``router`` the
  gateway with SNAT) and each VM's port pointing at it (``dhcp``: the key,
  ``dhcpv4_options`` in NB): ovn-controller answers a VM's DHCP on the
  VM's own chassis, from its port's address only (an unknown MAC has no
  port: no answer), as each host's dnsmasq does with the ovs backend;
- per SNAT tenant with published ports, per protocol: a ``Load_Balancer``
  ``ovl-lb-<tenant>-<proto>`` whose VIPs are the router's external address
  and each ``host_port``, its backend the endpoint's address and ``port``,
  on the router (from outside) AND on the tenant's switch (from the
  tenant's own endpoints: hairpin), and an ACL that lets in what reaches
  the endpoint's published port.

*nb*: the tenants as plain data (``ovl.tenant.ovn.build_nb``); *external*:
{tenant: its router's external address} (``addresses``); *prefixlen*: the
underlay network's prefix length on the gateway chassis; *gateway_chassis*:
the chassis name (system-id) of the central host.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress

from ansible.module_utils.ovl.core.marks import OWNER_KEY, TENANT_KEY

TABLES = ('DHCP_Options', 'Logical_Switch', 'Logical_Switch_Port', 'Port_Group', 'ACL', 'Logical_Router',
          'Logical_Router_Port', 'NAT', 'Logical_Router_Static_Route', 'Load_Balancer')
EXT_SWITCH = 'ovl-ext'
EXT_NETWORK = 'ovl-ext'           # ovn-bridge-mappings ovl-ext:br-phy
LOCALNET_PORT = 'ovl-ext-localnet'
# the key of a row with no name of its own (ACL, NAT, static route, DHCP)
KEY_ID = 'ovl-key'
# the lease time of OVN's DHCP answers (seconds): dnsmasq's with the ovs
# backend (``ovl.dhcp.server.LEASE_TIME``, 12h)
LEASE_SECONDS = 43200
VM_KIND = 'vm'


def switch_name(tenant):
    return 'ovl-%s' % tenant


def router_name(tenant):
    return 'ovl-r-%s' % tenant


def group_name(tenant):
    return 'ovl_%d' % tenant['vni']


def router_mac(tenant, leg):
    """A stable locally administered MAC per router leg (0a:..: ours)."""
    digest = hashlib.sha1(('%s/%s' % (tenant, leg)).encode()).hexdigest()
    return '0a:' + ':'.join(digest[i:i + 2] for i in range(0, 10, 2))


def _ids(owner, tenant=None, **more):
    ids = {OWNER_KEY: owner}
    if tenant is not None:
        ids[TENANT_KEY] = tenant
    ids.update(more)
    return ids


def acls(tenant, owner):
    """The tenant's ACLs, keyed by their ``ovl-acl`` id."""
    pg = group_name(tenant)
    rows = (
        ('out', 'from-lport', 1002, 'inport == @%s && ip4' % pg, 'allow-related'),
        ('own', 'to-lport', 1002, 'outport == @%s && ip4 && ip4.src == $%s_ip4' % (pg, pg),
         'allow-related'),
        ('drop', 'to-lport', 1001, 'outport == @%s && ip4' % pg, 'drop'),
    )
    # an endpoint with a floating address is offered outside on every port
    # (as with the ovs backend): what its router DNATs to it comes from any
    # source, so it is let in; OVN's switch ACLs cannot tell DNATed traffic
    # from other routed traffic, so its own address is open too
    rows += tuple(('fip:%s' % port['endpoint'], 'to-lport', 1002,
                   'outport == "%s" && ip4' % port['name'], 'allow-related')
                  for port in tenant['ports'] if port.get('floating_ip') and tenant['snat'])
    # a published port: what the load balancer sends it comes from any source
    rows += tuple(('pub:%s:%s:%d' % (port['endpoint'], item['proto'], item['port']), 'to-lport',
                   1002, 'outport == "%s" && %s && %s.dst == %d' % (
                       port['name'], item['proto'], item['proto'], item['port']), 'allow-related')
                  for port in tenant['ports'] if tenant['snat']
                  for item in port.get('publish') or [])
    name = tenant['name']
    return dict(('%s/%s' % (name, key),
                 dict(group=pg, direction=d, priority=p, match=m, action=a,
                      external_ids=_ids(owner, name, **{KEY_ID: '%s/%s' % (name, key)})))
                for key, d, p, m, a in rows)


def published(tenant, ext):
    """{proto: {"EXT:host_port": "IP:port"}}: the tenant's published ports
    on its router's external address *ext*."""
    out = {}
    for port in tenant['ports']:
        for item in port.get('publish') or []:
            out.setdefault(item['proto'], {})['%s:%d' % (ext, item['host_port'])] = '%s:%d' % (
                port['ip'], item['port'])
    return out


def _router(tenant, owner, ext, prefixlen, chassis, gateway, out):
    name = tenant['name']
    r = router_name(name)
    inside, outside = '%s-in' % r, '%s-ext' % r
    out['Logical_Router'][r] = dict(external_ids=_ids(owner, name))
    out['Logical_Router_Port'][inside] = dict(
        router=r, mac=router_mac(name, 'in'),
        networks=['%s/%d' % (tenant['gateway'], tenant['prefixlen'])],
        external_ids=_ids(owner, name))
    out['Logical_Router_Port'][outside] = dict(
        router=r, mac=router_mac(name, 'ext'), networks=['%s/%d' % (ext, prefixlen)],
        gateway_chassis=chassis, external_ids=_ids(owner, name))
    for switch, port, lrp in ((switch_name(name), '%s-r' % switch_name(name), inside),
                              (EXT_SWITCH, '%s-ext' % switch_name(name), outside)):
        out['Logical_Switch_Port'][port] = dict(
            switch=switch, type='router', addresses=['router'], port_security=[],
            options={'router-port': lrp}, dhcp=None, external_ids=_ids(owner, name))
    nat, route = '%s/snat' % name, '%s/default' % name
    out['NAT'][nat] = dict(
        router=r, type='snat', external_ip=ext, logical_ip=tenant['subnet'], logical_port=None,
        external_mac=None, external_ids=_ids(owner, name, **{KEY_ID: nat}))
    out['Logical_Router_Static_Route'][route] = dict(
        router=r, ip_prefix='0.0.0.0/0', nexthop=gateway,
        external_ids=_ids(owner, name, **{KEY_ID: route}))
    for proto, vips in sorted(published(tenant, ext).items()):
        out['Load_Balancer']['ovl-lb-%s-%s' % (name, proto)] = dict(
            router=r, switch=switch_name(name), protocol=proto, vips=vips,
            external_ids=_ids(owner, name))
    for port in tenant['ports']:
        if port.get('floating_ip'):
            key = '%s/fip:%s' % (name, port['endpoint'])
            out['NAT'][key] = dict(
                router=r, type='dnat_and_snat', external_ip=port['floating_ip'],
                logical_ip=port['ip'], logical_port=port['name'],
                external_mac=router_mac(name, 'fip:' + port['endpoint']),
                external_ids=_ids(owner, name, **{KEY_ID: key}))


def dhcp_key(tenant):
    return '%s/dhcp' % tenant['name']


def dhcp_options(tenant, owner):
    """The tenant's ``DHCP_Options`` row (what dnsmasq answers with the ovs
    backend: address and prefix, MTU, the gateway as router with SNAT)."""
    name = tenant['name']
    options = {'server_id': tenant['gateway'], 'server_mac': router_mac(name, 'in'),
               'lease_time': str(LEASE_SECONDS), 'mtu': str(tenant['mtu'])}
    if tenant['snat']:
        options['router'] = tenant['gateway']
    return dict(cidr=tenant['subnet'], options=options,
                external_ids=_ids(owner, name, **{KEY_ID: dhcp_key(tenant)}))


def _leased(tenant):
    """The ports of *tenant* that OVN's DHCP answers: its VMs, with DHCP."""
    return set(p['name'] for p in tenant['ports']
               if tenant.get('dhcp') and p.get('kind') == VM_KIND)


def desired(nb, external, prefixlen, gateway_chassis):
    """The NB rows of every tenant of *nb* (``ovl.tenant.ovn.build_nb``:
    owner, next_hop, tenants [{name, vni, subnet, prefixlen, gateway, snat,
    dhcp, mtu, ports: [{name, address, endpoint, kind, ip, floating_ip,
    publish}]}])."""
    owner = nb['owner']
    out = dict((t, {}) for t in TABLES)
    routed = False
    for tenant in nb['tenants']:
        name = tenant['name']
        ls = switch_name(name)
        out['Logical_Switch'][ls] = dict(
            other_config={'requested-tnl-key': str(tenant['vni'])}, external_ids=_ids(owner, name))
        leased = _leased(tenant)
        if leased:
            out['DHCP_Options'][dhcp_key(tenant)] = dhcp_options(tenant, owner)
        for port in tenant['ports']:
            out['Logical_Switch_Port'][port['name']] = dict(
                switch=ls, type='', addresses=[port['address']], port_security=[port['address']],
                options={}, dhcp=dhcp_key(tenant) if port['name'] in leased else None,
                external_ids=_ids(owner, name, **{'ovl-endpoint': port['endpoint']}))
        out['Port_Group'][group_name(tenant)] = dict(
            ports=sorted(p['name'] for p in tenant['ports']), external_ids=_ids(owner, name))
        out['ACL'].update(acls(tenant, owner))
        if tenant['snat']:
            routed = True
            _router(tenant, owner, external[name], prefixlen, gateway_chassis, nb['next_hop'], out)
    if routed:
        out['Logical_Switch'][EXT_SWITCH] = dict(other_config={}, external_ids=_ids(owner))
        out['Logical_Switch_Port'][LOCALNET_PORT] = dict(
            switch=EXT_SWITCH, type='localnet', addresses=['unknown'], port_security=[],
            options={'network_name': EXT_NETWORK}, dhcp=None, external_ids=_ids(owner))
    return out


def _span(text):
    first, last = (ipaddress.IPv4Address(p) for p in text.split('-'))
    return [str(ipaddress.IPv4Address(a)) for a in range(int(first), int(last) + 1)]


def addresses(tenants, pool, held):
    """{tenant: external address} for the SNAT *tenants* from the range
    *pool* (``FIRST-LAST``): a router keeps the address NB gives it now
    (*held*: {tenant: address}) while it is in the pool; a new one takes the
    lowest free address. ValueError naming the tenants left without one."""
    span = _span(pool) if pool else []
    inside = set(span)
    out = dict((t, held[t]) for t in tenants if held.get(t) in inside)
    free = [a for a in span if a not in set(out.values())]
    short = []
    for t in sorted(tenants):
        if t in out:
            continue
        if free:
            out[t] = free.pop(0)
        else:
            short.append(t)
    if short:
        raise ValueError('overlay_ovn_external_range: %r has no address left for the router of '
                         '%s (%d SNAT tenants)' % (pool, ', '.join(short), len(tenants)))
    return out
