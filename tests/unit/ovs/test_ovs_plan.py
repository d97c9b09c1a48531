"""Planner tables: (want, have) -> exact sub-commands. No mocks."""
import pytest

from ansible.module_utils.ovl.ovs.plan import plan_bridge, plan_port, plan_port_absent
from ansible.module_utils.ovl.ovs.syntax import set_col, set_key, set_map

OWNER = 'ovl'


def br(**kw):
    base = {'name': 'br-int', 'datapath_type': None, 'fail_mode': None, 'mtu': None,
            'other_config': {}, 'external_ids': {}}
    base.update(kw)
    return base


def have_br(**kw):
    base = {'datapath_type': 'netdev', 'fail_mode': None, 'other_config': {},
            'external_ids': {'ovl-owner': 'ovl'}, 'mtu': None, 'ports': ['br-int']}
    base.update(kw)
    return base


def port(**kw):
    base = {'name': 'p1', 'bridge': 'br-int', 'type': 'system', 'tag': None, 'trunks': [],
            'vlan_mode': None, 'options': {}, 'mtu': None, 'external_ids': {}}
    base.update(kw)
    return base


def have_port(**kw):
    base = {'bridge': 'br-int', 'type': 'system', 'tag': None, 'trunks': [], 'vlan_mode': None,
            'options': {}, 'mtu': None, 'external_ids': {'ovl-owner': 'ovl'}}
    base.update(kw)
    return base


@pytest.mark.parametrize('value, expected', [
    (10, 'tag=10'),
    (True, 'protected=true'),     # a boolean column: bare, never quoted
    (False, 'protected=false'),
    ('netdev', 'datapath_type="netdev"'),
    ([3, 1], 'trunks=[3,1]'),
])
def test_set_col(value, expected):
    column = expected.split('=')[0]
    assert set_col(column, value) == expected


def test_quoting_keeps_macs_and_spaces_intact():
    assert set_key('external_ids', 'a b', 'aa:bb:cc:dd:ee:ff') == \
        'external_ids:"a b"="aa:bb:cc:dd:ee:ff"'
    assert set_map('options', {'key': '1', 'remote_ip': 'fe80::1'}) == \
        'options={"key"="1","remote_ip"="fe80::1"}'


BRIDGE_CASES = [
    ('create plain', br(), None,
     [['add-br', 'br-int'], ['set', 'Bridge', 'br-int', 'external_ids:"ovl-owner"="ovl"']]),
    ('create netdev secure mtu', br(datapath_type='netdev', fail_mode='secure', mtu=9000), None,
     [['add-br', 'br-int'],
      ['set', 'Bridge', 'br-int', 'datapath_type="netdev"', 'fail_mode="secure"',
       'external_ids:"ovl-owner"="ovl"'],
      ['set', 'Interface', 'br-int', 'mtu_request=9000']]),
    ('no change', br(datapath_type='netdev'), have_br(), []),
    ('omitted options leave bridge alone', br(), have_br(fail_mode='secure'), []),
    ('datapath change', br(datapath_type='system'), have_br(),
     [['set', 'Bridge', 'br-int', 'datapath_type="system"']]),
    ('fail_mode change', br(fail_mode='standalone'), have_br(fail_mode='secure'),
     [['set', 'Bridge', 'br-int', 'fail_mode="standalone"']]),
    ('other_config merge', br(other_config={'a': '1', 'b': None}),
     have_br(other_config={'b': '2', 'c': '3'}),
     [['set', 'Bridge', 'br-int', 'other_config:"a"="1"'],
      ['remove', 'Bridge', 'br-int', 'other_config', 'b']]),
    ('external_ids MAC settles', br(external_ids={'mac': 'aa:bb:cc:dd:ee:ff'}),
     have_br(external_ids={'mac': 'aa:bb:cc:dd:ee:ff'}), []),
    ('mtu change', br(mtu=1400), have_br(mtu=1500),
     [['set', 'Interface', 'br-int', 'mtu_request=1400']]),
]


@pytest.mark.parametrize('title, want, have, expected', BRIDGE_CASES,
                         ids=[c[0] for c in BRIDGE_CASES])
def test_plan_bridge(title, want, have, expected):
    assert plan_bridge(want, have, OWNER) == expected


PORT_CASES = [
    ('create tagged internal', port(type='internal', tag=10), None,
     [['add-port', 'br-int', 'p1', 'tag=10', 'external_ids:"ovl-owner"="ovl"'],
      ['set', 'Interface', 'p1', 'type="internal"']]),
    ('create vxlan', port(name='vx', type='vxlan', tag=2,
                          options={'remote_ip': '10.0.0.2', 'key': '100', 'dst_port': '4789'}),
     None,
     [['add-port', 'br-int', 'vx', 'tag=2', 'external_ids:"ovl-owner"="ovl"'],
      ['set', 'Interface', 'vx', 'type="vxlan"',
       'options={"dst_port"="4789","key"="100","remote_ip"="10.0.0.2"}']]),
    # split horizon: a protected port (NORMAL never forwards between two of them)
    ('create protected vxlan', port(name='vx', type='vxlan', tag=2, protected=True,
                                    options={'remote_ip': '10.0.0.2', 'key': '100'}), None,
     [['add-port', 'br-int', 'vx', 'tag=2', 'protected=true', 'external_ids:"ovl-owner"="ovl"'],
      ['set', 'Interface', 'vx', 'type="vxlan"', 'options={"key"="100","remote_ip"="10.0.0.2"}']]),
    ('protect an existing port in place', port(protected=True), have_port(),
     [['set', 'Port', 'p1', 'protected=true']]),
    ('unprotect in place', port(), have_port(protected=True),
     [['set', 'Port', 'p1', 'protected=false']]),
    ('protected in sync', port(protected=True), have_port(protected=True), []),
    ('create trunk', port(trunks=[20, 10], vlan_mode='trunk'), None,
     [['add-port', 'br-int', 'p1', 'trunks=[10,20]', 'vlan_mode="trunk"',
       'external_ids:"ovl-owner"="ovl"']]),
    ('no change', port(tag=5), have_port(tag=5), []),
    ('tag change', port(tag=6), have_port(tag=5), [['set', 'Port', 'p1', 'tag=6']]),
    ('tag removal is a clear, never tag=None', port(), have_port(tag=5),
     [['clear', 'Port', 'p1', 'tag']]),
    ('trunks set', port(trunks=[1, 2]), have_port(), [['set', 'Port', 'p1', 'trunks=[1,2]']]),
    ('trunks cleared', port(), have_port(trunks=[1, 2]), [['clear', 'Port', 'p1', 'trunks']]),
    ('vlan_mode', port(vlan_mode='access'), have_port(), [['set', 'Port', 'p1', 'vlan_mode="access"']]),
    ('type to system', port(), have_port(type='internal'), [['set', 'Interface', 'p1', 'type=""']]),
    ('remote_ip change on existing tunnel',
     port(type='vxlan', options={'remote_ip': '10.0.0.3', 'key': '100'}),
     have_port(type='vxlan', options={'remote_ip': '10.0.0.2', 'key': '100'}),
     [['set', 'Interface', 'p1', 'options={"key"="100","remote_ip"="10.0.0.3"}']]),
    ('options exact: dropped key removed',
     port(type='vxlan', options={'remote_ip': '10.0.0.2', 'key': '100'}),
     have_port(type='vxlan', options={'remote_ip': '10.0.0.2', 'key': '100', 'local_ip': '1.1.1.1'}),
     [['set', 'Interface', 'p1', 'options={"key"="100","remote_ip"="10.0.0.2"}']]),
    ('options cleared', port(), have_port(options={'a': 'b'}), [['clear', 'Interface', 'p1', 'options']]),
    ('mtu', port(mtu=1450), have_port(), [['set', 'Interface', 'p1', 'mtu_request=1450']]),
    ('mtu cleared', port(), have_port(mtu=1450), [['clear', 'Interface', 'p1', 'mtu_request']]),
    ('external_ids merge: foreign keys stay', port(external_ids={'a': '1'}),
     have_port(external_ids={'ovl-owner': 'ovl', 'iface-id': 'x'}),
     [['set', 'Port', 'p1', 'external_ids:"a"="1"']]),
    ('external_ids key removed with null', port(external_ids={'a': None}),
     have_port(external_ids={'a': '1'}), [['remove', 'Port', 'p1', 'external_ids', 'a']]),
    ('MAC value settles', port(external_ids={'mac': 'aa:bb:cc:dd:ee:ff'}),
     have_port(external_ids={'mac': 'aa:bb:cc:dd:ee:ff'}), []),
    ('unmarked port is not marked when modified', port(tag=3),
     have_port(external_ids={}), [['set', 'Port', 'p1', 'tag=3']]),
    ('move to another bridge', port(bridge='br-b', tag=4),
     have_port(bridge='br-a', external_ids={'x': 'y'}),
     [['del-port', 'br-a', 'p1'], ['add-port', 'br-b', 'p1', 'tag=4', 'external_ids:"x"="y"']]),
    ('several changes, one list', port(tag=7, type='internal', mtu=1400),
     have_port(tag=5),
     [['set', 'Port', 'p1', 'tag=7'], ['set', 'Interface', 'p1', 'type="internal"', 'mtu_request=1400']]),
]


@pytest.mark.parametrize('title, want, have, expected', PORT_CASES,
                         ids=[c[0] for c in PORT_CASES])
def test_plan_port(title, want, have, expected):
    assert plan_port(want, have, OWNER) == expected


@pytest.mark.parametrize('bridge, expected', [
    (None, [['del-port', 'br-int', 'p1']]),
    ('br-int', [['del-port', 'br-int', 'p1']]),
    ('br-other', []),
])
def test_plan_port_absent(bridge, expected):
    state = {'bridges': {}, 'ports': {'p1': have_port()}}
    assert plan_port_absent('p1', state, bridge) == expected
    assert plan_port_absent('nope', state, bridge) == []
