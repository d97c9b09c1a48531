# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Whether a tenant router's traffic, routed by the host, can pass the
host's forward hook. Docker sets the iptables ``FORWARD`` policy to DROP
when it turns forwarding on, and other firewalls do the same. With the
iptables backend the project's ``OVL-FORWARD`` chain is jumped to from
``FORWARD``, so its ACCEPT (``forward_accept``) ends that chain's walk. A
verdict of one nftables base chain does not bind another, though: a
forward base chain of another table with policy drop (Docker's
``ip filter FORWARD`` under iptables-nft, with the nft backend; any other
table with either) drops what the project's own table accepts. The
preflight refuses such a host before any write, saying what to do.

``nft -j list chains`` is read; pure judging here."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.ovl.core.marks import NFT_FAMILY, NFT_TABLE

READ_ARGV = ['nft', '-j', 'list', 'chains']
# iptables-nft's table: with the iptables backend our jump is in its FORWARD
IPTABLES_NFT = ('ip', 'filter')


def dropping_forward_chains(nft_json, backend):
    """[(family, table, chain)] of the forward base chains with policy drop
    that the project's accept cannot pass, for *backend*."""
    try:
        items = json.loads(nft_json or '{}').get('nftables') or []
    except (ValueError, AttributeError):
        return []
    mine = {(NFT_FAMILY, NFT_TABLE)}
    if backend == 'iptables':
        mine.add(IPTABLES_NFT)
    out = []
    for item in items:
        chain = item.get('chain') if isinstance(item, dict) else None
        if not isinstance(chain, dict) or chain.get('hook') != 'forward':
            continue
        if chain.get('policy') == 'drop' and (chain.get('family'), chain.get('table')) not in mine:
            out.append((chain.get('family'), chain.get('table'), chain.get('name')))
    return sorted(out)


def forward_problems(chains, backend):
    """One message per dropping chain."""
    return ['nft table %s %s, chain %s (hook forward) has policy drop: the tenant routers\' '
            'traffic the host routes (their uplink legs ovu-*) would be dropped there, and the '
            'project writes rules only to its own %s: accept it in that chain (e.g. for Docker: '
            'iptables -I DOCKER-USER -i ovu-+ -j ACCEPT; iptables -I DOCKER-USER -o ovu-+ -m '
            'conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT)%s'
            % (family, table, name, 'table ip ovl' if backend == 'nft' else 'chains',
               ' or use overlay_nat_backend: iptables (its FORWARD jump holds under a drop '
               'policy of iptables)' if backend == 'nft' and (family, table) == IPTABLES_NFT
               else '')
            for family, table, name in chains]
