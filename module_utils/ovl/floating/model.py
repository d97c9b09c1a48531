# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``floating`` layer's input, validated:

- ``addresses``: ``[{address, dev, owner}]``: *address* (IPv4) held as a
  /32 by *dev* (the host's uplink); *owner* names the endpoint (shown in
  changes);
- ``routes``: ``[{dst, via, dev}]``: a NAT address (a /32 inside
  ``NAT_POOL``) routed via the router's transit end on its uplink leg.

``normalize(params) -> {addresses: {address: (dev, owner)}, routes: {dst:
(via, dev)}}``; InputError naming the field and the value.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.core.marks import FLOATING_DIR, NAT_POOL
from ansible.module_utils.ovl.core.validate import InputError, ifname

ARGUMENT_SPEC = dict(
    addresses=dict(type='list', elements='dict', default=[]),
    routes=dict(type='list', elements='dict', default=[]),
    mark_dir=dict(type='str', default=FLOATING_DIR),
    owner=dict(type='str', default='ovl'),
    prune=dict(type='bool', default=True),
)
POOL = ipaddress.ip_network(NAT_POOL)


def _v4(value, field):
    try:
        return ipaddress.IPv4Address(value)
    except (ValueError, TypeError):
        raise InputError(field, value, 'is not an IPv4 address')


def normalize(params):
    addresses, routes = {}, {}
    for i, item in enumerate(params.get('addresses') or []):
        field = 'addresses[%d]' % i
        addr = _v4(item.get('address'), field + '.address')
        if addr in POOL or addr.is_loopback or addr.is_multicast or addr.is_unspecified:
            raise InputError(field + '.address', item.get('address'), 'is not an address to '
                             'offer outside')
        if str(addr) in addresses:
            raise InputError(field + '.address', item.get('address'), 'is listed twice')
        addresses[str(addr)] = (ifname(item.get('dev'), field + '.dev'),
                                str(item.get('owner') or ''))
    for i, item in enumerate(params.get('routes') or []):
        field = 'routes[%d]' % i
        try:
            dst = ipaddress.IPv4Network(item.get('dst'))
        except (ValueError, TypeError):
            raise InputError(field + '.dst', item.get('dst'), 'is not an IPv4 network')
        if dst.prefixlen != 32 or not dst.subnet_of(POOL):
            raise InputError(field + '.dst', item.get('dst'), 'is not a /32 inside %s (the NAT '
                             'addresses of floating addresses)' % POOL)
        if str(dst) in routes:
            raise InputError(field + '.dst', item.get('dst'), 'is listed twice')
        routes[str(dst)] = (str(_v4(item.get('via'), field + '.via')),
                            ifname(item.get('dev'), field + '.dev'))
    return dict(addresses=addresses, routes=routes, mark_dir=params.get('mark_dir') or FLOATING_DIR)
