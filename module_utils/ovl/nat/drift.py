# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the nat layer's check-mode diff says differs, as drift rows
``{kind, object, state, detail, owner}``: the diff holds each namespace's
rules of our chains as text (``# netns NS`` sections); each rule missing or
extra is a row, owned by its namespace (``@host``: shared). Pure."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.nat.model import HOST


def sections(text):
    found, current = {}, None
    for line in (text or '').splitlines():
        if line.startswith('# netns '):
            current = line[len('# netns '):]
            found.setdefault(current, set())
        elif line.strip() and current is not None:
            found[current].add(line.strip())
    return found


def drift(result):
    rows = []
    diff = result.get('diff') or {}
    old, new = sections(diff.get('before')), sections(diff.get('after'))
    for ns in sorted(set(old) | set(new)):
        owner = None if ns == HOST else ns
        for state, lines in (('missing', new.get(ns, set()) - old.get(ns, set())),
                             ('extra', old.get(ns, set()) - new.get(ns, set()))):
            rows.extend(dict(kind='nat', object='%s: %s' % (ns, line), state=state, detail='',
                             owner=owner) for line in sorted(lines))
    return rows
