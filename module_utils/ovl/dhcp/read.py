# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What DHCP servers of ours a host has: one per directory under
``core.marks.DHCP_DIR``, with its hosts file and the dnsmasq processes that
run with this directory on their command line (found in /proc, not by the
pid file alone: a lost or stale pid file never leaves a second server
running), each with its command line and whether it still runs in its
tenant's namespace as that namespace is now (one deleted and made again
while the server ran is not the one it serves).

``read(root, namespaces) -> {tenant: {hosts, pid, extra, argv, netns_ok}}``

The namespace is compared by the inode of ``/proc/PID/ns/net``; dnsmasq
drops its privileges to ``nobody``, and where root may not look at another
user's namespaces (no CAP_SYS_PTRACE, as in a container) by time instead:
the namespace's marker (``core.marks.MARK_DIR``/NAME, written when the ip
layer made it) must be older than the process.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible.module_utils.ovl.core.files import read_text
from ansible.module_utils.ovl.core.marks import DHCP_DIR, MARK_DIR

NETNS_DIR = '/run/netns'
PROC = '/proc'
SLACK = 1.0      # seconds: a namespace made this long after the server started is new


def _cmdline(pid, proc=PROC):
    try:
        with open(os.path.join(proc, pid, 'cmdline'), 'rb') as handle:
            return [part.decode('utf-8', 'replace') for part in handle.read().split(b'\0')[:-1]]
    except (IOError, OSError):
        return None


def servers(marker, proc=PROC):
    """{pid: argv} of the processes whose command line holds *marker*."""
    out = {}
    try:
        pids = [p for p in os.listdir(proc) if p.isdigit()]
    except OSError:
        return out
    for pid in pids:
        argv = _cmdline(pid, proc)
        if argv and any(marker in part for part in argv[1:]):
            out[int(pid)] = argv
    return out


def started_at(pid, proc=PROC):
    """The process's start, in seconds since the epoch (/proc/PID/stat)."""
    with open(os.path.join(proc, str(pid), 'stat')) as handle:
        ticks = int(handle.read().rsplit(')', 1)[1].split()[19])
    with open(os.path.join(proc, 'uptime')) as handle:
        uptime = float(handle.read().split()[0])
    return time.time() - uptime + ticks / float(os.sysconf('SC_CLK_TCK'))


def in_namespace(pid, name, netns_dir=NETNS_DIR, mark_dir=MARK_DIR, proc=PROC):
    """True when process *pid* runs in namespace *name* as it is now."""
    try:
        return (os.stat(os.path.join(proc, str(pid), 'ns', 'net')).st_ino
                == os.stat(os.path.join(netns_dir, name)).st_ino)
    except OSError:
        pass
    try:
        made = os.stat(os.path.join(mark_dir, name)).st_mtime
        return os.path.exists(os.path.join(netns_dir, name)) and made <= started_at(pid, proc) + SLACK
    except (OSError, ValueError, IndexError):
        return False


def read(root=DHCP_DIR, netns_dir=NETNS_DIR, namespaces=None, mark_dir=MARK_DIR, proc=PROC):
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
        found = servers(here + '/', proc)
        pid = min(found) if found else None
        netns = (namespaces or {}).get(tenant)
        out[tenant] = dict(
            hosts=read_text(os.path.join(here, 'hosts')), pid=pid,
            extra=sorted(p for p in found if p != pid), argv=found.get(pid),
            netns_ok=pid is not None and netns is not None
            and in_namespace(pid, netns, netns_dir, mark_dir, proc))
    return out
