# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""NAT desired state: validate user input and turn it into backend-neutral
rules.

A rule is ``(comment, terms)``: *comment* is ``<owner>:<id>`` (the mark that
makes it ours) and *terms* is a canonical tuple such as
``(('saddr', '10.0.0.0/24'), ('oifname', 'qg0'), ('masquerade',))``.
Both backends (iptables, nft) render terms to their syntax and parse their
machine-readable output back to terms, so comparing is comparing tuples.
Nothing here touches the machine.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible.module_utils.ovl.core.validate import (
    InputError, cidr, ifname, ip_address, netns_name, owner_name)

SNAT, FORWARD, INPUT = 'snat', 'forward', 'input'   # chain keys (OVL-POSTROUTING, OVL-FORWARD, OVL-INPUT)
DNAT, DNAT_LOCAL = 'dnat', 'dnat_local'             # (OVL-PREROUTING, OVL-OUTPUT)
# our chains, in the order they are planned and written: the one list (each
# backend renders them: ovl.nat.syntax IPT_CHAINS, NFT_CHAINS)
CHAINS = (DNAT, DNAT_LOCAL, SNAT, FORWARD, INPUT)
PROTOCOLS = ('tcp', 'udp')
ACTIONS = ('masquerade', 'snat')
ID_RE = re.compile(r'^[A-Za-z0-9_.:-]{1,200}\Z')
HOST = '@host'                               # label of the host namespace in results

# canonical order of terms inside a rule: matches first, verdict last
_ORDER = {'saddr': 0, 'daddr': 1, 'iifname': 2, 'oifname': 3, 'proto': 4, 'dport': 5,
          'ctstate': 6, 'raw': 7}


def canon(terms):
    """Sort terms into the canonical order (stable for unknown ones)."""
    return tuple(sorted(terms, key=lambda t: _ORDER.get(t[0], 8)))


def states(text):
    """'NEW,INVALID' / ['new','invalid'] -> 'invalid,new' (sorted, lower)."""
    if isinstance(text, (list, tuple)):
        text = ','.join(text)
    return ','.join(sorted(s.strip().lower() for s in text.split(',') if s.strip()))


def host_net(value):
    """'10.1.0.5' -> '10.1.0.5/32'; '10.0.0.0/24' unchanged."""
    return str(ipaddress.ip_network(value, strict=False))


check_netns = netns_name
check_owner = owner_name


def check_id(value, field='id'):
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InputError(field, value, 'is not a rule id ([A-Za-z0-9_.:-], 1-200, no spaces)')
    return value


def _at(field, name):
    return '%s.%s' % (field, name) if field else name


def _ipv4(value, field):
    """An IPv4 address (NAT is IPv4 only), canonical; the error names the
    value as given."""
    addr = ip_address(value, field)
    if ipaddress.ip_address(addr).version != 4:
        raise InputError(field, value, 'is not an IPv4 address')
    return addr


def _flag(item, field, key):
    value = item.get(key, False)
    if not isinstance(value, bool):
        raise InputError(_at(field, key), value, 'is not a boolean')
    return value


def snat_rule(item, field='', owner='ovl'):
    """Validate one snat entry; return (comment, terms).

    *field* is the path of the entry (``namespaces[0].snat[1]``), '' for
    the per-rule module whose options are the entry's keys."""
    rid = check_id(item.get('id'), _at(field, 'id'))
    source = cidr(item.get('source'), _at(field, 'source'))
    if ipaddress.ip_network(source).version != 4:
        raise InputError(_at(field, 'source'), item.get('source'), 'is not an IPv4 network (NAT is IPv4 only)')
    out = ifname(item.get('out_interface'), _at(field, 'out_interface'))
    action = item.get('action') or 'masquerade'
    if action not in ACTIONS:
        raise InputError(_at(field, 'action'), action, 'is not one of %s' % ', '.join(ACTIONS))
    to_source = item.get('to_source')
    if to_source not in (None, '') and action != 'snat':
        raise InputError(_at(field, 'to_source'), to_source, 'is only allowed with action: snat')
    if action == 'snat':
        if to_source in (None, ''):
            raise InputError(_at(field, 'to_source'), to_source, 'is required with action: snat')
        verdict = ('snat', _ipv4(to_source, _at(field, 'to_source')))
    else:
        verdict = ('masquerade',)
    return ('%s:%s' % (owner, rid), (('saddr', source), ('oifname', out), verdict))


def block_rules(item, field, owner='ovl'):
    """One block_inbound entry -> (comment, its two rules: replies return,
    new drop, local): *local* (the entry's ``local``) says the same two rules
    also guard the namespace's own addresses (the INPUT chain), not only
    what it forwards."""
    dev = ifname(item.get('in_interface'), field + '.in_interface')
    rid = check_id(item.get('id') or 'in-%s' % dev, field + '.id')
    local = _flag(item, field, 'local')
    comment = '%s:%s' % (owner, rid)
    return comment, [
        (comment, (('iifname', dev), ('ctstate', 'established,related'), ('return',))),
        (comment, (('iifname', dev), ('ctstate', 'invalid,new'), ('drop',))),
    ], local


def accept_rules(item, field, owner='ovl'):
    """One forward_accept entry -> (comment, its two rules): what
    *in_interface* sends out *out_interface* is accepted, and the replies
    back. An ACCEPT of our own chain ends the built-in chain's walk, so a
    FORWARD policy of DROP (Docker sets one when it turns forwarding on)
    does not drop the tenants' routed traffic."""
    dev = ifname(item.get('in_interface'), field + '.in_interface')
    out = ifname(item.get('out_interface'), field + '.out_interface')
    rid = check_id(item.get('id') or 'fwd-%s' % dev, field + '.id')
    comment = '%s:%s' % (owner, rid)
    return comment, [
        (comment, (('iifname', dev), ('oifname', out), ('accept',))),
        (comment, (('iifname', out), ('oifname', dev), ('ctstate', 'established,related'),
                   ('accept',))),
    ]


def _match(item, field):
    """The destination match of a dnat / forward_dnat entry: daddr, and
    proto and dport when given (a port needs its protocol)."""
    dest = _ipv4(item.get('destination'), _at(field, 'destination'))
    terms = [('daddr', host_net(dest))]
    proto, port = item.get('protocol'), item.get('port')
    if proto not in (None, '') and proto not in PROTOCOLS:
        raise InputError(_at(field, 'protocol'), proto, 'is not one of %s' % ', '.join(PROTOCOLS))
    if port is not None:
        if proto in (None, ''):
            raise InputError(_at(field, 'port'), port, 'needs a protocol (tcp or udp)')
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise InputError(_at(field, 'port'), port, 'is not a port (1-65535)')
        terms.append(('dport', port))
    if proto:
        terms.append(('proto', proto))
    for key, term in (('in_interface', 'iifname'), ('out_interface', 'oifname')):
        if item.get(key):
            terms.append((term, ifname(item[key], _at(field, key))))
    return terms


def dnat_rule(item, field, owner='ovl'):
    """One dnat entry -> (comment, terms, local): connections to
    *destination* (and *protocol*/*port*) get *to* (``ADDR`` or
    ``ADDR:PORT``) as their destination; *local* also for the namespace's
    own connections (the nat OUTPUT hook), not only arriving ones."""
    rid = check_id(item.get('id'), _at(field, 'id'))
    terms = _match(item, field)
    if item.get('out_interface'):
        raise InputError(_at(field, 'out_interface'), item['out_interface'],
                         'is not a match of dnat (the route is chosen after it)')
    to = item.get('to')
    addr, _sep, port = (to or '').partition(':')
    try:
        ip_address(addr, _at(field, 'to'))
        if ipaddress.ip_address(addr).version != 4 or (_sep and not (
                port.isdigit() and 1 <= int(port) <= 65535)):
            raise ValueError(to)
    except ValueError:
        raise InputError(_at(field, 'to'), to, 'is not ADDRESS or ADDRESS:PORT (IPv4)')
    if port and not item.get('protocol'):
        raise InputError(_at(field, 'to'), to, 'has a port: it needs a protocol (tcp or udp)')
    return '%s:%s' % (owner, rid), canon(terms + [('dnat', to)]), _flag(item, field, 'local')


def forward_dnat_rule(item, field, owner='ovl'):
    """One forward_dnat entry -> (comment, terms): a forwarded connection
    whose destination a dnat rule rewrote to *destination* (and
    *protocol*/*port*, *in_interface*, *out_interface*) is accepted. Our
    FORWARD chain holds these before its blocks: only what was published
    gets past them."""
    rid = check_id(item.get('id'), _at(field, 'id'))
    terms = _match(item, field) + [('ctstate', 'dnat'), ('accept',)]
    return '%s:%s' % (owner, rid), canon(terms)


def namespace_want(spec, field, owner='ovl', prune=False, remove=None):
    """One namespaces[] item -> the planner's want for that namespace.

    ``entries[chain]`` is an ordered list of ``(comment, [rules])``;
    ``remove[chain]`` lists comments to delete (per-rule state=absent).
    """
    netns = check_netns(spec.get('netns'), field + '.netns')
    entries = dict((key, []) for key in CHAINS)
    seen = {}
    for i, item in enumerate(spec.get('dnat') or []):
        path = '%s.dnat[%d]' % (field, i)
        comment, terms, local = dnat_rule(item, path, owner)
        _unique(seen, comment, path)
        entries[DNAT].append((comment, [(comment, terms)]))
        if local:
            entries[DNAT_LOCAL].append((comment, [(comment, terms)]))
    for i, item in enumerate(spec.get('forward_dnat') or []):
        path = '%s.forward_dnat[%d]' % (field, i)
        comment, terms = forward_dnat_rule(item, path, owner)
        _unique(seen, comment, path)
        entries[FORWARD].append((comment, [(comment, terms)]))     # before the blocks
    for i, item in enumerate(spec.get('snat') or []):
        path = '%s.snat[%d]' % (field, i)
        comment, terms = snat_rule(item, path, owner)
        _unique(seen, comment, path)
        entries[SNAT].append((comment, [(comment, terms)]))
    for i, item in enumerate(spec.get('block_inbound') or []):
        path = '%s.block_inbound[%d]' % (field, i)
        comment, rules, local = block_rules(item, path, owner)
        _unique(seen, comment, path)
        entries[FORWARD].append((comment, rules))
        if local:
            entries[INPUT].append((comment, rules))
    for i, item in enumerate(spec.get('forward_accept') or []):
        path = '%s.forward_accept[%d]' % (field, i)
        comment, rules = accept_rules(item, path, owner)
        _unique(seen, comment, path)
        entries[FORWARD].append((comment, rules))
    return make_want(netns, entries, prune, remove)


def make_want(netns, entries=None, prune=False, remove=None):
    """The planner's want for one namespace."""
    entries = entries or {}
    remove = remove or {}
    return dict(netns=netns, prune=bool(prune),
                entries=dict((key, list(entries.get(key, []))) for key in CHAINS),
                remove=dict((key, list(remove.get(key, []))) for key in CHAINS))


def _unique(seen, comment, path):
    if comment in seen:
        raise InputError(path + '.id', comment.split(':', 1)[1],
                         'is used twice in one namespace (also at %s)' % seen[comment])
    seen[comment] = path


def state_want(namespaces, owner='ovl', prune=False):
    """nat_state input -> list of per-namespace wants (netns unique)."""
    owner = check_owner(owner)
    wants, seen = [], {}
    for i, spec in enumerate(namespaces or []):
        field = 'namespaces[%d]' % i
        want = namespace_want(spec, field, owner, prune)
        label = want['netns'] or HOST
        if label in seen:
            raise InputError(field + '.netns', spec.get('netns'),
                             'is listed twice (also at %s)' % seen[label])
        seen[label] = field
        wants.append(want)
    return wants
