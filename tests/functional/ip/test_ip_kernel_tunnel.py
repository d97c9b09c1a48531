"""Kernel tunnel mode on real namespaces: one VXLAN device per tenant whose
flood list (all-zeros FDB entries) is converged exactly, read back over
rtnetlink, and carries packets; TX offload set in the module process equals
what ethtool sets, with no ethtool process."""
import json
import os
import shutil

import pytest

import ip_state
from fixtures.netns import sh
from modrun import binary_name, run_module
from ip_helpers import quiet_netns, settled, snapshot

ZERO = '00:00:00:00:00:00'


def flood(ns, dev):
    entries = json.loads(sh('bridge', '-n', ns, '-j', 'fdb', 'show', 'dev', dev) or '[]')
    return sorted(e['dst'] for e in entries if e.get('mac') == ZERO and e.get('dst'))


def run(args, check_mode=False):
    result = run_module(ip_state, args, check_mode=check_mode, diff=True)
    assert not result['failed'], result['msg']
    return result


@pytest.fixture
def underlay(make_netns):
    """Two 'hosts' a and b joined by a veth underlay 10.7.0.1 <-> 10.7.0.2."""
    a, b = quiet_netns(make_netns, 'tka'), quiet_netns(make_netns, 'tkb')
    sh('ip', '-n', a, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up0', 'netns', b)
    for ns, addr in ((a, '10.7.0.1/24'), (b, '10.7.0.2/24')):
        sh('ip', '-n', ns, 'addr', 'add', addr, 'dev', 'up0')
        sh('ip', '-n', ns, 'link', 'set', 'up0', 'up')
    return a, b


def device(ns, local, peers, owner):
    return dict(owner=owner, prune=True, namespaces=[dict(name=ns)], links=[dict(
        name='vx64', kind='vxlan', id=100, netns=ns, local=local, dstport=4789, learning=True,
        mtu=1450, flood=peers)])


def test_flood_list_converges_exactly_and_carries_packets(underlay, tmp_path):
    a, b = underlay
    owner = 'k%d' % (os.getpid() % 10000)
    args = device(a, '10.7.0.1', ['10.7.0.2', '10.7.0.3'], owner)
    args['mark_dir'] = str(tmp_path / 'marks')
    before = settled(a)
    check = run(args, check_mode=True)
    assert check['changed'] and snapshot(a) == before and 'vx64' not in sh('ip', '-n', a, 'link')

    first = run(args)
    assert first['commands'] == check['commands']
    assert flood(a, 'vx64') == ['10.7.0.2', '10.7.0.3']
    # the flood list is written by `bridge -batch` run inside the namespace (setns)
    assert any(os.path.basename(argv[0]) == 'bridge' or argv[4:5] == ['bridge']
               for argv in first['_argv'])

    again = run(args)
    assert (again['changed'], again['commands']) == (False, [])
    assert again['_argv'] == []   # reads in-process: no process at all

    moved = run(device(a, '10.7.0.1', ['10.7.0.2', '10.7.0.4'], owner))
    assert moved['commands'] == [
        ['bridge', '-n', a, 'fdb', 'append', ZERO, 'dev', 'vx64', 'dst', '10.7.0.4'],
        ['bridge', '-n', a, 'fdb', 'del', ZERO, 'dev', 'vx64', 'dst', '10.7.0.3']]
    assert flood(a, 'vx64') == ['10.7.0.2', '10.7.0.4']

    # the other side, and a packet through the head-end replicated device
    run(dict(device(b, '10.7.0.2', ['10.7.0.1'], owner), mark_dir=str(tmp_path / 'marks')))
    sh('ip', '-n', a, 'addr', 'add', '172.31.0.1/24', 'dev', 'vx64')
    sh('ip', '-n', b, 'addr', 'add', '172.31.0.2/24', 'dev', 'vx64')
    if shutil.which('ping'):
        sh('ip', 'netns', 'exec', a, 'ping', '-c1', '-W3', '172.31.0.2')


def test_tx_offload_in_process_equals_ethtool(make_netns, tmp_path):
    if not shutil.which('ethtool'):
        pytest.skip('ethtool (the reference) is not installed')
    ns = quiet_netns(make_netns, 'tko')
    for name in ('va', 'vb'):
        sh('ip', '-n', ns, 'link', 'add', name + '0', 'type', 'veth', 'peer', 'name', name + '1')
    sh('ethtool', '-K', 'vb0', 'tx', 'off', ns=ns)
    sh('ethtool', '-K', 'vb1', 'tx', 'off', ns=ns)
    args = dict(owner='o%d' % (os.getpid() % 10000), mark_dir=str(tmp_path / 'm'),
                namespaces=[dict(name=ns)],
                links=[dict(name='va0', kind='veth', peer='va1', netns=ns, tx_offload=False)])
    result = run(args)
    assert ['ip', 'netns', 'exec', ns, 'ethtool', '-K', 'va0', 'tx', 'off'] in result['commands']
    assert not [argv for argv in result['_argv'] if binary_name(argv) == 'ethtool']
    for end in ('0', '1'):   # every feature line the same, the device name aside
        mine = sh('ethtool', '-k', 'va' + end, ns=ns).splitlines()[1:]
        assert mine == sh('ethtool', '-k', 'vb' + end, ns=ns).splitlines()[1:]
        assert 'tx-checksumming: off' in mine
    assert run(args)['changed'] is False
