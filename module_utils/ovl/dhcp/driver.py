# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``dhcp`` layer of ``overlay_apply``: the DHCP servers of this host's
DHCP tenants (``ovl.dhcp.model``), each a dnsmasq started detached inside
the tenant's router namespace (it forks, writes its pid file, and stays
when the run ends; the boot unit starts it again after a reboot). A host
without DHCP tenants and without a server of ours costs one listdir."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.files import write_file
from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.step import changes
from ansible.module_utils.ovl.core.runner import terminate
from ansible.module_utils.ovl.dhcp import model, read
from ansible.module_utils.ovl.dhcp import plan as planner
from ansible.module_utils.ovl.dhcp.server import hosts_text

ARGUMENT_SPEC = model.ARGUMENT_SPEC


def stop(pid, wait=10.0):
    """SIGTERM *pid* and wait until it is gone (its port is free again)."""
    terminate(pid, 'dnsmasq', lambda: os.path.exists('/proc/%d' % pid), wait)


class DhcpDriver(Driver):
    """Params: ``servers``, ``owner``, ``prune``."""

    def normalize(self):
        return model.normalize(self.params.get('servers'))

    def read(self, runner, want):
        return read.read(namespaces=dict((t, s['netns']) for t, s in want.items()))

    def plan(self, want, have):
        return Plan(planner.plan(want, have, self.params.get('prune', True)))

    def diff(self, want, have, plan):
        return (dict((t, h['hosts'] or '') for t, h in sorted(have.items())),
                dict((t, hosts_text(s)) for t, s in sorted(want.items())))

    def extra(self, want, have, plan):
        return dict(changes=changes(plan.steps),
                    servers=sorted(want))

    def local(self, item):
        if item.op == 'file.write':
            return lambda: write_file(item.obj, item.stdin, 0o644)
        if item.op == 'service.stop':
            return lambda: stop(int(item.args[-1]))
        return None
