"""ip_state end to end on test namespaces: batching, idempotence, check mode and
prune that removes only our marked links/namespaces, never foreign ones."""
import os
import shutil
import time

import pytest

import ip_state
from fixtures.netns import sh
from modrun import binary_name, run_module
from ip_helpers import (
    addrs, drop_netns, links, netns_names, quiet_netns, routes, settled, snapshot)


@pytest.fixture
def names():
    tag = os.getpid() % 10000
    made = dict(ep='tse%d' % tag, rt='tsr%d' % tag)
    drop_netns(*made.values())
    yield made
    drop_netns(*made.values())


def desired(hostns, names, mark_dir, owner):
    return dict(
        owner=owner, mark_dir=mark_dir, prune=True,
        namespaces=[dict(name=hostns), dict(name=names['ep']),
                    dict(name=names['rt'], sysctls={'net.ipv4.ip_forward': 1})],
        links=[dict(name='ove1', kind='veth', peer='eth0', netns=hostns,
                    peer_netns=names['ep'], mtu=1450, tx_offload=False),
               dict(name='vx100', kind='vxlan', id=100, netns=hostns, remote='192.0.2.2',
                    local='10.0.0.1', dev='ove1', learning=False, mtu=1400)],
        addresses=[dict(netns=names['ep'], dev='eth0', address='10.0.0.11/24'),
                   dict(netns=hostns, dev='ove1', address=['10.0.0.1/24'])],
        routes=[dict(netns=names['ep'], dst='default', via='10.0.0.1')])


def run(args, check_mode=False):
    result = run_module(ip_state, args, check_mode=check_mode, diff=True)
    assert not result['failed'], result['msg']
    return result


def test_ip_state_converge_and_prune(make_netns, names, tmp_path):
    hostns = quiet_netns(make_netns, 'tsh')
    foreign_ns = make_netns('tsf')
    sh('ip', '-n', hostns, 'link', 'add', 'foreign0', 'type', 'veth', 'peer', 'name', 'foreign1')
    sh('ip', '-n', hostns, 'link', 'add', 'other0', 'type', 'veth', 'peer', 'name', 'other1')
    sh('ip', '-n', hostns, 'link', 'set', 'other0', 'alias', 'ovl:someone-else')
    mark_dir = str(tmp_path / 'marks')
    owner = 't%d' % (os.getpid() % 10000)
    args = desired(hostns, names, mark_dir, owner)

    before = settled(hostns)
    check = run(args, check_mode=True)
    assert check['changed'] and check['commands']
    assert snapshot(hostns) == before and not os.path.exists(mark_dir)
    assert names['ep'] not in netns_names()

    first = run(args)
    assert first['changed'] and first['commands'] == check['commands']
    batches = [a for a in first['_argv'] if '-batch' in a]
    assert len(batches) >= 2, first['_argv']
    assert all(binary_name(a) != 'sh' for a in first['_argv'])

    assert sorted(os.listdir(mark_dir)) == sorted([names['ep'], names['rt']])
    assert links(hostns)['ove1']['ifalias'] == 'ovl:%s' % owner
    assert addrs(names['ep'], 'eth0') == ['10.0.0.11/24']
    assert [r['gateway'] for r in routes(names['ep']) if r['dst'] == 'default'] == ['10.0.0.1']
    assert sh('ip', 'netns', 'exec', names['rt'], 'sysctl', '-n',
              'net.ipv4.ip_forward').strip() == '1'
    if shutil.which('ping'):
        sh('ip', 'netns', 'exec', names['ep'], 'ping', '-c1', '-W2', '10.0.0.1')

    again = run(args)
    assert (again['changed'], again['commands']) == (False, [])
    # the no-change run starts no process: the namespaces are listed from
    # /run/netns and (host, hostns, ep, rt) read in-process over rtnetlink
    assert again['_argv'] == []

    # drop the vxlan device, the router namespace and the ep address set changes
    smaller = dict(args, namespaces=args['namespaces'][:2], links=args['links'][:1],
                   addresses=[dict(netns=names['ep'], dev='eth0', address='10.0.0.12/24'),
                              args['addresses'][1]])
    before = settled(hostns, names['ep'])
    check = run(smaller, check_mode=True)
    assert snapshot(hostns, names['ep']) == before and names['rt'] in netns_names()
    result = run(smaller)
    assert result['commands'] == check['commands'] == [
        ['ip', '-n', hostns, 'link', 'del', 'vx100'],
        ['ip', '-n', names['ep'], 'addr', 'del', '10.0.0.11/24', 'dev', 'eth0'],
        ['ip', '-n', names['ep'], 'addr', 'add', '10.0.0.12/24', 'dev', 'eth0'],
        ['ip', '-n', names['ep'], 'route', 'replace', 'default', 'via', '10.0.0.1'],
        ['ip', 'netns', 'del', names['rt']],
        ['rm', '-f', os.path.join(mark_dir, names['rt'])]]
    assert 'vx100' not in links(hostns) and names['rt'] not in netns_names()
    assert run(smaller)['changed'] is False

    # everything of ours goes; the foreign links and namespace stay
    empty = dict(owner=owner, mark_dir=mark_dir, prune=True, namespaces=[dict(name=hostns)])
    result = run(empty)
    assert result['commands'] == [['ip', '-n', hostns, 'link', 'del', 'ove1'],
                                  ['ip', 'netns', 'del', names['ep']],
                                  ['rm', '-f', os.path.join(mark_dir, names['ep'])]]
    left = links(hostns)
    assert 'ove1' not in left and {'foreign0', 'foreign1', 'other0', 'other1'} <= set(left)
    assert foreign_ns in netns_names() and hostns in netns_names()
    assert names['ep'] not in netns_names() and os.listdir(mark_dir) == []
    assert run(empty)['changed'] is False


def test_fixed_addresses_survive_a_namespace_made_again(make_netns, names, tmp_path):
    """The endpoint's eth0 gets the address asked for at creation; changed by
    hand, it is set back in place (the veth pair stays); after its namespace
    is deleted by hand, the next run makes it again with the same address
    (the stable-MAC contract the product relies on after a reboot)."""
    hostns = quiet_netns(make_netns, 'tsh')
    mark_dir = str(tmp_path / 'marks')
    args = desired(hostns, names, mark_dir, 't%d' % (os.getpid() % 10000))
    args['links'][0].update(address='02:00:00:00:0a:01', peer_address='02:00:00:00:0a:02')

    def mac(ns, dev):
        return links(ns)[dev]['address']

    run(args)
    assert (mac(hostns, 'ove1'), mac(names['ep'], 'eth0')) == ('02:00:00:00:0a:01',
                                                               '02:00:00:00:0a:02')
    index = links(names['ep'])['eth0']['ifindex']
    sh('ip', '-n', names['ep'], 'link', 'set', 'eth0', 'address', '02:00:00:00:0b:0b')
    fixed = run(args)
    assert fixed['commands'] == [['ip', '-n', names['ep'], 'link', 'set', 'eth0', 'address',
                                  '02:00:00:00:0a:02']]
    assert mac(names['ep'], 'eth0') == '02:00:00:00:0a:02'
    assert links(names['ep'])['eth0']['ifindex'] == index      # set in place, not made again

    sh('ip', 'netns', 'del', names['ep'])
    for _ in range(100):            # the kernel removes the pair asynchronously
        if 'ove1' not in links(hostns):
            break
        time.sleep(0.05)
    again = run(args)
    assert any(a[:4] == ['ip', '-n', hostns, 'link'] and 'add' in a for a in again['commands'])
    assert mac(names['ep'], 'eth0') == '02:00:00:00:0a:02'
    assert mac(hostns, 'ove1') == '02:00:00:00:0a:01'
    assert run(args)['changed'] is False
