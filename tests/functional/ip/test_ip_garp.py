"""Gratuitous ARP (ovl.ip.garp, overlay_announce) with real packets between
two namespaces the test makes: a neighbour that holds the old Ethernet
address of an endpoint (a rename, or a move seen through a bridge) takes the
new one from the announcement at once, where without it the entry stays
until it fails (seconds)."""
import json

import overlay_announce
from fixtures.netns import sh
from modrun import run_module

OLD_MAC = '02:00:00:00:0a:0b'


def pair(make_netns):
    """(peer ns, endpoint ns): a veth between them, 10.9.0.1 and 10.9.0.2."""
    peer, ep = make_netns('tgp'), make_netns('tge')
    sh('ip', 'link', 'add', 'p0', 'netns', peer, 'type', 'veth', 'peer', 'name', 'eth0',
       'netns', ep)
    sh('ip', '-n', peer, 'addr', 'add', '10.9.0.1/24', 'dev', 'p0')
    sh('ip', '-n', ep, 'addr', 'add', '10.9.0.2/24', 'dev', 'eth0')
    for ns, dev in ((peer, 'p0'), (ep, 'eth0')):
        sh('ip', '-n', ns, 'link', 'set', dev, 'up')
    # the peer holds a REACHABLE entry of the endpoint's address with an old MAC
    sh('ip', '-n', peer, 'neigh', 'replace', '10.9.0.2', 'lladdr', OLD_MAC, 'dev', 'p0',
       'nud', 'reachable')
    return peer, ep


def neigh(ns, ip):
    rows = json.loads(sh('ip', '-n', ns, '-j', 'neigh', 'show', ip) or '[]')
    return rows[0].get('lladdr') if rows else None


def mac_of(ns, dev):
    return json.loads(sh('ip', '-n', ns, '-j', 'link', 'show', dev))[0]['address']


def test_a_neighbour_takes_the_new_mac_from_the_announcement(make_netns):
    peer, ep = pair(make_netns)
    assert neigh(peer, '10.9.0.2') == OLD_MAC          # the stale entry is there
    result = run_module(overlay_announce, dict(
        endpoints=[dict(netns=ep, dev='eth0', address='10.9.0.2')], rounds=1))
    assert not result.get('failed') and result['changed'] is False, result
    assert result['announced'] == [dict(netns=ep, dev='eth0', address='10.9.0.2',
                                        mac=mac_of(ep, 'eth0'))]
    assert neigh(peer, '10.9.0.2') == mac_of(ep, 'eth0')


def test_without_the_announcement_the_stale_entry_stays(make_netns):
    """The control: the same pair, nothing sent, the old MAC is still there
    (so the test above shows the announcement, not the kernel's own probe)."""
    peer, _ep = pair(make_netns)
    sh('ip', 'netns', 'exec', peer, 'sleep', '0.3')
    assert neigh(peer, '10.9.0.2') == OLD_MAC


def test_check_mode_sends_nothing(make_netns):
    peer, ep = pair(make_netns)
    result = run_module(overlay_announce, dict(
        endpoints=[dict(netns=ep, dev='eth0', address='10.9.0.2')]), check_mode=True)
    assert result['announced'] == [dict(netns=ep, dev='eth0', address='10.9.0.2')]
    assert neigh(peer, '10.9.0.2') == OLD_MAC


def test_a_missing_namespace_fails_naming_it(make_netns):
    result = run_module(overlay_announce, dict(
        endpoints=[dict(netns='tgp-none', dev='eth0', address='10.9.0.2')]))
    assert result['failed'] and 'tgp-none' in result['msg'], result
