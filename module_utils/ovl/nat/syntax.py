# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Rule syntax of both backends: render canonical terms to iptables tokens /
nft text, and parse ``iptables-save`` tokens / ``nft -j`` expressions back
to canonical terms. Anything not understood becomes a ``('raw', ...)`` term,
so it never compares equal to a rule we want. Pure functions."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.module_utils.ovl.core.marks import (
    IPT_CHAIN_DNAT, IPT_CHAIN_DNAT_LOCAL, IPT_CHAIN_FORWARD, IPT_CHAIN_INPUT, IPT_CHAIN_SNAT,
    IPT_JUMP_COMMENT)
from ansible.module_utils.ovl.nat.model import (
    DNAT, DNAT_LOCAL, FORWARD, INPUT, SNAT, canon, host_net, states)


# chain key -> (table, our chain, built-in chain that jumps to it)
IPT_CHAINS = {DNAT: ('nat', IPT_CHAIN_DNAT, 'PREROUTING'),
              DNAT_LOCAL: ('nat', IPT_CHAIN_DNAT_LOCAL, 'OUTPUT'),
              SNAT: ('nat', IPT_CHAIN_SNAT, 'POSTROUTING'),
              FORWARD: ('filter', IPT_CHAIN_FORWARD, 'FORWARD'),
              INPUT: ('filter', IPT_CHAIN_INPUT, 'INPUT')}
JUMP_COMMENT = IPT_JUMP_COMMENT
# nft: our own table (core.marks NFT_FAMILY, NFT_TABLE); chain key -> (chain, base chain definition)
NFT_CHAINS = {DNAT: ('prerouting', 'type nat hook prerouting priority dstnat; policy accept;'),
              # 'priority dstnat' is refused for the output hook (nft 1.0.6): its value
              DNAT_LOCAL: ('output', 'type nat hook output priority -100; policy accept;'),
              SNAT: ('postrouting', 'type nat hook postrouting priority srcnat; policy accept;'),
              FORWARD: ('forward', 'type filter hook forward priority filter; policy accept;'),
              INPUT: ('input', 'type filter hook input priority filter; policy accept;')}

# iptables ------------------------------------------------------------------

CT_DNAT = 'dnat'    # a connection whose destination was rewritten (ctstate term value)
_IPT_VERDICTS = {'MASQUERADE': 'masquerade', 'RETURN': 'return', 'DROP': 'drop', 'ACCEPT': 'accept'}
VERDICTS = ('masquerade', 'return', 'drop', 'accept')
_SAFE = re.compile(r'^[^\s"\'\\]+\Z')


def _proto_of(terms):
    return dict((t[0], t[1]) for t in terms if len(t) > 1).get('proto')


def ipt_tokens(comment, terms):
    """(comment, terms) -> iptables rule spec tokens (iptables-save order)."""
    out, tail = [], []
    for term in terms:
        kind = term[0]
        if kind == 'saddr':
            out += ['-s', term[1]]
        elif kind == 'daddr':
            out += ['-d', term[1]]
        elif kind == 'proto':
            out += ['-p', term[1]]
        elif kind == 'dport':
            out += ['-m', _proto_of(terms), '--dport', str(term[1])]
        elif kind == 'dnat':
            tail = ['-j', 'DNAT', '--to-destination', term[1]]
        elif kind == 'iifname':
            out += ['-i', term[1]]
        elif kind == 'oifname':
            out += ['-o', term[1]]
        elif kind == 'ctstate':
            out += ['-m', 'conntrack', '--ctstate', term[1].upper()]
        elif kind == 'snat':
            tail = ['-j', 'SNAT', '--to-source', term[1]]
        elif kind == 'jump':
            tail = ['-j', term[1]]
        elif kind in VERDICTS:
            tail = ['-j', kind.upper()]
        else:
            raise ValueError('cannot render term %r for iptables' % (term,))
    if comment is not None:
        out += ['-m', 'comment', '--comment', comment]
    return out + tail


def ipt_quote(token):
    """Quote a token the way iptables-restore reads it (double quotes only)."""
    if _SAFE.match(token):
        return token
    return '"%s"' % token.replace('\\', '\\\\').replace('"', '\\"')


def ipt_line(chain, tokens):
    return ' '.join(['-A', chain] + [ipt_quote(t) for t in tokens])


def ipt_parse(tokens):
    """iptables-save rule tokens (after '-A CHAIN') -> (comment, terms)."""
    terms, comment, i = [], None, 0
    while i < len(tokens):
        tok = tokens[i]
        arg = tokens[i + 1] if i + 1 < len(tokens) else None
        if arg is None:
            terms.append(('raw', ' '.join(tokens[i:])))
            break
        if tok == '-s':
            terms.append(('saddr', _net(arg)))
        elif tok == '-d':
            terms.append(('daddr', _net(arg)))
        elif tok == '-p':
            terms.append(('proto', arg))
        elif tok == '-m' and arg in ('tcp', 'udp'):
            pass
        elif tok == '--dport' and arg.isdigit():
            terms.append(('dport', int(arg)))
        elif tok == '-j' and arg == 'DNAT':
            pass
        elif tok == '--to-destination':
            terms.append(('dnat', arg))
        elif tok == '-i':
            terms.append(('iifname', arg))
        elif tok == '-o':
            terms.append(('oifname', arg))
        elif tok == '-m' and arg in ('comment', 'conntrack'):
            pass
        elif tok == '--ctstate':
            terms.append(('ctstate', states(arg)))
        elif tok == '--comment':
            comment = arg
        elif tok == '-j' and arg in _IPT_VERDICTS:
            terms.append((_IPT_VERDICTS[arg],))
        elif tok == '-j' and arg == 'SNAT':
            pass
        elif tok == '--to-source':
            terms.append(('snat', arg))
        elif tok == '-j':
            terms.append(('jump', arg))
        else:
            terms.append(('raw', ' '.join(tokens[i:])))
            break
        i += 2
    return comment, canon(terms)


def _net(text):
    try:
        return host_net(text)
    except ValueError:
        return text

# nft -----------------------------------------------------------------------


def nft_text(comment, terms):
    """(comment, terms) -> nft rule statement text."""
    out = []
    dport = dict((t[0], t[1]) for t in terms if len(t) > 1).get('dport')
    for term in terms:
        kind = term[0]
        if kind == 'saddr':
            out.append('ip saddr %s' % term[1])
        elif kind == 'daddr':
            out.append('ip daddr %s' % term[1])
        elif kind == 'proto':
            out.append('%s dport %d' % (term[1], dport) if dport is not None
                       else 'meta l4proto %s' % term[1])
        elif kind == 'dport':
            pass                     # with its protocol: "tcp dport N"
        elif kind == 'dnat':
            out.append('dnat to %s' % term[1])
        elif kind in ('iifname', 'oifname'):
            out.append('%s "%s"' % (kind, term[1]))
        elif kind == 'ctstate' and term[1] == CT_DNAT:
            out.append('ct status dnat')    # iptables' --ctstate DNAT is a status in nft
        elif kind == 'ctstate':
            out.append('ct state %s' % term[1])
        elif kind == 'snat':
            out.append('snat to %s' % term[1])
        elif kind in VERDICTS:
            out.append(kind)
        elif kind == 'raw':          # only ever shown in a diff, never written
            out.append(term[1])
        else:
            raise ValueError('cannot render term %r for nft' % (term,))
    if comment is not None:
        out.append('comment "%s"' % comment)
    return ' '.join(out)


def nft_parse(expr):
    """``nft -j`` rule ``expr`` list -> canonical terms."""
    terms = []
    for stmt in expr or []:
        term = _nft_term(stmt)
        if isinstance(term, list):           # "tcp dport N": the protocol and the port
            terms.extend(term)
        else:
            terms.append(term if term else ('raw', json.dumps(stmt, sort_keys=True)))
    return canon(terms)


def _nft_term(stmt):
    if not isinstance(stmt, dict) or len(stmt) != 1:
        return None
    (key, val), = stmt.items()
    if key in VERDICTS and not val:
        return (key,)
    if key == 'snat' and isinstance(val, dict) and set(val) <= {'addr', 'family'} \
            and isinstance(val.get('addr'), str):
        return ('snat', val['addr'])
    if key == 'dnat' and isinstance(val, dict) and set(val) <= {'addr', 'port', 'family'} \
            and isinstance(val.get('addr'), str):
        return ('dnat', val['addr'] + (':%d' % val['port'] if isinstance(val.get('port'), int)
                                       else ''))
    if key != 'match' or not isinstance(val, dict):
        return None
    left, right, op = val.get('left'), val.get('right'), val.get('op')
    if not isinstance(left, dict):
        return None
    for field in ('saddr', 'daddr'):
        if left == {'payload': {'protocol': 'ip', 'field': field}} and op == '==':
            if isinstance(right, str):
                return (field, _net(right))
            if isinstance(right, dict) and 'prefix' in right:
                return (field, _net('%s/%s' % (right['prefix'].get('addr'),
                                               right['prefix'].get('len'))))
    payload = left.get('payload') if isinstance(left.get('payload'), dict) else {}
    if payload.get('protocol') in ('tcp', 'udp') and payload.get('field') == 'dport' \
            and op == '==' and isinstance(right, int) and not isinstance(right, bool):
        return [('proto', payload['protocol']), ('dport', right)]
    meta = left.get('meta', {}).get('key') if isinstance(left.get('meta'), dict) else None
    if meta in ('iifname', 'oifname') and op == '==' and isinstance(right, str):
        return (meta, right)
    if meta == 'l4proto' and op == '==' and right in ('tcp', 'udp'):
        return ('proto', right)
    ct = left.get('ct', {}).get('key') if isinstance(left.get('ct'), dict) else None
    if ct == 'status' and op in ('in', '==') and right == CT_DNAT:
        return ('ctstate', CT_DNAT)
    if ct == 'state' and op in ('in', '=='):
        if isinstance(right, str) or isinstance(right, list) and all(isinstance(s, str) for s in right):
            return ('ctstate', states(right))
    return None
