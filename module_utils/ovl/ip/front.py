# -*- coding: utf-8 -*-
"""The front every ip module runs (``ovl.core.result.drive``)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.result import Front, drive
from ansible.module_utils.ovl.ip import batch
from ansible.module_utils.ovl.ip.diff import diff
from ansible.module_utils.ovl.ip.plan import created_here, plan
from ansible.module_utils.ovl.ip.read import read_state


class IpFront(Front):
    """ip_state and the per-object ip modules: rtnetlink read, pure plan,
    ip/bridge -batch grouping, per-device settings in-process."""

    transform = staticmethod(batch.group)
    local = staticmethod(batch.local)

    def __init__(self, module, make_want):
        super(IpFront, self).__init__(module)
        self.make_want = make_want

    def normalize(self):
        return self.make_want()

    def read(self, runner, want):
        return read_state(runner, want)

    def plan(self, want, have):
        return plan(want, have)

    def diff(self, want, have, steps):
        return diff(want, have, [s.argv for s in steps])

    def extra(self, want, have, steps):
        return {'created': created_here([s.argv for s in steps])}


def run(module, make_want):
    """*make_want()* builds the planner input (may raise InputError)."""
    drive(module, IpFront(module, make_want))
