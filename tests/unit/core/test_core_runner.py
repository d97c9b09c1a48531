"""ovl.core.runner.inside: which commands run inside a namespace through setns."""
import pytest


@pytest.mark.parametrize('argv, expected', [
    (['ip', 'netns', 'exec', 'ns1', 'iptables-restore', '--noflush'],
     ('ns1', ['iptables-restore', '--noflush'])),
    (['ip', '-n', 'ns1', '-batch', '-'], ('ns1', ['ip', '-batch', '-'])),
    (['bridge', '-n', 'ns1', 'fdb', 'append'], ('ns1', ['bridge', 'fdb', 'append'])),
    (['ip', '-batch', '-'], (None, ['ip', '-batch', '-'])),
    (['ip', 'netns', 'exec', 'ns1'], (None, ['ip', 'netns', 'exec', 'ns1'])),
    (['ip', '-n', 'ns1'], (None, ['ip', '-n', 'ns1'])),
    (['ovs-vsctl', '-n', 'x', 'y'], (None, ['ovs-vsctl', '-n', 'x', 'y'])),
])
def test_inside_finds_the_namespace_of_a_command(argv, expected):
    from ansible.module_utils.ovl.core.runner import inside
    assert inside(argv) == expected
