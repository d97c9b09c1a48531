"""Batching: consecutive ip link/addr/route commands of one namespace -> one ip -batch."""
import pytest

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.ip.batch import group, in_process


def test_groups_consecutive_same_namespace():
    commands = [
        ['ip', 'netns', 'add', 'a'],
        ['ip', 'link', 'add', 'x', 'type', 'veth', 'peer', 'name', 'y'],
        ['ip', 'link', 'set', 'x', 'up'],
        ['ip', '-n', 'a', 'link', 'set', 'eth0', 'up'],
        ['ip', '-n', 'a', 'addr', 'add', '10.0.0.2/24', 'dev', 'eth0'],
        ['ip', '-n', 'b', 'route', 'replace', 'default', 'via', '10.0.0.1'],
        ['ip', 'netns', 'exec', 'a', 'ethtool', '-K', 'eth0', 'tx', 'off'],
    ]
    assert group(commands) == [
        # ip netns add joins the host's batch (one process for every namespace of a run)
        (['ip', '-batch', '-'], 'netns add a\nlink add x type veth peer name y\nlink set x up\n'),
        (['ip', '-n', 'a', '-batch', '-'],
         'link set eth0 up\naddr add 10.0.0.2/24 dev eth0\n'),
        (['ip', '-n', 'b', 'route', 'replace', 'default', 'via', '10.0.0.1'], None),
        (['ip', 'netns', 'exec', 'a', 'ethtool', '-K', 'eth0', 'tx', 'off'], None),
    ]


@pytest.mark.parametrize('commands, batched', [
    ([['ip', 'netns', 'add', 'a'], ['ip', 'netns', 'del', 'b']], True),
    ([['ip', 'netns', 'exec', 'a', 'ip', 'link']], False),          # exec: never in a batch
    ([['ip', '-n', 'x', 'netns', 'add', 'a']], False),                # only the host's namespaces
    ([['ip', 'netns', 'add', 'a', 'extra']], False),
    ([['ip', 'netns', 'list']], False),
])
def test_only_netns_add_and_del_of_the_host_join_a_batch(commands, batched):
    steps = group(commands * 2)
    assert (steps[0].argv == ['ip', '-batch', '-']) is batched
    assert len(steps) == (1 if batched else 2)


@pytest.mark.parametrize('token', ['a b', 'x\nlink del eth0', '"q"', '#c', ''])
def test_refuses_tokens_that_would_split_a_line(token):
    with pytest.raises(CommandError):
        group([['ip', 'link', 'set', 'x', 'up'], ['ip', 'link', 'set', token, 'up']])


def test_bridge_fdb_commands_go_to_one_bridge_batch_per_namespace():
    commands = [
        ['ip', 'link', 'add', 'vx64', 'type', 'vxlan', 'id', '100', 'dstport', '4789'],
        ['ip', 'link', 'set', 'vx64', 'up'],
        ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx64', 'dst', '10.0.0.2'],
        ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx64', 'dst', '10.0.0.3'],
        ['bridge', '-n', 'a', 'fdb', 'del', '00:00:00:00:00:00', 'dev', 'vx1', 'dst', '10.0.0.4'],
    ]
    assert group(commands) == [
        (['ip', '-batch', '-'], 'link add vx64 type vxlan id 100 dstport 4789\nlink set vx64 up\n'),
        (['bridge', '-batch', '-'], 'fdb append 00:00:00:00:00:00 dev vx64 dst 10.0.0.2\n'
                                    'fdb append 00:00:00:00:00:00 dev vx64 dst 10.0.0.3\n'),
        (['bridge', '-n', 'a', 'fdb', 'del', '00:00:00:00:00:00', 'dev', 'vx1', 'dst',
          '10.0.0.4'], None),
    ]


@pytest.mark.parametrize('argv, netns', [
    (['ethtool', '-K', 'ove1', 'tx', 'off'], None),
    (['ip', 'netns', 'exec', 'ep', 'ethtool', '-K', 'eth0', 'tx', 'on'], 'ep'),
    (['ip', 'netns', 'exec', 'ovr-b', 'sysctl', '-w', 'net.ipv4.ip_forward=1'], 'ovr-b'),
    (['mkdir', '-p', '/run/ovl/netns'], None),
    (['touch', '/run/ovl/netns/ep'], None),
    (['rm', '-f', '/run/ovl/netns/ep'], None),
])
def test_commands_done_in_process(argv, netns):
    found = in_process(argv)
    assert found is not None and found[0] == netns


@pytest.mark.parametrize('argv', [
    ['ethtool', '-K', 'ove1', 'gro', 'off'],          # only the tx group is done in-process
    ['ip', 'netns', 'exec', 'ep', 'touch', '/x'],     # files only on the host
    ['rm', '-rf', '/x'],
    ['sysctl', 'net.ipv4.ip_forward'],
    ['ip', 'netns', 'add', 'x'],
])
def test_other_commands_run_as_processes(argv):
    assert in_process(argv) is None


def test_a_step_with_content_passes_through_unbatched():
    """A step may carry content (stdin): a file written with no shell."""
    from ansible.module_utils.ovl.core.step import step
    content = step(['tee', '/etc/netns/ep/resolv.conf'], 'nameserver 10.0.0.1\n')
    steps = [['ip', 'link', 'set', 'a', 'up'], content, ['ip', 'link', 'set', 'b', 'up']]
    assert group(steps) == [(['ip', 'link', 'set', 'a', 'up'], None), content,
                            (['ip', 'link', 'set', 'b', 'up'], None)]
