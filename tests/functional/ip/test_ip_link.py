"""ip_link on real namespaces made by the test: nothing here touches the host's links."""
import json

import ip_link
from fixtures.netns import sh
from modrun import run_module
from ip_helpers import links, quiet_netns, snapshot
from ip_helpers import converge as _converge


def tx_on(ns, dev):
    data = json.loads(sh('ip', 'netns', 'exec', ns, 'ethtool', '--json', '-k', dev))
    return data[0]['tx-checksumming']['active']


def converge(args, *namespaces):
    return _converge(ip_link, args, *namespaces)


def test_veth_lifecycle(make_netns):
    host, ep = quiet_netns(make_netns, 'tlh'), quiet_netns(make_netns, 'tle')
    args = dict(name='ove1', kind='veth', peer='eth0', netns=host, peer_netns=ep, mtu=1450,
                owner='t')
    converge(args, host, ep)
    end, peer = links(host)['ove1'], links(ep)['eth0']
    assert (end['mtu'], peer['mtu'], end['ifalias']) == (1450, 1450, 'ovl:t')
    assert 'UP' in end['flags'] and 'UP' in peer['flags']
    assert end['link_index'] == peer['ifindex']

    converge(dict(args, mtu=1400), host, ep)
    assert (links(host)['ove1']['mtu'], links(ep)['eth0']['mtu']) == (1400, 1400)

    converge(dict(args, mtu=1400, state='down'), host, ep)
    assert 'UP' not in links(host)['ove1']['flags'] and 'UP' not in links(ep)['eth0']['flags']
    converge(dict(args, mtu=1400, state='up'), host, ep)

    converge(dict(args, mtu=1400, tx_offload=False), host, ep)
    assert not tx_on(host, 'ove1') and not tx_on(ep, 'eth0')
    converge(dict(args, mtu=1400, tx_offload=True), host, ep)
    assert tx_on(host, 'ove1') and tx_on(ep, 'eth0')

    other = quiet_netns(make_netns, 'tlo')
    converge(dict(args, peer_netns=other), host, ep, other)
    assert 'eth0' not in links(ep) and 'eth0' in links(other)

    converge(dict(name='ove1', netns=host, state='absent'), host, other)
    assert 'ove1' not in links(host) and 'eth0' not in links(other)


def test_vxlan_lifecycle(make_netns):
    ns = quiet_netns(make_netns, 'tlx')
    sh('ip', '-n', ns, 'link', 'add', 'und0', 'type', 'veth', 'peer', 'name', 'und1')
    args = dict(name='vx100', kind='vxlan', id=100, remote='192.0.2.2', local='192.0.2.1',
                dev='und0', learning=False, mtu=1450, netns=ns)
    converge(args, ns)
    vx = links(ns)['vx100']
    data = vx['linkinfo']['info_data']
    assert (data['id'], data['remote'], data['local'], data['link'], data['port'],
            data['learning'], vx['mtu'], vx['ifalias']) == \
        (100, '192.0.2.2', '192.0.2.1', 'und0', 4789, False, 1450, 'ovl:ovl')

    steps = [('learning', True), ('mtu', 1400), ('id', 101), ('remote', '192.0.2.3'),
             ('remote', None), ('local', '192.0.2.9'), ('dev', 'und1'), ('dstport', 4790)]
    for key, value in steps:
        args = dict(args, **{key: value})
        result = converge(args, ns)
        data = links(ns)['vx100']['linkinfo']['info_data']
        if key in ('learning', 'mtu'):
            assert not any('del' in c for c in result['commands']), 'changed in place'
        else:
            assert result['commands'][0] == ['ip', '-n', ns, 'link', 'del', 'vx100']
    vx = links(ns)['vx100']
    data = vx['linkinfo']['info_data']
    assert (data['id'], data.get('remote'), data['local'], data['link'], data['port'],
            data['learning'], vx['mtu']) == (101, None, '192.0.2.9', 'und1', 4790, True, 1400)

    converge(dict(name='vx100', netns=ns, state='absent'), ns)
    assert 'vx100' not in links(ns)


def test_unmarked_link_named_explicitly_is_converged_not_marked(make_netns):
    ns = quiet_netns(make_netns, 'tlu')
    sh('ip', '-n', ns, 'link', 'add', 'theirs', 'type', 'veth', 'peer', 'name', 'theirs-p')
    converge(dict(name='theirs', kind='veth', peer='theirs-p', netns=ns, mtu=1400), ns)
    assert links(ns)['theirs']['mtu'] == 1400 and 'ifalias' not in links(ns)['theirs']


def test_bad_input_changes_nothing(make_netns):
    ns = quiet_netns(make_netns, 'tlb')
    before = snapshot(ns)
    result = run_module(ip_link, dict(name='x' * 16, kind='veth', peer='p', netns=ns))
    assert result['failed'] and 'name' in result['msg'] and result['_argv'] == []
    assert snapshot(ns) == before
