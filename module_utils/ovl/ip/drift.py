# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the ip layer's check-mode plan says differs: its typed steps
(``changes``: [op, netns, obj, detail], ``ovl.core.step``) as drift rows
``{kind, object, state, detail, owner}``. *owner* is the name the report
attributes the row by (the namespace first, then the device). Pure."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

# step operation -> (kind, state) of its drift row; marker files (mark.*) go
# with their namespace
EVENTS = {
    'netns.add': ('namespace', 'missing'), 'netns.del': ('namespace', 'extra'),
    'sysctl': ('sysctl', 'different'), 'offload': ('link', 'different'),
    'fdb.append': ('tunnel', 'missing'), 'fdb.del': ('tunnel', 'extra'),
    'link.add': ('link', 'missing'), 'link.del': ('link', 'extra'),
    'link.set': ('link', 'different'),
    'addr.add': ('address', 'missing'), 'addr.del': ('address', 'extra'),
    'route.replace': ('route', 'missing'), 'route.del': ('route', 'extra'),
}


def event(change):
    """(kind, object, state, detail) of one step, or None."""
    op, ns, obj, detail = change
    if op not in EVENTS:
        return None
    kind, state = EVENTS[op]
    if kind == 'namespace':
        return kind, obj, state, ''
    if op == 'sysctl':
        return kind, '%s/%s' % (ns or 'host', obj), state, '%s=%s' % (obj, detail)
    where = '%s/%s' % (ns, obj) if ns else obj
    if op == 'offload':
        return kind, where, state, 'tx offload'
    if kind == 'tunnel':
        return kind, where, state, 'flood ' + detail
    return kind, where, state, detail or ''


def drift(result):
    """One row per object the plan touches: a link deleted and made again is
    *different*; the settings of an object being made are part of it."""
    found, order = {}, []
    for change in result.get('changes') or []:
        found_event = event(change)
        if found_event is None:
            continue
        kind, name, state, detail = found_event
        key = (kind, name, detail) if kind in ('address', 'tunnel') else (kind, name)
        if key not in found:
            found[key] = [state, detail]
            order.append(key)
        elif found[key][0] == 'extra' and state == 'missing':
            found[key] = ['different', 'made again (its settings changed)']
        elif found[key][0] == 'different' and state == 'different' and detail:
            found[key][1] = ', '.join(x for x in (found[key][1], detail) if x)
    return [dict(kind=key[0], object=key[1], state=found[key][0], detail=found[key][1],
                 owner=key[1]) for key in order]


def underlay_drift(result):
    """The underlay move (``ip_move_address``) planned anything: br-phy differs."""
    return [dict(kind='underlay', object='br-phy', state='different', owner=None,
                 detail=' ; '.join(' '.join(str(x) for x in (op, obj, detail) if x)
                                   for op, _ns, obj, detail in result.get('changes') or []))]
