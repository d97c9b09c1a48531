# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The driver of ``snat`` and ``nat_state`` (``ovl.core.result.drive``): one
read per namespace (run inside it with setns, no ``ip netns exec``), the pure
planner, one atomic write step per namespace (its payload on stdin)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.nat import generation
from ansible.module_utils.ovl.nat.model import HOST, PROTOCOLS, state_want
from ansible.module_utils.ovl.nat.plan import plan_iptables, plan_nft
from ansible.module_utils.ovl.nat.read import IPT_READ, NFT_READ, iptables_have, nft_have
from ansible.module_utils.ovl.core.result import Driver, Plan, drive
from ansible.module_utils.ovl.core.runner import CommandError, netns_argv

BACKENDS = {
    'iptables': (IPT_READ, iptables_have, plan_iptables),
    'nft': (NFT_READ, nft_have, plan_nft),
}
BACKEND_CHOICES = sorted(BACKENDS)
SNAT_SPEC = dict(
    id=dict(type='str', required=True),
    source=dict(type='str', required=True),
    out_interface=dict(type='str', required=True),
    action=dict(type='str', choices=['masquerade', 'snat'], default='masquerade'),
    to_source=dict(type='str'),
)
BLOCK_SPEC = dict(in_interface=dict(type='str', required=True), id=dict(type='str'),
                  local=dict(type='bool', default=False))
ACCEPT_SPEC = dict(in_interface=dict(type='str', required=True),
                   out_interface=dict(type='str', required=True), id=dict(type='str'))
# what a dnat and a forward_dnat entry match (ovl.nat.model._match)
MATCH_SPEC = dict(id=dict(type='str', required=True), destination=dict(type='str', required=True),
                  protocol=dict(type='str', choices=list(PROTOCOLS)), port=dict(type='int'),
                  in_interface=dict(type='str'))
DNAT_SPEC = dict(MATCH_SPEC, to=dict(type='str', required=True),
                 local=dict(type='bool', default=False))
FORWARD_DNAT_SPEC = dict(MATCH_SPEC, out_interface=dict(type='str'))
NS_SPEC = dict(
    netns=dict(type='str'),
    snat=dict(type='list', elements='dict', default=[], options=SNAT_SPEC),
    block_inbound=dict(type='list', elements='dict', default=[], options=BLOCK_SPEC),
    forward_accept=dict(type='list', elements='dict', default=[], options=ACCEPT_SPEC),
    dnat=dict(type='list', elements='dict', default=[], options=DNAT_SPEC),
    forward_dnat=dict(type='list', elements='dict', default=[], options=FORWARD_DNAT_SPEC),
)
# nat_state's options (overlay_apply's nat layer takes the same)
ARGUMENT_SPEC = dict(
    backend=dict(type='str', choices=BACKEND_CHOICES, default='iptables'),
    owner=dict(type='str', default='ovl'),
    prune=dict(type='bool', default=False),
    namespaces=dict(type='list', elements='dict', required=True, options=NS_SPEC),
    keep_reads=dict(type='str'),
)
# What each backend prints for a namespace with no rules at all.
EMPTY_OUTPUT = {'iptables': '', 'nft': '{"nftables": []}'}
NO_NETNS = 'Cannot open network namespace'


def on_nf_tables(runner, backend):
    """True when the backend's tool works on nf_tables (its generation counts
    every change): nft always; iptables when it is the nf_tables variant
    (iptables-save resolves to xtables-nft-multi / iptables-nft-save)."""
    if backend == 'nft':
        return True
    try:
        return 'nft' in os.path.basename(os.path.realpath(runner.binary('iptables-save')))
    except CommandError:
        return False


def read_all(runner, wants, backend, check_mode=False, fresh=(), keep=None):
    """[have] of every namespace of *wants*, in order: the reads happen here.

    A namespace in *fresh* was made by this same module run (overlay_apply's
    ip layer, just before): it holds no rules, and reads as empty without a
    process (500 router namespaces: 500 iptables-save on a first run).

    *keep*: a file of kept reads (``ovl.nat.generation``): a namespace whose
    nf_tables generation is what it was at its kept read is not read again.

    In check mode a namespace that does not exist yet (the real run creates
    it before NAT, see roles/overlay_network), and a host that lacks the
    backend's tool (the real run's preflight installs it first), read as empty.
    """
    read_argv, parse, _plan = BACKENDS[backend]
    haves, kept_now = [], {}
    use = bool(keep) and on_nf_tables(runner, backend)
    reads = generation.load(keep) if use else {}
    if check_mode:
        try:
            runner.binary(read_argv[0])
        except CommandError:
            return [parse(EMPTY_OUTPUT[backend]) for _want in wants]
    for want in wants:
        if want['netns'] and want['netns'] in fresh:
            haves.append(parse(EMPTY_OUTPUT[backend]))
            continue
        argv = netns_argv(want['netns'], read_argv)  # what the read is equivalent to
        now = runner.look_in(want['netns'], generation.current) if use else None
        out = generation.kept(reads, backend, want['netns'], now)
        if out is None:
            rc, out, err = runner.run_in(want['netns'], read_argv)
            if rc != 0 and check_mode and want['netns'] and NO_NETNS in (err or ''):
                out = EMPTY_OUTPUT[backend]
            elif rc != 0:
                raise runner.failure(argv, rc, out, err)
            elif now is not None and runner.look_in(want['netns'], generation.current) == now:
                kept_now[generation.key(backend, want['netns'])] = generation.entry(now, out)
        else:
            kept_now[generation.key(backend, want['netns'])] = generation.entry(now, out)
        try:
            have = parse(out)
        except ValueError as exc:
            raise CommandError('%s: cannot parse its output (%s); is %s working?'
                               % (' '.join(argv), exc, read_argv[0]))
        haves.append(have)
    if use and not check_mode:
        generation.save(keep, kept_now)
    return haves


def plan_all(wants, haves, backend):
    """[(want, plan)] of every namespace; pure."""
    plan = BACKENDS[backend][2]
    return [(want, plan(want, have)) for want, have in zip(wants, haves)]


def _text(plans, which):
    lines = []
    for want, plan in plans:
        lines.append('# netns %s' % (want['netns'] or HOST))
        lines += plan[which]
    return '\n'.join(lines) + '\n'


class NatDriver(Driver):
    """*make_want()* -> the planner input of each namespace (InputError)."""

    def read(self, runner, want):
        # fresh: namespaces this run made (overlay_apply's ip layer): nothing to read
        return read_all(runner, want, self.params['backend'], self.module.check_mode,
                        frozenset(self.params.get('fresh') or ()), self.params.get('keep_reads'))

    def plan(self, want, have):
        plans = plan_all(want, have, self.params['backend'])
        return Plan([item for _want, plan in plans for item in plan['steps']], per_netns=plans)

    def diff(self, want, have, plan):
        return _text(plan.per_netns, 'before'), _text(plan.per_netns, 'after')

    def extra(self, want, have, plan):
        return dict(restore_input=[dict(netns=w['netns'], stdin=one['stdin'])
                                   for w, one in plan.per_netns if one['steps']])


def run(module, make_wants):
    drive(module, NatDriver(module, make_want=make_wants))


def want_of(params):
    """The planner input of nat_state's (validated) *params*."""
    return state_want(params['namespaces'], params['owner'], params['prune'])
