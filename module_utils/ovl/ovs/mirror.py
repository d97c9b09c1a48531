# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""OVS Mirror rows of the project (port mirroring, seed 004's span): pure
planning into the host's one ovs-vsctl transaction.

A desired mirror: {name, bridge, ports: [port names], output: port name}:
every frame that enters or leaves one of *ports* on *bridge* is copied to
*output* (``select_src_port`` and ``select_dst_port`` are both *ports*;
OVS keeps a mirror's output port for mirroring only). Ours: marked
``external_ids:ovl-owner``; found by name and owner. ``plan_mirrors`` gives
the sub-commands (after the ports' own, so a port made in the same
transaction is found by ``get``), and the before/after views:

- missing: ``create Mirror`` with the ports looked up by ``--id=@.. get Port``,
  added to the bridge's ``mirrors``;
- ours with other ports or output: ``set Mirror <uuid> ...``;
- ours not wanted (with prune): ``remove Bridge <bridge> mirrors <uuid>``
  (a Mirror row belongs to its bridge: it goes with it, and with its bridge).

A mirror of someone else (no mark, or another owner's) is never touched.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import validate as v
from ansible.module_utils.ovl.core.marks import OWNER_KEY

MIRROR_VIEW = ('bridge', 'ports', 'output')


def normalize_mirror(params, prefix=''):
    ports = params.get('ports') or []
    if not ports:
        raise v.InputError(prefix + 'ports', ports, 'is empty: a mirror selects at least one port')
    return dict(name=v.label(params.get('name'), prefix + 'name'),
                bridge=v.ifname(params.get('bridge'), prefix + 'bridge'),
                ports=sorted(set(v.ifname(p, '%sports[%d]' % (prefix, i))
                                 for i, p in enumerate(ports))),
                output=v.ifname(params.get('output'), prefix + 'output'))


def _ours(state, owner):
    """{name: (uuid, row)} of our mirrors."""
    rows = sorted((state.get('mirrors') or {}).items())
    return dict((row['name'], (uuid, row)) for uuid, row in rows
                if (row.get('external_ids') or {}).get(OWNER_KEY) == owner)


def _view(row):
    if row is None:
        return None
    return dict(bridge=row['bridge'], output=row['output_port'],
                ports=sorted(set(row['select_src_port']) | set(row['select_dst_port'])))


def _refs(index, mirror):
    """(the get sub-commands, @id of each port, @id of the output)."""
    cmds, ids = [], {}
    for j, name in enumerate(sorted(set(mirror['ports']) | {mirror['output']})):
        ids[name] = '@ovlm%dp%d' % (index, j)
        cmds.append(['--id=' + ids[name], 'get', 'Port', name])
    return cmds, ids


def _selection(mirror, ids):
    chosen = ','.join(ids[p] for p in mirror['ports'])
    return ['select_src_port=' + chosen, 'select_dst_port=' + chosen,
            'output_port=' + ids[mirror['output']]]


def plan_mirrors(mirrors, state, owner, prune=False, gone_bridges=()):
    """(sub-commands, before, after) of *mirrors* against *state*;
    *gone_bridges*: bridges the transaction deletes (their mirrors go with
    them)."""
    cmds, before, after = [], {}, {}
    ours = _ours(state, owner)
    for index, mirror in enumerate(mirrors):
        uuid, have = ours.get(mirror['name'], (None, None))
        want = dict(bridge=mirror['bridge'], ports=mirror['ports'], output=mirror['output'])
        before[mirror['name']], after[mirror['name']] = _view(have), want
        if have is not None and _view(have) == want:
            continue
        refs, ids = _refs(index, mirror)
        if have is None or have['bridge'] != mirror['bridge']:
            if have is not None and have['bridge'] not in gone_bridges:
                cmds.append(['remove', 'Bridge', have['bridge'], 'mirrors', uuid])
            cmds += refs + [['--id=@ovlm%d' % index, 'create', 'Mirror', 'name=' + mirror['name']]
                            + _selection(mirror, ids)
                            + ['external_ids:%s=%s' % (OWNER_KEY, owner)],
                            ['add', 'Bridge', mirror['bridge'], 'mirrors', '@ovlm%d' % index]]
        else:
            cmds += refs + [['set', 'Mirror', uuid] + _selection(mirror, ids)]
    if prune:
        wanted = set(m['name'] for m in mirrors)
        for name, (uuid, have) in sorted(ours.items()):
            if name in wanted:
                continue
            before[name], after[name] = _view(have), None
            if have['bridge'] and have['bridge'] not in gone_bridges:
                cmds.append(['remove', 'Bridge', have['bridge'], 'mirrors', uuid])
    return cmds, before, after
