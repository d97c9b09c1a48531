import pytest

from ansible.module_utils.ovl.ovs.read import datum, optional, parse_state, read_argv
from ovs_fake import vsctl_json


@pytest.mark.parametrize('raw, expected', [
    (['set', []], []),
    (['set', [1, 2]], [1, 2]),
    (['map', [['a', 'x:y']]], {'a': 'x:y'}),
    (['uuid', 'abc'], 'abc'),
    ('netdev', 'netdev'),
    (7, 7),
])
def test_datum(raw, expected):
    assert datum(raw) == expected


@pytest.mark.parametrize('raw, expected', [(['set', []], None), (5, 5), (['set', [5]], 5)])
def test_optional(raw, expected):
    assert optional(raw) == expected


def test_read_is_one_process_listing_six_tables():
    argv = read_argv('unix:/x.sock', 5)
    assert argv[:4] == ['ovs-vsctl', '--db=unix:/x.sock', '--timeout=5', '--format=json']
    assert [argv[i + 1] for i, a in enumerate(argv) if a == 'list'] == [
        'Bridge', 'Port', 'Interface', 'Mirror', 'QoS', 'Queue']


def test_parse_state_maps_ports_to_bridges_and_interfaces():
    out = vsctl_json(
        bridges={'br-int': {'datapath_type': 'netdev', 'external_ids': {'ovl-owner': 'ovl'}}},
        ports={'p1': {'bridge': 'br-int', 'tag': 3, 'type': 'internal', 'mtu': 1450,
                      'external_ids': {'mac': 'aa:bb:cc:dd:ee:ff'}},
               'vx': {'bridge': 'br-int', 'type': 'vxlan', 'trunks': [2, 1],
                      'options': {'remote_ip': '10.0.0.2', 'key': '100'}}})
    state = parse_state(out)
    assert state['bridges']['br-int']['datapath_type'] == 'netdev'
    assert state['bridges']['br-int']['ports'] == ['br-int', 'p1', 'vx']
    assert state['ports']['p1']['tag'] == 3
    assert state['ports']['p1']['mtu'] == 1450
    assert state['ports']['p1']['external_ids'] == {'mac': 'aa:bb:cc:dd:ee:ff'}
    assert state['ports']['vx']['options'] == {'key': '100', 'remote_ip': '10.0.0.2'}
    assert state['ports']['vx']['trunks'] == [1, 2]
    assert state['ports']['vx']['tag'] is None
    assert state['ports']['br-int']['type'] == 'internal'


def test_parse_rejects_truncated_output():
    with pytest.raises(ValueError):
        parse_state('{"data":[],"headings":[]}\n')


def test_parse_state_reads_qos_and_queues():
    import json
    out = vsctl_json(ports={'p1': {'bridge': 'br-int'}}, bridges={'br-int': {}})
    docs = out.splitlines()
    ports = json.loads(docs[1])
    ports['headings'].append('qos')
    for row in ports['data']:
        row.append(['uuid', 'q1'] if row[1] == 'p1' else ['set', []])
    mirrors = {'headings': ['_uuid', 'name', 'select_src_port', 'select_dst_port', 'output_port',
                            'external_ids'], 'data': []}
    qos = {'headings': ['_uuid', 'type', 'other_config', 'queues', 'external_ids'],
           'data': [[['uuid', 'q1'], 'linux-htb', ['map', [['max-rate', '1000']]],
                     ['map', [[0, ['uuid', 'u1']]]], ['map', [['ovl-owner', 'ovl']]]]]}
    queues = {'headings': ['_uuid', 'other_config', 'external_ids'],
              'data': [[['uuid', 'u1'], ['map', [['burst', '800']]], ['map', []]]]}
    state = parse_state('\n'.join([docs[0], json.dumps(ports), docs[2]] + [
        json.dumps(d) for d in (mirrors, qos, queues)]))
    assert state['ports']['p1']['qos'] == 'q1' and state['ports']['br-int']['qos'] is None
    assert state['qos'] == {'q1': {'type': 'linux-htb', 'other_config': {'max-rate': '1000'},
                                   'queues': {0: 'u1'}, 'external_ids': {'ovl-owner': 'ovl'}}}
    assert state['queues'] == {'u1': {'other_config': {'burst': '800'}, 'external_ids': {}}}
