"""ovl.core.runner.Runner.run_step: a step for a namespace runs there through
setns (its ``here`` argv), not through ``ip netns exec``/``ip -n``; errors
name the step's rendered argv."""
import pytest

from ansible.module_utils.ovl.core import runner as ovl_runner
from ansible.module_utils.ovl.core.runner import CommandError, Runner
from ansible.module_utils.ovl.core.step import Step, ip_step, step


class Module(object):
    def get_bin_path(self, name, required=False):
        return '/bin/' + name


@pytest.fixture
def calls(monkeypatch):
    seen = []

    class Entered(object):
        def __init__(self, ns):
            self.ns = ns

        def __enter__(self):
            seen.append(('enter', self.ns))

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(ovl_runner, 'entered', Entered)
    monkeypatch.setattr(ovl_runner, 'spawn', lambda argv, data=None: (
        seen.append((argv, data)) or ((1, '', 'boom\n') if 'fail' in argv else (0, 'ok', ''))))
    return seen


@pytest.mark.parametrize('item, expected', [
    (Step('run', 'iptables-restore', ['--noflush'], 'ns1', stdin='x\n'),
     [('enter', 'ns1'), (['/bin/iptables-restore', '--noflush'], 'x\n')]),
    (Step('batch', 'ip', ['-batch', '-'], 'ns1', stdin='link set a up\n'),
     [('enter', 'ns1'), (['/bin/ip', '-batch', '-'], 'link set a up\n')]),
    (ip_step('link.set', None, 'a', 'link', 'set', 'a', 'up'),
     [(['/bin/ip', 'link', 'set', 'a', 'up'], None)]),
    (step(['ovs-vsctl', '-n', 'x', 'y']), [(['/bin/ovs-vsctl', '-n', 'x', 'y'], None)]),
])
def test_a_step_runs_in_its_namespace_through_setns(calls, item, expected):
    assert Runner(Module()).run_step(item) == 'ok'
    assert calls == expected


def test_a_failed_step_is_named_by_its_rendered_argv(calls):
    with pytest.raises(CommandError) as exc:
        Runner(Module()).run_step(Step('sysctl', 'sysctl', ['-w', 'fail'], 'ns1', 'fail', ''))
    assert str(exc.value) == 'ip netns exec ns1 sysctl -w ... failed (rc=1): boom'
