# -*- coding: utf-8 -*-
"""The one place that owns ``changed``, check mode, diff and ``commands``.

Every module computes ``plan(want, have) -> list of argv`` with a pure
function and hands it here; in check mode nothing is executed.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.core.validate import InputError


def apply_plan(module, runner, commands, before=None, after=None, execute=None, **extra):
    """Run *commands* (unless check mode) and exit the module.

    *execute* replaces the default "run each argv in order" (the OVS modules
    pass one ovs-vsctl transaction; batch modules pass stdin data).
    """
    commands = [list(c) for c in commands]
    result = dict(changed=bool(commands), commands=commands)
    result.update(extra)
    if module._diff:
        result['diff'] = dict(before=before if before is not None else {},
                              after=after if after is not None else {})
    if commands and not module.check_mode:
        try:
            if execute is not None:
                execute()
            else:
                for argv in commands:
                    runner.check(argv)
        except CommandError as exc:
            result.pop('diff', None)
            module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


def guarded(module, func, *args, **kwargs):
    """Call *func*; turn InputError/CommandError into a one-line fail_json."""
    try:
        return func(*args, **kwargs)
    except (InputError, CommandError) as exc:
        module.fail_json(msg=str(exc), commands=[])
