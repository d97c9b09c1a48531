"""ovs_state mirrors on the real private OVS (userspace datapath): a mirror
made, changed in place and pruned in the one transaction, someone else's
mirror kept; and the copies really arrive at the output port, from the
selected ports only. Packets go only between namespaces this test made."""
import socket
import threading
import time

import ovs_state
from ansible.module_utils.ovl.core.netns import entered
from modrun import run_module
from fixtures.netns import sh

BR = 'br-mi'


def veth(ovs, port, tenant, address=None):
    sh('ip', 'netns', 'exec', ovs.netns, 'ip', 'link', 'add', port, 'type', 'veth',
       'peer', 'name', 'eth0', 'netns', tenant)
    sh('ip', 'netns', 'exec', ovs.netns, 'ip', 'link', 'set', port, 'up')
    if address:
        sh('ip', '-n', tenant, 'addr', 'add', address + '/24', 'dev', 'eth0')
    sh('ip', '-n', tenant, 'link', 'set', 'eth0', 'up')


def state(ovs, mirrors, prune=True):
    ports = [{'name': n, 'bridge': BR, 'tag': t}
             for n, t in (('mi-a', 7), ('mi-b', 7), ('mi-c', 8), ('mi-d', 8))]
    ports.append({'name': 'mi-cap', 'bridge': BR})
    with entered(ovs.netns):
        result = run_module(ovs_state, dict(
            db=ovs.db, bridges=[{'name': BR, 'datapath_type': 'netdev'}], ports=ports,
            mirrors=mirrors, prune=prune))
    assert not result['failed'], result['msg']
    return result


def mirrors(ovs):
    out = ovs.vsctl('--format=json', '--columns=name,external_ids', 'list', 'Mirror')
    return sorted(row[0] for row in __import__('json').loads(out)['data'])


def captured(ns, seconds, during):
    """ICMP source addresses seen on eth0 of *ns* while *during* runs."""
    seen, ready = [], threading.Event()

    def listen():
        with entered(ns):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
            s.bind(('eth0', 0))
            s.settimeout(0.2)
            ready.set()
            end = time.time() + seconds
            while time.time() < end:
                try:
                    frame = s.recv(65535)
                except socket.timeout:
                    continue
                off = 14
                if frame[12:14] == b'\x81\x00':
                    off = 18
                if frame[off - 2:off] == b'\x08\x00' and frame[off + 9] == 1:
                    seen.append(socket.inet_ntoa(frame[off + 12:off + 16]))
            s.close()

    th = threading.Thread(target=listen)
    th.start()
    ready.wait(5)
    during()
    th.join(seconds + 5)
    return set(seen)


def test_mirror_made_changed_pruned_and_copies_only_the_selected_ports(ovs, make_netns):
    a, b, c, d, cap = (make_netns(p) for p in ('mia', 'mib', 'mic', 'mid', 'mcap'))
    for port, ns, addr in (('mi-a', a, '10.78.0.1'), ('mi-b', b, '10.78.0.2'),
                           ('mi-c', c, '10.78.0.3'), ('mi-d', d, '10.78.0.4'),
                           ('mi-cap', cap, None)):
        veth(ovs, port, ns, addr)
    try:
        state(ovs, [])
        # someone else's mirror on the same bridge (no output yet: it copies nothing):
        # never touched
        ovs.vsctl('--', '--id=@m', 'create', 'Mirror', 'name=theirs', '--', 'add', 'Bridge', BR,
                  'mirrors', '@m')
        made = state(ovs, [{'name': 'ovl-t7', 'bridge': BR, 'ports': ['mi-a', 'mi-b'],
                            'output': 'mi-cap'}])
        assert made['changed'] and mirrors(ovs) == ['ovl-t7', 'theirs']
        assert state(ovs, [{'name': 'ovl-t7', 'bridge': BR, 'ports': ['mi-a', 'mi-b'],
                            'output': 'mi-cap'}])['changed'] is False

        def traffic():
            for src, dst in ((a, '10.78.0.2'), (c, '10.78.0.4')):
                sh('ping', '-c', '3', '-i', '0.2', '-W', '1', dst, ns=src, check=False)

        seen = captured(cap, 4, traffic)
        # VLAN 7's ICMP both ways (.1 and .2 as sources), nothing of VLAN 8 (.3, .4)
        assert seen == {'10.78.0.1', '10.78.0.2'}, seen
        # only mi-a now: changed in place
        changed = state(ovs, [{'name': 'ovl-t7', 'bridge': BR, 'ports': ['mi-a'],
                               'output': 'mi-cap'}])
        assert changed['changed'] and mirrors(ovs) == ['ovl-t7', 'theirs']
        assert ovs.vsctl('get', 'Mirror', 'ovl-t7', 'select_src_port').strip() == \
            ovs.vsctl('get', 'Port', 'mi-a', '_uuid').strip().join('[]')
        pruned = state(ovs, [])
        assert pruned['changed'] and mirrors(ovs) == ['theirs']
    finally:
        ovs.vsctl('--if-exists', 'del-br', BR)
