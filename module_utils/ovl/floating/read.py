# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What holds now: the host's addresses (every device: a floating address
may have to move, or may be someone else's), its routes into the NAT pool,
and our marker files (``<mark_dir>/<address>`` holding the device we put it
on). Read over rtnetlink in-process (``ovl.ip.netlink``)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

from ansible.module_utils.ovl.core.files import read_text
from ansible.module_utils.ovl.floating.model import POOL
from ansible.module_utils.ovl.ip.read import read_namespace_in


def markers(mark_dir):
    """{address: device} of our marker files."""
    try:
        names = os.listdir(mark_dir)
    except OSError:
        return {}
    out = {}
    for name in names:
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            continue
        out[name] = (read_text(os.path.join(mark_dir, name)) or '').strip()
    return out


def holders_of(addrs):
    """{address: [(device, prefix length)]} of the host's IPv4 addresses."""
    holders = {}
    for dev, items in addrs.items():
        for text in items:
            iface = ipaddress.ip_interface(text)
            if iface.version == 4:
                holders.setdefault(str(iface.ip), []).append((dev, iface.network.prefixlen))
    return holders


def foreign(addr, holders, marked):
    """The devices holding *addr* that our marker does not name (*marked*:
    {address: device}): someone else's address, never to be taken over."""
    return [dev for dev, _plen in holders.get(addr, []) if dev != marked.get(addr)]


def have_of(addrs, routes, marked):
    """The planner's *have* from parsed addresses and routes (pure)."""
    holders = holders_of(addrs)
    ours = dict((r['dst'], (r['via'], r['dev'])) for r in routes
                if r['family'] == 4 and r['dst'] != 'default'
                and ipaddress.ip_network(r['dst']).subnet_of(POOL))
    return dict(holders=holders, routes=ours, marked=marked)


def read(mark_dir):
    links, addrs, _secondary, routes = read_namespace_in(None, families=(4,))
    return have_of(addrs, routes, markers(mark_dir))
