"""Published services with real packets, for each NAT backend: the nat_state
entries exactly as the product makes them (``ovl.tenant.offered``: both
NATs, the accepts before the blocks, the hairpin masquerade), in four
namespaces made here:

    outside 192.0.2.100 --- (eth0) host 192.0.2.11, floating 192.0.2.50/32
                                   (ovu-blue 169.254.0.5) --- (qg0 169.254.0.6) router
                                   (qr0 10.0.0.1) --- (eth0 10.0.0.11) web, 10.0.0.12 web2

Proves: outside reaches the floating address on any port and the endpoint
sees outside's own address; the published port reaches the other endpoint's
port (TCP and UDP); the endpoint's own connections leave as the floating address; both
endpoints reach both offers (hairpin); the host's own server is never
reached through the floating address, the unpublished port of web2 not
through the host's; and without the product's rules none of it works (the
checks can fail). Packets only go to these namespaces."""
import subprocess
import sys

import pytest

import nat_state
from fixtures.netns import sh
from modrun import run_module
from test_nat_packets import CLIENT, SERVER
from ansible.module_utils.ovl.tenant import offered
from ansible.module_utils.ovl.tenant.model import Endpoint, Published
from ansible.module_utils.ovl.tenant.names import nat_address

FIP, HOST, OUT = '192.0.2.50', '192.0.2.11', '192.0.2.100'
WEB = Endpoint('web', 'h', '10.0.0.11', 24, floating_ip=FIP)
WEB2 = Endpoint('web2', 'h', '10.0.0.12', 24, publish=(Published('tcp', 80, 8080),
                                                      Published('udp', 53, 5353)))
UDP_SERVER = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(sys.argv[1])))
print('ready', flush=True)
while True:
    data, peer = s.recvfrom(100); s.sendto(peer[0].encode(), peer)
'''
UDP_CLIENT = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(float(sys.argv[3]))
s.sendto(b'hi', (sys.argv[1], int(sys.argv[2]))); print(s.recvfrom(100)[0].decode())
'''


def _veth(a_ns, a, b_ns, b):
    sh('ip', 'link', 'add', a, 'netns', a_ns, 'type', 'veth', 'peer', 'name', b, 'netns', b_ns)


@pytest.fixture
def lab(make_netns):
    out, host, rtr = make_netns('tfo'), make_netns('tfh'), make_netns('tfr')
    web, web2, sw = make_netns('tfw'), make_netns('tfw2'), make_netns('tfs')
    _veth(out, 'eth0', host, 'eth0')
    _veth(host, 'ovu-blue', rtr, 'qg0')
    # the tenant's switch in a namespace of its own (as br-int is not in the
    # router's): a bridge in the router's namespace would send its frames
    # through the router's NAT hooks (br_netfilter) before they are routed
    sh('ip', 'link', 'add', 'br0', 'type', 'bridge', ns=sw)
    _veth(rtr, 'qr0', sw, 'p1')
    _veth(sw, 'p2', web, 'eth0')
    _veth(sw, 'p3', web2, 'eth0')
    for ns, dev, addr in ((out, 'eth0', OUT + '/24'), (host, 'eth0', HOST + '/24'),
                          (host, 'ovu-blue', '169.254.0.5/30'), (rtr, 'qg0', '169.254.0.6/30'),
                          (rtr, 'qr0', '10.0.0.1/24'), (web, 'eth0', '10.0.0.11/24'),
                          (web2, 'eth0', '10.0.0.12/24')):
        sh('ip', 'addr', 'add', addr, 'dev', dev, ns=ns)
    for ns, devs in ((out, ['eth0']), (host, ['eth0', 'ovu-blue']), (web, ['eth0']),
                     (web2, ['eth0']), (rtr, ['qg0', 'qr0']), (sw, ['br0', 'p1', 'p2', 'p3'])):
        for dev in devs + ['lo']:
            sh('ip', 'link', 'set', dev, 'up', ns=ns)
    for port in ('p1', 'p2', 'p3'):
        sh('ip', 'link', 'set', port, 'master', 'br0', ns=sw)
    for ns in (web, web2):
        sh('ip', 'route', 'add', 'default', 'via', '10.0.0.1', ns=ns)
    sh('ip', 'route', 'add', 'default', 'via', '169.254.0.5', ns=rtr)
    for ns in (host, rtr):
        sh('sysctl', '-qw', 'net.ipv4.ip_forward=1', ns=ns)
    procs = []

    def serve(ns, port, udp=False):
        args = [UDP_SERVER, str(port)] if udp else [SERVER, '0.0.0.0', str(port)]
        proc = subprocess.Popen(['ip', 'netns', 'exec', ns, sys.executable, '-c'] + args,
                                stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout.readline().strip() == 'ready'

    yield dict(out=out, host=host, rtr=rtr, web=web, web2=web2, serve=serve)
    for proc in procs:
        proc.kill()
        proc.wait()


def connect(ns, addr, port, timeout=2.0, udp=False):
    proc = subprocess.run(['ip', 'netns', 'exec', ns, sys.executable, '-c',
                           UDP_CLIENT if udp else CLIENT, addr,
                           str(port), str(timeout)], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def converge(t, backend):
    """What the product's nat and floating layers make on the host."""
    eps = [WEB, WEB2]
    rtr = offered.router_entries(eps, '169.254.0.6')
    host = offered.host_entries('blue', eps, HOST, 'eth0', 'ovu-blue', '169.254.0.6')
    res = run_module(nat_state, dict(backend=backend, prune=True, namespaces=[
        dict(netns=t['host'], dnat=host['dnat'], forward_dnat=host['forward_dnat'],
             snat=host['snat'] + [dict(id='blue', source='169.254.0.4/30', out_interface='eth0')],
             forward_accept=[dict(id='fwd-blue', in_interface='ovu-blue', out_interface='eth0')]),
        dict(netns=t['rtr'], dnat=rtr['dnat'], forward_dnat=rtr['forward_dnat'],
             snat=rtr['snat'] + [dict(id='blue', source='10.0.0.0/24', out_interface='qg0')],
             block_inbound=[dict(in_interface='qg0', local=True)])]))
    assert not res['failed'], res.get('msg')
    (addrs, routes) = offered.floating(eps, 'eth0', 'ovu-blue', '169.254.0.6')
    for item in addrs:
        sh('ip', 'addr', 'add', item['address'] + '/32', 'dev', item['dev'], ns=t['host'])
    for item in routes:
        sh('ip', 'route', 'add', item['dst'], 'via', item['via'], 'dev', item['dev'], ns=t['host'])


@pytest.mark.parametrize('backend', ['iptables', 'nft'])
def test_floating_address_and_published_port_with_real_packets(lab, backend):
    t = lab
    for ns, port in ((t['web'], 18080), (t['web'], 22), (t['web2'], 80), (t['web2'], 81),
                     (t['out'], 9000), (t['host'], 18082)):
        t['serve'](ns, port)
    # without the product's rules: nothing offered (the checks can fail)
    assert connect(t['out'], FIP, 18080, timeout=1) is None
    assert connect(t['out'], HOST, 8080, timeout=1) is None
    converge(t, backend)
    # outside -> floating, any port: lands in web, which sees outside itself
    assert connect(t['out'], FIP, 18080) == OUT
    assert connect(t['out'], FIP, 22) == OUT
    # ... and never in the host's own server behind it
    assert connect(t['out'], FIP, 18082, timeout=1) is None
    assert connect(t['out'], HOST, 18082) == OUT                      # the control: it is there
    # outside -> published port: web2's port 80; its port 81 not through the host
    assert connect(t['out'], HOST, 8080) == OUT
    assert connect(t['out'], HOST, 81, timeout=1) is None
    # a published UDP port the same way
    t['serve'](t['web2'], 53, udp=True)
    assert connect(t['out'], HOST, 5353, udp=True) == OUT
    # nothing else of the tenant from outside, even with a route to it
    sh('ip', 'route', 'add', '10.0.0.0/24', 'via', HOST, ns=t['out'])
    sh('ip', 'route', 'add', '169.254.0.0/16', 'via', HOST, ns=t['out'])
    assert connect(t['out'], '10.0.0.12', 81, timeout=1) is None
    assert connect(t['out'], '169.254.0.6', 81, timeout=1) is None
    # web's own connections leave as its floating address; web2's as the host
    assert connect(t['web'], OUT, 9000) == FIP
    assert connect(t['web2'], OUT, 9000) == HOST
    # hairpin: both endpoints reach both offers, the host too
    assert connect(t['web2'], FIP, 18080) == '169.254.0.5'
    assert connect(t['web'], FIP, 18080) == '169.254.0.5'
    assert connect(t['web'], HOST, 8080) == '169.254.0.5'
    assert connect(t['web2'], HOST, 8080) == '169.254.0.5'
    assert connect(t['host'], FIP, 18080) == FIP
    assert nat_address(FIP) == '169.254.130.50'
