# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Read links, addresses, routes, namespaces, sysctls and TX offload into the
``have`` dict the planner takes, with no process per namespace or device:
``read_state`` lists the namespaces (/run/netns, in-process: entries with no
namespace mounted on them are *stale*), then enters each namespace it needs
with setns(2) and reads there in-process: links,
addresses and main-table routes over rtnetlink (ovl.ip.netlink), TX offload
with SIOCETHTOOL and sysctls from /proc/sys (ovl.ip.nsread).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.ovl.ip.netlink import NetlinkError, read_namespace
from ansible.module_utils.ovl.ip.nsread import sysctl, tx_checksum
from ansible.module_utils.ovl.core.netns import NetnsMissing, entered, list_netns
from ansible.module_utils.ovl.core.runner import CommandError


def parse_netns(text):
    """``ip -j netns list`` -> set of names."""
    text = (text or '').strip()
    try:
        items = json.loads(text) if text else []
    except ValueError:
        raise CommandError('ip -j netns list: output is not JSON; iproute2 with -j support '
                           'is needed')
    return set(item['name'] for item in items if item.get('name'))


def read_marks(mark_dir):
    try:
        return set(name for name in os.listdir(mark_dir)
                   if os.path.isfile(os.path.join(mark_dir, name)))
    except OSError:
        return set()


def namespaces_of(want):
    """Namespaces the wanted objects touch (None = the host)."""
    found = set([None]) if want['prune'] else set()
    for ns in want['namespaces']:
        found.add(ns['name'])
    for link in want['links']:
        found.add(link['netns'])
        if link['kind'] == 'veth':
            found.add(link['peer_netns'] or link['netns'])
    for item in want['addresses'] + want['routes']:
        found.add(item['netns'])
    return found


def read_namespace_in(ns, families=(), fdb=False, route_detail=False):
    """(links, addrs, secondary, routes) of namespace *ns* (None: the host),
    read in-process; failures become one-line CommandErrors. *route_detail*:
    each route also has src, scope, proto and onlink (``parse_routes``)."""
    try:
        with entered(ns):
            if route_detail:
                return read_namespace(families, fdb=fdb, route_detail=True)
            return read_namespace(families, fdb=fdb)
    except (NetlinkError, NetnsMissing, OSError) as exc:
        raise CommandError('reading namespace %s: %s' % (ns or 'of the host', exc))


def read_offloads(want, have):
    """{(ns, dev): True/False/None} for every end of a link with tx_offload."""
    ends = {}
    for link in want['links']:
        if link.get('tx_offload') is None or link['state'] == 'absent':
            continue
        for ns, dev in ((link['netns'], link['name']),
                        (link['peer_netns'] or link['netns'], link['peer'])):
            if dev in have['ns'].get(ns, {}).get('links', {}):
                ends.setdefault(ns, []).append(dev)
    found = {}
    for ns in sorted(ends, key=lambda n: n or ''):
        with entered(ns):
            for dev in ends[ns]:
                found[(ns, dev)] = tx_checksum(dev)
    return found


def read_sysctls(want, have):
    found = {}
    for ns in want['namespaces']:
        if ns['state'] == 'present' and ns['sysctls'] and ns['name'] in have['netns']:
            with entered(ns['name']):
                found[ns['name']] = dict((key, sysctl(key)) for key in sorted(ns['sysctls']))
    return found


def read_state(runner, want):
    """Read everything the planner needs for *want*; returns ``have``."""
    live, stale = list_netns()
    have = dict(netns=live, stale=stale, marked=read_marks(want['mark_dir']),
                ns={}, sysctls={}, offload={})
    wanted_ns = namespaces_of(want)
    families_of, flooded = {}, set()     # per namespace, computed once (1000 namespaces)
    for route in want['routes']:
        families_of.setdefault(route['netns'], set()).add(route['family'])
    for link in want['links']:
        if link.get('flood') is not None:
            flooded.add(link['netns'])
    for ns in sorted(wanted_ns, key=lambda n: n or ''):
        if ns is not None and ns not in have['netns']:
            continue
        families = families_of.get(ns, set())
        fdb = ns in flooded
        links, addrs, secondary, routes = read_namespace_in(ns, families, fdb)
        have['ns'][ns] = dict(links=links, addrs=addrs, secondary=secondary, routes=routes)
    have['sysctls'] = read_sysctls(want, have)
    have['offload'] = read_offloads(want, have)
    return have
