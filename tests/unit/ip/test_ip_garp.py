"""ovl.ip.garp (the announcement frame, rounds) and which endpoints
overlay_apply announces (ovl.host.apply.to_announce)."""
import pytest

from ansible.module_utils.ovl.host.apply import to_announce
from ansible.module_utils.ovl.ip.garp import AnnounceError, announce_all, announcement
from ansible.module_utils.ovl.ip.plan import touched_namespaces


def test_the_frame_is_an_rfc5227_announcement():
    frame = announcement('02:aa:bb:cc:dd:ee', '10.0.0.11')
    assert len(frame) == 60
    assert frame[:6] == b'\xff' * 6                       # broadcast
    assert frame[6:12] == bytes.fromhex('02aabbccddee')  # from the interface
    assert frame[12:14] == b'\x08\x06'                    # ARP
    arp = frame[14:42]
    assert arp[:8] == bytes.fromhex('0001080006040001')  # Ethernet/IPv4, request
    assert arp[8:14] == bytes.fromhex('02aabbccddee')    # sender MAC
    assert arp[14:18] == arp[24:28] == bytes([10, 0, 0, 11])   # sender = target IP
    assert arp[18:24] == b'\x00' * 6
    assert frame[42:] == b'\x00' * 18


@pytest.mark.parametrize('mac', ['02:aa', 'zz:aa:bb:cc:dd:ee', ''])
def test_a_bad_mac_is_refused(mac):
    with pytest.raises(ValueError):
        announcement(mac, '10.0.0.1')


def test_rounds_send_every_endpoint_once_per_round_and_stop_on_a_failing_one():
    sent = []

    def send(ns, dev, ip):
        sent.append(ns)
        if ns == 'gone':
            raise AnnounceError('announcing %s on %s in namespace gone: no such' % (ip, dev))
        return '02:00:00:00:00:01'
    eps = [dict(netns='a', dev='eth0', address='10.0.0.1'),
           dict(netns='gone', dev='eth0', address='10.0.0.2'),
           dict(netns='b', dev='eth0', address='10.0.0.3')]
    done, errors = announce_all(eps, rounds=2, interval=0, send=send)
    assert sent == ['a', 'gone', 'b', 'a', 'b']
    assert [d['netns'] for d in done] == ['a', 'b'] and len(errors) == 1
    assert 'gone' in errors[0]


CANDIDATES = [dict(netns='blue-web1', dev='eth0', address='10.0.0.11', port='ove1'),
              dict(netns='blue-web2', dev='eth0', address='10.0.0.12', port='ove2'),
              dict(netns='red-web1', dev='eth0', address='10.0.0.11', port='ove3')]


@pytest.mark.parametrize('ip_result, expected', [
    (None, []),
    (dict(created=[], made_namespaces=[], touched_namespaces=[]), []),
    (dict(created=['ove2', 'ovg-blue'], made_namespaces=[], touched_namespaces=[]),
     ['blue-web2']),                                          # veth made anew
    (dict(created=[], made_namespaces=['red-web1'], touched_namespaces=[]), ['red-web1']),
    (dict(created=[], made_namespaces=[], touched_namespaces=['blue-web1', 'ovr-blue']),
     ['blue-web1']),                                          # an address or MAC changed
])
def test_announced_are_the_endpoints_the_ip_layer_made_or_changed(ip_result, expected):
    got = to_announce(CANDIDATES, ip_result)
    assert [g['netns'] for g in got] == expected
    assert all(set(g) == {'netns', 'dev', 'address'} for g in got)


def test_touched_namespaces():
    from ansible.module_utils.ovl.core.step import Step, ip_step
    assert touched_namespaces([
        ip_step('addr.add', 'blue-web1', 'eth0', 'addr', 'add', '10.0.0.11/24', 'dev', 'eth0'),
        Step('sysctl', 'sysctl', ['-w', 'net.ipv4.ip_forward=1'], 'ovr-blue',
             'net.ipv4.ip_forward', '1'),
        Step('fdb.append', 'bridge', ['fdb', 'append'], 'x1', 'vx', '10.0.0.2'),
        ip_step('link.add', None, 'ove1', 'link', 'add', 'ove1', 'type', 'veth'),
        ip_step('netns.add', None, 'made', 'netns', 'add', 'made'),
    ]) == ['blue-web1', 'ovr-blue', 'x1']
