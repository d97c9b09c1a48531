# -*- coding: utf-8 -*-
"""Plan moving one IP address onto an interface (from another), keeping the
prefix length it has now. Pure: ``plan_move(want, links, addrs)`` over what
``ovl.ip.netlink.read_namespace`` returns.

Used for the userspace datapath, where the VTEP address must sit on the OVS
bridge that holds the uplink (br-phy): the address moves off the uplink.
Only this one address is touched; other addresses of both interfaces stay.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.ip.read import ip_argv
from ansible.module_utils.ovl.core.validate import InputError, ifname, ip_address, netns_name


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


def plan_move(want, links, addrs, check_mode=False):
    """(ip argv list, prefix length used). The prefix is the one the address
    has on O(dev), else on O(from_dev), else on any interface, else the default.
    In check mode a missing O(dev) is planned as a new interface that is down
    (on a fresh host the real run creates br-phy in an earlier task)."""
    if want['dev'] not in links and check_mode:
        links = dict(links)
        links[want['dev']] = dict(up=False)
    if want['dev'] not in links:
        raise InputError('dev', want['dev'], 'does not exist%s' % (
            ' in netns %s' % want['netns'] if want['netns'] else ''))
    holders = holders_of(want['address'], addrs)
    source = holders.get(want['dev']) or holders.get(want['from_dev']) or \
        (holders[sorted(holders)[0]] if holders else None)
    prefix = ipaddress.ip_interface(source).network.prefixlen if source else want['prefixlen']
    ns = want['netns']
    commands = []
    if want['up'] and not links[want['dev']]['up']:
        commands.append(ip_argv(ns, 'link', 'set', 'dev', want['dev'], 'up'))
    if want['dev'] not in holders:
        commands.append(ip_argv(ns, 'addr', 'add', '%s/%d' % (want['address'], prefix),
                                'dev', want['dev']))
    if want['from_dev'] in holders:
        commands.append(ip_argv(ns, 'addr', 'del', holders[want['from_dev']],
                                'dev', want['from_dev']))
    return commands, prefix
