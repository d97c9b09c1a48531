# -*- coding: utf-8 -*-
"""Run a plan: consecutive ``ip [-n NS] link|addr|route ...`` commands of one
namespace go to a single ``ip [-n NS] -batch -`` process (one line each on
stdin); anything else (``ip netns``, sysctl, ethtool, marker files) runs as
its own argv. Batch lines are joined from tokens the model validated; a
token that could change how ``ip -batch`` splits a line is refused.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.ovl.core.runner import CommandError

BATCHABLE = ('link', 'addr', 'route')
TOKEN_RE = re.compile(r'^[A-Za-z0-9_.:/=+-]+$')


def batch_key(argv):
    """(netns, tail) for a batchable ip command, else None."""
    argv = list(argv)
    if not argv or argv[0] != 'ip':
        return None
    ns, tail = None, argv[1:]
    if tail[:1] == ['-n']:
        ns, tail = tail[1], tail[2:]
    if not tail or tail[0] not in BATCHABLE:
        return None
    return ns, tail


def batch_line(tail):
    for token in tail:
        if not TOKEN_RE.match(token):
            raise CommandError('refusing to put %r into an ip -batch line' % (token,))
    return ' '.join(tail)


def group(commands):
    """[(argv, stdin or None), ...]: what actually runs, in order."""
    out, lines, current = [], [], None

    def flush():
        if len(lines) == 1:
            out.append((lines[0][1], None))
        elif lines:
            ns = current
            argv = ['ip'] + (['-n', ns] if ns else []) + ['-batch', '-']
            out.append((argv, ''.join(batch_line(t) + '\n' for t, _ in lines)))
        del lines[:]

    for argv in commands:
        key = batch_key(argv)
        if key is None or (lines and key[0] != current):
            flush()
        if key is None:
            out.append((list(argv), None))
            continue
        current = key[0]
        lines.append((key[1], list(argv)))
    flush()
    return out


def execute(runner, commands):
    for argv, data in group(commands):
        runner.check(argv, data=data)
