# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``floating`` layer of ``overlay_apply``: this host's floating
addresses and the routes of their NAT addresses (``ovl.floating.plan``).
Markers are written and announcements sent in-process (the announcement is
``ovl.ip.garp``: one ARP request with sender = target = the address, twice;
its argv in the changes is what it is equivalent to). A host with no
floating address and none of ours costs one netlink read and one listdir."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.files import write_file
from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.core.step import changes
from ansible.module_utils.ovl.floating import model, read
from ansible.module_utils.ovl.floating import plan as planner
from ansible.module_utils.ovl.ip.garp import announce_all

ARGUMENT_SPEC = model.ARGUMENT_SPEC


def announce(dev, addr):
    _sent, errors = announce_all([dict(netns=None, dev=dev, address=addr)])
    if errors:
        raise CommandError(errors[0])


class FloatingDriver(Driver):
    """Params: ``addresses``, ``routes``, ``mark_dir``, ``prune``."""

    def normalize(self):
        return model.normalize(self.params)

    def read(self, runner, want):
        return read.read(want['mark_dir'])

    def plan(self, want, have):
        return Plan(planner.plan(want, have, self.params.get('prune', True)))

    def diff(self, want, have, plan):
        return dict(have['marked']), dict((a, d) for a, (d, _o) in want['addresses'].items())

    def extra(self, want, have, plan):
        return dict(changes=changes(plan.steps), floating=sorted(want['addresses']))

    def local(self, item):
        if item.op == 'mark.add':
            return lambda: write_file(item.obj, item.stdin, 0o644)
        if item.op == 'addr.announce':
            return lambda: announce(item.args[-2], item.args[-1])
        return None
