# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Read the OVN northbound database with ONE ``ovn-nbctl`` process.

``read_argv(db)`` lists every table the project writes as JSON in one
invocation; ``parse(stdout, owner)`` gives the rows in the shape of
``ovl.ovn.model.desired`` (our rows only: ``external_ids:ovl-owner``),
plus ``foreign``: {table: names} of rows with a name we would use that are
not ours (never touched), and ``uuids``: {(table, key): uuid} for the
planner's removals.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.ovl.core.marks import OWNER_KEY
from ansible.module_utils.ovl.ovs.read import as_list, datum, optional
from ansible.module_utils.ovl.ovn.model import KEY_ID

COLUMNS = (
    ('DHCP_Options', '_uuid,cidr,options,external_ids'),
    ('Logical_Switch', '_uuid,name,ports,other_config,load_balancer,external_ids'),
    ('Logical_Switch_Port',
     '_uuid,name,type,addresses,port_security,options,dhcpv4_options,external_ids'),
    ('Port_Group', '_uuid,name,ports,acls,external_ids'),
    ('ACL', '_uuid,direction,priority,match,action,external_ids'),
    ('Logical_Router', '_uuid,name,ports,nat,static_routes,load_balancer,external_ids'),
    ('Logical_Router_Port', '_uuid,name,mac,networks,gateway_chassis,external_ids'),
    ('Gateway_Chassis', '_uuid,chassis_name'),
    ('NAT', '_uuid,type,external_ip,logical_ip,logical_port,external_mac,external_ids'),
    ('Logical_Router_Static_Route', '_uuid,ip_prefix,nexthop,external_ids'),
    ('Load_Balancer', '_uuid,name,protocol,vips,external_ids'),
)


def empty(owner):
    """The state of a database that holds nothing (check mode on a central
    whose NB does not run yet)."""
    return parse('\n'.join(['{"data":[],"headings":[]}'] * len(COLUMNS)), owner)


def read_argv(db=None):
    argv = ['ovn-nbctl'] + (['--db=%s' % db] if db else []) + ['--format=json']
    for table, columns in COLUMNS:
        argv += ['--', '--columns=' + columns, 'list', table]
    return argv


def _rows(document):
    table = json.loads(document)
    return [dict((h, datum(v)) for h, v in zip(table['headings'], row)) for row in table['data']]


def _parents(rows, column):
    """{child uuid: parent name} over *rows*' reference column *column*."""
    return dict((child, row['name']) for row in rows for child in as_list(row[column]))


def parse(stdout, owner):
    docs = [line for line in stdout.splitlines() if line.strip()]
    if len(docs) != len(COLUMNS):
        raise ValueError('expected %d JSON tables from ovn-nbctl, got %d'
                         % (len(COLUMNS), len(docs)))
    raw = dict((table, _rows(doc)) for (table, _c), doc in zip(COLUMNS, docs))
    switch_of = _parents(raw['Logical_Switch'], 'ports')
    router_of = dict(_parents(raw['Logical_Router'], 'ports'))
    nat_of = _parents(raw['Logical_Router'], 'nat')
    route_of = _parents(raw['Logical_Router'], 'static_routes')
    group_of = _parents(raw['Port_Group'], 'acls')
    lb_router = _parents(raw['Logical_Router'], 'load_balancer')
    lb_switch = _parents(raw['Logical_Switch'], 'load_balancer')
    lsp_name = dict((r['_uuid'], r['name']) for r in raw['Logical_Switch_Port'])
    chassis = dict((r['_uuid'], r['chassis_name']) for r in raw['Gateway_Chassis'])
    # a port's DHCP options by our key (another's row: its uuid, never ours)
    dhcp_key = dict((r['_uuid'], r['external_ids'].get(KEY_ID) or r['_uuid'])
                    for r in raw['DHCP_Options'])
    have = dict((table, {}) for table, _c in COLUMNS if table != 'Gateway_Chassis')
    foreign = dict((table, []) for table in have)
    uuids = {}

    def keep(table, key, row, **cols):
        if row['external_ids'].get(OWNER_KEY) != owner:
            if key:
                foreign[table].append(key)
            return
        have[table][key] = dict(cols, external_ids=row['external_ids'])
        uuids[(table, key)] = row['_uuid']

    for r in raw['DHCP_Options']:
        keep('DHCP_Options', r['external_ids'].get(KEY_ID), r, cidr=r['cidr'], options=r['options'])
    for r in raw['Logical_Switch']:
        keep('Logical_Switch', r['name'], r, other_config=r['other_config'])
    for r in raw['Logical_Switch_Port']:
        keep('Logical_Switch_Port', r['name'], r, switch=switch_of.get(r['_uuid']),
             type=r['type'], addresses=sorted(as_list(r['addresses'])),
             port_security=sorted(as_list(r['port_security'])), options=r['options'],
             dhcp=optional([dhcp_key.get(u, u) for u in as_list(r['dhcpv4_options'])]))
    for r in raw['Port_Group']:
        keep('Port_Group', r['name'], r, ports=sorted(lsp_name.get(u, u) for u in as_list(r['ports'])))
    for r in raw['ACL']:
        keep('ACL', r['external_ids'].get(KEY_ID), r, direction=r['direction'],
             priority=r['priority'], match=r['match'], action=r['action'],
             group=group_of.get(r['_uuid']))
    for r in raw['Logical_Router']:
        keep('Logical_Router', r['name'], r)
    for r in raw['Logical_Router_Port']:
        keep('Logical_Router_Port', r['name'], r, router=router_of.get(r['_uuid']), mac=r['mac'],
             networks=sorted(as_list(r['networks'])),
             gateway_chassis=optional([chassis.get(u) for u in as_list(r['gateway_chassis'])]))
    for r in raw['NAT']:
        keep('NAT', r['external_ids'].get(KEY_ID), r, router=nat_of.get(r['_uuid']),
             type=r['type'], external_ip=r['external_ip'], logical_ip=r['logical_ip'],
             logical_port=optional(r['logical_port']), external_mac=optional(r['external_mac']))
    for r in raw['Logical_Router_Static_Route']:
        keep('Logical_Router_Static_Route', r['external_ids'].get(KEY_ID), r,
             router=route_of.get(r['_uuid']), ip_prefix=r['ip_prefix'], nexthop=r['nexthop'])
    for r in raw['Load_Balancer']:
        keep('Load_Balancer', r['name'], r, router=lb_router.get(r['_uuid']),
             switch=lb_switch.get(r['_uuid']), protocol=optional(r['protocol']), vips=r['vips'])
    return dict(have=have, foreign=foreign, uuids=uuids)
