"""OVS modules with run_command patched: exact argv, one read, one write,
zero writes in check mode, one-line errors."""
import pytest

import ovs_bridge
import ovs_port
import ovs_state
import ovs_tunnel
from modrun import binary_name, run_module
from ovs_fake import vsctl_json

OURS = {'ovl-owner': 'ovl'}
STATE = vsctl_json(
    bridges={'br-int': {'datapath_type': 'netdev', 'external_ids': OURS}},
    ports={'p1': {'bridge': 'br-int', 'tag': 5, 'type': 'internal', 'external_ids': OURS},
           'vx1': {'bridge': 'br-int', 'tag': 1, 'type': 'vxlan', 'external_ids': OURS,
                   'options': {'remote_ip': '10.9.0.2', 'key': '100', 'dst_port': '4789'}}})


def fake_ovs(state=STATE, write_rc=0, write_err=''):
    def _fake(argv, data):
        if argv[1:3] == ['link', 'set'] and binary_name(argv) == 'ip':   # a reopened port up
            return 0, '', ''
        assert binary_name(argv) == 'ovs-vsctl', argv
        if '--format=json' in argv:
            return 0, state, ''
        return write_rc, '', write_err
    return _fake


def writes(result):
    return [a for a in result['_argv'] if '--format=json' not in a]


# (module, args that change something, expected transaction)
CHANGES = [
    (ovs_bridge, {'name': 'br-new', 'datapath_type': 'netdev'},
     [['add-br', 'br-new'], ['set', 'Bridge', 'br-new', 'datapath_type="netdev"',
                             'external_ids:"ovl-owner"="ovl"']]),
    (ovs_bridge, {'name': 'br-int', 'state': 'absent'}, [['del-br', 'br-int']]),
    (ovs_port, {'bridge': 'br-int', 'name': 'p1', 'type': 'internal', 'tag': 6},
     [['set', 'Port', 'p1', 'tag=6']]),
    (ovs_port, {'bridge': 'br-int', 'name': 'p1', 'type': 'internal'},
     [['clear', 'Port', 'p1', 'tag']]),
    (ovs_port, {'name': 'p1', 'state': 'absent'}, [['del-port', 'br-int', 'p1']]),
    (ovs_tunnel, {'bridge': 'br-int', 'name': 'vx1', 'remote_ip': '10.9.0.3', 'key': '100', 'tag': 1},
     [['set', 'Interface', 'vx1', 'options={"dst_port"="4789","key"="100","remote_ip"="10.9.0.3"}']]),
    (ovs_tunnel, {'bridge': 'br-int', 'name': 'vx1', 'remote_ip': '10.9.0.2', 'key': '100',
                  'tag': 1, 'dst_port': 4790},
     [['set', 'Interface', 'vx1', 'options={"dst_port"="4790","key"="100","remote_ip"="10.9.0.2"}']]),
    (ovs_state, {'bridges': [{'name': 'br-int'}], 'ports': [], 'prune': True},
     [['del-port', 'br-int', 'p1'], ['del-port', 'br-int', 'vx1']]),
]


@pytest.mark.parametrize('module, args, transaction', CHANGES)
def test_change_is_one_read_and_one_transaction(module, args, transaction):
    result = run_module(module, args, fake=fake_ovs(), diff=True)
    assert not result['failed'], result.get('msg')
    assert result['changed'] is True
    assert result['transaction'] == transaction
    expected_argv = ['ovs-vsctl', '--timeout=10']
    for sub in transaction:
        expected_argv += ['--'] + sub
    assert result['commands'] == [expected_argv]
    assert len(result['_argv']) == 2
    assert writes(result) == [['/usr/bin/ovs-vsctl'] + expected_argv[1:]]
    assert 'before' in result['diff'] and 'after' in result['diff']


@pytest.mark.parametrize('module, args, transaction', CHANGES)
def test_check_mode_never_writes(module, args, transaction):
    result = run_module(module, args, fake=fake_ovs(), check_mode=True)
    assert result['changed'] is True
    assert result['transaction'] == transaction
    assert writes(result) == []
    assert len(result['_argv']) == 1


NOOPS = [
    (ovs_bridge, {'name': 'br-int', 'datapath_type': 'netdev'}),
    (ovs_port, {'bridge': 'br-int', 'name': 'p1', 'type': 'internal', 'tag': 5}),
    (ovs_tunnel, {'bridge': 'br-int', 'name': 'vx1', 'remote_ip': '10.9.0.2', 'key': '100', 'tag': 1}),
    (ovs_port, {'name': 'nope', 'state': 'absent'}),
]


@pytest.mark.parametrize('module, args', NOOPS)
def test_noop_is_exactly_one_ovs_vsctl_process(module, args):
    result = run_module(module, args, fake=fake_ovs())
    assert result['changed'] is False and result['commands'] == []
    assert len(result['_argv']) == 1


def test_db_down_is_one_line_with_fix():
    def down(argv, data):
        return 1, '', ('ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection '
                       'failed (No such file or directory)\n')
    result = run_module(ovs_port, {'bridge': 'br-int', 'name': 'p1'}, fake=down)
    assert result['failed']
    assert result['msg'].startswith('ovsdb-server is not reachable')
    assert 'systemctl start openvswitch-switch' in result['msg']
    assert '\n' not in result['msg']


def test_vswitchd_timeout_is_one_line_with_fix():
    result = run_module(ovs_port, {'bridge': 'br-int', 'name': 'p1', 'tag': 9, 'type': 'internal'},
                        fake=fake_ovs(write_rc=142, write_err='... Alarm clock\n'))
    assert result['failed']
    assert 'ovs-vswitchd is not running' in result['msg'] and '\n' not in result['msg']


def test_missing_ovs_vsctl(monkeypatch, tmp_path):
    monkeypatch.setenv('PATH', str(tmp_path))
    monkeypatch.setattr('ansible.module_utils.common.process.get_bin_path.__defaults__',
                        (None, False), raising=False)
    from ansible.module_utils import basic
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path',
                        lambda self, name, required=False, opt_dirs=None: None)
    result = run_module(ovs_port, {'bridge': 'br-int', 'name': 'p1'}, fake=fake_ovs())
    assert result['failed']
    assert result['msg'] == ('ovs-vsctl: command not found; install Open vSwitch '
                             '(apt-get install openvswitch-switch)')
    assert result['_argv'] == []


@pytest.mark.parametrize('module, args, message', [
    (ovs_port, {'bridge': 'br-int', 'name': 'p1', 'tag': 5000}, 'tag: 5000 is outside 1-4094'),
    (ovs_tunnel, {'bridge': 'br-int', 'name': 'vx1', 'remote_ip': '1.2.3.4', 'key': '0'},
     "key: '0' is outside 1-16777215"),
    (ovs_port, {'bridge': 'br-int', 'name': 'x' * 16}, 'is longer than 15'),
    (ovs_state, {'ports': [{'name': 'a', 'bridge': 'br-int', 'tag': 0}]}, 'ports[0].tag: 0'),
    (ovs_state, {'ports': [{'name': 'a', 'bridge': 'br-nope'}]},
     "ports[0].bridge: 'br-nope' does not exist"),
    (ovs_port, {'bridge': 'br-nope', 'name': 'a'}, "bridge: 'br-nope' does not exist"),
])
def test_bad_input_fails_before_any_write(module, args, message):
    result = run_module(module, args, fake=fake_ovs())
    assert result['failed'] and message in result['msg'], result['msg']
    assert writes(result) == []


def test_tenant_tags_returned_and_applied():
    result = run_module(ovs_state, {'ports': [
        {'name': 'pa', 'bridge': 'br-int', 'tenant': 'blue'},
        {'name': 'pb', 'bridge': 'br-int', 'tenant': 'red'}]}, fake=fake_ovs())
    # tags 1 and 5 are carried by ports of ours without a tenant (p1, vx1):
    # a tenant must never share their VLAN, so new tenants get 2 and 3.
    assert result['tenant_tags'] == {'blue': 2, 'red': 3}
    assert ['add-port', 'br-int', 'pa', 'tag=2', 'external_ids:"ovl-owner"="ovl"',
            'external_ids:"ovl-tenant"="blue"'] in result['transaction']


def _down(argv, data):
    return 1, '', 'ovs-vsctl: unix:/x/db.sock: database connection failed (No such file)\n'


def test_plan_if_down_plans_from_empty_db_in_check_mode_only():
    args = {'bridges': [{'name': 'br-int'}], 'plan_if_down': True}
    result = run_module(ovs_state, args, fake=_down, check_mode=True)
    assert not result['failed'] and result['changed']
    assert result['transaction'][0] == ['add-br', 'br-int']
    real = run_module(ovs_state, args, fake=_down)
    assert real['failed'] and real['msg'].startswith('ovsdb-server is not reachable')
    off = run_module(ovs_state, dict(args, plan_if_down=False), fake=_down, check_mode=True)
    assert off['failed']


def test_reopen_deletes_then_adds_back_in_two_transactions():
    # p1's device was made anew (ip_state re-created its veth): the userspace
    # datapath only reads the new one after del-port and add-port in separate
    # transactions; the listed port that is not in OVS yet (p2) needs no delete
    args = {'ports': [{'name': 'p1', 'bridge': 'br-int', 'tag': 5, 'type': 'internal'},
                      {'name': 'p2', 'bridge': 'br-int', 'tag': 6}],
            'reopen': ['p1', 'p2', 'not-listed']}
    result = run_module(ovs_state, args, fake=fake_ovs())
    assert not result['failed'], result.get('msg')
    assert result['reopened'] == ['p1']
    assert result['pre_transaction'] == [['del-port', 'br-int', 'p1']]
    added = [sub for sub in result['transaction'] if sub[:1] == ['add-port']]
    assert [sub[:3] for sub in added] == [['add-port', 'br-int', 'p1'], ['add-port', 'br-int', 'p2']]
    assert 'tag=5' in added[0]      # added back with its settings
    # then the reopened device is set up again: the userspace datapath may
    # have opened it by itself while it was down, and restores that on delete
    assert len(writes(result)) == 3
    assert writes(result)[0] == ['/usr/bin/ovs-vsctl', '--timeout=10', '--',
                                 'del-port', 'br-int', 'p1']
    assert writes(result)[2][1:] == ['link', 'set', 'dev', 'p1', 'up']
    assert len(result['commands']) == 3


def test_reopen_of_nothing_is_one_transaction_and_noop_stays_noop():
    args = {'ports': [{'name': 'p1', 'bridge': 'br-int', 'tag': 5, 'type': 'internal'}]}
    result = run_module(ovs_state, args, fake=fake_ovs())
    assert result['changed'] is False and result['pre_transaction'] == []
    assert writes(result) == []


@pytest.mark.parametrize('ids', [{}, {'ovl-owner': 'someone'}, {'ovl-tenant': 'blue'}])
def test_a_tenant_port_held_by_others_is_refused_before_any_write(ids):
    """A port with a wanted tenant port's name that is not ours (no mark,
    another owner): taking it over made the tenant's VLAN flip between runs
    (the preflight counts its tag as foreign, the plan moved it), so the run
    stops naming it, with the one read and no write."""
    state = vsctl_json(bridges={'br-int': {'datapath_type': 'netdev', 'external_ids': OURS}},
                       ports={'ove1': {'bridge': 'br-int', 'tag': 1, 'type': 'system',
                                       'external_ids': ids}})
    result = run_module(ovs_state, {'bridges': [{'name': 'br-int'}], 'prune': True, 'ports': [
        {'name': 'ove1', 'bridge': 'br-int', 'type': 'system', 'tenant': 'blue', 'tag': 501}]},
        fake=fake_ovs(state))
    assert result['failed'] and "ports[0].name: 'ove1' (tenant blue)" in result['msg']
    assert 'not ours' in result['msg'] and 'del-port br-int ove1' in result['msg']
    assert writes(result) == []
