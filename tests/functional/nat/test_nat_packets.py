"""Real packets: inside --veth-- router --veth-- outside, three namespaces
made here. SNAT is proven by the source address the outside server sees;
block_inbound by a NEW connection from outside that must time out while the
same connection works without it. Packets only go to these namespaces."""
import subprocess
import sys
import time

import pytest

import nat_state
from fixtures.netns import sh
from modrun import run_module

SERVER = r'''
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(5); s.settimeout(20)
print('ready', flush=True)
while True:
    c, peer = s.accept(); c.sendall(peer[0].encode()); c.close()
'''
CLIENT = r'''
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]))
print(s.recv(100).decode())
'''


@pytest.fixture
def topo(make_netns):
    inside, router, outside = make_netns('tin'), make_netns('trt'), make_netns('tout')
    sh('ip', 'link', 'add', 'qr0', 'netns', router, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', inside)
    sh('ip', 'link', 'add', 'qg0', 'netns', router, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', outside)
    for ns, dev, addr in ((inside, 'eth0', '10.0.0.2/24'), (router, 'qr0', '10.0.0.1/24'),
                          (router, 'qg0', '198.18.0.1/24'), (outside, 'eth0', '198.18.0.2/24')):
        sh('ip', 'addr', 'add', addr, 'dev', dev, ns=ns)
        sh('ip', 'link', 'set', dev, 'up', ns=ns)
        sh('ip', 'link', 'set', 'lo', 'up', ns=ns)
    sh('ip', 'route', 'add', 'default', 'via', '10.0.0.1', ns=inside)
    sh('sysctl', '-qw', 'net.ipv4.ip_forward=1', ns=router)
    procs = []

    def serve(ns, addr, port):
        proc = subprocess.Popen(['ip', 'netns', 'exec', ns, sys.executable, '-c', SERVER, addr, str(port)],
                                stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout.readline().strip() == 'ready'

    yield dict(inside=inside, router=router, outside=outside, serve=serve)
    for proc in procs:
        proc.kill()
        proc.wait()


def connect(ns, addr, port, timeout=3.0):
    """The source address the server saw, or None when the connection failed."""
    proc = subprocess.run(['ip', 'netns', 'exec', ns, sys.executable, '-c', CLIENT, addr, str(port),
                           str(timeout)], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def apply(router, backend, snat, block):
    res = run_module(nat_state, dict(backend=backend, prune=True, namespaces=[
        dict(netns=router, snat=snat, block_inbound=block)]))
    assert not res['failed'], res.get('msg')


@pytest.mark.parametrize('backend', ['iptables', 'nft'])
def test_snat_translates_and_block_inbound_drops_new(topo, backend):
    t = topo
    t['serve'](t['outside'], '198.18.0.2', 8080)
    t['serve'](t['inside'], '10.0.0.2', 8081)
    # without NAT the outside has no route back to 10.0.0.0/24: no reply
    assert connect(t['inside'], '198.18.0.2', 8080, timeout=1) is None

    apply(t['router'], backend, [dict(id='t', source='10.0.0.0/24', out_interface='qg0')], [])
    assert connect(t['inside'], '198.18.0.2', 8080) == '198.18.0.1'      # masqueraded

    sh('ip', 'addr', 'add', '198.18.0.9/24', 'dev', 'qg0', ns=t['router'])
    apply(t['router'], backend, [dict(id='t', source='10.0.0.0/24', out_interface='qg0',
                                      action='snat', to_source='198.18.0.9')], [])
    assert connect(t['inside'], '198.18.0.2', 8080) == '198.18.0.9'      # fixed source

    # inbound: with a route back, a NEW connection from outside gets in ...
    sh('ip', 'route', 'add', '10.0.0.0/24', 'via', '198.18.0.1', ns=t['outside'])
    assert connect(t['outside'], '10.0.0.2', 8081) == '198.18.0.2'
    # ... until block_inbound drops it; replies to inside-initiated traffic still pass
    apply(t['router'], backend, [dict(id='t', source='10.0.0.0/24', out_interface='qg0')],
          [dict(in_interface='qg0')])
    assert connect(t['outside'], '10.0.0.2', 8081, timeout=1.5) is None
    assert connect(t['inside'], '198.18.0.2', 8080) == '198.18.0.1'
    # and lifting the block lets it in again
    apply(t['router'], backend, [dict(id='t', source='10.0.0.0/24', out_interface='qg0')], [])
    time.sleep(0.1)
    assert connect(t['outside'], '10.0.0.2', 8081) == '198.18.0.2'


@pytest.mark.parametrize('backend', ['iptables', 'nft'])
def test_block_inbound_local_guards_the_router_itself(topo, backend):
    """block_inbound drops forwarded NEW connections only; a service of the
    router itself stays reachable from qg0 (on real kernels the verify of
    molecule/kvm saw the router's stack answer a SYN to its transit address)
    until local=True puts the same rules in INPUT. qr0 is not guarded, and
    replies to the router's own connections still come in on qg0."""
    t = topo
    t['serve'](t['router'], '198.18.0.1', 8082)
    t['serve'](t['outside'], '198.18.0.2', 8080)
    snat = [dict(id='t', source='10.0.0.0/24', out_interface='qg0')]
    apply(t['router'], backend, snat, [dict(in_interface='qg0')])
    assert connect(t['outside'], '198.18.0.1', 8082) == '198.18.0.2'     # forwarded-only block
    apply(t['router'], backend, snat, [dict(in_interface='qg0', local=True)])
    assert connect(t['outside'], '198.18.0.1', 8082, timeout=1.5) is None
    assert connect(t['router'], '198.18.0.2', 8080) == '198.18.0.1'      # its own replies pass
    assert connect(t['inside'], '198.18.0.1', 8082) == '10.0.0.2'        # from qr0: not guarded
    apply(t['router'], backend, snat, [dict(in_interface='qg0')])        # local off: INPUT emptied
    time.sleep(0.1)
    assert connect(t['outside'], '198.18.0.1', 8082) == '198.18.0.2'


def test_forward_accept_holds_under_a_forward_policy_of_drop(topo):
    """Docker sets the host's FORWARD policy to DROP when it turns forwarding
    on: the routed traffic dies there until forward_accept accepts it in our
    chain (an ACCEPT ends the built-in chain's walk); NEW connections from
    outside stay refused (no ACCEPT for them: the policy drops them)."""
    t = topo
    t['serve'](t['outside'], '198.18.0.2', 8080)
    t['serve'](t['inside'], '10.0.0.2', 8081)
    sh('ip', 'route', 'add', '10.0.0.0/24', 'via', '198.18.0.1', ns=t['outside'])
    snat = [dict(id='t', source='10.0.0.0/24', out_interface='qg0')]
    apply(t['router'], 'iptables', snat, [])
    assert connect(t['inside'], '198.18.0.2', 8080) == '198.18.0.1'
    sh('iptables', '-P', 'FORWARD', 'DROP', ns=t['router'])             # what Docker does
    assert connect(t['inside'], '198.18.0.2', 8080, timeout=1) is None  # the check can fail
    res = run_module(nat_state, dict(backend='iptables', prune=True, namespaces=[
        dict(netns=t['router'], snat=snat,
             forward_accept=[dict(id='up', in_interface='qr0', out_interface='qg0')])]))
    assert not res['failed'] and res['changed'], res.get('msg')
    assert connect(t['inside'], '198.18.0.2', 8080) == '198.18.0.1'
    assert connect(t['outside'], '10.0.0.2', 8081, timeout=1) is None
    saved = sh('iptables-save', '-t', 'filter', ns=t['router'])
    assert '-A OVL-FORWARD -i qr0 -o qg0 -m comment --comment "ovl:up" -j ACCEPT' in saved
    again = run_module(nat_state, dict(backend='iptables', prune=True, namespaces=[
        dict(netns=t['router'], snat=snat,
             forward_accept=[dict(id='up', in_interface='qr0', out_interface='qg0')])]))
    assert not again['changed']
