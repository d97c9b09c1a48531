# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The driver every ip module runs (``ovl.core.result.drive``)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.result import Driver, drive
from ansible.module_utils.ovl.core.step import described
from ansible.module_utils.ovl.ip import batch
from ansible.module_utils.ovl.ip.diff import diff
from ansible.module_utils.ovl.ip.model import (
    LINK_OPTIONS, NAMESPACE_OPTIONS, ROUTE_OPTIONS)
from ansible.module_utils.ovl.ip.plan import created_here, made_namespaces, plan, touched_namespaces
from ansible.module_utils.ovl.ip.read import read_state

ADDRESS_ITEM = dict(
    dev=dict(type='str', required=True),
    address=dict(type='list', elements='str', required=True, aliases=['addresses']),
    netns=dict(type='str'),
)
# ip_state's options (overlay_apply's ip layer takes the same)
STATE_SPEC = dict(
    owner=dict(type='str', default='ovl'),
    mark_dir=dict(type='str', default='/run/ovl/netns'),
    namespaces=dict(type='list', elements='dict', default=[], options=NAMESPACE_OPTIONS),
    links=dict(type='list', elements='dict', default=[], options=LINK_OPTIONS),
    addresses=dict(type='list', elements='dict', default=[], options=ADDRESS_ITEM),
    routes=dict(type='list', elements='dict', default=[], options=ROUTE_OPTIONS),
    prune=dict(type='bool', default=False),
)


class IpDriver(Driver):
    """ip_state and the per-object ip modules: rtnetlink read, pure plan,
    ip/bridge -batch grouping, per-device settings in-process."""

    transform = staticmethod(batch.group)
    local = staticmethod(batch.local)

    def read(self, runner, want):
        return read_state(runner, want)

    def plan(self, want, have):
        return plan(want, have)

    def diff(self, want, have, plan):
        return diff(want, have, plan.steps)

    def extra(self, want, have, plan):
        steps = plan.steps
        out = {'created': created_here(steps), 'made_namespaces': made_namespaces(steps),
               'touched_namespaces': touched_namespaces(steps)}
        if self.module.check_mode:
            # what each step is, for the drift report (ovl.report.drift)
            out['changes'] = described(steps)
        return out


def run(module, make_want):
    """*make_want()* builds the planner input (may raise InputError)."""
    drive(module, IpDriver(module, make_want=make_want))
