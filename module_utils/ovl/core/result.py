# -*- coding: utf-8 -*-
"""The one place that owns ``changed``, check mode, diff and ``commands``,
and the one front every module runs (``drive``).

Every module computes ``plan(want, have) -> [Step]`` with a pure function
(``ovl.core.step``) and hands it here; in check mode nothing is executed.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.runner import CommandError, Runner
from ansible.module_utils.ovl.core.step import run_steps, steps_of


def apply_plan(module, runner, steps, before=None, after=None, execute=None, transform=None,
               local=None, **extra):
    """Run *steps* (unless check mode) and exit the module.

    ``commands`` in the result are the argv of the logical steps. What runs is
    ``transform(steps)`` (e.g. ip -batch grouping), each step with its stdin,
    those *local* picks in-process; *execute* replaces all of that (the OVS
    modules commit through the OVSDB object, whose errors say how to fix).
    """
    steps = steps_of(steps)
    commands = [list(s.argv) for s in steps]
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
                run_steps(runner, transform(steps) if transform else steps, local)
        except CommandError as exc:
            result.pop('diff', None)
            module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


class Front(object):
    """The one contract every module follows: normalize -> read -> plan ->
    diff -> (transform, run) -> result. A module subclasses it and overrides
    what it needs; ``drive`` owns the order, the errors and check mode."""

    def __init__(self, module):
        self.module = module
        self.params = module.params

    def normalize(self):
        """The desired state from the parameters (raises InputError); no I/O."""
        raise NotImplementedError

    def read(self, runner, want):
        """The current state, from machine-readable output only."""
        return None

    def plan(self, want, have):
        """[Step] that turn *have* into *want*; pure."""
        raise NotImplementedError

    def diff(self, want, have, steps):
        return None, None

    def extra(self, want, have, steps):
        """More result keys."""
        return {}

    transform = None   # function [Step] -> [Step] that run (batching)
    local = None       # function Step -> (netns, callable) or None: done in-process

    def execute(self, runner, steps):
        """None: run the steps; or a function that runs them its own way."""
        return None


def drive(module, front):
    """Run *front* to the end: the module exits here."""
    want = guarded(module, front.normalize)
    runner = Runner(module)
    have = guarded(module, front.read, runner, want)
    steps = steps_of(guarded(module, front.plan, want, have))
    before, after = guarded(module, front.diff, want, have, steps)
    extra = guarded(module, front.extra, want, have, steps)
    apply_plan(module, runner, steps, before, after, execute=front.execute(runner, steps),
               transform=front.transform, local=front.local, **extra)


def guarded(module, func, *args, **kwargs):
    """Call *func*; turn InputError (any ValueError) or CommandError into a one-line fail_json."""
    try:
        return func(*args, **kwargs)
    except (ValueError, CommandError) as exc:   # InputError and the planners' own refusals
        module.fail_json(msg=str(exc), commands=[])
