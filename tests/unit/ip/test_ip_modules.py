"""The modules with a fake machine: exact argv, stdin of ip -batch, no writes in
check mode, bad input rejected before any command runs."""
import contextlib
import json
import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.ovl.ip import read as iplink_read

from iproute_json import parse_addr_json, parse_routes
import ip_address
import ip_link
import ip_route
import ip_state
import netns
from modrun import run_module

VETH_HOST = {"ifindex": 5, "ifname": "ove1", "link_index": 2, "link_netnsid": 0,
             "flags": ["BROADCAST", "UP"], "mtu": 1450, "ifalias": "ovl:ovl",
             "linkinfo": {"info_kind": "veth"}, "addr_info": []}
VETH_PEER = {"ifindex": 2, "ifname": "eth0", "link_index": 5, "link_netnsid": 0,
             "flags": ["BROADCAST", "UP"], "mtu": 1450, "linkinfo": {"info_kind": "veth"},
             "addr_info": [{"family": "inet", "local": "10.0.0.9", "prefixlen": 24,
                            "scope": "global"}]}
VX_OLD = {"ifindex": 7, "ifname": "vxold", "flags": ["UP"], "mtu": 1500, "ifalias": "ovl:ovl",
          "linkinfo": {"info_kind": "vxlan", "info_data": {"id": 9, "port": 4789}},
          "addr_info": []}
FOREIGN = {"ifindex": 8, "ifname": "foreign", "flags": ["UP"], "mtu": 1500,
           "linkinfo": {"info_kind": "vxlan", "info_data": {"id": 8, "port": 4789}},
           "addr_info": []}


CURRENT = []


@pytest.fixture(autouse=True)
def in_process_reads(monkeypatch):
    """The reads done inside namespaces without a process (setns + rtnetlink,
    ioctl, /proc/sys) answered by the current Machine, which records them."""
    @contextlib.contextmanager
    def entered(ns):
        CURRENT[-1].inside.append(ns)
        yield
        CURRENT[-1].inside.pop()

    def tx_checksum(dev):
        machine = CURRENT[-1]
        machine.ns_reads.append(('tx', machine.inside[-1] if machine.inside else None, dev))
        return machine.offload

    def sysctl(key):
        machine = CURRENT[-1]
        machine.ns_reads.append(('sysctl', machine.inside[-1] if machine.inside else None, key))
        return machine.sysctl

    def read_namespace(families, fdb=False):
        machine = CURRENT[-1]
        ns = machine.inside[-1] if machine.inside else None
        machine.ns_reads.append(('netlink', ns, tuple(sorted(families))))
        return machine.read_namespace(ns, families)

    def list_netns():
        machine = CURRENT[-1]
        machine.ns_reads.append(('netns', None, ()))
        return set(machine.netns), set(machine.stale)

    monkeypatch.setattr(iplink_read, 'list_netns', list_netns)
    monkeypatch.setattr(iplink_read, 'entered', entered)
    monkeypatch.setattr(iplink_read, 'read_namespace', read_namespace)
    monkeypatch.setattr(iplink_read, 'tx_checksum', tx_checksum)
    monkeypatch.setattr(iplink_read, 'sysctl', sysctl)
    yield
    del CURRENT[:]


class Machine(object):
    """Answers the reads from a dict; records every other argv as a write."""

    def __init__(self, netns=(), links=None, routes=None, sysctl='0', offload=True, fail=None,
                 stale=()):
        self.netns = list(netns)
        self.stale = list(stale)
        self.links = links or {}
        self.routes = routes or {}
        self.sysctl = sysctl
        self.offload = offload
        self.fail = fail
        self.writes = []
        self.inside = []
        self.ns_reads = []
        CURRENT.append(self)

    def read_namespace(self, ns, families):
        """What the rtnetlink read returns, from `ip -j` style dicts."""
        links, addrs, secondary = parse_addr_json(json.dumps(self.links.get(ns, [])))
        routes = [route for route in parse_routes(json.dumps(self.routes.get(ns, [])), 4)
                  if route['family'] in families]
        return links, addrs, secondary, routes

    def __call__(self, argv, data):
        argv = [os.path.basename(argv[0])] + argv[1:]
        ns = None
        if argv[1:2] == ['-n']:
            ns, rest = argv[2], argv[3:]
        else:
            rest = argv[1:]
        if rest == ['-j', 'netns', 'list']:
            return 0, json.dumps([{"name": n} for n in self.netns]), ''
        self.writes.append((argv, data))
        if self.fail and self.fail in argv:
            return 2, '', 'RTNETLINK answers: File exists\nCommand failed -:1\n'
        return 0, '', ''


def host_pair():
    return Machine(netns=['ep'], links={None: [VETH_HOST], 'ep': [VETH_PEER]})


NEW_VETH = [
    ['ip', 'link', 'add', 'ove1', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0',
     'mtu', '1450', 'netns', 'ep'],
    ['ip', 'link', 'set', 'ove1', 'alias', 'ovl:ovl'],
    ['ip', 'link', 'set', 'ove1', 'up'],
    ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'up'],
    ['ethtool', '-K', 'ove1', 'tx', 'off'],
    ['ip', 'netns', 'exec', 'ep', 'ethtool', '-K', 'eth0', 'tx', 'off'],
]
VETH_ARGS = dict(name='ove1', kind='veth', peer='eth0', peer_netns='ep', mtu=1450,
                 tx_offload=False)


def test_ip_link_check_mode_reports_and_writes_nothing():
    machine = Machine(netns=['ep'])
    result = run_module(ip_link, VETH_ARGS, check_mode=True, diff=True, fake=machine)
    assert result['changed'] and not result['failed']
    assert result['commands'] == NEW_VETH
    assert machine.writes == []
    assert result['diff']['before']['links'] == {'ove1': None}
    assert result['diff']['after']['links']['ove1']['mtu'] == 1450


def test_ip_link_batches_per_namespace():
    machine = Machine(netns=['ep'])
    result = run_module(ip_link, VETH_ARGS, fake=machine)
    assert result['changed']
    assert [os.path.basename(a[0]) for a in result['_argv']][:1] == ['ip']
    assert machine.writes == [
        (['ip', '-batch', '-'],
         'link add ove1 mtu 1450 type veth peer name eth0 mtu 1450 netns ep\n'
         'link set ove1 alias ovl:ovl\nlink set ove1 up\n'),
        # runs inside ep after setns (the seam records it as its equivalent
        # ip netns exec): not `ip -n ep`, which copies the host's mounts per call
        (['ip', 'netns', 'exec', 'ep', 'ip', 'link', 'set', 'eth0', 'up'], None)]
    # TX offload is set in the module process (SIOCETHTOOL), not by ethtool processes
    assert result['_inproc'] == [['ethtool', '-K', 'ove1', 'tx', 'off'],
                                 ['ip', 'netns', 'exec', 'ep', 'ethtool', '-K', 'eth0', 'tx', 'off']]
    assert result['commands'][-2:] == result['_inproc']


def test_ip_link_in_sync_is_unchanged():
    machine = host_pair()
    machine.offload = False
    result = run_module(ip_link, VETH_ARGS, fake=machine)
    assert (result['changed'], result['commands'], machine.writes) == (False, [], [])


def test_ip_link_mtu_change_in_place():
    machine = host_pair()
    result = run_module(ip_link, dict(VETH_ARGS, mtu=1400, tx_offload=None), fake=machine)
    assert result['commands'] == [['ip', 'link', 'set', 'ove1', 'mtu', '1400'],
                                  ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'mtu', '1400']]


@pytest.mark.parametrize('module, args, needle', [
    (ip_link, dict(name='a' * 16, kind='vxlan', id=5), "name: 'aaaaaaaaaaaaaaaa'"),
    (ip_link, dict(name='bad/name', kind='vxlan', id=5), "name: 'bad/name'"),
    (ip_link, dict(name='ve1', kind='veth', peer='ve1'), "peer: 've1'"),
    (ip_link, dict(name='vx', kind='vxlan', id=16777216), 'id: 16777216'),
    (ip_link, dict(name='vx', kind='vxlan', id=5, mtu=10), 'mtu: 10'),
    (ip_link, dict(name='vx', kind='vxlan', id=5, remote='1.2.3'), "remote: '1.2.3'"),
    (ip_address, dict(dev='eth0', address=['10.0.0.1/99']), "address: '10.0.0.1/99'"),
    (ip_route, dict(dst='10.0.0.1/8', via='10.0.0.2'), "dst: '10.0.0.1/8'"),
    (netns, dict(name='a b'), "name: 'a b'"),
    (ip_state, dict(links=[dict(name='vx', kind='vxlan', id=0)]), 'links[0].id: 0'),
    (ip_state, dict(addresses=[dict(dev='e', address='x')]), "addresses[0].address: 'x'"),
])
def test_bad_input_fails_before_any_command(module, args, needle):
    machine = Machine()
    result = run_module(module, args, fake=machine)
    assert result['failed']
    assert needle in result['msg']
    assert result['_argv'] == [] and result['commands'] == []


def test_ip_link_missing_namespace_fails_without_writes():
    machine = Machine()
    result = run_module(ip_link, VETH_ARGS, fake=machine)
    assert result['failed'] and "peer_netns: 'ep' does not exist" in result['msg']
    assert machine.writes == []


def test_write_failure_is_one_line():
    machine = Machine(netns=['ep'], fail='-batch')
    result = run_module(ip_link, VETH_ARGS, fake=machine)
    assert result['failed']
    assert result['msg'].startswith('ip -batch - failed (rc=2): RTNETLINK answers: File exists')


def test_ip_address_in_namespace():
    machine = host_pair()
    args = dict(netns='ep', dev='eth0', address=['10.0.0.11/24'], exact=True)
    check = run_module(ip_address, args, check_mode=True, fake=machine)
    assert check['commands'] == [['ip', '-n', 'ep', 'addr', 'del', '10.0.0.9/24', 'dev', 'eth0'],
                                 ['ip', '-n', 'ep', 'addr', 'add', '10.0.0.11/24', 'dev', 'eth0']]
    assert machine.writes == []
    run_module(ip_address, args, fake=machine)
    assert machine.writes == [(['ip', 'netns', 'exec', 'ep', 'ip', '-batch', '-'],
                               'addr del 10.0.0.9/24 dev eth0\naddr add 10.0.0.11/24 dev eth0\n')]
    assert check['commands'][0][:3] == ['ip', '-n', 'ep']     # what it means, as reported


def test_ip_route_reads_only_its_family_and_namespace():
    machine = Machine(netns=['ep'], routes={'ep': [{"dst": "default", "gateway": "10.0.0.254",
                                                     "dev": "eth0"}]})
    result = run_module(ip_route, dict(netns='ep', dst='default', via='10.0.0.1'), fake=machine)
    assert [a[1:] for a in result['_argv']] == [
        ['netns', 'exec', 'ep', 'ip', 'route', 'replace', 'default', 'via', '10.0.0.1']]
    assert result['commands'] == [['ip', '-n', 'ep', 'route', 'replace', 'default', 'via', '10.0.0.1']]
    assert machine.ns_reads == [('netns', None, ()), ('netlink', 'ep', (4,))]


def test_netns_create(tmp_path):
    machine = Machine()
    mark = str(tmp_path / 'm')
    args = dict(name='ovr-blue', sysctls={'net.ipv4.ip_forward': 1}, mark_dir=mark)
    result = run_module(netns, args, fake=machine)
    assert [w[0] for w in machine.writes] == [['ip', 'netns', 'add', 'ovr-blue']]
    # marker file and sysctl are written in the module process (no mkdir/touch/sysctl process);
    # the marker before the namespace, the sysctl after it
    assert result['_inproc'] == [
        ['mkdir', '-p', mark], ['touch', mark + '/ovr-blue'],
        ['ip', 'netns', 'exec', 'ovr-blue', 'sysctl', '-w', 'net.ipv4.ip_forward=1']]
    assert result['commands'] == result['_inproc'][:2] + [['ip', 'netns', 'add', 'ovr-blue']] \
        + result['_inproc'][2:]
    assert result['changed']
    machine = Machine(netns=['ovr-blue'], sysctl='1')
    assert run_module(netns, args, fake=machine)['changed'] is False


def test_ip_state_prune_check_mode(tmp_path):
    (tmp_path / 'gone').write_text('')
    machine = Machine(netns=['ep', 'gone', 'theirs'], links={None: [VETH_HOST, VX_OLD, FOREIGN],
                                                             'ep': [VETH_PEER]})
    args = dict(mark_dir=str(tmp_path), prune=True, namespaces=[dict(name='ep')],
                links=[dict(VETH_ARGS, tx_offload=None)],
                addresses=[dict(netns='ep', dev='eth0', address='10.0.0.9/24')])
    result = run_module(ip_state, args, check_mode=True, diff=True, fake=machine)
    assert result['commands'] == [['ip', 'link', 'del', 'vxold'],
                                  ['ip', 'netns', 'del', 'gone'],
                                  ['rm', '-f', str(tmp_path / 'gone')]]
    assert machine.writes == []
    assert result['diff']['before']['links']['vxold']['kind'] == 'vxlan'
    assert result['diff']['after']['links']['vxold'] is None


ALL = [
    (ip_link, VETH_ARGS),
    (ip_link, dict(name='ove1', state='absent')),
    (ip_address, dict(netns='ep', dev='eth0', address=['10.0.0.1/24'], exact=True)),
    (ip_route, dict(netns='ep', dst='10.8.0.0/16', via='10.0.0.1', metric=3)),
    (netns, dict(name='new1', sysctls={'net.ipv4.ip_forward': 1})),
    (netns, dict(name='ep', state='absent')),
    (ip_state, dict(prune=True, namespaces=[dict(name='n2')],
                    links=[dict(name='vx5', kind='vxlan', id=5, netns='n2')])),
]


@pytest.mark.parametrize('module, args', ALL, ids=[m.__name__ for m, _ in ALL])
def test_check_mode_never_writes(module, args):
    machine = host_pair()
    result = run_module(module, dict(args), check_mode=True, fake=machine)
    assert not result['failed'], result.get('msg')
    assert result['changed'] and result['commands']
    assert machine.writes == [] and result['_inproc'] == []


@pytest.mark.parametrize('count', [1, 5, 40])
def test_ip_state_read_processes_do_not_grow_with_devices(count, tmp_path):
    """No process at all: the namespaces are listed from /run/netns, links,
    addresses, offload and sysctls are read in-process inside each one."""
    spaces, links, host_links, addresses = [], [], [], []
    peers = {}
    for i in range(count):
        ns = 'ep%d' % i
        spaces.append(dict(name=ns, sysctls={'net.ipv4.ip_forward': 1}))
        links.append(dict(name='ove%d' % i, kind='veth', peer='eth0', peer_netns=ns,
                          mtu=1450, state='up', tx_offload=False))
        addresses.append(dict(netns=ns, dev='eth0', address='10.0.0.9/24'))
        host_links.append(dict(VETH_HOST, ifname='ove%d' % i, ifindex=100 + i))
        peers[ns] = [dict(VETH_PEER, link_index=100 + i)]
    peers[None] = host_links
    machine = Machine(netns=[s['name'] for s in spaces], links=peers, sysctl='1',
                      offload=False)
    args = dict(mark_dir=str(tmp_path), namespaces=spaces, links=links, addresses=addresses)
    result = run_module(ip_state, args, fake=machine)
    assert not result['failed'], result['msg']
    assert result["changed"] is False and machine.writes == [], result["commands"]
    assert result['_argv'] == []
    assert sorted((r for r in machine.ns_reads if r[0] == 'netlink'), key=str) == sorted(
        [('netlink', 'ep%d' % i, ()) for i in range(count)] + [('netlink', None, ())], key=str)
    assert sorted((r for r in machine.ns_reads if r[0] == 'tx'), key=str) == sorted(
        [('tx', None, 'ove%d' % i) for i in range(count)] +
        [('tx', 'ep%d' % i, 'eth0') for i in range(count)], key=str)
    assert sorted((r for r in machine.ns_reads if r[0] == 'sysctl'), key=str) == sorted(
        (('sysctl', 'ep%d' % i, 'net.ipv4.ip_forward') for i in range(count)), key=str)


KERNEL_VX = dict(name='vx100', kind='vxlan', id=100, local='192.0.2.1', dstport=4789,
                 learning=False, flood=['192.0.2.2', '192.0.2.3'])


def test_ip_state_finds_every_binary_before_its_first_write(monkeypatch, tmp_path):
    """A host without `bridge` (the flood list of a kernel VXLAN device):
    the module fails naming it, and nothing at all was written."""
    real = basic.AnsibleModule.get_bin_path

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return None if name == 'bridge' else real(self, name, required=required)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', get_bin_path)
    machine = Machine()
    args = dict(mark_dir=str(tmp_path), namespaces=[dict(name='ep')],
                links=[dict(VETH_ARGS, tx_offload=None), KERNEL_VX])
    result = run_module(ip_state, args, fake=machine)
    assert result['failed'] and 'bridge: command not found' in result['msg'], result
    assert 'nothing was changed' in result['msg']
    assert machine.writes == [] and result['_inproc'] == [] and result['_argv'] == []
    assert ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx100', 'dst',
            '192.0.2.2'] in result['commands']


def test_ip_state_stops_at_a_failing_command_and_says_which(tmp_path):
    """A write that fails part way: the module stops there (nothing after
    it runs), fails naming the command and its error, and the plan it was
    running is in the result. The next run reads what is there and does
    the rest (tests/functional/ip/test_ip_state_partial.py, on a real
    kernel)."""
    machine = Machine(fail='ep2')
    args = dict(mark_dir=str(tmp_path), namespaces=[dict(name='ep1'), dict(name='ep2')],
                links=[dict(VETH_ARGS, name='ove1', peer_netns='ep1', tx_offload=None),
                       dict(VETH_ARGS, name='ove2', peer_netns='ep2', tx_offload=None)],
                addresses=[dict(netns='ep1', dev='eth0', address='10.0.0.1/24'),
                           dict(netns='ep2', dev='eth0', address='10.0.0.2/24')])
    result = run_module(ip_state, args, fake=machine)
    assert result['failed'], result
    failed = [argv for argv, _ in machine.writes][-1]
    assert 'ep2' in failed, machine.writes
    assert 'failed (rc=2): RTNETLINK answers: File exists' in result['msg']
    assert len(result['commands']) > len(machine.writes)
