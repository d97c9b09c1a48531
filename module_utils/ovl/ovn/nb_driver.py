# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``ovn_nb`` layer of ``overlay_apply``, on the OVN central host only:
the NB rows of the whole tenant model (``ovl.ovn.model``), read with one
``ovn-nbctl`` process and written with one more, as ONE transaction
(``ovl.ovn.plan``). Check mode and diff list the sub-commands; the diff
shows our rows before and after, by table."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import resource

from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.runner import CommandError, first_line
from ansible.module_utils.ovl.core.step import Step, run_steps
from ansible.module_utils.ovl.ovn import model, read
from ansible.module_utils.ovl.ovn import plan as planner

ARGUMENT_SPEC = dict(
    tenants=dict(type='list', elements='dict', required=True),
    pool=dict(type='str'),
    next_hop=dict(type='str'),
    prefixlen=dict(type='int'),
    db=dict(type='str'),
    owner=dict(type='str', default='ovl'),
    timeout=dict(type='int', default=30),
    # the chassis name of this host (the chassis layer's system-id): the
    # routers' external ports are bound here
    gateway_chassis=dict(type='list', elements='str', default=[]),
)


def room_for(argv, env_bytes=65536):
    """Let one process take *argv*: the kernel refuses an exec whose
    arguments and environment pass a quarter of the stack limit ("Argument
    list too long"; ~2 MB with the usual 8 MB, which the one transaction
    of 500 tenants passes). The soft stack limit of this process (inherited
    by what it runs) is raised to four times what the exec needs, within
    the hard limit; a hard limit too low is an error that says so."""
    need = sum(len(a) + 1 for a in argv) + 8 * len(argv) + env_bytes
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if soft == resource.RLIM_INFINITY or soft // 4 > need:
        return
    want = 4 * need + (1 << 20)
    if hard != resource.RLIM_INFINITY and want > hard:
        raise CommandError('the OVN transaction (%d arguments, %d bytes) is larger than this '
                           'host lets one process take (hard stack limit %d bytes: ulimit -Hs)'
                           % (len(argv), need, hard))
    resource.setrlimit(resource.RLIMIT_STACK, (want, hard))


def held_addresses(have):
    """{tenant: the external address its router's SNAT has in NB now}."""
    return dict((k.split('/')[0], row['external_ip']) for k, row in have['NAT'].items()
                if k.endswith('/snat'))


class OvnNbDriver(Driver):
    """Params: ``tenants`` (``ovl.tenant.ovn.build_nb``), ``pool`` and
    ``next_hop`` of the routers, ``prefixlen`` (the underlay network's, for
    the routers' external ports), ``gateway_chassis``, ``db``, ``owner``,
    ``timeout``."""

    def normalize(self):
        nb = dict(self.params)
        if any(t['snat'] for t in nb['tenants']) and not nb.get('prefixlen'):
            raise ValueError('prefixlen: the underlay network\'s prefix length was not found '
                             '(the routers\' external ports need it)')
        return nb

    def read(self, runner, want):
        rc, out, err = runner.run(read.read_argv(self.params.get('db')))
        if rc != 0:
            if self.module.check_mode:    # a new central: the real run starts OVN first
                self.module.warn('ovn_nb: the OVN northbound database does not answer (%s); '
                                 'check mode plans against an empty one' % first_line(err))
                return read.empty(self.params['owner'])
            raise CommandError('ovn-nbctl could not read the OVN northbound database (rc=%s): %s; '
                               'is ovn-northd with its NB database running on this host?'
                               % (rc, first_line(err) or 'no output'))
        return read.parse(out, self.params['owner'])

    def plan(self, want, have):
        """*want*: the normalized options; *have*: ``read.parse``."""
        snat = [t['name'] for t in want['tenants'] if t['snat']]
        external = model.addresses(snat, want.get('pool'), held_addresses(have['have']))
        # set after the chassis layer ran (``Layer.takes``), after normalize
        gateway = (self.params.get('gateway_chassis') or [None])[0]
        rows = model.desired(want, external, want.get('prefixlen'), gateway)
        commands = planner.plan(rows, have)
        steps = []
        if commands:
            steps.append(Step('run', 'ovn-nbctl',
                              planner.argv(commands, self.params.get('db'),
                                           self.params['timeout'])[1:], obj='OVN_Northbound'))
        return Plan(steps, want=rows, commands=commands)

    def diff(self, want, have, plan):
        return have['have'], plan.want

    def execute(self, runner, plan):
        """The one transaction, in one process however large (``room_for``)."""
        def run():
            for step in plan.steps:
                room_for(step.argv)
            run_steps(runner, plan.steps)
        return run

    def extra(self, want, have, plan):
        return dict(nb_commands=plan.commands)
