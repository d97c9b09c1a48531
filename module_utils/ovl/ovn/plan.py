# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The NB changes from what is (``ovl.ovn.read``) to what the model asks
(``ovl.ovn.model.desired``), as ``ovn-nbctl`` sub-commands that run as ONE
transaction (``argv``: chained with ``--``): all or nothing.

Removals come first (children before parents), then creations and updates
(parents before children). Only rows marked ours are removed or changed; a
desired name held by a row that is not ours is refused (``foreign``), never
taken over. A row whose identity changed (a port on another switch or of
another type, a router port with other addresses, an ACL, NAT or route with
other columns) is removed and made again; switch ports keep their row when
only addresses, port security, options or marks change.

A ``DHCP_Options`` row has no name: it is updated by its uuid, and a
switch port points at it by its uuid, or by its ``@ref`` when this same
transaction makes it.

Values are written with the OVSDB syntax of ``ovl.ovs.syntax`` (every
string quoted). Addresses are set with a plain ``set``, not
``lsp-set-addresses``: that one counts a port removed earlier in the same
transaction as a duplicate of its address.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.ovs.syntax import q, set_key, set_map

# parents first; removal walks it backwards
ORDER = ('DHCP_Options', 'Logical_Switch', 'Logical_Router', 'Logical_Switch_Port', 'Logical_Router_Port',
         'Port_Group', 'ACL', 'NAT', 'Logical_Router_Static_Route', 'Load_Balancer')
# columns that, changed, re-make the row (the rest are set in place)
IDENTITY = {
    'DHCP_Options': (),
    'Logical_Switch': (),
    'Logical_Router': (),
    'Logical_Switch_Port': ('switch', 'type'),
    'Logical_Router_Port': ('router', 'mac', 'networks', 'gateway_chassis'),
    'Port_Group': (),
    'ACL': ('group', 'direction', 'priority', 'match', 'action'),
    'NAT': ('router', 'type', 'external_ip', 'logical_ip', 'logical_port', 'external_mac'),
    'Logical_Router_Static_Route': ('router', 'ip_prefix', 'nexthop'),
    'Load_Balancer': ('router', 'switch', 'protocol'),
}


def set_strs(column, values):
    """``column=["a","b"]``: a set of strings (empty: ``column=[]``)."""
    return '%s=[%s]' % (column, ','.join(q(v) for v in values))


def _ids(row):
    return [set_key('external_ids', k, v) for k, v in sorted(row['external_ids'].items())]


def _remove_lb(row, uuid, gone):
    """A load balancer is a root row: out of its router and switch (unless
    they go in this transaction), then destroyed."""
    cmds = [['remove', table, row[col], 'load_balancer', uuid]
            for table, col in (('Logical_Router', 'router'), ('Logical_Switch', 'switch'))
            if row.get(col) and (table, row[col]) not in gone]
    return cmds + [['destroy', 'Load_Balancer', uuid]]


def _remove(table, key, row, uuids):
    if table == 'Logical_Switch':
        return [['ls-del', key]]
    if table == 'Logical_Router':
        return [['lr-del', key]]
    if table == 'Logical_Switch_Port':
        return [['lsp-del', key]]
    if table == 'Logical_Router_Port':
        return [['lrp-del', key]]
    if table == 'Port_Group':
        return [['pg-del', key]]
    uuid = uuids[(table, key)]
    if table == 'DHCP_Options':     # a root row: the ports' weak references go with it
        return [['destroy', table, uuid]]
    if table == 'ACL':
        return [['remove', 'Port_Group', row['group'], 'acls', uuid]] if row.get('group') \
            else [['destroy', 'ACL', uuid]]
    column = 'nat' if table == 'NAT' else 'static_routes'
    if row.get('router'):
        return [['remove', 'Logical_Router', row['router'], column, uuid]]
    return [['destroy', table, uuid]]


# the columns of a switch port set in place (a changed type re-makes it)
LSP_IN_PLACE = ('addresses', 'port_security', 'options', 'dhcp')


def _lsp_col(want, column, refs):
    """*refs*: {DHCP_Options key: the row's uuid, or its ``@ref`` when this
    transaction makes it}."""
    if column == 'options':
        return set_map('options', want['options'])
    if column == 'dhcp':
        return 'dhcpv4_options=%s' % (refs[want['dhcp']] if want['dhcp'] else '[]')
    return set_strs(column, want[column])


def _lsp_cols(want, refs):
    cols = [_lsp_col(want, c, refs) for c in LSP_IN_PLACE]
    if want['type']:
        cols.insert(0, 'type=%s' % q(want['type']))
    return cols


def _ref(text):
    """A named row id of this transaction (``--id=@ref``) made from *text*."""
    return '@%s' % ''.join(c if c.isalnum() else '_' for c in text)


def _row_ref(table, key):
    """The ``@ref`` of a row this transaction makes without a name of its own."""
    return _ref('%s_%s' % (table, key))


def _create(table, key, want, refs):
    if table == 'Logical_Switch':
        return [['ls-add', key], ['set', table, key, set_map('other_config', want['other_config'])]
                + _ids(want)]
    if table == 'Logical_Router':
        return [['lr-add', key], ['set', table, key] + _ids(want)]
    if table == 'Logical_Switch_Port':
        return [['lsp-add', want['switch'], key],
                ['set', table, key] + _lsp_cols(want, refs) + _ids(want)]
    if table == 'Logical_Router_Port':
        cmds = [['lrp-add', want['router'], key, want['mac']] + list(want['networks']),
                ['set', table, key] + _ids(want)]
        if want.get('gateway_chassis'):
            cmds.append(['lrp-set-gateway-chassis', key, want['gateway_chassis'], '1'])
        return cmds
    if table == 'Port_Group':
        return [['pg-add', key] + list(want['ports']), ['set', table, key] + _ids(want)]
    if table == 'Load_Balancer':
        ref = _ref('lb_%s' % key)
        return [['--id=%s' % ref, 'create', table, 'name=%s' % q(key),
                 'protocol=%s' % want['protocol'], set_map('vips', want['vips'])] + _ids(want),
                ['add', 'Logical_Router', want['router'], 'load_balancer', ref],
                ['add', 'Logical_Switch', want['switch'], 'load_balancer', ref]]
    ref = _row_ref(table, key)
    if table == 'DHCP_Options':
        return [['--id=%s' % ref, 'create', table, 'cidr=%s' % q(want['cidr']),
                 set_map('options', want['options'])] + _ids(want)]
    if table == 'ACL':
        cols = ['direction=%s' % want['direction'], 'priority=%d' % want['priority'],
                'match=%s' % q(want['match']), 'action=%s' % want['action']]
        parent = ['add', 'Port_Group', want['group'], 'acls', ref]
    elif table == 'NAT':
        cols = ['type=%s' % want['type'], 'external_ip=%s' % q(want['external_ip']),
                'logical_ip=%s' % q(want['logical_ip'])]
        cols += ['%s=%s' % (c, q(want[c])) for c in ('logical_port', 'external_mac') if want.get(c)]
        parent = ['add', 'Logical_Router', want['router'], 'nat', ref]
    else:
        cols = ['ip_prefix=%s' % q(want['ip_prefix']), 'nexthop=%s' % q(want['nexthop'])]
        parent = ['add', 'Logical_Router', want['router'], 'static_routes', ref]
    return [['--id=%s' % ref, 'create', table] + cols + _ids(want), parent]


def _update(table, key, want, have, refs):
    cmds, cols = [], []
    if table == 'DHCP_Options':     # no name: the row by its uuid
        key = refs[key]
        cols += ['cidr=%s' % q(want['cidr'])] if want['cidr'] != have['cidr'] else []
        cols += [set_map('options', want['options'])] if want['options'] != have['options'] else []
    if table == 'Logical_Switch' and want['other_config'] != have['other_config']:
        cols.append(set_map('other_config', want['other_config']))
    if table == 'Logical_Switch_Port':
        cols += [_lsp_col(want, c, refs) for c in LSP_IN_PLACE if want[c] != have.get(c)]
    if table == 'Port_Group' and sorted(want['ports']) != sorted(have['ports']):
        cmds.append(['pg-set-ports', key] + list(want['ports']))
    if table == 'Load_Balancer' and want['vips'] != have['vips']:
        cols.append(set_map('vips', want['vips']))
    cols += [set_key('external_ids', k, v) for k, v in sorted(want['external_ids'].items())
             if have['external_ids'].get(k) != v]
    if cols:
        cmds.append(['set', table, key] + cols)
    return cmds


def _remade(table, want, have):
    return any(want.get(c) != have.get(c) for c in IDENTITY[table])


def plan(want, state):
    """[sub-command argv] (one transaction) from *state* (``read.parse``)
    to *want*; ValueError for a desired name held by a row not ours."""
    have, uuids = state['have'], state['uuids']
    clash = ['%s %s' % (t, k) for t in ORDER for k in sorted(want[t])
             if k in state['foreign'].get(t, ())]
    if clash:
        raise ValueError('OVN northbound: %s exist%s and %s not ours (no external_ids:ovl-owner '
                         'of this deployment): the project does not take over rows it did not '
                         'make; remove or rename %s' % (', '.join(clash), 's' if len(clash) == 1
                                                        else '', 'is' if len(clash) == 1
                                                        else 'are', 'it' if len(clash) == 1
                                                        else 'them'))
    gone, made = [], []
    for table in ORDER:
        for key in sorted(have[table]):
            row = have[table][key]
            if key not in want[table] or _remade(table, want[table][key], row):
                gone.append((table, key, row))
    gone_keys = set((t, k) for t, k, _r in gone)

    def fresh(table, key):
        return key not in have[table] or (table, key) in gone_keys

    refs = dict((k, _row_ref('DHCP_Options', k) if fresh('DHCP_Options', k)
                 else uuids[('DHCP_Options', k)]) for k in want.get('DHCP_Options', {}))
    for table in ORDER:
        for key in sorted(want[table]):
            if fresh(table, key):
                made += _create(table, key, want[table][key], refs)
            else:
                made += _update(table, key, want[table][key], have[table][key], refs)
    removals = []
    for table, key, row in reversed(gone):
        if table == 'Load_Balancer':
            removals += _remove_lb(row, uuids[(table, key)], gone_keys)
            continue
        parent_gone = any((t, row.get(col)) in gone_keys for t, col in (
            ('Logical_Switch', 'switch'), ('Logical_Router', 'router'), ('Port_Group', 'group')))
        if not parent_gone:     # deleting the parent deletes it
            removals += _remove(table, key, row, uuids)
    return removals + made


def argv(commands, db=None, timeout=30):
    """One ``ovn-nbctl`` process, one transaction."""
    out = ['ovn-nbctl'] + (['--db=%s' % db] if db else []) + ['--timeout=%d' % timeout]
    for cmd in commands:
        out.append('--')
        out.extend(cmd)
    return out
