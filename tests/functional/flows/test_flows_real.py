"""ovs_flows against a real, private ovsdb-server + ovs-vswitchd (userspace
datapath): create, idempotent, modify, check mode writes nothing (dump-flows
byte-identical), prune leaves foreign flows (other cookies) untouched, a port
recreated with another number gets its flows rewritten.

The shared ``ovs`` fixture runs its daemons with OVS_RUNDIR set to its own
directory (``/var/run/openvswitch`` need not exist); the module is pointed at
``unix:<dir>/<bridge>.mgmt`` with the ``target`` option.
"""
import pytest

import ovs_flows
from fixtures.netns import sh
from modrun import binary_name, run_module

BR = 'br-ft'
FOREIGN = 'cookie=0x1234,table=0,priority=7,in_port=ftp1,actions=drop'
BASE = [
    dict(table=0, priority=1, match='in_port=ftp1', actions='resubmit(,2)'),
    dict(table=0, priority=1, match='in_port=ftvx', actions='resubmit(,4)'),
    dict(table=0, priority=0, actions='drop'),
    dict(table=4, priority=1, match='tun_id=100', actions='mod_vlan_vid:1,resubmit(,10)'),
    dict(table=10, priority=1,
         actions='learn(table=20,hard_timeout=300,priority=1,cookie=0x0f1c800000000000,'
                 'NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],'
                 'load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],'
                 'output:OXM_OF_IN_PORT[]),output:ftp1'),
    dict(table=22, priority=1, match='dl_vlan=1',
         actions='strip_vlan,set_tunnel:100,output:ftvx'),
]




@pytest.fixture
def bridge(ovs):
    ovs.vsctl('add-br', BR, '--', 'set', 'Bridge', BR, 'datapath_type=netdev',
               'fail_mode=secure',
               '--', 'add-port', BR, 'ftp1', '--', 'set', 'Interface', 'ftp1', 'type=internal',
               '--', 'add-port', BR, 'ftvx', '--', 'set', 'Interface', 'ftvx', 'type=vxlan',
               'options:key=flow', 'options:remote_ip=192.0.2.2')
    target = ovs.mgmt(BR)
    sh('ovs-ofctl', 'add-flow', target, FOREIGN)
    yield target
    ovs.vsctl('--if-exists', 'del-br', BR)


def dump(target):
    """All flows of the bridge without counters, sorted (foreign ones too)."""
    out = sh('ovs-ofctl', '--no-names', '--no-stats', 'dump-flows', target)
    return sorted(line.strip() for line in out.splitlines() if 'actions=' in line)


def call(target, flows, check=False, **extra):
    args = dict(dict(bridge=BR, target=target, flows=flows, prune=True), **extra)
    result = run_module(ovs_flows, args, check_mode=check, diff=True)
    assert not result['failed'], result['msg']
    return result


def writes(result):
    return [a for a in result['_argv'] if 'add-flows' in a]


def test_create_idempotent_modify_prune(bridge):
    before = dump(bridge)
    check = call(bridge, BASE, check=True)
    assert check['changed'] and len(check['flow_mods']) == len(BASE) + 1  # + learned flush
    assert writes(check) == [] and dump(bridge) == before

    first = call(bridge, BASE)
    assert first['changed'] and len(writes(first)) == 1
    assert first['_stdin'][-1].count('\n') == len(BASE) + 1
    flows = dump(bridge)
    assert len(flows) == len(BASE) + 1
    assert any('cookie=0x1234' in f for f in flows)

    again = call(bridge, BASE)
    assert again['changed'] is False and again['commands'] == [] and writes(again) == []
    assert [binary_name(a) for a in again['_argv']] == ['ovs-ofctl', 'ovs-ofctl']
    assert dump(bridge) == flows

    # modify one flow: one delete, one add, learned flush; foreign untouched
    changed = [dict(f) for f in BASE]
    changed[3]['actions'] = 'mod_vlan_vid:2,resubmit(,10)'
    mod = call(bridge, changed)
    assert mod['changed'] and [m.split()[0] for m in mod['flow_mods']] == [
        'delete', 'delete', 'add']
    assert mod['diff']['before']['flows'] != mod['diff']['after']['flows']
    now = dump(bridge)
    assert any('mod_vlan_vid:2' in f for f in now) and not any('mod_vlan_vid:1' in f for f in now)
    assert call(bridge, changed)['changed'] is False

    # check mode on a change writes nothing
    snapshot = dump(bridge)
    check = call(bridge, BASE, check=True)
    assert check['changed'] and writes(check) == [] and dump(bridge) == snapshot

    # prune everything of ours: only the foreign flow is left
    gone = call(bridge, [])
    assert gone['changed']
    left = dump(bridge)
    assert len(left) == 1 and 'cookie=0x1234' in left[0] and 'priority=7' in left[0]
    assert call(bridge, [])['changed'] is False


def test_prune_false_keeps_unlisted(bridge):
    call(bridge, BASE)
    result = call(bridge, BASE[:2], prune=False)
    assert result['changed'] is False
    assert len(dump(bridge)) == len(BASE) + 1


def test_learned_flows_survive_noop_and_flush_on_change(bridge, ovs):
    call(bridge, BASE)
    learned = ('cookie=0x0f1c800000000000,table=20,priority=1,dl_vlan=1,'
               'dl_dst=02:00:00:00:00:01,actions=output:ftvx')
    sh('ovs-ofctl', 'add-flow', bridge, learned)
    assert call(bridge, BASE)['changed'] is False
    assert any(' table=20, ' in f for f in dump(bridge))
    call(bridge, BASE[:-1])
    assert not any(' table=20, ' in f for f in dump(bridge))


def test_port_renumbered_rewrites_its_flows(bridge, ovs):
    call(bridge, BASE)
    ovs.vsctl('set', 'Interface', 'ftvx', 'ofport_request=77')
    result = call(bridge, BASE)
    assert result['changed'] is True
    # only the flows naming ftvx are rewritten
    assert sum(1 for m in result['flow_mods'] if m.startswith('add ')) == 2
    assert any('output:77' in f for f in dump(bridge))
    assert call(bridge, BASE)['changed'] is False


def test_missing_bridge(ovs):
    target = ovs.mgmt('br-none')
    check = run_module(ovs_flows, dict(bridge='br-none', target=target, flows=BASE[:1]),
                       check_mode=True)
    assert not check['failed'] and check['changed'] is True
    real = run_module(ovs_flows, dict(bridge='br-none', target=target, flows=BASE[:1]))
    assert real['failed'] and 'create the bridge first' in real['msg']


def test_bad_port_name_fails_atomically(bridge):
    call(bridge, BASE)
    snapshot = dump(bridge)
    bad = BASE[:-1] + [dict(table=22, priority=1, match='dl_vlan=1', actions='output:nosuch')]
    result = run_module(ovs_flows, dict(bridge=BR, target=bridge, flows=bad, prune=True))
    assert result['failed'] and 'ovs-ofctl' in result['msg']
    assert dump(bridge) == snapshot
