"""Batching: consecutive ip link/addr/route steps of one namespace -> one ip -batch;
which steps the module does in-process. Both read the typed step, never its argv."""
import pytest

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.core.step import Step, ip_step, step
from ansible.module_utils.ovl.ip.batch import group, in_process


def ran(steps):
    return [(s.argv, s.stdin) for s in group(steps)]


def link_set(ns, dev, *settings):
    return ip_step('link.set', ns, dev, 'link', 'set', dev, *settings)


def netns(verb, name):
    return ip_step('netns.' + verb, None, name, 'netns', verb, name)


def fdb(ns, verb, dev, peer):
    return Step('fdb.' + verb, 'bridge', ['fdb', verb, '00:00:00:00:00:00', 'dev', dev,
                                          'dst', peer], ns, dev, peer)


def offload(ns, dev, value):
    return Step('offload', 'ethtool', ['-K', dev, 'tx', value], ns, dev, 'tx ' + value)


def test_groups_consecutive_same_namespace():
    steps = [
        netns('add', 'a'),
        ip_step('link.add', None, 'x', 'link', 'add', 'x', 'type', 'veth', 'peer', 'name', 'y'),
        link_set(None, 'x', 'up'),
        link_set('a', 'eth0', 'up'),
        ip_step('addr.add', 'a', 'eth0', 'addr', 'add', '10.0.0.2/24', 'dev', 'eth0'),
        ip_step('route.replace', 'b', 'default', 'route', 'replace', 'default', 'via', '10.0.0.1'),
        offload('a', 'eth0', 'off'),
    ]
    assert ran(steps) == [
        # ip netns add joins the host's batch (one process for every namespace of a run)
        (['ip', '-batch', '-'], 'netns add a\nlink add x type veth peer name y\nlink set x up\n'),
        (['ip', '-n', 'a', '-batch', '-'],
         'link set eth0 up\naddr add 10.0.0.2/24 dev eth0\n'),
        (['ip', '-n', 'b', 'route', 'replace', 'default', 'via', '10.0.0.1'], None),
        (['ip', 'netns', 'exec', 'a', 'ethtool', '-K', 'eth0', 'tx', 'off'], None),
    ]


@pytest.mark.parametrize('steps, batched', [
    ([netns('add', 'a'), netns('del', 'b')], True),
    ([Step('sysctl', 'sysctl', ['-w', 'a=1'], 'a', 'a', '1')], False),   # runs inside: never batched
    ([step(['ip', 'netns', 'list'])], False),                         # a plain command: as it is
    ([Step('mark.add', 'touch', ['/m/a'], None, 'a', '/m/a')], False),
])
def test_only_ip_and_bridge_operations_join_a_batch(steps, batched):
    out = group(steps * 2)
    assert (out[0].argv == ['ip', '-batch', '-']) is batched
    assert len(out) == (1 if batched else 2)


def test_a_batch_is_per_namespace_and_tool():
    out = group([link_set('a', 'x', 'up'), link_set('b', 'x', 'up'), link_set('b', 'y', 'up'),
                 fdb('b', 'append', 'vx', '10.0.0.2'), fdb('b', 'append', 'vx', '10.0.0.3')])
    assert [s.argv for s in out] == [['ip', '-n', 'a', 'link', 'set', 'x', 'up'],
                                     ['ip', '-n', 'b', '-batch', '-'],
                                     ['bridge', '-n', 'b', '-batch', '-']]


@pytest.mark.parametrize('token', ['a b', 'x\nlink del eth0', '"q"', '#c', ''])
def test_refuses_tokens_that_would_split_a_line(token):
    with pytest.raises(CommandError):
        group([link_set(None, 'x', 'up'), link_set(None, token, 'up')])


def test_bridge_fdb_commands_go_to_one_bridge_batch_per_namespace():
    steps = [
        ip_step('link.add', None, 'vx64', 'link', 'add', 'vx64', 'type', 'vxlan', 'id', '100',
                'dstport', '4789'),
        link_set(None, 'vx64', 'up'),
        fdb(None, 'append', 'vx64', '10.0.0.2'),
        fdb(None, 'append', 'vx64', '10.0.0.3'),
        fdb('a', 'del', 'vx1', '10.0.0.4'),
    ]
    assert ran(steps) == [
        (['ip', '-batch', '-'], 'link add vx64 type vxlan id 100 dstport 4789\nlink set vx64 up\n'),
        (['bridge', '-batch', '-'], 'fdb append 00:00:00:00:00:00 dev vx64 dst 10.0.0.2\n'
                                    'fdb append 00:00:00:00:00:00 dev vx64 dst 10.0.0.3\n'),
        (['bridge', '-n', 'a', 'fdb', 'del', '00:00:00:00:00:00', 'dev', 'vx1', 'dst',
          '10.0.0.4'], None),
    ]


@pytest.mark.parametrize('item', [
    offload(None, 'ove1', 'off'),
    offload('ep', 'eth0', 'on'),
    Step('sysctl', 'sysctl', ['-w', 'net.ipv4.ip_forward=1'], 'ovr-b', 'net.ipv4.ip_forward', '1'),
    Step('mark.dir', 'mkdir', ['-p', '/run/ovl/netns'], None, '/run/ovl/netns', '/run/ovl/netns'),
    Step('mark.add', 'touch', ['/run/ovl/netns/ep'], None, 'ep', '/run/ovl/netns/ep'),
    Step('mark.del', 'rm', ['-f', '/run/ovl/netns/ep'], None, 'ep', '/run/ovl/netns/ep'),
])
def test_steps_done_in_process(item):
    assert in_process(item) is not None


@pytest.mark.parametrize('item', [
    step(['ethtool', '-K', 'ove1', 'gro', 'off']),      # a plain command is never done in-process
    Step('mark.add', 'touch', ['/x'], 'ep', 'ep', '/x'),  # files only on the host
    step(['rm', '-rf', '/x']),
    step(['sysctl', 'net.ipv4.ip_forward']),
    netns('add', 'x'),
    link_set(None, 'x', 'up'),
])
def test_other_steps_run_as_processes(item):
    assert in_process(item) is None


def test_in_process_writes_what_the_step_says(monkeypatch):
    from ansible.module_utils.ovl.ip import nswrite
    seen = []
    monkeypatch.setattr(nswrite, 'write_sysctl', lambda key, value: seen.append((key, value)))
    monkeypatch.setattr(nswrite, 'set_tx_checksum', lambda dev, on: seen.append((dev, on)))
    in_process(Step('sysctl', 'sysctl', ['-w', 'a.b=2'], 'n', 'a.b', '2'))()
    in_process(offload('n', 'eth0', 'off'))()
    in_process(offload('n', 'eth1', 'on'))()
    assert seen == [('a.b', '2'), ('eth0', False), ('eth1', True)]


def test_a_step_with_content_passes_through_unbatched():
    """A step may carry content (stdin): a file written with no shell."""
    content = step(['tee', '/etc/netns/ep/resolv.conf'], 'nameserver 10.0.0.1\n')
    steps = [link_set(None, 'a', 'up'), content, link_set(None, 'b', 'up')]
    assert group(steps) == [steps[0], content, steps[2]]


def test_a_step_renders_its_namespace():
    assert link_set('a', 'x', 'up').argv == ['ip', '-n', 'a', 'link', 'set', 'x', 'up']
    assert fdb('a', 'del', 'v', '1.2.3.4').argv[:3] == ['bridge', '-n', 'a']
    assert offload('a', 'e', 'on').argv == ['ip', 'netns', 'exec', 'a', 'ethtool', '-K', 'e',
                                            'tx', 'on']
    assert offload('a', 'e', 'on').here == ['ethtool', '-K', 'e', 'tx', 'on']
    with pytest.raises(ValueError):
        Step('link.frobnicate', 'ip', [])
