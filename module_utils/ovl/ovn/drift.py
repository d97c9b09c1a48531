# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the OVN layers' check-mode diffs say differs, as drift rows
``{kind, object, state, detail, owner}`` (``ovl.report``). Pure.

- ``chassis_drift``: each Open_vSwitch key that differs (kind ``chassis``);
- ``nb_drift``: each NB row of ours missing, extra or different (kind the
  table; ``tenant`` from its ``ovl-tenant`` mark);
- ``leave_drift``: what OVN left on a host of the ovs backend (kind
  ``ovn-leftover``), one row per step of ``ovl.ovn.leave``.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.marks import TENANT_KEY
from ansible.module_utils.ovl.core.step import change_rows
from ansible.module_utils.ovl.ovs.drift import shown, state_of


def chassis_drift(result):
    diff = result.get('diff') or {}
    before, after = diff.get('before') or {}, diff.get('after') or {}
    return [dict(kind='chassis', object='external_ids:%s' % key,
                 state=state_of(before.get(key), after.get(key)),
                 detail='%s -> %s' % (shown(before.get(key)), shown(after.get(key))), owner=None)
            for key in sorted(after) if before.get(key) != after.get(key)]


def _same(have, want):
    """*have* (read) and *want* (model) agree on what the model sets."""
    return all(have.get(k) == (sorted(v) if isinstance(v, list) else v)
               for k, v in want.items() if k != 'external_ids') and all(
        have.get('external_ids', {}).get(k) == v for k, v in want['external_ids'].items())


def nb_drift(result):
    diff = result.get('diff') or {}
    before, after = diff.get('before') or {}, diff.get('after') or {}
    rows = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table) or {}, after.get(table) or {}
        for key in sorted(set(old) | set(new)):
            have, want = old.get(key), new.get(key)
            if have is not None and want is not None and _same(have, want):
                continue
            row = want or have
            rows.append(dict(kind=table, object=key, state=state_of(have, want),
                             detail='' if have is None or want is None else
                             '%s -> %s' % (shown(have), shown(want)),
                             owner=None, tenant=row['external_ids'].get(TENANT_KEY)))
    return rows


def leave_drift(result):
    return change_rows(result, {}, ('ovn-leftover', 'extra'))
