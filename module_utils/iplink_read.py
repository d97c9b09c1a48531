# -*- coding: utf-8 -*-
"""Read links, addresses, routes, namespaces, sysctls and TX offload from
machine-readable output (``ip -j``, ``ethtool --json``) into the ``have``
dict the planner takes. Parsers are pure; ``read_state`` runs the reads:
ONE ``ip [-n NS] -j -d -batch -`` process per namespace (``addr show`` for
links and addresses, plus ``route show table main`` when IPv4 routes are
listed there; IPv6 routes take one more ``ip -6`` read). TX offload and
sysctls are read in-process inside each namespace (iplink_nsread), so the
number of processes does not grow with the number of devices.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os

from ansible.module_utils.iplink_nsread import entered, sysctl, tx_checksum
from ansible.module_utils.ovl_runner import CommandError


def _json(text, what):
    text = (text or '').strip()
    if not text:
        return []
    try:
        return json.loads(text)
    except ValueError:
        raise CommandError('%s: output is not JSON; iproute2 with -j support is needed' % what)


def ip_argv(netns, *args):
    """``ip [-n NS] ARGS`` as an argv list."""
    return ['ip'] + (['-n', netns] if netns else []) + list(args)


def parse_link(entry):
    info = entry.get('linkinfo') or {}
    data = info.get('info_data') or {}
    link = dict(name=entry.get('ifname'), ifindex=entry.get('ifindex'),
                kind=info.get('info_kind'), mtu=entry.get('mtu'),
                up='UP' in (entry.get('flags') or []), alias=entry.get('ifalias') or None,
                peer=entry.get('link'), link_index=entry.get('link_index'),
                other_ns='link_netnsid' in entry)
    if link['kind'] == 'vxlan':
        link.update(id=data.get('id'), remote=data.get('remote'), local=data.get('local'),
                    dev=data.get('link'), dstport=data.get('port'),
                    learning=data.get('learning'))
    return link


def parse_addr_json(text):
    """``ip -j -d addr show`` -> ({name: link}, {dev: [global addr/prefix]},
    set of (dev, addr) that are IPv4 secondaries)."""
    links, addrs, secondary = {}, {}, set()
    for entry in _json(text, 'ip -j addr'):
        link = parse_link(entry)
        links[link['name']] = link
        found = []
        for info in entry.get('addr_info') or []:
            if info.get('scope') != 'global' or info.get('family') not in ('inet', 'inet6'):
                continue
            addr = str(ipaddress.ip_interface('%s/%s' % (info['local'], info['prefixlen'])))
            found.append(addr)
            if info.get('secondary'):
                secondary.add((link['name'], addr))
        addrs[link['name']] = sorted(found)
    return links, addrs, secondary


def parse_routes(text, family):
    """``ip -j route show`` (main table) -> [{dst, family, via, dev, metric}]."""
    routes = []
    for entry in _json(text, 'ip -j route'):
        if entry.get('type') not in (None, 'unicast'):
            continue
        dst = entry.get('dst', 'default')
        if dst != 'default' and '/' not in dst:
            dst += '/128' if family == 6 else '/32'
        if dst != 'default':
            dst = str(ipaddress.ip_network(dst, strict=False))
        via = entry.get('gateway')
        routes.append(dict(dst=dst, family=family,
                           via=str(ipaddress.ip_address(via)) if via else None,
                           dev=entry.get('dev'), metric=entry.get('metric', 0)))
    return routes


def parse_netns(text):
    return set(item['name'] for item in _json(text, 'ip -j netns') if item.get('name'))


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


def batch_read(runner, ns, v4_routes):
    """(addr text, IPv4 route text or None) from one ``ip -batch`` process:
    each command prints one JSON document on its own line."""
    lines = ['addr show'] + (['route show table main'] if v4_routes else [])
    out = runner.check(ip_argv(ns, '-j', '-d', '-batch', '-'), data='\n'.join(lines) + '\n')
    docs = [line for line in out.splitlines() if line.strip()]
    if len(docs) != len(lines):
        raise CommandError('ip -batch (%s) printed %d JSON documents for %d commands'
                           % (ns or 'host', len(docs), len(lines)))
    return docs[0], (docs[1] if v4_routes else None)


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
    rc, out, err = runner.run(['ip', '-j', 'netns', 'list'])
    if rc != 0:
        raise CommandError('ip -j netns list failed (rc=%s): %s' % (rc, (err or '').strip()))
    have = dict(netns=parse_netns(out), marked=read_marks(want['mark_dir']),
                ns={}, sysctls={}, offload={})
    wanted_ns = namespaces_of(want)
    for ns in sorted(wanted_ns, key=lambda n: n or ''):
        if ns is not None and ns not in have['netns']:
            continue
        families = set(r['family'] for r in want['routes'] if r['netns'] == ns)
        addr_text, route_text = batch_read(runner, ns, 4 in families)
        links, addrs, secondary = parse_addr_json(addr_text)
        routes = parse_routes(route_text, 4) if route_text is not None else []
        if 6 in families:
            text = runner.check(ip_argv(ns, '-6', '-j', 'route', 'show', 'table', 'main'))
            routes.extend(parse_routes(text, 6))
        have['ns'][ns] = dict(links=links, addrs=addrs, secondary=secondary, routes=routes)
    have['sysctls'] = read_sysctls(want, have)
    have['offload'] = read_offloads(want, have)
    return have
