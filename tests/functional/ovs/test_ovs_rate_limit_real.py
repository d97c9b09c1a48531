"""Rate limits on the real private OVS (userspace datapath), both halves:
``ovs_state``'s port ``shape`` (QoS linux-htb + Queue, what OVS sends to the
port) and ``ovs_flows``'s ``meters`` (an OpenFlow meter on what comes in on
the port): made, idempotent, changed, removed; someone else's QoS and meter
untouched; and the rates hold, measured with iperf3 between two namespaces
this test made (the same measure the lab's verify takes, within 15 %)."""
import json
import subprocess
import time

import ovs_flows
import ovs_state
from ansible.module_utils.ovl.core.netns import entered
from modrun import run_module
from fixtures.netns import sh

BR = 'br-rl'
FOREIGN_METER = 'meter=7,kbps,band=type=drop,rate=1000'


def veth(ovs, port, ns, address):
    sh('ip', 'netns', 'exec', ovs.netns, 'ip', 'link', 'add', port, 'type', 'veth',
       'peer', 'name', 'eth0', 'netns', ns)
    # the userspace datapath sends what it reads: no checksum left to offload
    for argv in (['ip', 'netns', 'exec', ovs.netns, 'ethtool', '-K', port, 'tx', 'off'],
                 ['ip', 'netns', 'exec', ns, 'ethtool', '-K', 'eth0', 'tx', 'off']):
        sh(*argv)
    sh('ip', 'netns', 'exec', ovs.netns, 'ip', 'link', 'set', port, 'up')
    sh('ip', '-n', ns, 'addr', 'add', address + '/24', 'dev', 'eth0')
    sh('ip', '-n', ns, 'link', 'set', 'eth0', 'up')


def ports(shape=None):
    out = [{'name': 'rl-a', 'bridge': BR, 'tag': 5}, {'name': 'rl-b', 'bridge': BR, 'tag': 5}]
    if shape:
        out[1]['shape'] = shape
    return out


def state(ovs, shape=None, check=False):
    with entered(ovs.netns):
        result = run_module(ovs_state, dict(
            db=ovs.db, bridges=[{'name': BR, 'datapath_type': 'netdev'}], ports=ports(shape),
            prune=True), check_mode=check, diff=True)
    assert not result['failed'], result['msg']
    return result


def flows(ovs, meters, check=False):
    result = run_module(ovs_flows, dict(bridge=BR, target=ovs.mgmt(BR), flows=[], prune=True,
                                        meters=meters), check_mode=check, diff=True)
    assert not result['failed'], result['msg']
    return result


def rows(ovs, table):
    out = json.loads(ovs.vsctl('--format=json', 'list', table))
    return len(out['data'])


def meters(ovs):
    return sh('ovs-ofctl', '-O', 'OpenFlow13', 'dump-meters', ovs.mgmt(BR))


def mbits(src, dst, address):
    server = subprocess.Popen(['ip', 'netns', 'exec', dst, 'iperf3', '-s', '-1'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        out = subprocess.run(['ip', 'netns', 'exec', src, 'iperf3', '-c', address, '-t', '4',
                              '-O', '1', '-J', '--connect-timeout', '3000'],
                             capture_output=True, text=True, timeout=30).stdout
        return json.loads(out)['end']['sum_received']['bits_per_second'] / 1e6
    finally:
        server.kill()
        server.wait()


def test_shape_and_meter_made_idempotent_changed_removed_and_measured(ovs, make_netns):
    a, b = make_netns('rla'), make_netns('rlb')
    veth(ovs, 'rl-a', a, '10.77.0.1')
    veth(ovs, 'rl-b', b, '10.77.0.2')
    state(ovs)
    sh('ovs-ofctl', '-O', 'OpenFlow13', 'add-meter', ovs.mgmt(BR), FOREIGN_METER)
    try:
        # check mode: what would change, nothing written
        dump = ovs.dump()
        would = state(ovs, dict(max_kbps=10000, burst_kbit=8000), check=True)
        assert would['changed'] and would['diff']['after']['shapes']['rl-b']['max_kbps'] == 10000
        assert flows(ovs, [dict(port='rl-a', max_kbps=20000, burst_kbit=16000)], check=True)['changed']
        assert ovs.dump() == dump and rows(ovs, 'QoS') == 0 and meters(ovs).count('meter=') == 1
        # to b: 10 Mbit/s shaped; from a: 20 Mbit/s policed
        made = state(ovs, dict(max_kbps=10000, burst_kbit=8000))
        assert made['changed'] and rows(ovs, 'QoS') == 1 and rows(ovs, 'Queue') == 1
        assert made['diff']['after']['shapes'] == {'rl-b': dict(max_kbps=10000, burst_kbit=8000)}
        assert 'htb' in ovs.ns('tc', 'qdisc', 'show', 'dev', 'rl-b')
        assert state(ovs, dict(max_kbps=10000, burst_kbit=8000))['changed'] is False
        metered = flows(ovs, [dict(port='rl-a', max_kbps=20000, burst_kbit=16000)])
        assert metered['changed'] and 'rate=20000 burst_size=16000' in meters(ovs)
        assert flows(ovs, [dict(port='rl-a', max_kbps=20000, burst_kbit=16000)])['changed'] is False

        to_b = mbits(a, b, '10.77.0.2')          # a's 20 and b's 10: b's holds
        from_b = mbits(b, a, '10.77.0.1')        # neither limits b -> a
        assert 8.5 <= to_b <= 11.5, to_b
        assert from_b > 40, from_b
        state(ovs)                               # b's shape removed: a's meter holds
        assert rows(ovs, 'QoS') == 0 and rows(ovs, 'Queue') == 0
        from_a = mbits(a, b, '10.77.0.2')
        assert 17 <= from_a <= 23, from_a

        changed = flows(ovs, [dict(port='rl-a', max_kbps=30000, burst_kbit=24000)])
        assert changed['changed'] and 'rate=30000 burst_size=24000' in meters(ovs)
        gone = flows(ovs, [])
        assert gone['changed'] and 'meter=7 ' in meters(ovs)
        assert meters(ovs).count('meter=') == 1
        assert mbits(a, b, '10.77.0.2') > 40
    finally:
        sh('ovs-ofctl', '-O', 'OpenFlow13', 'del-meter', ovs.mgmt(BR), 'meter=7', check=False)


def test_a_shaped_port_deleted_takes_its_rows_in_the_same_run(ovs, make_netns):
    """Found on the lab: OVSDB refused the transaction that deleted a port and
    destroyed its QoS ('referential integrity violation'), so deleting a
    rate-limited endpoint failed."""
    b = make_netns('rlb')
    veth(ovs, 'rl-b', b, '10.77.0.2')
    state(ovs, dict(max_kbps=10000, burst_kbit=8000))
    assert rows(ovs, 'QoS') == 1
    with entered(ovs.netns):
        gone = run_module(ovs_state, dict(db=ovs.db, bridges=[{'name': BR, 'datapath_type': 'netdev'}],
                                          ports=[], prune=True))
    assert not gone['failed'], gone['msg']
    assert rows(ovs, 'QoS') == 0 and rows(ovs, 'Queue') == 0, gone.get('_argv')
    assert 'rl-b' not in ovs.vsctl('list-ports', BR).split()
