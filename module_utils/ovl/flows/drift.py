# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What a flows layer's check-mode diff says differs, as drift rows
``{kind, object, state, detail, vni}``: each flow missing or extra, with the
VNI it matches or sets (the report names the tenant by it); each meter
(rate limit from a port) missing, extra or different, by its port. Pure."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

VNI_KEYS = ('tun_id=', 'set_tunnel:')


def vni_of(text):
    """The VNI a flow's text matches or sets; None (shared) or '?' (unreadable)."""
    for part in text.replace(',', ' ').split():
        for key in VNI_KEYS:
            if part.startswith(key):
                try:
                    return int(part[len(key):], 0)
                except ValueError:
                    return '?'
    return None


def drift(result):
    diff = result.get('diff') or {}
    old = set((diff.get('before') or {}).get('flows') or [])
    new = set((diff.get('after') or {}).get('flows') or [])
    return ([dict(kind='flow', object=t, state='missing', detail='', vni=vni_of(t))
             for t in sorted(new - old)] +
            [dict(kind='flow', object=t, state='extra', detail='', vni=vni_of(t))
             for t in sorted(old - new)] + _meters(diff))


def _meters(diff):
    old = (diff.get('before') or {}).get('meters') or {}
    new = (diff.get('after') or {}).get('meters') or {}
    rows = []
    for port in sorted(set(old) | set(new)):
        have, want = old.get(port), new.get(port)
        if have == want:
            continue
        state = 'missing' if have is None else 'extra' if want is None else 'different'
        rows.append(dict(kind='rate limit', object=port, state=state, owner=port,
                         detail='from the port: %s -> %s' % (have, want)))
    return rows
