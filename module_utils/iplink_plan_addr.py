# -*- coding: utf-8 -*-
"""Pure planners for addresses and routes: ``(want, have, fresh)`` ->
``[(netns, ip-argv-tail), ...]``. *fresh* holds the ``(netns, dev)`` pairs
(re)created in this run: they have no addresses or routes yet.

Addresses: deletions come before additions (deleting a primary address first
would also drop the secondaries just added in the same subnet). Routes
converge with ``ip route replace``; a route is identified like the kernel
does, by (family, dst, metric) in the main table.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DEFAULT_METRIC = {4: 0, 6: 1024}


def _ns(have, ns):
    return have['ns'].get(ns, {})


def plan_addresses(want, have, fresh):
    out = []
    for group in want['addresses']:
        ns, dev = group['netns'], group['dev']
        current = [] if (ns, dev) in fresh else _ns(have, ns).get('addrs', {}).get(dev, [])
        if group['state'] == 'absent':
            gone = [a for a in group['addresses'] if a in current]
            out.extend((ns, ['addr', 'del', a, 'dev', dev]) for a in gone)
            continue
        extra = [a for a in current if a not in group['addresses']] if group['exact'] else []
        missing = [a for a in group['addresses'] if a not in current]
        out.extend((ns, ['addr', 'del', a, 'dev', dev]) for a in extra)
        out.extend((ns, ['addr', 'add', a, 'dev', dev]) for a in missing)
    return out


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
            out.extend((ns, ['route', 'del', route_dst(route), 'metric', str(m)]) for m in metrics)
            continue
        metric = route['metric']
        if metric is None:
            metric = DEFAULT_METRIC[route['family']]
        ok = any(_same_key(c, route, metric) and c['via'] == route['via']
                 and (route['dev'] is None or c['dev'] == route['dev']) for c in current)
        if ok:
            continue
        argv = ['route', 'replace', route_dst(route)]
        if route['via']:
            argv += ['via', route['via']]
        if route['dev']:
            argv += ['dev', route['dev']]
        if route['metric'] is not None:
            argv += ['metric', str(route['metric'])]
        out.append((ns, argv))
    return out
