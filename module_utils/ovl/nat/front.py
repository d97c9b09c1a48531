# -*- coding: utf-8 -*-
"""Module glue shared by ``snat`` and ``nat_state``: one read per namespace
(run inside it with setns, no ``ip netns exec``), the pure planner, then
``apply_plan`` with one atomic write per namespace."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.nat.model import HOST
from ansible.module_utils.ovl.nat.plan import plan_iptables, plan_nft
from ansible.module_utils.ovl.nat.read import IPT_READ, NFT_READ, iptables_have, nft_have
from ansible.module_utils.ovl.core.result import apply_plan
from ansible.module_utils.ovl.core.runner import CommandError, netns_argv

BACKENDS = {
    'iptables': (IPT_READ, iptables_have, plan_iptables),
    'nft': (NFT_READ, nft_have, plan_nft),
}
BACKEND_CHOICES = sorted(BACKENDS)
# What each backend prints for a namespace with no rules at all.
EMPTY_OUTPUT = {'iptables': '', 'nft': '{"nftables": []}'}
NO_NETNS = 'Cannot open network namespace'


def read_and_plan(runner, wants, backend, check_mode=False):
    """[(want, plan)] for every namespace: the reads happen here.

    In check mode a namespace that does not exist yet (the real run creates
    it before NAT, see roles/overlay_network), and a host that lacks the
    backend's tool (the real run's preflight installs it first), are planned
    as empty.
    """
    read_argv, parse, plan = BACKENDS[backend]
    plans = []
    if check_mode:
        try:
            runner.binary(read_argv[0])
        except CommandError:
            return [(want, plan(want, parse(EMPTY_OUTPUT[backend]))) for want in wants]
    for want in wants:
        argv = netns_argv(want['netns'], read_argv)  # what the read is equivalent to
        rc, out, err = runner.run_in(want['netns'], read_argv)
        if rc != 0 and check_mode and want['netns'] and NO_NETNS in (err or ''):
            out = EMPTY_OUTPUT[backend]
        elif rc != 0:
            raise runner.failure(argv, rc, out, err)
        try:
            have = parse(out)
        except ValueError as exc:
            raise CommandError('%s: cannot parse its output (%s); is %s working?'
                               % (' '.join(argv), exc, read_argv[0]))
        plans.append((want, plan(want, have)))
    return plans


def _text(plans, which):
    lines = []
    for want, plan in plans:
        lines.append('# netns %s' % (want['netns'] or HOST))
        lines += plan[which]
    return '\n'.join(lines) + '\n'


def apply(module, runner, plans):
    """Exit the module: commands, restore_input, diff; writes unless check mode."""
    commands = [argv for _want, plan in plans for argv in plan['commands']]
    restore_input = [dict(netns=want['netns'], stdin=plan['stdin'])
                     for want, plan in plans if plan['commands']]

    def execute():
        for _want, plan in plans:
            for argv in plan['commands']:
                runner.check(argv, data=plan['stdin'])

    apply_plan(module, runner, commands, before=_text(plans, 'before'),
               after=_text(plans, 'after'), execute=execute, restore_input=restore_input)
