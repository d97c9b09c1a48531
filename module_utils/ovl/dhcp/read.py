# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What DHCP servers of ours a host has: one per directory under
``core.marks.DHCP_DIR``, with its hosts file, and the process its pid file
names when that runs dnsmasq with this directory on its command line (its
command line and the inode of its network namespace, so a server left in a
namespace that was deleted and made again is known as such).

``read(root, netns_dir) -> {tenant: {hosts, pid, argv, netns_ok}}``
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.files import read_text
from ansible.module_utils.ovl.core.marks import DHCP_DIR

NETNS_DIR = '/run/netns'


def process(pid_path, marker):
    """(pid, argv, net namespace inode) of the process of *pid_path* when it
    runs and its command line holds *marker*, else (None, None, None)."""
    try:
        pid = int((read_text(pid_path) or '').strip())
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            argv = [part.decode('utf-8', 'replace') for part in handle.read().split(b'\0')[:-1]]
        inode = os.stat('/proc/%d/ns/net' % pid).st_ino
    except (IOError, OSError, ValueError):
        return None, None, None
    if not any(marker in part for part in argv):
        return None, None, None
    return pid, argv, inode


def netns_inode(name, netns_dir=NETNS_DIR):
    try:
        return os.stat(os.path.join(netns_dir, name)).st_ino
    except OSError:
        return None


def read(root=DHCP_DIR, netns_dir=NETNS_DIR, namespaces=None):
    """*namespaces*: {tenant: the namespace its server should run in}."""
    out = {}
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return out
    for tenant in names:
        here = os.path.join(root, tenant)
        if not os.path.isdir(here):
            continue
        pid, argv, inode = process(os.path.join(here, 'pid'), here + '/')
        netns = (namespaces or {}).get(tenant)
        out[tenant] = dict(hosts=read_text(os.path.join(here, 'hosts')), pid=pid, argv=argv,
                           netns_ok=pid is not None and netns is not None
                           and inode == netns_inode(netns, netns_dir))
    return out
