# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Desired OpenFlow rules owned by the project, and their cookies.

Cookie layout (64 bits), so foreign flows are never touched:

    0x0f1c | L | 47-bit hash
    16 bits project mark (``PROJECT``), bit 47 ``L`` = learned by a ``learn``
    action (dynamic, never planned, flushed when the static rules change),
    low 47 bits = hash of the flow text and of the OpenFlow numbers of the
    ports it names.

A static flow's identity is its cookie: a flow whose text or whose ports'
numbers change gets a new cookie, so comparing cookies is comparing flows,
whatever canonical form ``ovs-ofctl dump-flows`` prints them in.

``normalize_flows(items) -> [flow]``: each flow a dict
``{table, priority, match, actions, text}`` validated with field paths
(``flows[3].actions``). ``cookie_of(flow, port_numbers)`` gives its cookie.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

from ansible.module_utils.ovl.core.marks import COOKIE_MASK, COOKIE_PROJECT
from ansible.module_utils.ovl.core.validate import InputError

PROJECT = COOKIE_PROJECT
PROJECT_MASK = COOKIE_MASK
LEARNED_BIT = 0x0000800000000000
STATIC_MASK = PROJECT_MASK | LEARNED_BIT        # static flows: PROJECT/STATIC_MASK
LEARNED = PROJECT | LEARNED_BIT                 # learned flows: LEARNED/STATIC_MASK
HASH_MASK = LEARNED_BIT - 1

TOKEN_SPLIT = re.compile(r'[=,:()\[\]\s/]+')
FORBIDDEN = re.compile(r'[\n\r\x00]')


def hexcookie(value):
    return '0x%016x' % value


def cookie_spec(value, mask):
    """``cookie=VALUE/MASK`` as ovs-ofctl takes it in dump-flows/del-flows."""
    return 'cookie=%s/%s' % (hexcookie(value), hexcookie(mask))


def is_static(cookie):
    return cookie & STATIC_MASK == PROJECT


def _int(value, field, low, high):
    if isinstance(value, bool):
        raise InputError(field, value, 'is not an integer %d-%d' % (low, high))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(field, value, 'is not an integer %d-%d' % (low, high))
    if not low <= number <= high:
        raise InputError(field, value, 'is not an integer %d-%d' % (low, high))
    return number


def _text(value, field, required, is_match=False):
    text = '' if value is None else str(value).strip()
    if required and not text:
        raise InputError(field, value, 'is required (e.g. "resubmit(,2)" or "drop")')
    if FORBIDDEN.search(text):
        raise InputError(field, value, 'contains a line break or NUL')
    if is_match and re.search(r'(^|,)\s*(cookie|table|priority|actions)\s*=', text):
        raise InputError(field, value, 'sets cookie/table/priority/actions; use the flow\'s '
                                       'own keys (the cookie is the project\'s)')
    return text


def match_key(match):
    """Order-insensitive identity of a match (OpenFlow: table+priority+match)."""
    return tuple(sorted(t.strip() for t in match.split(',') if t.strip()))


def flow_text(flow):
    parts = ['table=%d' % flow['table'], 'priority=%d' % flow['priority']]
    if flow['match']:
        parts.append(flow['match'])
    return '%s,actions=%s' % (','.join(parts), flow['actions'])


def normalize_flow(item, field):
    if not isinstance(item, dict):
        raise InputError(field, item, 'is not a mapping {table, priority, match, actions}')
    unknown = sorted(set(item) - set(['table', 'priority', 'match', 'actions']))
    if unknown:
        raise InputError(field, unknown, 'are unknown keys (allowed: table, priority, match, '
                                         'actions)')
    flow = dict(
        table=_int(item.get('table', 0), field + '.table', 0, 254),
        priority=_int(item.get('priority', 32768), field + '.priority', 0, 65535),
        match=_text(item.get('match'), field + '.match', False, is_match=True),
        actions=_text(item.get('actions'), field + '.actions', True),
    )
    flow['text'] = flow_text(flow)
    return flow


def normalize_flows(items, prefix='flows'):
    """Validate every flow; two flows with the same table, priority and match
    are an error (OpenFlow keeps only one of them)."""
    out, seen = [], {}
    for i, item in enumerate(items or []):
        field = '%s[%d]' % (prefix, i)
        flow = normalize_flow(item, field)
        key = (flow['table'], flow['priority'], match_key(flow['match']))
        if key in seen:
            raise InputError(field, flow['text'], 'has the same table, priority and match as '
                                                  '%s (OpenFlow keeps one)' % seen[key])
        seen[key] = field
        out.append(flow)
    return out


def referenced_ports(text, port_numbers):
    """{name: number} of the ports of the bridge that *text* names."""
    tokens = set(TOKEN_SPLIT.split(text))
    return dict((name, port_numbers[name]) for name in port_numbers if name in tokens)


def cookie_of(flow, port_numbers):
    """PROJECT | 47-bit hash of the flow text and of the numbers of the ports
    it names (a port recreated with another number gives another cookie)."""
    refs = referenced_ports(flow['text'], port_numbers or {})
    seed = flow['text'] + '|' + ','.join('%s=%s' % kv for kv in sorted(refs.items()))
    digest = int(hashlib.sha1(seed.encode('utf-8')).hexdigest()[:16], 16)
    return PROJECT | (digest & HASH_MASK)
