# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Read current NAT state from machine-readable output only:
``iptables-save`` text and ``nft -j list ruleset`` JSON. Pure parsers plus
the argv that produce their input.

``have`` per chain key: ``{'exists': bool, 'rules': [rule...], 'jumps': n}``
where a rule is ``{'comment', 'terms', 'tokens'}`` (iptables) or
``{'comment', 'terms', 'handle'}`` (nft); ``jumps`` counts the rules in the
built-in chain that jump to ours with comment ``ovl`` (iptables only).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import shlex

from ansible.module_utils.ovl.core.marks import NFT_FAMILY, NFT_TABLE
from ansible.module_utils.ovl.nat.syntax import (
    IPT_CHAINS, JUMP_COMMENT, NFT_CHAINS, ipt_parse, nft_parse)

IPT_READ = ['iptables-save']
NFT_READ = ['nft', '-j', 'list', 'ruleset']


QUOTING = frozenset('"\'\\')


def split_rule(line):
    """The tokens of one iptables-save rule line, as ``shlex.split`` gives
    them; a line with no quote or backslash (nearly all) is split on
    whitespace, which is the same and 30x cheaper (500 router namespaces
    read in each run)."""
    if QUOTING.isdisjoint(line):
        return line.split()
    return shlex.split(line)


def parse_iptables_save(text):
    """iptables-save text -> {table: {'chains': [names], 'rules': {chain: [tokens]}}}."""
    tables, table = {}, None
    for lineno, line in enumerate((text or '').splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#') or line == 'COMMIT':
            continue
        if line.startswith('*'):
            table = tables.setdefault(line[1:], {'chains': [], 'rules': {}})
        elif table is None:
            raise ValueError('iptables-save line %d outside a table: %s' % (lineno, line))
        elif line.startswith(':'):
            table['chains'].append(line[1:].split()[0])
        elif line.startswith('-A '):
            tokens = split_rule(line)
            table['rules'].setdefault(tokens[1], []).append(tokens[2:])
    return tables


def iptables_have(text):
    tables = parse_iptables_save(text)
    have = {}
    for key, (tname, chain, parent) in IPT_CHAINS.items():
        table = tables.get(tname, {'chains': [], 'rules': {}})
        rules = []
        for tokens in table['rules'].get(chain, []):
            comment, terms = ipt_parse(tokens)
            rules.append(dict(comment=comment, terms=terms, tokens=tokens))
        jumps = sum(1 for tokens in table['rules'].get(parent, [])
                    if ipt_parse(tokens) == (JUMP_COMMENT, (('jump', chain),)))
        have[key] = dict(exists=chain in table['chains'], rules=rules, jumps=jumps)
    return dict(table=True, chains=have)


def nft_have(text):
    items = json.loads(text or '{}').get('nftables', [])
    names = dict((name, key) for key, (name, _definition) in NFT_CHAINS.items())
    have = dict((key, dict(exists=False, rules=[], jumps=0)) for key in NFT_CHAINS)
    table = False
    for item in items:
        for kind, obj in item.items():
            if kind == 'metainfo' or obj.get('family') != NFT_FAMILY:
                continue
            if kind == 'table' and obj.get('name') == NFT_TABLE:
                table = True
            elif obj.get('table') != NFT_TABLE:
                continue
            elif kind == 'chain' and obj.get('name') in names:
                have[names[obj['name']]]['exists'] = True
            elif kind == 'rule' and obj.get('chain') in names:
                have[names[obj['chain']]]['rules'].append(dict(
                    comment=obj.get('comment'), terms=nft_parse(obj.get('expr')),
                    handle=obj.get('handle')))
    return dict(table=table, chains=have)
