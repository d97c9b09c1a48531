# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Whole-host OVS planner: desired bridges and ports against the state read
in one ovs-vsctl call -> the sub-commands of ONE transaction, plus the
before/after views for diff mode. Pure functions."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.marks import OWNER_KEY, TENANT_KEY
from ansible.module_utils.ovl.ovs.plan import (
    foreign_ports, is_ours, is_workload, merge_map, plan_bridge, plan_bridge_absent,
    plan_port, plan_port_absent)
from ansible.module_utils.ovl.ovs.tags import allocate_tags

PORT_VIEW = ('bridge', 'tag', 'trunks', 'vlan_mode', 'protected', 'type', 'options', 'mtu',
             'external_ids')
BRIDGE_VIEW = ('datapath_type', 'fail_mode', 'other_config', 'external_ids', 'mtu')


def view(record, keys):
    if record is None:
        return None
    return dict((k, record.get(k)) for k in keys)


def resolve_tenant_tags(ports, state, owner):
    """Fill ``tag`` of tenant ports that have none; return (ports, tags)."""
    bridges = set(p['bridge'] for p in ports)
    pinned, reserved = {}, set()
    for port in ports:
        if port.get('tag') is None:
            continue
        if port.get('tenant'):
            pinned.setdefault(port['tenant'], port['tag'])
        else:
            reserved.add(port['tag'])
    tenants = [p['tenant'] for p in ports if p.get('tenant')]
    tags = allocate_tags(tenants, state, owner, bridges, pinned, reserved)
    resolved = []
    for port in ports:
        port = dict(port)
        if port.get('tenant'):
            port['external_ids'] = dict(port.get('external_ids') or {})
            port['external_ids'][TENANT_KEY] = port['tenant']
            if port.get('tag') is None and not port.get('untagged'):
                port['tag'] = tags[port['tenant']]
        resolved.append(port)
    return resolved, tags


def project_port(want, have, owner):
    """The port as it will be after the plan (for diff mode)."""
    after = dict((k, want.get(k)) for k in PORT_VIEW)
    after['type'] = want.get('type') or 'system'
    after['trunks'] = sorted(want.get('trunks') or [])
    after['protected'] = bool(want.get('protected'))
    after['options'] = dict((k, str(v)) for k, v in (want.get('options') or {}).items())
    keep = have['external_ids'] if have else {}
    ids = merge_map(keep, want.get('external_ids'))
    if have is None and owner:
        ids[OWNER_KEY] = owner
    after['external_ids'] = ids
    return after


def project_bridge(want, have, owner):
    base = dict(have) if have else {'datapath_type': 'system', 'fail_mode': None,
                                    'other_config': {}, 'external_ids': {}, 'mtu': None}
    after = view(base, BRIDGE_VIEW)
    for key in ('datapath_type', 'fail_mode', 'mtu'):
        if want.get(key):
            after[key] = want[key]
    after['other_config'] = merge_map(base['other_config'], want.get('other_config'))
    after['external_ids'] = merge_map(base['external_ids'], want.get('external_ids'))
    if have is None and owner:
        after['external_ids'][OWNER_KEY] = owner
    return after


def plan_state(bridges, ports, state, owner, prune=False):
    """Return (subcommands, before, after, warnings) for a whole host.

    *bridges* and *ports* are normalised desired objects (tags resolved).
    With *prune*, ports and bridges marked with *owner* and not desired are
    deleted; a bridge of ours that still holds foreign ports is kept (warning).
    """
    cmds, pruned, tail, gone, warnings = [], [], [], set(), []
    before = {'bridges': {}, 'ports': {}}
    after = {'bridges': {}, 'ports': {}}
    wanted_bridges = set(b['name'] for b in bridges)
    wanted_ports = set(p['name'] for p in ports)

    for br in bridges:
        have = state['bridges'].get(br['name'])
        cmds += plan_bridge(br, have, owner)
        before['bridges'][br['name']] = view(have, BRIDGE_VIEW)
        after['bridges'][br['name']] = project_bridge(br, have, owner)

    if prune:
        for name in sorted(state['ports']):
            have = state['ports'][name]
            if name not in wanted_ports and is_ours(have, owner) \
                    and have['bridge'] != name and not is_workload(have):
                # (its bridge, its deletion): dropped when the bridge goes too
                pruned.append((have['bridge'], plan_port_absent(name, state)))
                before['ports'][name] = view(have, PORT_VIEW)
                after['ports'][name] = None

    for port in ports:
        have = state['ports'].get(port['name'])
        tail += plan_port(port, have, owner)
        before['ports'][port['name']] = view(have, PORT_VIEW)
        after['ports'][port['name']] = project_port(port, have, owner)

    if prune:
        for name in sorted(state['bridges']):
            have = state['bridges'][name]
            if name in wanted_bridges or not is_ours(have, owner):
                continue
            moving_in = set(p['name'] for p in ports if p['bridge'] == name)
            foreign = [p for p in foreign_ports(name, state, owner) if p not in wanted_ports]
            if foreign or moving_in:
                warnings.append('bridge %s is ours but still holds ports %s; kept'
                                % (name, ', '.join(sorted(set(foreign) | moving_in))))
                continue
            # our ports on it go with it: their own deletions are dropped
            gone.add(name)
            tail += plan_bridge_absent(name, state)
            before['bridges'][name] = view(have, BRIDGE_VIEW)
            after['bridges'][name] = None
    cmds += [c for bridge, sub in pruned if bridge not in gone for c in sub]
    return cmds + tail, before, after, warnings
