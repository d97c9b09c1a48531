# -*- coding: utf-8 -*-
"""Read links, addresses, routes, namespaces, sysctls and TX offload from
machine-readable output (``ip -j``, ``ethtool --json``) into the ``have``
dict the planner takes. Parsers are pure; ``read_state`` runs the reads:
one ``ip -j -d addr show`` (links and addresses together) per namespace, one
``ip -j route show`` per namespace and family that has routes listed.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os

from ansible.module_utils.ovl_runner import CommandError, netns_argv


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


def parse_offload(text):
    """``ethtool --json -k DEV`` -> True/False for tx-checksumming, None if unknown."""
    data = _json(text, 'ethtool --json -k')
    if not data:
        return None
    value = data[0].get('tx-checksumming')
    if isinstance(value, dict):
        return bool(value.get('active'))
    return None


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
        links, addrs, secondary = parse_addr_json(
            runner.check(ip_argv(ns, '-j', '-d', 'addr', 'show')))
        routes = []
        families = set(r['family'] for r in want['routes'] if r['netns'] == ns)
        for family in sorted(families):
            flag = ['-6'] if family == 6 else []
            text = runner.check(ip_argv(ns, *(flag + ['-j', 'route', 'show', 'table', 'main'])))
            routes.extend(parse_routes(text, family))
        have['ns'][ns] = dict(links=links, addrs=addrs, secondary=secondary, routes=routes)
    for ns in want['namespaces']:
        if ns['state'] == 'present' and ns['sysctls'] and ns['name'] in have['netns']:
            keys = sorted(ns['sysctls'])
            out = runner.check(netns_argv(ns['name'], ['sysctl', '-n'] + keys))
            values = [' '.join(line.split()) for line in out.splitlines()]
            have['sysctls'][ns['name']] = dict(zip(keys, values))
    for link in want['links']:
        if link.get('tx_offload') is None or link['state'] == 'absent':
            continue
        ends = [(link['netns'], link['name']), (link['peer_netns'] or link['netns'], link['peer'])]
        for ns, dev in ends:
            if dev in have['ns'].get(ns, {}).get('links', {}):
                rc, out, err = runner.run(netns_argv(ns, ['ethtool', '--json', '-k', dev]))
                have['offload'][(ns, dev)] = parse_offload(out) if rc == 0 else None
    return have
