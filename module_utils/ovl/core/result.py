# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The one place that owns ``changed``, check mode, diff and ``commands``,
and the one driver every module runs (``drive``).

Every module computes ``plan(want, have) -> [Step]`` with a pure function
(``ovl.core.step``) and hands it here; in check mode nothing is executed.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.runner import CommandError, Runner
from ansible.module_utils.ovl.core.step import run_steps, steps_of


def applied(module, runner, steps, before=None, after=None, execute=None, transform=None,
            local=None, **extra):
    """Run *steps* (unless check mode); return the result (``failed`` and
    ``msg`` set when a step failed). Does not exit the module.

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
            result.update(failed=True, msg=str(exc))
    return result


class Plan(object):
    """What a driver's ``plan`` returns: the steps, and what else planning
    found (*notes*: a prefix, the flow mods, a transaction...), read by the
    driver's ``diff``, ``extra`` and ``execute`` as attributes. A driver
    keeps no state of a plan on itself; a plan of bare steps is a list."""

    def __init__(self, steps, **notes):
        self.steps = steps_of(steps)
        self.notes = notes

    def __getattr__(self, name):
        try:
            return self.__dict__['notes'][name]
        except KeyError:
            raise AttributeError(name)


def planned(value):
    """*value* (a Plan, or [Step] / argv lists) as a Plan."""
    return value if isinstance(value, Plan) else Plan(value)


class Driver(object):
    """The one contract every module follows: normalize -> read -> plan ->
    diff -> (transform, run) -> result. A module subclasses it and overrides
    what it needs; ``drive`` owns the order, the errors and check mode."""

    def __init__(self, module, params=None, make_want=None):
        self.module = module
        self.params = module.params if params is None else params
        self.make_want = make_want

    def normalize(self):
        """The desired state from the parameters (raises InputError); no I/O:
        *make_want()* when the driver was given one."""
        if self.make_want is None:
            raise NotImplementedError
        return self.make_want()

    def read(self, runner, want):
        """The current state, from machine-readable output only."""
        return None

    def plan(self, want, have):
        """[Step], or a ``Plan`` of them and its notes, that turn *have* into
        *want*; pure."""
        raise NotImplementedError

    def diff(self, want, have, plan):
        """(before, after) for diff mode, from the ``Plan``."""
        return None, None

    def extra(self, want, have, plan):
        """More result keys, from the ``Plan``."""
        return {}

    transform = None   # function [Step] -> [Step] that run (batching)
    local = None       # function Step -> (netns, callable) or None: done in-process

    def execute(self, runner, plan):
        """None: run the steps; or a function that runs them its own way."""
        return None


class Refused(Exception):
    """A driver step refused (InputError, a planner's ValueError, CommandError)."""


def refused(msg):
    return dict(changed=False, failed=True, msg=msg, commands=[])


def normalized(driver):
    """(want, None) or (None, the failed result): the desired state of
    *driver*, no I/O. ``overlay_apply`` normalizes every layer this way before
    the first layer reads or writes anything."""
    try:
        return guarded(driver.normalize), None
    except Refused as exc:
        return None, refused(str(exc))


def evaluate(module, driver, runner=None, want=None):
    """Run *driver* to the end and return its result (``failed``/``msg`` set
    on an error); nothing exits. ``overlay_apply`` runs several in a row,
    each with the *want* it normalized before any of them ran."""
    try:
        want = guarded(driver.normalize) if want is None else want
        runner = runner or Runner(module)
        have = guarded(driver.read, runner, want)
        plan = planned(guarded(driver.plan, want, have))
        before, after = guarded(driver.diff, want, have, plan)
        extra = guarded(driver.extra, want, have, plan)
    except Refused as exc:
        return refused(str(exc))
    return applied(module, runner, plan.steps, before, after, execute=driver.execute(runner, plan),
                   transform=driver.transform, local=driver.local, **extra)


def drive(module, driver):
    """Run *driver* to the end: the module exits here."""
    finish(module, evaluate(module, driver))


def finish(module, result):
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)


def guarded(func, *args, **kwargs):
    """Call *func*; InputError (any ValueError) or CommandError -> Refused (one line)."""
    try:
        return func(*args, **kwargs)
    except (ValueError, CommandError) as exc:   # InputError and the planners' own refusals
        raise Refused(str(exc))
