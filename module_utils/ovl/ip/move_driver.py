# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The driver of ``ip_move_address``: an rtnetlink read (links, addresses and
the main-table routes of the address's IP version), the pure move plan (the
address and the routes that depend on it), one ip -batch."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.step import described
from ansible.module_utils.ovl.ip import batch
from ansible.module_utils.ovl.ip.move import carried_routes, family_of, holders_of, normalize
from ansible.module_utils.ovl.ip.move import plan_move, route_words
from ansible.module_utils.ovl.ip.read import read_namespace_in


class MoveDriver(Driver):
    """Read the namespace over rtnetlink, plan the move, one ip -batch."""

    transform = staticmethod(batch.group)

    def normalize(self):
        return normalize(self.params)

    def read(self, runner, want):
        families = (family_of(want),) if want['from_dev'] else ()
        links, addrs, _secondary, routes = read_namespace_in(want['netns'], families,
                                                             route_detail=True)
        return links, addrs, routes

    def plan(self, want, have):
        links, addrs, routes = have
        steps, prefix = plan_move(want, links, addrs, self.module.check_mode, routes=routes)
        return Plan(steps, prefix=prefix, carried=carried_routes(want, addrs, routes, prefix))

    def diff(self, want, have, plan):
        """{address: {dev: addr/prefix}, routes: [the carried routes as ip
        route words]} before and after."""
        before = holders_of(want['address'], have[1])
        after = dict((d, a) for d, a in before.items() if d != want['from_dev'])
        after[want['dev']] = before.get(want['dev'], '%s/%d' % (want['address'], plan.prefix))
        return (dict(address=before, routes=shown(plan, want['from_dev'])),
                dict(address=after, routes=shown(plan, want['dev'])))

    def extra(self, want, have, plan):
        out = dict(prefixlen=plan.prefix, routes=shown(plan, want['dev']))
        if self.module.check_mode:
            out['changes'] = described(plan.steps)     # for the drift report
        return out


def shown(plan, dev):
    """The routes the plan carries, as ``ip route`` words on *dev*."""
    return [' '.join(route_words(route, dev)) for route in plan.carried]


# ip_move_address's options (overlay_apply's underlay layer takes the same)
ARGUMENT_SPEC = dict(
    address=dict(type='str', required=True),
    dev=dict(type='str', required=True),
    from_dev=dict(type='str'),
    prefixlen=dict(type='int', default=24),
    up=dict(type='bool', default=True),
    netns=dict(type='str'),
)
