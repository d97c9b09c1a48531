# -*- coding: utf-8 -*-
"""The front of ``ip_move_address``: an rtnetlink read, the pure move plan,
one ip -batch."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.result import Front
from ansible.module_utils.ovl.ip import batch
from ansible.module_utils.ovl.ip.move import holders_of, normalize, plan_move
from ansible.module_utils.ovl.ip.read import read_namespace_in


class MoveFront(Front):
    """Read the namespace over rtnetlink, plan the move, one ip -batch."""

    transform = staticmethod(batch.group)

    def normalize(self):
        return normalize(self.params)

    def read(self, runner, want):
        links, addrs, _secondary, _routes = read_namespace_in(want['netns'])
        return links, addrs

    def plan(self, want, have):
        self.steps, self.prefix = plan_move(want, have[0], have[1], self.module.check_mode)
        return self.steps

    def diff(self, want, have, steps):
        before = holders_of(want['address'], have[1])
        after = dict((d, a) for d, a in before.items() if d != want['from_dev'])
        after[want['dev']] = before.get(want['dev'], '%s/%d' % (want['address'], self.prefix))
        return before, after

    def extra(self, want, have, steps):
        return dict(prefixlen=self.prefix)


# ip_move_address's options (overlay_apply's underlay layer takes the same)
ARGUMENT_SPEC = dict(
    address=dict(type='str', required=True),
    dev=dict(type='str', required=True),
    from_dev=dict(type='str'),
    prefixlen=dict(type='int', default=24),
    up=dict(type='bool', default=True),
    netns=dict(type='str'),
)
