"""Batching: consecutive ip link/addr/route commands of one namespace -> one ip -batch."""
import pytest

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.ip.batch import group


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
        (['ip', 'netns', 'add', 'a'], None),
        (['ip', '-batch', '-'], 'link add x type veth peer name y\nlink set x up\n'),
        (['ip', '-n', 'a', '-batch', '-'],
         'link set eth0 up\naddr add 10.0.0.2/24 dev eth0\n'),
        (['ip', '-n', 'b', 'route', 'replace', 'default', 'via', '10.0.0.1'], None),
        (['ip', 'netns', 'exec', 'a', 'ethtool', '-K', 'eth0', 'tx', 'off'], None),
    ]


@pytest.mark.parametrize('token', ['a b', 'x\nlink del eth0', '"q"', '#c', ''])
def test_refuses_tokens_that_would_split_a_line(token):
    with pytest.raises(CommandError):
        group([['ip', 'link', 'set', 'x', 'up'], ['ip', 'link', 'set', token, 'up']])
