# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the plugin knows of its host: written by the roles (one JSON file),
validated here before the plugin serves anything. Only the tenants listed
exist for the plugin: a request naming any other is refused.

    {"owner": "ovl", "bridge": "br-int", "netdev": true,
     "tenants": {"blue": {"subnet": "10.0.0.0/24", "gateway": "10.0.0.1",
                          "mtu": 1450, "tag": 3, "range": "10.0.0.128/26",
                          "reserved": ["10.0.0.11"]}}}

*range*: where addresses asked without ``--ip`` come from on this host
(default: the whole subnet); *reserved*: addresses the plugin never hands
out (the tenant's namespace endpoints, on any host)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import ipaddress

from ansible.module_utils.ovl.core import validate as v

Tenant = collections.namedtuple('Tenant', 'name subnet gateway mtu tag range reserved')
Config = collections.namedtuple('Config', 'owner bridge netdev tenants')


def _tenant(name, data, where):
    if not isinstance(data, dict):
        raise v.InputError(where, data, 'is not a mapping')
    v.label(name, where)
    subnet = ipaddress.ip_network(v.cidr(data.get('subnet'), where + '.subnet'))
    if subnet.version != 4:
        raise v.InputError(where + '.subnet', data.get('subnet'), 'is not an IPv4 network')
    gateway = ipaddress.ip_address(v.ip_address(data.get('gateway'), where + '.gateway'))
    if gateway not in subnet:
        raise v.InputError(where + '.gateway', data.get('gateway'), 'is not inside %s' % subnet)
    pool = subnet
    if data.get('range') is not None:
        pool = ipaddress.ip_network(v.cidr(data['range'], where + '.range'))
        if not pool.subnet_of(subnet):
            raise v.InputError(where + '.range', data['range'], 'is not inside %s' % subnet)
    reserved = data.get('reserved') or []
    if not isinstance(reserved, list):
        raise v.InputError(where + '.reserved', reserved, 'is not a list')
    return Tenant(name, subnet, gateway, v.mtu(data.get('mtu'), where + '.mtu'),
                  v.vlan_tag(data.get('tag'), where + '.tag'), pool,
                  frozenset(ipaddress.ip_address(v.ip_address(a, '%s.reserved[%d]' % (where, i)))
                            for i, a in enumerate(reserved)))


def load_config(data):
    """A Config from the decoded JSON; InputError naming the field."""
    if not isinstance(data, dict):
        raise v.InputError('config', data, 'is not a mapping')
    tenants = data.get('tenants') or {}
    if not isinstance(tenants, dict):
        raise v.InputError('tenants', tenants, 'is not a mapping')
    return Config(owner=v.owner_name(data.get('owner', 'ovl')),
                  bridge=v.ifname(data.get('bridge', 'br-int'), 'bridge'),
                  netdev=bool(data.get('netdev')),
                  tenants=dict((name, _tenant(name, t, 'tenants.%s' % name))
                               for name, t in sorted(tenants.items())))
