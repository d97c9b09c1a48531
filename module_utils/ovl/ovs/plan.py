# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Pure planner for Open vSwitch bridges and ports.

``plan_*(want, have) -> [subcommand argv, ...]``; the caller chains them into
ONE ovs-vsctl transaction. No I/O, no module object: tested with tables.

Semantics (documented in the modules):
- Port columns ``tag``, ``trunks``, ``vlan_mode``, ``protected`` and Interface ``type``,
  ``options`` (whole map) and ``mtu_request`` are declarative: the port is made
  exactly as described (an omitted tag means "no tag").
- ``external_ids`` and ``other_config`` are merged: listed keys are set, a key
  given with value None is removed, other keys (set by other tools) stay.
- The ownership mark ``external_ids:ovl-owner`` is written only when the
  module creates the object, so pruning never removes what it did not create.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.marks import OWNER_KEY, WORKLOAD_KEY
from ansible.module_utils.ovl.ovs.syntax import set_col, set_key, set_map


def is_ours(record, owner):
    return (record or {}).get('external_ids', {}).get(OWNER_KEY) == owner


def is_workload(record):
    """A workload's port (``core.marks.WORKLOAD_KEY``): never pruned."""
    return bool((record or {}).get('external_ids', {}).get(WORKLOAD_KEY))


def merge_map(have, want):
    """The map after merging *want* into *have* (None values delete)."""
    result = dict(have or {})
    for key, value in (want or {}).items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = str(value)
    return result


def _map_changes(table, name, column, have, want):
    cmds = []
    for key in sorted(want or {}):
        value = want[key]
        if value is None:
            if key in (have or {}):
                cmds.append(['remove', table, name, column, key])
        elif (have or {}).get(key) != str(value):
            cmds.append(['set', table, name, set_key(column, key, value)])
    return cmds


def _mark(external_ids, owner):
    ids = dict(external_ids or {})
    if owner:
        ids[OWNER_KEY] = owner
    return ids


# ---------------------------------------------------------------- bridges

def plan_bridge(want, have, owner=None):
    """Subcommands that make bridge *want* exist as described."""
    name = want['name']
    if have is None:
        cols = []
        if want.get('datapath_type'):
            cols.append(set_col('datapath_type', want['datapath_type']))
        if want.get('fail_mode'):
            cols.append(set_col('fail_mode', want['fail_mode']))
        for key, value in sorted((want.get('other_config') or {}).items()):
            if value is not None:
                cols.append(set_key('other_config', key, value))
        for key, value in sorted(_mark(want.get('external_ids'), owner).items()):
            if value is not None:
                cols.append(set_key('external_ids', key, value))
        cmds = [['add-br', name]]
        if cols:
            cmds.append(['set', 'Bridge', name] + cols)
        if want.get('mtu'):
            cmds.append(['set', 'Interface', name, set_col('mtu_request', want['mtu'])])
        return cmds

    cmds = []
    cols = []
    if want.get('datapath_type') and want['datapath_type'] != have['datapath_type']:
        cols.append(set_col('datapath_type', want['datapath_type']))
    if want.get('fail_mode') and want['fail_mode'] != have['fail_mode']:
        cols.append(set_col('fail_mode', want['fail_mode']))
    if cols:
        cmds.append(['set', 'Bridge', name] + cols)
    cmds += _map_changes('Bridge', name, 'other_config', have['other_config'],
                         want.get('other_config'))
    cmds += _map_changes('Bridge', name, 'external_ids', have['external_ids'],
                         want.get('external_ids'))
    if want.get('mtu') and want['mtu'] != have.get('mtu'):
        cmds.append(['set', 'Interface', name, set_col('mtu_request', want['mtu'])])
    return cmds


def foreign_ports(bridge, state, owner):
    """Ports on *bridge* (other than its own local port) not marked ours,
    and workloads' ports: a bridge holding one is not deleted."""
    have = state['bridges'].get(bridge) or {}
    return sorted(p for p in have.get('ports', [])
                  if p != bridge and (not is_ours(state['ports'].get(p), owner)
                                      or is_workload(state['ports'].get(p))))


def plan_bridge_absent(name, state):
    if name in state['bridges']:
        return [['del-br', name]]
    return []


# ------------------------------------------------------------------ ports

def _port_cols(want):
    cols = []
    if want.get('tag') is not None:
        cols.append(set_col('tag', want['tag']))
    if want.get('trunks'):
        cols.append(set_col('trunks', sorted(want['trunks'])))
    if want.get('vlan_mode'):
        cols.append(set_col('vlan_mode', want['vlan_mode']))
    if want.get('protected'):
        cols.append(set_col('protected', True))
    return cols


def _iface_cols(want):
    cols = []
    if want.get('type', 'system') != 'system':
        cols.append(set_col('type', want['type']))
    if want.get('options'):
        cols.append(set_map('options', want['options']))
    if want.get('mtu'):
        cols.append(set_col('mtu_request', want['mtu']))
    for key, value in sorted((want.get('iface_external_ids') or {}).items()):
        if value is not None:
            cols.append(set_key('external_ids', key, value))
    return cols


def plan_port_create(want, owner=None):
    name = want['name']
    add = ['add-port', want['bridge'], name] + _port_cols(want)
    for key, value in sorted(_mark(want.get('external_ids'), owner).items()):
        if value is not None:
            add.append(set_key('external_ids', key, value))
    cmds = [add]
    iface = _iface_cols(want)
    if iface:
        cmds.append(['set', 'Interface', name] + iface)
    return cmds


def _scalar_change(table, name, column, have, want, cols, clears):
    if want == have:
        return
    if want is None or want == []:
        clears.append(['clear', table, name, column])
    else:
        cols.append(set_col(column, want))


def plan_port(want, have, owner=None):
    """Subcommands that make port *want* exist on its bridge as described."""
    name = want['name']
    if have is None:
        return plan_port_create(want, owner)
    if have['bridge'] != want['bridge']:
        # Moving a port: delete it from the old bridge and add it anew, in
        # the same transaction. Keep keys other tools set on it.
        moved = dict(want)
        moved['external_ids'] = merge_map(have['external_ids'], want.get('external_ids'))
        cmds = [['del-port', have['bridge'], name]]
        return cmds + plan_port_create(moved, owner=None)

    cmds, clears, port_cols, iface_cols = [], [], [], []
    _scalar_change('Port', name, 'tag', have['tag'], want.get('tag'), port_cols, clears)
    _scalar_change('Port', name, 'trunks', sorted(have['trunks']),
                   sorted(want.get('trunks') or []), port_cols, clears)
    _scalar_change('Port', name, 'vlan_mode', have['vlan_mode'], want.get('vlan_mode'),
                   port_cols, clears)
    if bool(want.get('protected')) != bool(have.get('protected')):
        port_cols.append(set_col('protected', bool(want.get('protected'))))
    want_type = want.get('type') or 'system'
    if want_type != have['type']:
        iface_cols.append(set_col('type', '' if want_type == 'system' else want_type))
    want_opts = dict((k, str(v)) for k, v in (want.get('options') or {}).items())
    if want_opts != have['options']:
        if want_opts:
            iface_cols.append(set_map('options', want_opts))
        else:
            clears.append(['clear', 'Interface', name, 'options'])
    _scalar_change('Interface', name, 'mtu_request', have['mtu'], want.get('mtu'),
                   iface_cols, clears)
    if port_cols:
        cmds.append(['set', 'Port', name] + port_cols)
    if iface_cols:
        cmds.append(['set', 'Interface', name] + iface_cols)
    cmds += clears
    cmds += _map_changes('Port', name, 'external_ids', have['external_ids'],
                         want.get('external_ids'))
    cmds += _map_changes('Interface', name, 'external_ids', have.get('interface_external_ids'),
                         want.get('iface_external_ids'))
    return cmds


def plan_port_absent(name, state, bridge=None):
    have = state['ports'].get(name)
    if have is None or (bridge and have['bridge'] != bridge):
        return []
    return [['del-port', have['bridge'], name]]
