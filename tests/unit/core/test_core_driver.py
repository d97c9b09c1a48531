"""The one module driver (ovl.core.result.drive): every module that changes
anything goes through it, steps are argv + stdin, check mode runs nothing."""
import ast
import os

import pytest

from ansible.module_utils.ovl.core.result import Driver, drive
from ansible.module_utils.ovl.core.step import Step, step
from modrun import run_module

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
# they plan nothing: read and return (overlay_announce sends packets, changes no state)
READ_ONLY = ('overlay_announce', 'overlay_preflight', 'overlay_tenants')


def calls_in(path):
    with open(path) as handle:
        tree = ast.parse(handle.read())
    return set(n.func.id if isinstance(n.func, ast.Name) else n.func.attr
               for n in ast.walk(tree) if isinstance(n, ast.Call)
               and isinstance(n.func, (ast.Name, ast.Attribute)))


@pytest.mark.parametrize('name', sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'library'))
                                        if f.endswith('.py')))
def test_every_writing_module_runs_the_driver(name):
    used = calls_in(os.path.join(ROOT, 'library', name + '.py'))
    if name in READ_ONLY:
        assert 'exit_json' in used
    else:
        assert used & {'drive', 'run', 'run_ovs', 'apply_layers'}, name
        assert 'apply_plan' not in used


class Echo(Driver):
    """A driver whose plan is given: a step with content and a plain one."""

    def normalize(self):
        return self.params

    def plan(self, want, have):
        return [step(['tee', '/tmp/x'], 'hello\n'), ['true']]


def test_steps_run_with_their_stdin_and_not_in_check_mode():
    import types
    module = types.SimpleNamespace()

    def main():
        from ansible.module_utils.basic import AnsibleModule
        mod = AnsibleModule(argument_spec={}, supports_check_mode=True)
        drive(mod, Echo(mod))
    module.main = main
    seen = []

    def fake(argv, data):
        seen.append((os.path.basename(argv[0]), data))
        return 0, '', ''
    result = run_module(module, {}, fake=fake)
    assert result['commands'] == [['tee', '/tmp/x'], ['true']] and result['changed']
    assert seen == [('tee', 'hello\n'), ('true', None)]
    seen[:] = []
    result = run_module(module, {}, check_mode=True, fake=fake)
    assert result['changed'] and seen == []
    assert step(['a']) == Step('run', 'a', []) and step(['a']).argv == ['a']


def test_a_plan_carries_its_notes_and_the_driver_keeps_none():
    """Drivers return a Plan (steps + what planning found); no driver class
    assigns to self in plan() (issue 19: state of a plan kept on the driver
    and read back by position)."""
    import ast
    from ansible.module_utils.ovl.core.result import Plan, planned
    plan = Plan([['true']], prefix=24)
    assert plan.prefix == 24 and [s.argv for s in plan.steps] == [['true']]
    assert planned([['a']]).steps[0].argv == ['a'] and planned(plan) is plan
    with pytest.raises(AttributeError):
        plan.missing
    for path in DRIVERS:
        with open(path) as handle:
            tree = ast.parse(handle.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == 'plan':
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                        assert not (isinstance(sub.value, ast.Name) and sub.value.id == 'self'), \
                            '%s: plan() sets self.%s' % (path, sub.attr)


DRIVERS = [os.path.join(ROOT, 'module_utils', 'ovl', *parts) for parts in (
    ('ip', 'driver.py'), ('ip', 'move_driver.py'), ('ovs', 'driver.py'), ('flows', 'driver.py'),
    ('nat', 'driver.py'), ('host', 'forward.py'))]
