# -*- coding: utf-8 -*-
"""The one flow every ip module runs: read -> plan -> apply_plan."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.result import apply_plan, guarded
from ansible.module_utils.ovl.core.runner import Runner
from ansible.module_utils.ovl.ip.diff import diff
from ansible.module_utils.ovl.ip.batch import execute
from ansible.module_utils.ovl.ip.plan import plan
from ansible.module_utils.ovl.ip.read import read_state


def run(module, make_want):
    """*make_want()* builds the planner input (may raise InputError)."""
    want = guarded(module, make_want)
    runner = Runner(module)
    have = guarded(module, read_state, runner, want)
    commands = guarded(module, plan, want, have)
    before, after = diff(want, have, commands)
    apply_plan(module, runner, commands, before=before, after=after,
               execute=lambda: execute(runner, commands))
