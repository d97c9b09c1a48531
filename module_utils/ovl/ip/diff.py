# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Before/after views for diff mode: only the objects a call names (and, with
prune, the marked ones it would delete)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

LINK_KEYS = ('kind', 'mtu', 'up', 'alias', 'peer', 'id', 'remote', 'local', 'dev',
             'dstport', 'learning', 'flood')


def _where(ns, name):
    return '%s/%s' % (ns, name) if ns else name


def _link_view(cur):
    return dict((k, cur[k]) for k in LINK_KEYS if cur.get(k) is not None)


def diff(want, have, steps):
    before = dict(namespaces={}, links={}, addresses={}, routes={})
    after = dict(namespaces={}, links={}, addresses={}, routes={})
    for ns in want['namespaces']:
        exists = ns['name'] in have['netns']
        before['namespaces'][ns['name']] = dict(
            exists=exists, sysctls=have['sysctls'].get(ns['name'], {}))
        after['namespaces'][ns['name']] = dict(
            exists=ns['state'] == 'present', sysctls=ns['sysctls'])
    for link in want['links']:
        key = _where(link['netns'], link['name'])
        cur = have['ns'].get(link['netns'], {}).get('links', {}).get(link['name'])
        before['links'][key] = _link_view(cur) if cur else None
        if link['state'] == 'absent':
            after['links'][key] = None
            continue
        view = dict((k, link[k]) for k in LINK_KEYS if link.get(k) is not None)
        if link['state'] in ('up', 'down'):
            view['up'] = link['state'] == 'up'
        after['links'][key] = view
    for group in want['addresses']:
        key = _where(group['netns'], group['dev'])
        cur = have['ns'].get(group['netns'], {}).get('addrs', {}).get(group['dev'], [])
        before['addresses'][key] = list(cur)
        if group['state'] == 'absent':
            after['addresses'][key] = [a for a in cur if a not in group['addresses']]
        elif group['exact']:
            after['addresses'][key] = list(group['addresses'])
        else:
            after['addresses'][key] = sorted(set(cur) | set(group['addresses']))
    for route in want['routes']:
        key = _where(route['netns'], route['dst'])
        cur = [r for r in have['ns'].get(route['netns'], {}).get('routes', [])
               if r['dst'] == route['dst'] and r['family'] == route['family']]
        before['routes'][key] = [dict(via=r['via'], dev=r['dev'], metric=r['metric']) for r in cur]
        after['routes'][key] = None if route['state'] == 'absent' else dict(
            via=route['via'], dev=route['dev'], metric=route['metric'])
    for item in steps:
        if item.op == 'link.del':
            key = _where(item.netns, item.obj)
            if key not in before['links']:
                cur = have['ns'].get(item.netns, {}).get('links', {}).get(item.obj, {})
                before['links'][key] = _link_view(cur)
            after['links'].setdefault(key, None)
        elif item.op == 'netns.del':
            before['namespaces'].setdefault(item.obj, dict(exists=True))
            after['namespaces'].setdefault(item.obj, dict(exists=False))
    return before, after
