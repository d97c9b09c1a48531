# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Read a whole Open vSwitch configuration with ONE ovs-vsctl process.

``read_argv()`` lists Bridge, Port, Interface, Mirror, QoS and Queue as
JSON in one invocation; ``parse_state()`` turns the JSON documents into plain dicts:

    {'bridges': {name: {datapath_type, fail_mode, other_config, external_ids,
                        mtu, ports: [port names]}},
     'ports':   {name: {bridge, tag, trunks, vlan_mode, protected, external_ids,
                        type, options, mtu, interface_external_ids, ofport,
                        qos (a QoS uuid or None)}},
     'mirrors': {uuid: {name, bridge, select_src_port, select_dst_port (port
                        names, sorted), output_port (a name or None),
                        external_ids}},
     'qos':     {uuid: {type, other_config, queues: {number: Queue uuid},
                        external_ids}},
     'queues':  {uuid: {other_config, external_ids}}}

(three or four documents, without Mirror or QoS and Queue, are read as a
state without them).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

BRIDGE_COLUMNS = '_uuid,name,ports,mirrors,datapath_type,fail_mode,other_config,external_ids'
PORT_COLUMNS = '_uuid,name,interfaces,tag,trunks,vlan_mode,external_ids,protected,qos'
IFACE_COLUMNS = '_uuid,name,type,options,mtu_request,external_ids,ofport'
MIRROR_COLUMNS = '_uuid,name,select_src_port,select_dst_port,output_port,external_ids'
QOS_COLUMNS = '_uuid,type,other_config,queues,external_ids'
QUEUE_COLUMNS = '_uuid,other_config,external_ids'


def base_argv(db=None, timeout=None):
    argv = ['ovs-vsctl']
    if db:
        argv.append('--db=%s' % db)
    if timeout:
        argv.append('--timeout=%d' % int(timeout))
    return argv


def read_argv(db=None, timeout=None):
    return base_argv(db, timeout) + [
        '--format=json',
        '--', '--columns=' + BRIDGE_COLUMNS, 'list', 'Bridge',
        '--', '--columns=' + PORT_COLUMNS, 'list', 'Port',
        '--', '--columns=' + IFACE_COLUMNS, 'list', 'Interface',
        '--', '--columns=' + MIRROR_COLUMNS, 'list', 'Mirror',
        '--', '--columns=' + QOS_COLUMNS, 'list', 'QoS',
        '--', '--columns=' + QUEUE_COLUMNS, 'list', 'Queue',
    ]


def datum(value):
    """OVSDB JSON datum -> Python: sets -> list, maps -> dict, uuid -> str."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
        kind, body = value
        if kind == 'set':
            return [datum(v) for v in body]
        if kind == 'map':
            return dict((datum(k), datum(v)) for k, v in body)
        if kind in ('uuid', 'named-uuid'):
            return body
    return value


def optional(value):
    """An optional scalar column: [] -> None, [x] -> x, x -> x."""
    value = datum(value)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def as_list(value):
    value = datum(value)
    return value if isinstance(value, list) else [value]


def _rows(document):
    table = json.loads(document)
    heads = table['headings']
    return [dict(zip(heads, row)) for row in table['data']]


def parse_state(stdout):
    docs = [line for line in stdout.splitlines() if line.strip()]
    if len(docs) not in (3, 4, 6):
        raise ValueError('expected 6 JSON tables from ovs-vsctl, got %d' % len(docs))
    bridges_raw, ports_raw, ifaces_raw = (_rows(d) for d in docs[:3])
    mirrors_raw = _rows(docs[3]) if len(docs) >= 4 else []
    qos_raw, queues_raw = (_rows(docs[4]), _rows(docs[5])) if len(docs) == 6 else ([], [])

    ifaces = {}
    for row in ifaces_raw:
        ifaces[datum(row['_uuid'])] = row
    port_by_uuid = {}
    for row in ports_raw:
        port_by_uuid[datum(row['_uuid'])] = row

    state = {'bridges': {}, 'ports': {}, 'mirrors': {}, 'qos': {}, 'queues': {}}
    mirror_bridge = {}
    for row in bridges_raw:
        for uuid in as_list(row.get('mirrors', ['set', []])):
            mirror_bridge[uuid] = row['name']
    for row in bridges_raw:
        name = row['name']
        port_names = []
        for uuid in as_list(row['ports']):
            if uuid in port_by_uuid:
                port_names.append(port_by_uuid[uuid]['name'])
        state['bridges'][name] = {
            'datapath_type': row['datapath_type'] or 'system',
            'fail_mode': optional(row['fail_mode']),
            'other_config': datum(row['other_config']),
            'external_ids': datum(row['external_ids']),
            'mtu': None,
            'ports': sorted(port_names),
        }
        for uuid in as_list(row['ports']):
            port = port_by_uuid.get(uuid)
            if port is not None:
                port['_bridge'] = name

    for row in ports_raw:
        iface_uuids = as_list(row['interfaces'])
        iface = ifaces.get(iface_uuids[0], {}) if len(iface_uuids) == 1 else {}
        entry = {
            'bridge': row.get('_bridge'),
            'tag': optional(row['tag']),
            'trunks': sorted(as_list(row['trunks'])),
            'vlan_mode': optional(row['vlan_mode']),
            'protected': bool(optional(row.get('protected', False))),
            'external_ids': datum(row['external_ids']),
            'type': (iface.get('type') or 'system'),
            'options': datum(iface.get('options', ['map', []])),
            'mtu': optional(iface.get('mtu_request', ['set', []])),
            'interface_external_ids': datum(iface.get('external_ids', ['map', []])),
            'ofport': optional(iface.get('ofport', ['set', []])),
            'bond': len(iface_uuids) > 1,
            'qos': optional(row.get('qos', ['set', []])),
        }
        state['ports'][row['name']] = entry
        if entry['bridge'] in state['bridges'] and row['name'] == entry['bridge']:
            state['bridges'][entry['bridge']]['mtu'] = entry['mtu']

    def names(value):
        return sorted(port_by_uuid[u]['name'] for u in as_list(value) if u in port_by_uuid)

    for row in mirrors_raw:
        uuid = datum(row['_uuid'])
        output = names(row['output_port'])
        state['mirrors'][uuid] = {
            'name': row['name'], 'bridge': mirror_bridge.get(uuid),
            'select_src_port': names(row['select_src_port']),
            'select_dst_port': names(row['select_dst_port']),
            'output_port': output[0] if output else None,
            'external_ids': datum(row['external_ids'])}
    for row in qos_raw:
        state['qos'][datum(row['_uuid'])] = {
            'type': row['type'], 'other_config': datum(row['other_config']),
            'queues': dict((int(k), v) for k, v in datum(row['queues']).items()),
            'external_ids': datum(row['external_ids'])}
    for row in queues_raw:
        state['queues'][datum(row['_uuid'])] = {
            'other_config': datum(row['other_config']), 'external_ids': datum(row['external_ids'])}
    return state
