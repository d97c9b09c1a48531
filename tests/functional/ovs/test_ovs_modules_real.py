"""OVS modules against a real, private ovsdb-server + ovs-vswitchd
(userspace datapath) started by the fixture. Every module: create, repeat,
modify each option, check mode (database dump byte-identical), remove; a
foreign bridge/port created outside the modules survives."""
import json

import pytest

import ovs_bridge
import ovs_port
import ovs_state
import ovs_tunnel
from modrun import binary_name, run_module
from ip_helpers import settled, snapshot


def call(module, ovs, check=False, **args):
    args.setdefault('db', ovs.db)
    result = run_module(module, args, check_mode=check, diff=True)
    assert not result['failed'], result['msg']
    return result


def col(ovs, table, record, column):
    out = ovs.vsctl('--format=json', '--columns=' + column, 'list', table, record)
    return json.loads(out)['data'][0][0]


def converge(module, ovs, **args):
    """First call changes, second identical call does not."""
    first = call(module, ovs, **args)
    assert first['changed'] is True, first
    again = call(module, ovs, **args)
    assert again['changed'] is False, again['transaction']
    return first


def check_mode_writes_nothing(module, ovs, **args):
    links = settled(ovs.netns)   # ports come up asynchronously after a change
    dump = ovs.dump()
    result = call(module, ovs, check=True, **args)
    assert result['changed'] is True and result['commands']
    assert ovs.dump() == dump
    assert snapshot(ovs.netns) == links
    return result


def test_bridge_lifecycle(ovs):
    check_mode_writes_nothing(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    assert col(ovs, 'Bridge', 'br-t', 'datapath_type') == 'netdev'
    assert col(ovs, 'Bridge', 'br-t', 'external_ids') == ['map', [['ovl-owner', 'ovl']]]
    for change, column, expected in [
            ({'fail_mode': 'secure'}, 'fail_mode', 'secure'),
            ({'fail_mode': 'standalone'}, 'fail_mode', 'standalone'),
            ({'other_config': {'hwaddr': '02:00:00:00:00:01'}}, 'other_config',
             ['map', [['hwaddr', '02:00:00:00:00:01']]]),
            ({'external_ids': {'mac': 'aa:bb:cc:dd:ee:ff'}}, 'external_ids',
             ['map', [['mac', 'aa:bb:cc:dd:ee:ff'], ['ovl-owner', 'ovl']]]),
            ({'external_ids': {'mac': None}}, 'external_ids', ['map', [['ovl-owner', 'ovl']]])]:
        check_mode_writes_nothing(ovs_bridge, ovs, name='br-t', datapath_type='netdev', **change)
        converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev', **change)
        assert col(ovs, 'Bridge', 'br-t', column) == expected
    converge(ovs_bridge, ovs, name='br-t', mtu=1400)
    assert col(ovs, 'Interface', 'br-t', 'mtu_request') == 1400
    check_mode_writes_nothing(ovs_bridge, ovs, name='br-t', state='absent')
    converge(ovs_bridge, ovs, name='br-t', state='absent')
    assert 'br-t' not in ovs.vsctl('list-br').split()


def test_bridge_with_foreign_port_needs_force(ovs):
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    ovs.vsctl('add-port', 'br-t', 'alien', '--', 'set', 'Interface', 'alien', 'type=internal')
    result = run_module(ovs_bridge, dict(name='br-t', state='absent', db=ovs.db))
    assert result['failed'] and 'alien' in result['msg'] and 'force=true' in result['msg']
    assert 'br-t' in ovs.vsctl('list-br').split()
    converge(ovs_bridge, ovs, name='br-t', state='absent', force=True)


PORT_STEPS = [
    ({'tag': 20}, 'Port', 'tag', 20),
    ({}, 'Port', 'tag', ['set', []]),
    ({'trunks': [10, 20]}, 'Port', 'trunks', ['set', [10, 20]]),
    ({'vlan_mode': 'trunk', 'trunks': [10]}, 'Port', 'vlan_mode', 'trunk'),
    ({'tag': 30, 'vlan_mode': 'access'}, 'Port', 'vlan_mode', 'access'),
    ({'tag': 30, 'external_ids': {'attached-mac': 'aa:bb:cc:dd:ee:ff'}}, 'Port', 'external_ids',
     ['map', [['attached-mac', 'aa:bb:cc:dd:ee:ff'], ['ovl-owner', 'ovl']]]),
    ({'tag': 30, 'mtu': 1400}, 'Interface', 'mtu_request', 1400),
    ({'tag': 30, 'options': {'n_rxq': '2'}}, 'Interface', 'options', ['map', [['n_rxq', '2']]]),
]


def test_port_lifecycle_every_option(ovs):
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    base = dict(bridge='br-t', name='tp1', type='internal')
    check_mode_writes_nothing(ovs_port, ovs, tag=10, **base)
    converge(ovs_port, ovs, tag=10, **base)
    assert col(ovs, 'Port', 'tp1', 'tag') == 10
    assert 'tp1' in ovs.ns('ip', '-j', 'link')
    for change, table, column, expected in PORT_STEPS:
        check_mode_writes_nothing(ovs_port, ovs, **dict(base, **change))
        converge(ovs_port, ovs, **dict(base, **change))
        assert col(ovs, table, 'tp1', column) == expected, change
    check_mode_writes_nothing(ovs_port, ovs, name='tp1', state='absent')
    converge(ovs_port, ovs, name='tp1', state='absent')
    assert 'tp1' not in ovs.vsctl('list-ports', 'br-t').split()


def test_port_moves_between_bridges(ovs):
    for br in ('br-a', 'br-b'):
        converge(ovs_bridge, ovs, name=br, datapath_type='netdev')
    converge(ovs_port, ovs, bridge='br-a', name='mv1', type='internal', tag=5)
    result = converge(ovs_port, ovs, bridge='br-b', name='mv1', type='internal', tag=5)
    assert len(result['commands']) == 1
    assert ovs.vsctl('port-to-br', 'mv1').strip() == 'br-b'
    assert col(ovs, 'Port', 'mv1', 'tag') == 5


def test_patch_ports(ovs):
    for br in ('br-a', 'br-b'):
        converge(ovs_bridge, ovs, name=br, datapath_type='netdev')
    converge(ovs_port, ovs, bridge='br-a', name='pa', type='patch', peer='pb')
    converge(ovs_port, ovs, bridge='br-b', name='pb', type='patch', peer='pa')
    assert col(ovs, 'Interface', 'pa', 'options') == ['map', [['peer', 'pb']]]


TUNNEL_STEPS = [
    {'remote_ip': '192.0.2.3'},
    {'local_ip': '192.0.2.1'},
    {'key': '200'},
    {'dst_port': 4790},
    {'tag': 7},
]


def test_tunnel_every_option_changes_on_existing_port(ovs):
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    args = dict(bridge='br-t', name='vx-t', remote_ip='192.0.2.2', key='100', tag=3)
    converge(ovs_tunnel, ovs, **args)
    for step in TUNNEL_STEPS:
        args.update(step)
        check_mode_writes_nothing(ovs_tunnel, ovs, **args)
        converge(ovs_tunnel, ovs, **args)
    options = dict(col(ovs, 'Interface', 'vx-t', 'options')[1])
    assert options == {'remote_ip': '192.0.2.3', 'local_ip': '192.0.2.1', 'key': '200',
                       'dst_port': '4790'}
    assert col(ovs, 'Port', 'vx-t', 'tag') == 7
    args['key'] = 'flow'
    args.pop('tag')
    converge(ovs_tunnel, ovs, **args)
    assert dict(col(ovs, 'Interface', 'vx-t', 'options')[1])['key'] == 'flow'
    converge(ovs_tunnel, ovs, name='vx-t', state='absent')


@pytest.mark.parametrize('kind, options', [
    ('geneve', {'remote_ip': '192.0.2.2', 'key': '70000', 'dst_port': '6081'}),
    ('gre', {'remote_ip': '192.0.2.2', 'key': '16777215'}),
])
def test_tunnel_types_of_the_table_are_built_by_ovs(ovs, kind, options):
    """Geneve and GRE ports on the userspace datapath: made, converged, protected
    (split horizon), their key changed in place, removed."""
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    args = dict(bridge='br-t', name='tt-' + kind, type=kind, remote_ip='192.0.2.2',
                key=options['key'])
    check_mode_writes_nothing(ovs_tunnel, ovs, **args)
    converge(ovs_tunnel, ovs, **args)
    assert col(ovs, 'Interface', 'tt-' + kind, 'type') == kind
    assert dict(col(ovs, 'Interface', 'tt-' + kind, 'options')[1]) == options
    converge(ovs_tunnel, ovs, **dict(args, key='5'))
    assert dict(col(ovs, 'Interface', 'tt-' + kind, 'options')[1])['key'] == '5'
    converge(ovs_port, ovs, bridge='br-t', name='tt-' + kind, type=kind, protected=True, tag=9,
             options=dict(remote_ip='192.0.2.2', key='5'))
    assert col(ovs, 'Port', 'tt-' + kind, 'protected') is True
    converge(ovs_tunnel, ovs, name='tt-' + kind, state='absent')


def test_noop_port_call_runs_exactly_one_ovs_vsctl_process(ovs):
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    converge(ovs_port, ovs, bridge='br-t', name='np1', type='internal', tag=4)
    result = call(ovs_port, ovs, bridge='br-t', name='np1', type='internal', tag=4)
    assert result['changed'] is False
    assert [binary_name(a) for a in result['_argv']] == ['ovs-vsctl']


def _state_args(tenants, prune=True):
    ports = []
    for tenant, names in tenants.items():
        for name in names:
            ports.append({'name': name, 'bridge': 'br-s', 'type': 'internal', 'tenant': tenant})
    return dict(bridges=[{'name': 'br-s', 'datapath_type': 'netdev'}], ports=ports, prune=prune)


def test_state_converges_prunes_and_keeps_foreign_objects(ovs):
    ovs.vsctl('add-br', 'br-foreign', '--', 'set', 'Bridge', 'br-foreign', 'datapath_type=netdev')
    ovs.vsctl('add-br', 'br-s', '--', 'set', 'Bridge', 'br-s', 'datapath_type=netdev')
    ovs.vsctl('add-port', 'br-s', 'alien', 'tag=1', '--', 'set', 'Interface', 'alien', 'type=internal')
    foreign_before = ovs.vsctl('--format=json', 'list', 'Port', 'alien')

    args = _state_args({'blue': ['sb1', 'sb2'], 'red': ['sr1']})
    check_mode_writes_nothing(ovs_state, ovs, **args)
    first = converge(ovs_state, ovs, **args)
    assert len(first['commands']) == 1
    assert first['tenant_tags'] == {'blue': 2, 'red': 3}   # 1 is the foreign port's

    # remove red, add green: blue keeps its tag, red's port goes, green is new
    args = _state_args({'blue': ['sb1', 'sb2'], 'green': ['sg1']})
    result = converge(ovs_state, ovs, **args)
    assert result['tenant_tags'] == {'blue': 2, 'green': 4}
    ports = ovs.vsctl('list-ports', 'br-s').split()
    assert 'sr1' not in ports and 'alien' in ports
    assert ovs.vsctl('--format=json', 'list', 'Port', 'alien') == foreign_before
    assert 'br-foreign' in ovs.vsctl('list-br').split()

    # everything gone: our bridge is kept because a foreign port sits on it
    result = call(ovs_state, ovs, bridges=[], ports=[], prune=True)
    # br-s was created outside the modules (unmarked): never deleted
    assert result['warnings_detail'] == []
    assert ovs.vsctl('list-ports', 'br-s').split() == ['alien']


def test_state_prunes_our_bridge_when_empty(ovs):
    converge(ovs_state, ovs, **_state_args({'blue': ['pb1']}))
    converge(ovs_state, ovs, bridges=[], ports=[], prune=True)
    assert 'br-s' not in ovs.vsctl('list-br').split()


def test_killed_vswitchd_gives_one_line_error(ovs):
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    ovs.kill('ovs-vswitchd')
    result = run_module(ovs_port, dict(bridge='br-t', name='kp1', type='internal', tag=3,
                                       db=ovs.db, timeout=2))
    assert result['failed']
    assert 'ovs-vswitchd is not running' in result['msg']
    assert '\n' not in result['msg'] and 'Traceback' not in result['msg']


def test_stopped_ovsdb_server_gives_one_line_error(ovs, tmp_path):
    result = run_module(ovs_port, dict(bridge='br-t', name='x', db='unix:%s/none.sock' % tmp_path))
    assert result['failed']
    assert result['msg'].startswith('ovsdb-server is not reachable')
    assert '\n' not in result['msg']


def test_dump_sees_any_write(ovs):
    """The check-mode comparison would catch a write: next_cfg moves."""
    converge(ovs_bridge, ovs, name='br-t', datapath_type='netdev')
    before = ovs.dump()
    ovs.vsctl('set', 'Bridge', 'br-t', 'external_ids:x=y')
    assert ovs.dump() != before
    before = ovs.dump()
    ovs.vsctl('remove', 'Bridge', 'br-t', 'external_ids', 'x')
    assert ovs.dump() != before
