# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``dhcp`` layer's input, validated: ``servers`` is a list of

``{tenant, netns, interface, subnet, address, router, mtu, hosts}``:
the server of *tenant* runs in namespace *netns* on *interface*, which holds
*address* (the tenant's gateway) in *subnet*; it hands out *router* as the
default gateway (None: none, the tenant has no way out) and *mtu*, forced
(clients do not always ask), and leases to *hosts* only:
``[{mac, ip, name}]`` (static: an unknown MAC gets nothing).

``normalize(servers) -> {tenant: server}``: InputError naming the field.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible.module_utils.ovl.core.validate import InputError, ifname

MAC = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}\Z')
TENANT = re.compile(r'^[a-z][a-z0-9-]{0,9}\Z')

ARGUMENT_SPEC = dict(
    servers=dict(type='list', elements='dict', default=[]),
    owner=dict(type='str', default='ovl'),
    prune=dict(type='bool', default=True),
)


def _address(value, field, net=None):
    try:
        addr = ipaddress.IPv4Address(value)
    except (ValueError, TypeError):
        raise InputError(field, value, 'is not an IPv4 address')
    if net is not None and addr not in net:
        raise InputError(field, value, 'is not inside %s' % net)
    return str(addr)


def _server(item, field):
    if not isinstance(item, dict):
        raise InputError(field, item, 'is not a mapping')
    tenant = item.get('tenant')
    if not isinstance(tenant, str) or not TENANT.match(tenant):
        raise InputError(field + '.tenant', tenant, 'is not a tenant name')
    try:
        net = ipaddress.IPv4Network(item.get('subnet'))
    except (ValueError, TypeError):
        raise InputError(field + '.subnet', item.get('subnet'), 'is not an IPv4 network')
    mtu = item.get('mtu')
    if isinstance(mtu, bool) or not isinstance(mtu, int) or not 68 <= mtu <= 65535:
        raise InputError(field + '.mtu', mtu, 'is not an MTU (68-65535)')
    hosts, seen = [], set()
    for index, host in enumerate(item.get('hosts') or []):
        where = '%s.hosts[%d]' % (field, index)
        mac = str((host or {}).get('mac') or '').lower()
        if not MAC.match(mac):
            raise InputError(where + '.mac', (host or {}).get('mac'), 'is not an Ethernet address')
        if mac in seen:
            raise InputError(where + '.mac', mac, 'is listed twice')
        seen.add(mac)
        name = ifname(host.get('name'), where + '.name')
        hosts.append(dict(mac=mac, ip=_address(host.get('ip'), where + '.ip', net), name=name))
    router = item.get('router')
    return dict(tenant=tenant, netns=ifname(item.get('netns'), field + '.netns'),
                interface=ifname(item.get('interface'), field + '.interface'),
                subnet=str(net), address=_address(item.get('address'), field + '.address', net),
                router=None if router is None else _address(router, field + '.router', net),
                mtu=mtu, hosts=sorted(hosts, key=lambda h: h['mac']))


def normalize(servers):
    out = {}
    for index, item in enumerate(servers or []):
        server = _server(item, 'servers[%d]' % index)
        if server['tenant'] in out:
            raise InputError('servers[%d].tenant' % index, server['tenant'], 'is listed twice')
        out[server['tenant']] = server
    return out
