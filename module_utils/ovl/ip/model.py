# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Desired state of links, addresses, routes and namespaces: validation and
normalisation of module input into plain dicts the planner understands.

Every checker raises ``InputError`` naming the option (``mtu`` for the
per-object modules, ``links[2].mtu`` for ``ip_state``) and the value.
Nothing here touches the machine.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible.module_utils.ovl.core import tunnels
from ansible.module_utils.ovl.core.marks import DEFAULT_OWNER, MARK_DIR
from ansible.module_utils.ovl.core.validate import (
    InputError, cidr, ifname, ip_address, ip_interface, mac_address, mtu, netns_name, owner_name,
    port_number, vni)

SYSCTL_KEY_RE = re.compile(r'^[A-Za-z0-9_-]+([./][A-Za-z0-9_.-]+)+\Z')
SYSCTL_VALUE_RE = re.compile(r'^[A-Za-z0-9_.:, \t-]{1,128}\Z')
MARK_DIR_RE = re.compile(r'^/[A-Za-z0-9_./-]*\Z')
LINK_KINDS = ('veth',) + tunnels.KERNEL_KINDS
LINK_STATES = ('present', 'up', 'down', 'absent')
VXLAN_ONLY = ('id', 'remote', 'local', 'dev', 'learning', 'flood')
METRIC_MAX = 4294967295
DEFAULT_DSTPORT = tunnels.VXLAN.udp_port

# argument_spec suboptions shared by the per-object modules and ip_state.
LINK_OPTIONS = dict(
    name=dict(type='str', required=True),
    kind=dict(type='str', choices=list(LINK_KINDS)),
    netns=dict(type='str'),
    peer=dict(type='str'),
    peer_netns=dict(type='str'),
    id=dict(type='int', aliases=['vni']),
    remote=dict(type='str'),
    local=dict(type='str'),
    dev=dict(type='str'),
    dstport=dict(type='int'),
    learning=dict(type='bool'),
    flood=dict(type='list', elements='str'),
    mtu=dict(type='int'),
    state=dict(type='str', default='up', choices=list(LINK_STATES)),
    tx_offload=dict(type='bool'),
    address=dict(type='str'),
    peer_address=dict(type='str'),
)
ADDRESS_OPTIONS = dict(
    dev=dict(type='str', required=True),
    address=dict(type='list', elements='str', required=True, aliases=['addresses']),
    netns=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    exact=dict(type='bool', default=False),
)
ROUTE_OPTIONS = dict(
    dst=dict(type='str', required=True),
    via=dict(type='str'),
    dev=dict(type='str'),
    metric=dict(type='int'),
    netns=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)
NAMESPACE_OPTIONS = dict(
    name=dict(type='str', required=True),
    sysctls=dict(type='dict', default={}),
    state=dict(type='str', default='present', choices=['present', 'absent']),
)


def _f(prefix, name):
    return '%s.%s' % (prefix, name) if prefix else name


def mark_dir_path(value, field='mark_dir'):
    if not isinstance(value, str) or not MARK_DIR_RE.match(value) or '..' in value:
        raise InputError(field, value, 'is not an absolute directory path')
    return value.rstrip('/') or '/'


def norm_link(item, prefix=''):
    """Validate one link dict; return it normalised (all keys present)."""
    item = dict(item)
    name = ifname(item.get('name'), _f(prefix, 'name'))
    state = item.get('state') or 'up'
    if state not in LINK_STATES:
        raise InputError(_f(prefix, 'state'), state, 'is not one of %s' % ', '.join(LINK_STATES))
    kind = item.get('kind')
    out = dict(name=name, state=state, kind=kind,
               netns=netns_name(item.get('netns'), _f(prefix, 'netns')),
               peer=None, peer_netns=None, id=None, remote=None, local=None, dev=None,
               dstport=None, learning=item.get('learning'), flood=None, mtu=None,
               tx_offload=item.get('tx_offload'), address=None, peer_address=None)
    if state == 'absent':
        return out
    if item.get('address') is not None:
        out['address'] = mac_address(item['address'], _f(prefix, 'address'))
    if kind not in LINK_KINDS:
        raise InputError(_f(prefix, 'kind'), kind, 'must be one of %s' % ', '.join(LINK_KINDS))
    if item.get('mtu') is not None:
        out['mtu'] = mtu(item['mtu'], _f(prefix, 'mtu'))
    if kind == 'veth':
        for key in VXLAN_ONLY + ('dstport',):
            if item.get(key) is not None:
                raise InputError(_f(prefix, key), item[key], 'is only for kind vxlan')
        out['peer'] = ifname(item.get('peer'), _f(prefix, 'peer'))
        if out['peer'] == name:
            raise InputError(_f(prefix, 'peer'), out['peer'],
                             'equals the link name; a veth needs two different names')
        out['peer_netns'] = netns_name(item.get('peer_netns'), _f(prefix, 'peer_netns'))
        if item.get('peer_address') is not None:
            out['peer_address'] = mac_address(item['peer_address'], _f(prefix, 'peer_address'))
            if out['peer_address'] == out['address']:
                raise InputError(_f(prefix, 'peer_address'), item['peer_address'],
                                 'equals address; the two ends of a veth need different addresses')
        return out
    for key in ('peer', 'peer_netns', 'tx_offload', 'peer_address'):
        if item.get(key) is not None:
            raise InputError(_f(prefix, key), item[key], 'is only for kind veth')
    if item.get('id') is None:
        raise InputError(_f(prefix, 'id'), None, 'is required for kind vxlan (1-16777215)')
    out['id'] = vni(item['id'], _f(prefix, 'id'))
    for key in ('remote', 'local'):
        if item.get(key) not in (None, ''):
            out[key] = ip_address(item[key], _f(prefix, key))
    if item.get('dev') not in (None, ''):
        out['dev'] = ifname(item['dev'], _f(prefix, 'dev'))
    port = item.get('dstport')
    out['dstport'] = port_number(DEFAULT_DSTPORT if port is None else port, _f(prefix, 'dstport'))
    if item.get('flood') is not None:
        out['flood'] = flood_list(item['flood'], _f(prefix, 'flood'))
    return out


def flood_list(values, field):
    """Remote addresses of a vxlan device's head-end replication list (the
    all-zeros FDB entries): sorted, unique; [] empties the list."""
    if not isinstance(values, (list, tuple)):
        raise InputError(field, values, 'is not a list of addresses')
    found = set()
    for index, value in enumerate(values):
        found.add(ip_address(value, '%s[%d]' % (field, index)))
    return sorted(found)


def norm_address(item, prefix=''):
    """One (netns, dev) address group: ``addresses`` is a sorted list."""
    values = item.get('address')
    if values is None:
        values = item.get('addresses')
    if isinstance(values, str):
        values = [values]
    if not values and item.get('state', 'present') == 'present' and not item.get('exact'):
        raise InputError(_f(prefix, 'address'), values, 'is required (e.g. 10.0.0.1/24)')
    addrs = []
    for index, value in enumerate(values or []):
        field = _f(prefix, 'address') if len(values) == 1 else '%s[%d]' % (_f(prefix, 'address'), index)
        addr = ip_interface(value, field)
        if addr not in addrs:
            addrs.append(addr)
    state = item.get('state') or 'present'
    if state not in ('present', 'absent'):
        raise InputError(_f(prefix, 'state'), state, 'is not one of present, absent')
    return dict(netns=netns_name(item.get('netns'), _f(prefix, 'netns')),
                dev=ifname(item.get('dev'), _f(prefix, 'dev')),
                addresses=sorted(addrs), state=state, exact=bool(item.get('exact')))


def group_addresses(items, prefix='addresses'):
    """ip_state: merge entries per (netns, dev); each group's set is exact."""
    groups = {}
    for index, item in enumerate(items or []):
        one = norm_address(dict(item, exact=True), '%s[%d]' % (prefix, index))
        key = (one['netns'], one['dev'])
        if key in groups:
            merged = set(groups[key]['addresses']) | set(one['addresses'])
            groups[key]['addresses'] = sorted(merged)
        else:
            groups[key] = one
    return [groups[key] for key in sorted(groups, key=lambda k: (k[0] or '', k[1]))]


def route_family(dst, via):
    if dst != 'default':
        return ipaddress.ip_network(dst).version
    return ipaddress.ip_address(via).version if via else 4


def norm_route(item, prefix=''):
    raw = item.get('dst')
    field = _f(prefix, 'dst')
    if raw in ('default', '0.0.0.0/0'):
        dst = 'default'
    elif raw in ('::/0',):
        dst = 'default'
    elif isinstance(raw, str) and '/' not in raw:
        dst = cidr(ip_address(raw, field) + ('/128' if ':' in raw else '/32'), field)
    else:
        dst = cidr(raw, field)
    via = ip_address(item['via'], _f(prefix, 'via')) if item.get('via') else None
    if raw == '::/0':
        family = 6
    else:
        family = route_family(dst, via)
    if via and ipaddress.ip_address(via).version != family:
        raise InputError(_f(prefix, 'via'), via, 'is not of the same IP family as dst %s' % raw)
    dev = ifname(item['dev'], _f(prefix, 'dev')) if item.get('dev') else None
    state = item.get('state') or 'present'
    if state not in ('present', 'absent'):
        raise InputError(_f(prefix, 'state'), state, 'is not one of present, absent')
    if state == 'present' and not via and not dev:
        raise InputError(_f(prefix, 'via'), None, 'or dev is required for a route')
    metric = item.get('metric')
    if metric is not None:
        if isinstance(metric, bool) or not isinstance(metric, int) or not 0 <= metric <= METRIC_MAX:
            raise InputError(_f(prefix, 'metric'), metric, 'is outside 0-%d' % METRIC_MAX)
    return dict(netns=netns_name(item.get('netns'), _f(prefix, 'netns')), dst=dst,
                family=family, via=via, dev=dev, metric=metric, state=state)


def sysctl_value(value, field):
    if isinstance(value, bool):
        value = int(value)
    text = str(value).strip()
    if not SYSCTL_VALUE_RE.match(text):
        raise InputError(field, value, 'is not a plain sysctl value')
    return ' '.join(text.split())


def norm_namespace(item, prefix=''):
    name = netns_name(item.get('name'), _f(prefix, 'name'))
    if name is None:
        raise InputError(_f(prefix, 'name'), item.get('name'), 'is required')
    sysctls = {}
    for key, value in sorted((item.get('sysctls') or {}).items()):
        field = '%s.%s' % (_f(prefix, 'sysctls'), key)
        if not SYSCTL_KEY_RE.match(str(key)):
            raise InputError(field, key, 'is not a sysctl name (e.g. net.ipv4.ip_forward)')
        sysctls[key] = sysctl_value(value, field)
    state = item.get('state') or 'present'
    if state not in ('present', 'absent'):
        raise InputError(_f(prefix, 'state'), state, 'is not one of present, absent')
    return dict(name=name, sysctls=sysctls, state=state)


def want_state(owner=DEFAULT_OWNER, mark_dir=MARK_DIR, namespaces=(), links=(),
               addresses=(), routes=(), prune=False):
    """The planner's input from already normalised objects (norm_* above)."""
    want = dict(owner=owner_name(owner), mark_dir=mark_dir_path(mark_dir), prune=bool(prune),
                namespaces=list(namespaces), links=list(links),
                addresses=list(addresses), routes=list(routes))
    _check_unique(want)
    return want


def want_aggregate(params):
    """ip_state's parameters -> planner input; fields named like links[2].mtu."""
    return want_state(
        owner=params.get('owner') or DEFAULT_OWNER,
        mark_dir=params.get('mark_dir') or MARK_DIR,
        namespaces=[norm_namespace(n, 'namespaces[%d]' % i)
                    for i, n in enumerate(params.get('namespaces') or [])],
        links=[norm_link(x, 'links[%d]' % i) for i, x in enumerate(params.get('links') or [])],
        addresses=group_addresses(params.get('addresses')),
        routes=[norm_route(r, 'routes[%d]' % i) for i, r in enumerate(params.get('routes') or [])],
        prune=params.get('prune'))


def _check_unique(want):
    seen = {}
    for index, link in enumerate(want['links']):
        ends = [(link['netns'], link['name'])]
        if link['kind'] == 'veth' and link['state'] != 'absent':
            ends.append((link['peer_netns'] or link['netns'], link['peer']))
        for key in ends:
            if key in seen:
                raise InputError('links[%d].name' % index, key[1],
                                 'is listed twice in namespace %s (also links[%d])'
                                 % (key[0] or 'host', seen[key]))
            seen[key] = index
    names = set()
    for index, ns in enumerate(want['namespaces']):
        if ns['name'] in names:
            raise InputError('namespaces[%d].name' % index, ns['name'], 'is listed twice')
        names.add(ns['name'])
