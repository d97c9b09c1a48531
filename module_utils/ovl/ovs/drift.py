# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the ovs layer's check-mode diff says differs, as drift rows
``{kind, object, state, detail, owner}``: bridges, ports, mirrors and
ports' shapes (rate limit to the port); a
changed tag or tunnel option is named as such. Pure."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import tunnels


def state_of(before, after):
    """missing (only wanted), extra (only there), different (both)."""
    if before in (None, {}, []) or (isinstance(before, dict) and before.get('exists') is False):
        return 'missing'
    if after in (None, {}, []) or (isinstance(after, dict) and after.get('exists') is False):
        return 'extra'
    return 'different'


def shown(value):
    text = repr(value)
    return text if len(text) <= 100 else text[:97] + '...'


def drift(result):
    rows = []
    diff = result.get('diff') or {}
    before, after = diff.get('before') or {}, diff.get('after') or {}
    for section, kind in (('bridges', 'bridge'), ('ports', 'port'), ('mirrors', 'mirror'),
                          ('shapes', 'rate limit')):
        old, new = before.get(section) or {}, after.get(section) or {}
        for name in sorted(set(old) | set(new)):
            have, want = old.get(name), new.get(name)
            if have == want:
                continue
            state = state_of(have, want)
            what = kind
            if state == 'different' and kind == 'port':
                changed = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))
                what = ('tag' if changed == ['tag'] else
                        'tunnel' if 'options' in changed or want.get('type') in tunnels.OVS_TYPES
                        else 'port')
                detail = ', '.join('%s %s -> %s' % (k, shown(have.get(k)), shown(want.get(k)))
                                   for k in changed)
            else:
                detail = '%s -> %s' % (shown(have), shown(want))
            rows.append(dict(kind=what, object=name, state=state, detail=detail, owner=name))
    return rows
