# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Run a plan: consecutive ``ip [-n NS] link|addr|route ...`` commands of one
namespace (and ``ip netns add|del NAME`` in the host's) go to a single
``ip [-n NS] -batch -`` process (one line each on stdin), and consecutive ``bridge [-n NS] fdb ...`` commands to one
``bridge [-n NS] -batch -``; anything else (``ip netns``, sysctl, ethtool,
marker files) runs as its own argv, except the commands the module does
itself, in-process (``in_process``: ``ethtool -K DEV tx on|off``,
``sysctl -w``, ``mkdir -p``, ``touch``, ``rm -f``; see ``ovl.ip.nswrite``). Batch lines are joined from tokens the model validated; a
token that could change how ``ip -batch`` splits a line is refused.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.core.step import step, steps_of
from ansible.module_utils.ovl.ip import nswrite

BATCHABLE = {'ip': ('link', 'addr', 'route', 'netns'), 'bridge': ('fdb',)}
NETNS_BATCHABLE = ('add', 'del')    # ip netns add/del (never exec; host namespace only)
TOKEN_RE = re.compile(r'^[A-Za-z0-9_.:/=+-]+\Z')


def batch_key(argv):
    """((tool, netns), tail) for a batchable ip/bridge command, else None."""
    argv = list(argv)
    if not argv or argv[0] not in BATCHABLE:
        return None
    ns, tail = None, argv[1:]
    if tail[:1] == ['-n']:
        ns, tail = tail[1], tail[2:]
    if not tail or tail[0] not in BATCHABLE[argv[0]]:
        return None
    if tail[0] == 'netns' and (ns is not None or len(tail) != 3 or tail[1] not in NETNS_BATCHABLE):
        return None
    return (argv[0], ns), tail


def batch_line(tail):
    for token in tail:
        if not TOKEN_RE.match(token):
            raise CommandError('refusing to put %r into an ip -batch line' % (token,))
    return ' '.join(tail)


def group(steps):
    """The steps that run, in order: consecutive batchable steps of one tool
    and namespace become one ``-batch -`` step (a transform over steps)."""
    out, lines, current = [], [], None

    def flush():
        if len(lines) == 1:
            out.append(step(lines[0][1]))
        elif lines:
            tool, ns = current
            argv = [tool] + (['-n', ns] if ns else []) + ['-batch', '-']
            out.append(step(argv, ''.join(batch_line(t) + '\n' for t, _argv in lines)))
        del lines[:]

    for item in steps_of(steps):
        argv = item.argv
        key = batch_key(argv) if item.stdin is None else None
        if key is None or (lines and key[0] != current):
            flush()
        if key is None:
            out.append(item)
            continue
        current = key[0]
        lines.append((key[1], list(argv)))
    flush()
    return out


def in_process(argv):
    """(netns, function) doing *argv* in the module process, or None."""
    argv, ns = list(argv), None
    if argv[:3] == ['ip', 'netns', 'exec'] and len(argv) > 4:
        ns, argv = argv[3], argv[4:]
    if argv[:2] == ['ethtool', '-K'] and len(argv) == 5 and argv[3] == 'tx' \
            and argv[4] in ('on', 'off'):
        return ns, lambda: nswrite.set_tx_checksum(argv[2], argv[4] == 'on')
    if argv[:2] == ['sysctl', '-w'] and len(argv) == 3 and '=' in argv[2]:
        key, value = argv[2].split('=', 1)
        return ns, lambda: nswrite.write_sysctl(key, value)
    if ns is None and len(argv) == 3 and argv[:2] in (['mkdir', '-p'], ['rm', '-f']):
        return None, lambda: (nswrite.make_dir if argv[0] == 'mkdir' else nswrite.remove)(argv[2])
    if ns is None and len(argv) == 2 and argv[0] == 'touch':
        return None, lambda: nswrite.touch(argv[1])
    return None


def local(item):
    """The in-process form of a step (``in_process``), errors as CommandError."""
    found = in_process(item.argv) if item.stdin is None else None
    if found is None:
        return None
    netns, func = found

    def guarded_write():
        try:
            return func()
        except nswrite.WriteError as exc:
            raise CommandError(str(exc))
    return netns, guarded_write
