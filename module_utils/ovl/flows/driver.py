# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The driver of ``ovs_flows`` (``ovl.core.result``): two ovs-ofctl reads
(three with ``meters``), the pure planners, one atomic ``--bundle add-flows``
step (with meters: their add/mod steps before it, their deletions after it,
so a flow never names a meter that is not there)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.runner import CommandError, first_line
from ansible.module_utils.ovl.core import validate as v
from ansible.module_utils.ovl.core.step import step
from ansible.module_utils.ovl.flows.meters import (
    OPENFLOW, meters_argv, normalize_meters, parse_meters, plan_meters)
from ansible.module_utils.ovl.flows.model import normalize_flows
from ansible.module_utils.ovl.flows.plan import plan_flows
from ansible.module_utils.ovl.flows.read import (
    dump_argv, missing_bridge, ofctl_base, parse_flows, parse_ports, ports_argv)

FLOW_KEYS = dict(
    table=dict(type='int', default=0),
    priority=dict(type='int', default=32768),
    match=dict(type='str', default=''),
    actions=dict(type='str', required=True),
)
METER_KEYS = dict(
    port=dict(type='str', required=True),
    max_kbps=dict(type='int', required=True),
    burst_kbit=dict(type='int', required=True),
)


def read(runner, target, timeout, check_mode):
    """(port numbers, project flows); a missing bridge reads as empty in check mode."""
    rc, out, err = runner.run(ports_argv(target, timeout))
    if rc != 0:
        if check_mode and missing_bridge(err):
            return {}, []
        raise CommandError('ovs-ofctl cannot reach bridge %s (%s): create the bridge first '
                           '(ovs_state) or set target to its mgmt socket'
                           % (target, first_line(err) or 'rc=%s' % rc))
    ports = parse_ports(out)
    return ports, parse_flows(runner.check(dump_argv(target, timeout)))


TARGET_RE = re.compile(r'^((unix|tcp|ssl):[A-Za-z0-9_./:\[\]-]{1,200}|[A-Za-z0-9_.-]{1,15})\Z')


class FlowsDriver(Driver):
    """Two ovs-ofctl reads, a pure plan, ONE ``--bundle add-flows`` step whose
    stdin holds the flow mods (atomic)."""

    def normalize(self):
        v.ifname(self.params['bridge'], 'bridge')
        if self.params['target'] is not None and not TARGET_RE.match(self.params['target']):
            raise v.InputError('target', self.params['target'],
                               'is not an OpenFlow target (unix:PATH, tcp:IP:PORT or a bridge name)')
        meters = self.params.get('meters')
        return dict(flows=normalize_flows(self.params['flows']),
                    meters=None if meters is None else normalize_meters(meters))

    def target(self):
        return self.params['target'] or self.params['bridge']

    def read(self, runner, want):
        ports, flows = read(runner, self.target(), self.params['timeout'], self.module.check_mode)
        meters = {}
        if want['meters'] is not None and (ports or not self.module.check_mode):
            base = ofctl_base(self.params['timeout'])
            meters = parse_meters(runner.check(meters_argv(base, self.target())))
        return ports, flows, meters

    def plan(self, want, have):
        ports, flows, meters = have
        puts, drops, policed, m_before, m_after = plan_meters(
            want['meters'] or [], meters, ports, self.module.check_mode)
        mods, before, after = plan_flows(want['flows'] + normalize_flows(policed, 'meters'),
                                         flows, ports, self.params['prune'],
                                         self.params['flush_learned'])
        base = ofctl_base(self.params['timeout'])

        def meter_steps(tails):           # [command, spec] -> ovs-ofctl -O OpenFlow13 ...
            return [step(base + OPENFLOW + [command, self.target(), spec]) for command, spec in tails]

        steps = meter_steps(puts)
        if mods:
            steps.append(step(base + ['--bundle', 'add-flows', self.target(), '-'],
                              ''.join(line + '\n' for line in mods)))
        steps += meter_steps(drops)
        return Plan(steps, mods=mods, before=before, after=after, meters_before=m_before,
                    meters_after=m_after)

    def diff(self, want, have, plan):
        if want['meters'] is None:
            return dict(flows=plan.before), dict(flows=plan.after)
        return (dict(flows=plan.before, meters=plan.meters_before),
                dict(flows=plan.after, meters=plan.meters_after))

    def extra(self, want, have, plan):
        return dict(flow_mods=plan.mods)


# ovs_flows's options (overlay_apply's flow layers take the same)
ARGUMENT_SPEC = dict(
    bridge=dict(type='str', required=True),
    flows=dict(type='list', elements='dict', default=[], options=FLOW_KEYS),
    meters=dict(type='list', elements='dict', options=METER_KEYS),
    prune=dict(type='bool', default=False),
    flush_learned=dict(type='bool', default=True),
    target=dict(type='str'),
    timeout=dict(type='int', default=10),
)
