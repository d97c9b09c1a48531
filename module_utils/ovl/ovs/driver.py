# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What every OVS module shares: common options, the one read, the one
transaction (one step), through the one module driver (``ovl.core.result``)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

from ansible.module_utils.ovl.core.result import Driver, Plan, drive
from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.core.step import ip_step, run_steps, step
from ansible.module_utils.ovl.ovs.db import OVSDB

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
# what a builder returns: the transaction's sub-commands, the views before
# and after for diff mode, and more result keys (``pre_transaction``: a
# transaction committed first; ``post_transaction``: one committed after it;
# ``reopened``: the ports it deletes and adds again)
Built = collections.namedtuple('Built', 'transaction before after extra')


def read_state(module, ovsdb, params=None):
    try:
        return ovsdb.read()
    except CommandError as exc:
        if (module.check_mode and (params or module.params).get('plan_if_down')
                and str(exc).startswith(DOWN_PREFIX)):
            module.warn('%s; check mode plans against an empty database' % exc)
            return dict(EMPTY_STATE)
        raise


def up_again(names):
    """``ip link set dev NAME up`` for each port re-added by the reopen.
    The userspace datapath may open a device by itself as soon as it
    appears (a port of that name is in OVSDB: after a host restart), while
    the device is still down; deleting the port then restores the flags it
    saw (down) after the ip layer had set it up, and adding it again does
    not set it up: the endpoint had no carrier until the next run (seen in
    the faults lab after ``docker restart``)."""
    return [ip_step('link.set', None, name, 'link', 'set', 'dev', name, 'up')
            for name in sorted(names)]


class OvsDriver(Driver):
    """*make_builder(params)* validates the input (raising ValueError, before
    anything is read) and returns *build(state) -> (subcommands, before,
    after, extra)*, pure given the state. The plan is ONE step, the ovs-vsctl
    transaction of every sub-command; a no-op costs exactly one ovs-vsctl
    process (the read)."""

    def __init__(self, module, make_builder, params=None):
        super(OvsDriver, self).__init__(module, params)
        self.make_builder = make_builder
        self.build_params = module.params if params is None else params
        self.ovsdb = None

    def normalize(self):
        return self.make_builder(self.build_params)

    def read(self, runner, want):
        self.ovsdb = OVSDB(runner, self.params['db'], self.params['timeout'])
        return read_state(self.module, self.ovsdb, self.params)

    def plan(self, want, have):
        built = Built._make(want(have))
        extra = built.extra or {}
        pre, post = extra.get('pre_transaction') or [], extra.get('post_transaction') or []
        steps = [step(self.ovsdb.argv(sub)) for sub in (pre, built.transaction, post) if sub]
        up = up_again(extra.get('reopened') or [])
        return Plan(steps + up, transaction=built.transaction, pre=pre, post=post, up=up,
                    before=built.before, after=built.after, extra=extra)

    def diff(self, want, have, plan):
        return plan.before, plan.after

    def extra(self, want, have, plan):
        return dict(plan.extra, transaction=plan.transaction)

    def execute(self, runner, plan):
        # the transaction (after the reopen deletes, if any), committed so that
        # its errors say how to fix them
        def commit():
            self.ovsdb.commit(plan.pre)
            self.ovsdb.commit(plan.transaction)
            self.ovsdb.commit(plan.post)
            run_steps(runner, plan.up)
        return commit


def run_ovs(module, make_builder, params=None):
    """Validate, read once, plan, apply once, exit."""
    drive(module, OvsDriver(module, make_builder, params))
