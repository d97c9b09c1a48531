# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Pure planners for addresses and routes: ``(want, have, fresh)`` ->
``[Step, ...]`` (``ip [-n NS] addr|route ...``). *fresh* holds the ``(netns, dev)`` pairs
(re)created in this run: they have no addresses or routes yet (for routes the
caller also adds devices that lose an address, whose routes may vanish).

Addresses: deletions come before additions, secondaries before primaries.
Deleting an IPv4 primary address makes the kernel drop the secondaries of its
subnet too (unless promote_secondaries is set), so wanted secondaries of a
deleted primary are added again. Routes
converge with ``ip route replace``; a route is identified like the kernel
does, by (family, dst, metric) in the main table.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.core.step import ip_step

DEFAULT_METRIC = {4: 0, 6: 1024}


def _ns(have, ns):
    return have['ns'].get(ns, {})


def _dropped_with(primaries, current, secondary, dev):
    """Secondaries the kernel removes together with the deleted *primaries*."""
    nets = set(ipaddress.ip_interface(a).network for a in primaries)
    return [a for a in current if (dev, a) in secondary and ipaddress.ip_interface(a).network in nets]


def plan_addresses(want, have, fresh):
    out = []
    for group in want['addresses']:
        ns, dev = group['netns'], group['dev']
        current = [] if (ns, dev) in fresh else _ns(have, ns).get('addrs', {}).get(dev, [])
        secondary = _ns(have, ns).get('secondary', set())
        if group['state'] == 'absent':
            gone = [a for a in group['addresses'] if a in current]
        else:
            gone = [a for a in current if a not in group['addresses']] if group['exact'] else []
        gone.sort(key=lambda a: (dev, a) not in secondary)
        primaries = [a for a in gone if (dev, a) not in secondary]
        dropped = _dropped_with(primaries, current, secondary, dev)
        out.extend(_addr('del', ns, dev, a) for a in gone)
        if group['state'] == 'present':
            missing = [a for a in group['addresses'] if a not in current or a in dropped]
            out.extend(_addr('add', ns, dev, a) for a in missing)
    return out


def _addr(verb, ns, dev, address):
    return ip_step('addr.' + verb, ns, dev, 'addr', verb, address, 'dev', dev, detail=address)


def _route(verb, ns, dst, *words):
    return ip_step('route.' + verb, ns, dst, 'route', verb, dst, *words,
                   detail=' '.join(words))


def route_dst(route):
    if route['dst'] == 'default':
        return 'default' if route['family'] == 4 else '::/0'
    return route['dst']


def _same_key(cur, route, metric):
    return (cur['family'] == route['family'] and cur['dst'] == route['dst']
            and (metric is None or cur['metric'] == metric))


def plan_routes(want, have, fresh):
    out = []
    for route in want['routes']:
        ns = route['netns']
        current = [r for r in _ns(have, ns).get('routes', []) if (ns, r['dev']) not in fresh]
        if route['state'] == 'absent':
            metrics = sorted(set(c['metric'] for c in current
                                 if _same_key(c, route, route['metric'])))
            out.extend(_route('del', ns, route_dst(route), 'metric', str(m)) for m in metrics)
            continue
        metric = route['metric']
        if metric is None:
            metric = DEFAULT_METRIC[route['family']]
        ok = any(_same_key(c, route, metric) and c['via'] == route['via']
                 and (route['dev'] is None or c['dev'] == route['dev']) for c in current)
        if ok:
            continue
        words = []
        if route['via']:
            words += ['via', route['via']]
        if route['dev']:
            words += ['dev', route['dev']]
        if route['metric'] is not None:
            words += ['metric', str(route['metric'])]
        out.append(_route('replace', ns, route_dst(route), *words))
    return out
