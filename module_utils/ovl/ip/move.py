# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Plan moving one IP address onto an interface (from another), keeping the
prefix length it has now, and the host's routes that depend on it. Pure:
``plan_move(want, links, addrs, routes=...)`` over what
``ovl.ip.netlink.read_namespace`` returns (routes read with ``route_detail``).

Used for the userspace datapath, where the VTEP address must sit on the OVS
bridge that holds the uplink (br-phy): the address moves off the uplink.
Only this one address is touched; other addresses of both interfaces stay.

Routes. When the address leaves ``from_dev`` the kernel drops routes with it
(all IPv4 routes through a device that loses its last IPv4 address; with the
address the connected route of its subnet), and a route through a gateway
that only the moved address made reachable is dead on ``from_dev`` anyway.
``carried_routes`` picks, among the main-table routes of ``from_dev`` of the
address's IP version (never ``proto kernel``: the connected route comes with
the address itself), the routes that must be on ``dev`` after the move:

- every one, for IPv4, when ``from_dev`` holds the address and has no other
  (global) IPv4 address: the kernel would drop them all;
- a route through a gateway that lies in the moved address's subnet and in
  the subnet of no address ``from_dev`` keeps;
- a route without gateway whose preferred source (``src``) is the address.

Every other route stays where it is: e.g. a route through a gateway of
another subnet of ``from_dev``, even with ``src`` the moved address (it is
still valid there, and ``dev`` has no way to its gateway). Routes of other
tables are never read nor touched; IPv6 routes through a link-local gateway
(router advertisements) stay: they do not depend on the address.

Each carried route becomes ``ip route replace DST [via GW] dev DEV metric M
[src S] [scope S] [proto P] [onlink]``: ``replace`` takes the kernel's key
of a route (table, destination, TOS, metric), so it moves the route off
``from_dev`` if the kernel still has it there, adds it if it was dropped,
and never fails with "File exists". The order, in one ``ip -batch``: ``dev``
up, the address added on ``dev``, the routes replaced onto ``dev``, then the
address deleted from ``from_dev``. The host is never without its routes, and
a batch that stops at a failing line (``ip -batch`` does, without
``-force``) leaves the address on ``from_dev`` with every route not yet
carried still there: the next run reads them and finishes the move. (Routes
added after the delete would leave the host without them for a moment, and
a batch stopped between the delete and a route would lose that route for
good: the kernel has dropped it, the next run cannot read it.)
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.core.step import ip_step
from ansible.module_utils.ovl.core.validate import InputError, ifname, ip_address, netns_name

RTPROT_KERNEL, RTPROT_BOOT = 2, 3
RT_SCOPE_UNIVERSE, RT_SCOPE_LINK = 0, 253
SCOPE_NAMES = {0: 'global', 200: 'site', 253: 'link', 254: 'host'}
PROTO_NAMES = {3: 'boot', 4: 'static', 9: 'ra', 16: 'dhcp'}


def normalize(params):
    """The validated request (raises InputError naming the field)."""
    want = dict(address=ip_address(params['address'], 'address'),
                dev=ifname(params['dev'], 'dev'),
                from_dev=ifname(params['from_dev'], 'from_dev') if params.get('from_dev') else None,
                prefixlen=params['prefixlen'], up=params['up'],
                netns=netns_name(params.get('netns')))
    limit = 32 if ipaddress.ip_address(want['address']).version == 4 else 128
    if not 0 < want['prefixlen'] <= limit:
        raise InputError('prefixlen', want['prefixlen'], 'is not between 1 and %d' % limit)
    if want['from_dev'] == want['dev']:
        raise InputError('from_dev', want['from_dev'], 'is the same interface as dev')
    return want


def holders_of(address, addrs):
    """{dev: 'addr/prefix'} of the interfaces that carry *address*."""
    ip = ipaddress.ip_address(address)
    found = {}
    for dev, listed in addrs.items():
        for item in listed:
            if ipaddress.ip_interface(item).ip == ip:
                found[dev] = item
    return found


def family_of(want):
    """The IP version (4 or 6) of the moved address: the routes to read."""
    return ipaddress.ip_address(want['address']).version


def _depends_on(route, address, moved_net, kept_nets):
    """Whether *route* is only usable on the old device through the address."""
    if route['via']:
        via = ipaddress.ip_address(route['via'])
        return via in moved_net and not any(via in net for net in kept_nets)
    return bool(route.get('src')) and ipaddress.ip_address(route['src']) == address


def carried_routes(want, addrs, routes, prefix):
    """The routes of ``from_dev`` that must be on ``dev`` after the move, in
    the order read (the rule is in the module docstring). *routes*: main-table
    routes with src/scope/proto (``parse_routes(detail=True)``); *prefix*: the
    prefix length the address has (``plan_move``)."""
    if not want['from_dev']:
        return []
    address = ipaddress.ip_address(want['address'])
    own = [ipaddress.ip_interface(a) for a in addrs.get(want['from_dev'], [])]
    own = [i for i in own if i.version == address.version]
    held = [i for i in own if i.ip == address]
    moved_net = held[0].network if held else \
        ipaddress.ip_interface('%s/%d' % (address, prefix)).network
    kept_nets = [i.network for i in own if i.ip != address]
    last_v4 = address.version == 4 and bool(held) and not kept_nets
    return [route for route in routes
            if route['dev'] == want['from_dev'] and route['family'] == address.version
            and route.get('proto') != RTPROT_KERNEL
            and (last_v4 or _depends_on(route, address, moved_net, kept_nets))]


def route_words(route, dev):
    """*route* on *dev* as ``ip route`` words: DST [via GW] dev DEV metric M
    [src S] [scope S] [proto P] [onlink]. The scope is named only where it is
    not the one ``ip route`` would pick (link without a gateway, else global),
    the protocol unless ``boot`` (what ``ip route`` sets)."""
    dst = route['dst']
    if dst == 'default' and route['family'] == 6:
        dst = '::/0'
    words = [dst] + (['via', route['via']] if route['via'] else [])
    words += ['dev', dev, 'metric', str(route['metric'])]
    if route.get('src'):
        words += ['src', route['src']]
    scope = route.get('scope')
    if route['family'] == 4 and scope is not None and scope != (
            RT_SCOPE_UNIVERSE if route['via'] else RT_SCOPE_LINK):
        words += ['scope', SCOPE_NAMES.get(scope, str(scope))]
    proto = route.get('proto')
    if proto is not None and proto != RTPROT_BOOT:
        words += ['proto', PROTO_NAMES.get(proto, str(proto))]
    if route.get('onlink'):
        words.append('onlink')
    return words


def source_of(want, holders):
    return holders.get(want['dev']) or holders.get(want['from_dev']) or \
        (holders[sorted(holders)[0]] if holders else None)


def plan_move(want, links, addrs, check_mode=False, routes=()):
    """([Step], prefix length used). The prefix is the one the address
    has on ``dev``, else on ``from_dev``, else on any interface, else the default.
    In check mode a missing ``dev`` is planned as a new interface that is down
    (on a fresh host the real run creates br-phy in an earlier task).

    Order: ``dev`` up, the address added on ``dev``, each route of
    ``carried_routes`` replaced onto ``dev``, the address deleted from
    ``from_dev`` (why: the module docstring)."""
    if want['dev'] not in links and check_mode:
        links = dict(links)
        links[want['dev']] = dict(up=False)
    if want['dev'] not in links:
        raise InputError('dev', want['dev'], 'does not exist%s' % (
            ' in netns %s' % want['netns'] if want['netns'] else ''))
    holders = holders_of(want['address'], addrs)
    source = source_of(want, holders)
    prefix = ipaddress.ip_interface(source).network.prefixlen if source else want['prefixlen']
    ns = want['netns']
    commands = []
    if want['up'] and not links[want['dev']]['up']:
        commands.append(ip_step('link.set', ns, want['dev'], 'link', 'set', 'dev', want['dev'],
                                'up', detail='up'))
    if want['dev'] not in holders:
        address = '%s/%d' % (want['address'], prefix)
        commands.append(ip_step('addr.add', ns, want['dev'], 'addr', 'add', address,
                                'dev', want['dev'], detail=address))
    for route in carried_routes(want, addrs, routes, prefix):
        words = route_words(route, want['dev'])
        commands.append(ip_step('route.replace', ns, words[0], 'route', 'replace', *words,
                                detail=' '.join(words[1:])))
    if want['from_dev'] in holders:
        commands.append(ip_step('addr.del', ns, want['from_dev'], 'addr', 'del',
                                holders[want['from_dev']], 'dev', want['from_dev'],
                                detail=holders[want['from_dev']]))
    return commands, prefix
