"""ip_move_address on a real namespace: the address moves with its prefix,
the other addresses of both interfaces stay, a second run changes nothing,
check mode writes nothing, and one ip -batch process does the writes."""
import ip_move_address
from fixtures.netns import sh
from modrun import run_module
from ip_helpers import addrs, links, quiet_netns, settled, snapshot


def lab(make_netns):
    ns = quiet_netns(make_netns, 'tmv')
    sh('ip', '-n', ns, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'br0')
    sh('ip', '-n', ns, 'link', 'set', 'up0', 'up')
    for addr in ('192.168.250.11/26', '10.9.9.9/8'):
        sh('ip', '-n', ns, 'addr', 'add', addr, 'dev', 'up0')
    sh('ip', '-n', ns, 'addr', 'add', '172.16.0.1/16', 'dev', 'br0')
    return ns


ARGS = dict(address='192.168.250.11', dev='br0', from_dev='up0')


def test_move_keeps_prefix_and_other_addresses(make_netns):
    ns = lab(make_netns)
    args = dict(ARGS, netns=ns)
    before = settled(ns)
    check = run_module(ip_move_address, args, check_mode=True, diff=True)
    assert check['changed'] and len(check['commands']) == 3 and check['prefixlen'] == 26
    assert check['diff']['before'] == {'up0': '192.168.250.11/26'}
    assert check['diff']['after'] == {'br0': '192.168.250.11/26'}
    assert snapshot(ns) == before and check['_argv'] == []

    first = run_module(ip_move_address, args)
    assert first['changed'] and first['commands'] == check['commands']
    # one ip -batch, run inside the namespace through setns (recorded as ip netns exec)
    assert [a[1:] for a in first['_argv']] == [['netns', 'exec', ns, 'ip', '-batch', '-']]
    assert addrs(ns, 'br0') == ['172.16.0.1/16', '192.168.250.11/26']
    assert addrs(ns, 'up0') == ['10.9.9.9/8']
    assert 'UP' in links(ns)['br0']['flags']

    again = run_module(ip_move_address, args)
    assert (again['changed'], again['commands'], again['_argv']) == (False, [], [])


def test_missing_interface_fails_without_change(make_netns):
    ns = lab(make_netns)
    before = settled(ns)
    result = run_module(ip_move_address, dict(ARGS, netns=ns, dev='br-nothere'))
    assert result['failed'] and "dev: 'br-nothere' does not exist in netns %s" % ns in result['msg']
    assert snapshot(ns) == before
