# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Enter a named network namespace in-process with setns(2).

The readers (rtnetlink dumps, SIOCETHTOOL, /proc/sys) and the commands run
through ``Runner.run_in`` work inside a namespace this way instead of one
``ip netns exec`` process per namespace: a command started while the module
is inside inherits the namespace. The process always returns to its own
namespace before anything else runs (``entered`` restores it even on errors).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import ctypes
import os

CLONE_NEWNET = 0x40000000
NETNS_DIR = '/run/netns'
# this thread's own namespace (setns moves only the calling thread)
HOME = '/proc/thread-self/ns/net' if os.path.exists('/proc/thread-self/ns/net') else '/proc/self/ns/net'

_libc = None


class NetnsMissing(Exception):
    """The named namespace does not exist (raised before anything is entered)."""


def _setns(fd):
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, 'setns: %s' % os.strerror(err))


def list_netns(directory=NETNS_DIR):
    """(live, stale): the names under /run/netns with a namespace mounted on
    them, and those without (left by a container restart, an interrupted
    ``ip netns add`` or a crashed tool: setns on them fails with EINVAL).
    A mounted namespace file lives on nsfs, not on the directory's file
    system, so the device numbers tell them apart. What ``ip netns list``
    prints, without a process."""
    try:
        names = os.listdir(directory)
        home = os.stat(directory).st_dev
    except OSError:
        return set(), set()
    live, stale = set(), set()
    for name in names:
        try:
            mounted = os.stat(os.path.join(directory, name)).st_dev != home
        except OSError:
            continue
        (live if mounted else stale).add(name)
    return live, stale


@contextlib.contextmanager
def entered(netns):
    """Run the body inside network namespace *netns* (None: stay here)."""
    if not netns:
        yield
        return
    try:
        target = os.open(os.path.join(NETNS_DIR, netns), os.O_RDONLY)
    except OSError as exc:
        raise NetnsMissing('Cannot open network namespace "%s": %s' % (netns, exc.strerror))
    home = os.open(HOME, os.O_RDONLY)
    try:
        try:
            _setns(target)
        finally:
            os.close(target)
        try:
            yield
        finally:
            _setns(home)
    finally:
        os.close(home)
