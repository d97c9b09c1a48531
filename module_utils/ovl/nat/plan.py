# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Pure NAT planners: ``plan_<backend>(want, have) -> dict(steps, stdin,
before, after)`` for ONE namespace.

*want* comes from ``ovl.nat.model.namespace_want`` and *have* from
``ovl.nat.read.<backend>_have``. The result holds at most one step (an
atomic ``iptables-restore --noflush`` or ``nft -f -``) whose stdin is
``stdin``; ``before``/``after`` list our chains' rules for diff mode.
Only our chains are written; foreign rules and chains never appear in a
payload, so they cannot be touched.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.nat.model import CHAINS as KEYS
from ansible.module_utils.ovl.core.marks import NFT_FAMILY, NFT_TABLE
from ansible.module_utils.ovl.nat.syntax import (
    IPT_CHAINS, JUMP_COMMENT, NFT_CHAINS, ipt_line, ipt_tokens, nft_text)
from ansible.module_utils.ovl.core.step import Step

IPT_WRITE = ['iptables-restore', '--noflush']
NFT_WRITE = ['nft', '-f', '-']


def keys(rules):
    return [(r['comment'], r['terms']) for r in rules]


def merge(current, entries, remove, prune):
    """The chain content we want, in order.

    prune: exactly the listed entries. Otherwise: current rules, with each
    listed entry replacing (in place) the rules carrying its comment, rules
    whose comment is in *remove* dropped, and new entries appended.
    """
    def fresh(rules):
        return [dict(comment=c, terms=t) for c, t in rules]

    if prune:
        return [rule for _key, rules in entries for rule in fresh(rules)]
    wanted, drop = dict(entries), set(remove)
    final, done = [], set()
    for rule in current:
        comment = rule['comment']
        if comment in wanted:
            if comment not in done:
                final += fresh(wanted[comment])
                done.add(comment)
        elif comment not in drop:
            final.append(rule)
    for comment, rules in entries:
        if comment not in done:
            final += fresh(rules)
    return final


def _managed(want, key):
    return bool(want['entries'][key] or want['remove'][key] or want['prune'])


def _result(want, argv, lines, before, after):
    if not lines:
        return dict(steps=[], stdin=None, before=before, after=after)
    stdin = '\n'.join(lines) + '\n'
    return dict(steps=[Step('run', argv[0], argv[1:], want['netns'], stdin=stdin)],
                stdin=stdin, before=before, after=after)


def _ipt_line(chain, rule):
    """A rule as text for diff mode: canonical (so equal rules read the same
    before and after), the tokens as read when a term cannot be rendered."""
    try:
        tokens = ipt_tokens(rule['comment'], rule['terms'])
    except ValueError:
        tokens = rule['tokens']
    return ipt_line(chain, tokens)


def plan_iptables(want, have):
    lines, before, after = [], [], []
    for key in KEYS:
        if not _managed(want, key):
            continue
        table, chain, parent = IPT_CHAINS[key]
        cur = have['chains'][key]
        final = merge(cur['rules'], want['entries'][key], want['remove'][key], want['prune'])
        before += [_ipt_line(chain, r) for r in cur['rules']]
        after += [_ipt_line(chain, r) for r in final]
        if not cur['exists'] and not final:
            continue
        if cur['exists'] and cur['jumps'] and keys(final) == keys(cur['rules']):
            continue
        # ':CHAIN' with --noflush creates the chain or flushes it (legacy and nft)
        lines += ['*' + table, ':%s - [0:0]' % chain]
        lines += [_ipt_line(chain, r) for r in final]
        if not cur['jumps']:
            jump = ipt_tokens(JUMP_COMMENT, (('jump', chain),))
            lines.append(' '.join(['-I', parent, '1'] + jump))
        lines.append('COMMIT')
    return _result(want, IPT_WRITE, lines, before, after)


def plan_nft(want, have):
    lines, before, after = [], [], []
    where = '%s %s' % (NFT_FAMILY, NFT_TABLE)
    for key in KEYS:
        if not _managed(want, key):
            continue
        name, definition = NFT_CHAINS[key]
        cur = have['chains'][key]
        entries, remove = want['entries'][key], want['remove'][key]
        final = merge(cur['rules'], entries, remove, want['prune'])
        if want['prune'] or not cur['rules']:
            ops = _nft_replace(where, name, cur, final)
        else:
            ops, final = _nft_patch(where, name, cur, entries, remove)
        before += ['%s: %s' % (name, nft_text(r['comment'], r['terms'])) for r in cur['rules']]
        after += ['%s: %s' % (name, nft_text(r['comment'], r['terms'])) for r in final]
        if not ops:
            continue
        if not have['table'] and not lines:
            lines.append('add table %s' % where)
        if not cur['exists']:
            lines.append('add chain %s %s { %s }' % (where, name, definition))
        lines += ops
    return _result(want, NFT_WRITE, lines, before, after)


def _nft_replace(where, name, cur, final):
    """Flush our chain and write *final* (prune, or nothing there yet)."""
    if cur['exists'] and keys(final) == keys(cur['rules']):
        return []
    if not cur['exists'] and not final:
        return []
    ops = ['flush chain %s %s' % (where, name)] if cur['rules'] else []
    return ops + ['add rule %s %s %s' % (where, name, nft_text(r['comment'], r['terms']))
                  for r in final]


def _nft_patch(where, name, cur, entries, remove):
    """Without prune: delete changed/removed rules by handle, append new ones."""
    ops, gone, added = [], set(), []
    by_comment = {}
    for rule in cur['rules']:
        by_comment.setdefault(rule['comment'], []).append(rule)
    for comment, rules in entries:
        old = by_comment.get(comment, [])
        if keys(old) == [tuple(rule) for rule in rules]:
            continue
        gone.update(r['handle'] for r in old)
        added += [dict(comment=c, terms=t) for c, t in rules]
    for comment in remove:
        gone.update(r['handle'] for r in by_comment.get(comment, []))
    ops += ['delete rule %s %s handle %d' % (where, name, h) for h in sorted(gone)]
    ops += ['add rule %s %s %s' % (where, name, nft_text(r['comment'], r['terms'])) for r in added]
    final = [r for r in cur['rules'] if r['handle'] not in gone] + added
    return ops, final
