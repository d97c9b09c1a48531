"""ip_move_address on a real namespace: the address moves with its prefix,
the other addresses of both interfaces stay, a second run changes nothing,
check mode writes nothing, and one ip -batch process does the writes.

And the host keeps its routes (issue 20, item 5): on a private Open vSwitch
(userspace datapath), the uplink veth ``up0`` holds the VTEP address and is
the port of ``br-phy``; a default route and two others through the uplink
are on br-phy after the move, with their gateway, metric and src, traffic
takes them, and the reverse move brings them back onto the uplink."""
import json
import subprocess
import time

import pytest

import ip_move_address
from fixtures.netns import sh
from modrun import run_module, run_with_fault
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
    assert check['diff']['before'] == dict(address={'up0': '192.168.250.11/26'}, routes=[])
    assert check['diff']['after'] == dict(address={'br0': '192.168.250.11/26'}, routes=[])
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


# --- the host's routes, on a real br-phy ----------------------------------

VTEP = '192.168.250.11'
# the three planted routes: (dst, gateway, metric, prefsrc) as ip -j prints them
PLANTED = [
    ['default', 'via', '192.168.250.1'],
    ['10.50.0.0/16', 'via', '192.168.250.2', 'metric', '50'],
    ['10.60.0.0/16', 'via', '192.168.250.1', 'src', VTEP, 'metric', '7'],
]
WANT = {('default', '192.168.250.1', 0, None), ('10.50.0.0/16', '192.168.250.2', 50, None),
        ('10.60.0.0/16', '192.168.250.1', 7, VTEP)}


def main_routes(ns):
    """{dev: {(dst, gateway, metric, prefsrc)}} of the main table, IPv4,
    without the connected (proto kernel) routes."""
    found = {}
    for r in json.loads(sh('ip', '-n', ns, '-4', '-j', 'route', 'show', 'table', 'main')):
        if r.get('protocol') == 'kernel':
            continue
        found.setdefault(r.get('dev'), set()).add(
            (r['dst'], r.get('gateway'), r.get('metric', 0), r.get('prefsrc')))
    return found


def answers(ns, target, tries=10):
    """One ICMP echo from *ns* to *target* (an address of the test's router
    namespace) is answered, within *tries* attempts."""
    for _ in range(tries):
        if subprocess.run(['ip', 'netns', 'exec', ns, 'ping', '-n', '-c', '1', '-W', '1', target],
                          capture_output=True).returncode == 0:
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def host(ovs, make_netns):
    """The private OVS's namespace as a host: uplink ``up0`` (a veth to a
    router namespace of the test holding both gateways and, on its lo, one
    address behind each planted route), ``br-phy`` (netdev, standalone) with
    up0 as its port, the VTEP address on up0 (its only address) and the
    three planted routes through up0."""
    gw = quiet_netns(make_netns, 'tgw')
    ns = ovs.netns
    ovs.ns('ip', 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'wan0', 'netns', gw)
    try:
        for argv in (['addr', 'add', '192.168.250.1/26', 'dev', 'wan0'],
                     ['addr', 'add', '192.168.250.2/26', 'dev', 'wan0'],
                     ['link', 'set', 'wan0', 'up'], ['link', 'set', 'lo', 'up'],
                     ['addr', 'add', '10.99.0.1/32', 'dev', 'lo'],
                     ['addr', 'add', '10.50.0.1/32', 'dev', 'lo'],
                     ['addr', 'add', '10.60.0.1/32', 'dev', 'lo']):
            sh('ip', '-n', gw, *argv)
        sh('ethtool', '-K', 'wan0', 'tx', 'off', ns=gw, check=False)
        sh('ethtool', '-K', 'up0', 'tx', 'off', ns=ns, check=False)
        ovs.vsctl('add-br', 'br-phy', '--', 'set', 'Bridge', 'br-phy', 'datapath_type=netdev',
                  'fail_mode=standalone', '--', 'add-port', 'br-phy', 'up0')
        sh('ip', '-n', ns, 'link', 'set', 'up0', 'up')
        sh('ip', '-n', ns, 'addr', 'add', VTEP + '/26', 'dev', 'up0')
        for route in PLANTED:
            sh('ip', '-n', ns, 'route', 'add', *(route + ['dev', 'up0']))
        assert main_routes(ns) == {'up0': WANT}
        yield ns
    finally:
        # the routes go with the devices; the bridge with the ovs fixture
        sh('ip', '-n', ns, 'link', 'del', 'up0', check=False)
        sh('ip', '-n', ns, 'addr', 'flush', 'dev', 'br-phy', check=False)


MOVE = dict(address=VTEP, dev='br-phy', from_dev='up0')
BACK = dict(address=VTEP, dev='up0', from_dev='br-phy')


def test_routes_follow_the_address_and_come_back(host):
    ns = host
    first = run_module(ip_move_address, dict(MOVE, netns=ns))
    assert not first['failed'], first['msg']
    # every planted route is on br-phy, with its gateway, metric and src; none left on up0
    assert main_routes(ns) == {'br-phy': WANT}
    assert addrs(ns, 'br-phy') == [VTEP + '/26'] and addrs(ns, 'up0') == []
    # in the same single ip -batch as the address
    assert [a[1:] for a in first['_argv']] == [['netns', 'exec', ns, 'ip', '-batch', '-']]
    assert [c[3:5] for c in first['commands']] == [
        ['link', 'set'], ['addr', 'add']] + [['route', 'replace']] * 3 + [['addr', 'del']]
    # traffic takes them: the default route, the metric route, the one with src
    for target in ('10.99.0.1', '10.50.0.1', '10.60.0.1'):
        assert answers(ns, target), 'no answer from %s through br-phy' % target

    again = run_module(ip_move_address, dict(MOVE, netns=ns))
    assert (again['changed'], again['commands'], again['_argv']) == (False, [], [])

    back = run_module(ip_move_address, dict(BACK, netns=ns))
    assert not back['failed'], back['msg']
    assert back['changed'] and len(back['routes']) == 3
    assert main_routes(ns) == {'up0': WANT}
    assert addrs(ns, 'up0') == [VTEP + '/26'] and addrs(ns, 'br-phy') == []
    assert run_module(ip_move_address, dict(BACK, netns=ns))['changed'] is False


def test_check_mode_plans_the_routes_and_writes_nothing(host):
    ns = host
    before, routes_before = settled(ns), main_routes(ns)
    check = run_module(ip_move_address, dict(MOVE, netns=ns), check_mode=True, diff=True)
    assert not check['failed'], check['msg']
    ip = ['ip', '-n', ns]
    assert check['commands'] == [
        ip + ['link', 'set', 'dev', 'br-phy', 'up'],
        ip + ['addr', 'add', VTEP + '/26', 'dev', 'br-phy'],
        ip + ['route', 'replace', 'default', 'via', '192.168.250.1', 'dev', 'br-phy',
              'metric', '0'],
        ip + ['route', 'replace', '10.50.0.0/16', 'via', '192.168.250.2', 'dev', 'br-phy',
              'metric', '50'],
        ip + ['route', 'replace', '10.60.0.0/16', 'via', '192.168.250.1', 'dev', 'br-phy',
              'metric', '7', 'src', VTEP],
        ip + ['addr', 'del', VTEP + '/26', 'dev', 'up0']]
    assert check['diff']['before'] == dict(address={'up0': VTEP + '/26'}, routes=[
        'default via 192.168.250.1 dev up0 metric 0',
        '10.50.0.0/16 via 192.168.250.2 dev up0 metric 50',
        '10.60.0.0/16 via 192.168.250.1 dev up0 metric 7 src ' + VTEP])
    assert check['diff']['after'] == dict(address={'br-phy': VTEP + '/26'}, routes=[
        'default via 192.168.250.1 dev br-phy metric 0',
        '10.50.0.0/16 via 192.168.250.2 dev br-phy metric 50',
        '10.60.0.0/16 via 192.168.250.1 dev br-phy metric 7 src ' + VTEP])
    assert check['_argv'] == [] and check['_inproc'] == []
    assert snapshot(ns) == before and main_routes(ns) == routes_before


def test_a_batch_that_stops_half_way_converges_on_the_next_run(host):
    """A real failing route line (its gateway made unreachable) stops the
    batch after the first route: the address is still on the uplink with the
    routes not yet carried, and the next run finishes the move."""
    ns = host

    def spoil(argv, data, earlier):
        if data and 'route replace 10.50.0.0/16' in data:
            return argv, data.replace('via 192.168.250.2', 'via 10.123.0.1')
        return None
    result, spoiled = run_with_fault(ip_move_address, dict(MOVE, netns=ns), spoil)
    assert spoiled and result['failed'] and 'invalid gateway' in result['msg'].lower()
    assert addrs(ns, 'up0') == [VTEP + '/26'] and addrs(ns, 'br-phy') == [VTEP + '/26']
    assert main_routes(ns) == {'br-phy': {('default', '192.168.250.1', 0, None)},
                               'up0': WANT - {('default', '192.168.250.1', 0, None)}}
    done = run_module(ip_move_address, dict(MOVE, netns=ns))
    assert not done['failed'], done['msg']
    assert main_routes(ns) == {'br-phy': WANT} and addrs(ns, 'up0') == []
    assert run_module(ip_move_address, dict(MOVE, netns=ns))['changed'] is False


def test_a_route_through_an_address_the_uplink_keeps_stays(host):
    """The uplink keeps another address: the kernel drops nothing on its
    own; routes through the moved subnet move, a route through the other
    subnet stays on the uplink (even with src the moved address)."""
    ns = host
    sh('ip', '-n', ns, 'addr', 'add', '10.9.9.9/24', 'dev', 'up0')
    sh('ip', '-n', ns, 'route', 'add', '10.80.0.0/16', 'via', '10.9.9.1', 'dev', 'up0',
       'src', VTEP)
    moved = run_module(ip_move_address, dict(MOVE, netns=ns))
    assert not moved['failed'], moved['msg']
    assert main_routes(ns) == {'br-phy': WANT, 'up0': {('10.80.0.0/16', '10.9.9.1', 0, VTEP)}}
    assert addrs(ns, 'up0') == ['10.9.9.9/24']
    assert run_module(ip_move_address, dict(MOVE, netns=ns))['changed'] is False
