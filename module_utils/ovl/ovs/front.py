# -*- coding: utf-8 -*-
"""What every OVS module shares: common options, the one read, the one
transaction, check/diff mode via ovl.core.result.apply_plan."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.result import apply_plan
from ansible.module_utils.ovl.core.runner import CommandError, Runner
from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.ovs.db import OVSDB
from ansible.module_utils.ovl.ovs.tags import TagError

COMMON_ARGS = dict(
    db=dict(type='str'),
    timeout=dict(type='int', default=10),
    owner=dict(type='str', default='ovl'),
)
# Only ovs_state takes it (the role's check-mode run on a host where OVS is
# not started yet: a real run would start it first).
PLAN_IF_DOWN_ARG = dict(plan_if_down=dict(type='bool', default=False))
EMPTY_STATE = {'bridges': {}, 'ports': {}}
DOWN_PREFIX = 'ovsdb-server is not reachable'


def read_state(module, ovsdb):
    try:
        return ovsdb.read()
    except CommandError as exc:
        if (module.check_mode and module.params.get('plan_if_down')
                and str(exc).startswith(DOWN_PREFIX)):
            module.warn('%s; check mode plans against an empty database' % exc)
            return dict(EMPTY_STATE)
        raise


def run_ovs(module, make_builder, params=None):
    """Validate, read once, plan, apply once, exit.

    *make_builder(params)* validates the input (raising ValueError, before
    anything is read) and returns *build(state) -> (subcommands, before,
    after, extra)*, pure given the state. A no-op costs exactly one
    ovs-vsctl process.
    """
    try:
        build = make_builder(module.params if params is None else params)
    except ValueError as exc:
        module.fail_json(msg=str(exc), commands=[])
    runner = Runner(module)
    ovsdb = OVSDB(runner, module.params['db'], module.params['timeout'])
    try:
        state = read_state(module, ovsdb)
        subcommands, before, after, extra = build(state)
    except (InputError, CommandError, TagError, ValueError) as exc:
        module.fail_json(msg=str(exc), commands=[])
    commands = [ovsdb.argv(subcommands)] if subcommands else []
    extra = dict(extra or {}, transaction=subcommands)
    apply_plan(module, runner, commands, before, after,
               execute=lambda: ovsdb.commit(subcommands), **extra)
