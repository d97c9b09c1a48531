"""ovl.ovn.leave: a host the project made an OVN chassis (or central) stops
being one when the fleet goes back to the ovs backend; a host it did not make
one is never touched; others' mappings and ports stay."""
from ansible.module_utils.ovl.ovn import read
from ansible.module_utils.ovl.ovn.leave import (
    mappings_without_ours, ovsdb_leftovers, plan, stop_argv)

PARAMS = dict(owner='ovl', bridge='br-int', systemd=None, timeout=30)
CHASSIS_IDS = {'hostname': 'h2', 'system-id': 'abc', 'ovl-chassis': 'ovl',
               'ovn-remote': 'tcp:192.168.1.11:6642', 'ovn-encap-type': 'geneve',
               'ovn-encap-ip': '192.168.1.12', 'ovn-bridge': 'br-int',
               'ovn-bridge-datapath-type': 'netdev', 'ovn-remote-probe-interval': '60000',
               'ovn-bridge-mappings': 'phys:br-ex,ovl-ext:br-phy'}


def port(bridge, ids=None, iface=None, tag=None):
    return dict(bridge=bridge, external_ids=ids or {}, interface_external_ids=iface or {},
                tag=tag)


def state():
    ours = {'ovl-owner': 'ovl', 'ovl-tenant': 'blue'}
    return dict(
        bridges={'br-int': dict(external_ids={'ct-zone-x': '1', 'ovn-startup-ts': '5',
                                              'keep': 'y'},
                                other_config={'disable-in-band': 'true', 'hwaddr': 'aa'}),
                 'br-phy': dict(external_ids={}, other_config={})},
        ports={'ove1': port('br-int', ours, {'iface-id': 'u1', 'ovn-installed': 'true',
                                             'other': 'x'}),
               'ovn-e988e9-0': port('br-int', {'ovn-chassis-id': 'e9@192.168.1.13'}),
               'patch-br-int-to-ovl-ext-localnet': port('br-int', {'ovn-localnet-port': 'l'}),
               'vnet0': port('br-int', {}, {'iface-id': 'vm-of-someone'}),
               'eth0': port('br-phy', {'ovl-owner': 'ovl'})})


def have(**over):
    base = dict(ids=dict(CHASSIS_IDS), systemd=False, nb=None, other_chassis=[],
                state=state(), controller=True, northd=False)
    base.update(over)
    return base


def test_a_host_we_never_made_a_chassis_is_left_alone():
    assert plan(PARAMS, dict(ids={'ovn-remote': 'tcp:10.0.0.1:6642', 'system-id': 'x'})) == []
    # another deployment's mark is not ours either
    assert plan(PARAMS, dict(ids=dict(CHASSIS_IDS, **{'ovl-chassis': 'other'}))) == []


def test_a_chassis_stops_ovn_controller_clears_flows_then_removes_what_ovn_left():
    steps = plan(PARAMS, have())
    assert [s.op for s in steps] == ['service.stop', 'run', 'run']
    assert steps[0].argv == ['/usr/share/ovn/scripts/ovn-ctl', 'stop_controller', '--no-monitor']
    assert steps[1].argv == ['ovs-ofctl', 'replace-flows', 'br-int', '-']
    assert steps[1].stdin == 'priority=0,actions=NORMAL\n'
    txn = steps[2].argv
    assert txn[0] == 'ovs-vsctl'
    joined = ' '.join(txn)
    for gone in ('del-port br-int ovn-e988e9-0', 'del-port br-int patch-br-int-to-ovl-ext-localnet',
                 'remove Interface ove1 external_ids iface-id',
                 'remove Interface ove1 external_ids ovn-installed',
                 'remove Bridge br-int external_ids ct-zone-x',
                 'remove Bridge br-int external_ids ovn-startup-ts',
                 'remove Bridge br-int other_config disable-in-band',
                 'remove Open_vSwitch . external_ids ovn-remote',
                 'remove Open_vSwitch . external_ids ovl-chassis'):
        assert gone in joined, gone
    # others' mapping kept, ours dropped; nothing of others touched
    assert 'external_ids:"ovn-bridge-mappings"="phys:br-ex"' in txn
    for kept in ('vnet0', 'eth0', 'keep', 'system-id', 'hostname', 'other'):
        assert kept not in txn, kept
    # the mark goes last-but-not-before: in the same transaction as the rest
    assert txn.index('ovl-chassis') > txn.index('ovn-e988e9-0')


def test_with_systemd_ovn_controller_is_disabled_too():
    steps = plan(PARAMS, have(systemd=True))
    assert steps[0].argv == ['systemctl', 'disable', '--now', 'ovn-host']
    assert stop_argv('northd', True) == ['systemctl', 'disable', '--now', 'ovn-central']


def test_a_half_done_leave_converges_on_the_next_run():
    """ovn-controller already stopped, the flows replaced: the next run does
    the rest; after it, nothing."""
    steps = plan(PARAMS, have(controller=False))
    assert [s.argv[0] for s in steps] == ['ovs-ofctl', 'ovs-vsctl']
    done = dict(ids={'hostname': 'h2', 'system-id': 'abc'})
    assert plan(PARAMS, done) == []


def test_the_central_removes_our_nb_rows_and_stops_once_no_other_chassis_uses_it():
    ids = dict(CHASSIS_IDS, **{'ovl-central': 'ovl'})
    nb = read.parse('\n'.join(['{"data":[],"headings":[]}'] * len(read.COLUMNS)), 'ovl')
    nb['have']['Logical_Switch']['ovl-blue'] = dict(other_config={}, external_ids={
        'ovl-owner': 'ovl', 'ovl-tenant': 'blue'})
    nb['uuids'][('Logical_Switch', 'ovl-blue')] = 'u-ls'
    waiting = plan(PARAMS, have(ids=ids, nb=nb, northd=True, other_chassis=['e9']))
    assert waiting[0].argv[0] == 'ovn-nbctl'
    assert 'ls-del' in waiting[0].argv or 'destroy' in waiting[0].argv
    assert 'stop_northd' not in ' '.join(' '.join(s.argv) for s in waiting)
    assert 'ovl-central' not in ' '.join(waiting[-1].argv)      # kept: the next run stops it
    alone = plan(PARAMS, have(ids=ids, nb=nb, northd=True, other_chassis=[]))
    assert alone[-1].argv == ['/usr/share/ovn/scripts/ovn-ctl', 'stop_northd', '--no-monitor']
    assert 'ovl-central' in alone[-2].argv


def test_a_central_made_before_the_mark_is_known_by_its_running_northd():
    nb = read.parse('\n'.join(['{"data":[],"headings":[]}'] * len(read.COLUMNS)), 'ovl')
    steps = plan(PARAMS, have(nb=nb, northd=True))
    assert steps[-1].argv[1] == 'stop_northd'


def test_mappings_without_ours():
    assert mappings_without_ours('ovl-ext:br-phy') == ''
    assert mappings_without_ours('a:b,ovl-ext:br-phy,c:d') == 'a:b,c:d'


def test_leftovers_of_an_emptied_host_are_none():
    ids = {'hostname': 'h', 'system-id': 'x'}
    clean = dict(bridges={'br-int': dict(external_ids={}, other_config={})}, ports={})
    assert ovsdb_leftovers(ids, clean, 'br-int', 'ovl', False) == []


def test_the_diff_shows_the_keys_as_the_transaction_leaves_them():
    from ansible.module_utils.ovl.ovn.leave import ids_after
    after = ids_after(CHASSIS_IDS, central_stays=False)
    assert after == {'hostname': 'h2', 'system-id': 'abc', 'ovn-bridge-mappings': 'phys:br-ex'}
    assert ids_after(dict(CHASSIS_IDS, **{'ovl-central': 'ovl'}), True)['ovl-central'] == 'ovl'


def test_a_host_not_ours_shows_no_diff_even_with_ovn_keys():
    from ansible.module_utils.ovl.ovn.leave import OvnLeaveDriver
    theirs = dict(CHASSIS_IDS, **{'ovl-chassis': 'someone-else'})
    driver = OvnLeaveDriver(None, dict(PARAMS))
    assert driver.diff(PARAMS, dict(ids=theirs), None) == (theirs, theirs)
