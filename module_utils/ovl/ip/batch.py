# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Run a plan: consecutive ip steps (link, addr, route) of one namespace, and
``ip netns add|del`` in the host's, go to a single ``ip [-n NS] -batch -``
process (one line each on stdin), and consecutive ``bridge fdb`` steps to one
``bridge [-n NS] -batch -``; anything else runs as its own process, except
the steps the module does itself, in-process (``local``: tx offload,
sysctls, marker files; see ``ovl.ip.nswrite``). Batch lines are joined from
tokens the model validated; a token that could change how ``ip -batch``
splits a line is refused. Steps are classified by their operation
(``ovl.core.step``), never by reading an argv.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.core.step import Step, steps_of
from ansible.module_utils.ovl.ip import nswrite

BATCHED = ('link.add', 'link.del', 'link.set', 'addr.add', 'addr.del', 'route.replace',
           'route.del', 'fdb.append', 'fdb.del', 'netns.add', 'netns.del')
TOKEN_RE = re.compile(r'^[A-Za-z0-9_.:/=+-]+\Z')


def batch_key(item):
    """(tool, netns) of a step that can go into a ``-batch`` process, else None."""
    if item.stdin is not None or item.op not in BATCHED:
        return None
    return item.tool, item.netns


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
            out.append(lines[0])
        elif lines:
            tool, ns = current
            out.append(Step('batch', tool, ['-batch', '-'], ns,
                            stdin=''.join(batch_line(s.args) + '\n' for s in lines)))
        del lines[:]

    for item in steps_of(steps):
        key = batch_key(item)
        if key is None or (lines and key != current):
            flush()
        if key is None:
            out.append(item)
            continue
        current = key
        lines.append(item)
    flush()
    return out


def in_process(item):
    """A function doing step *item* in the module process (inside the step's
    namespace, which the runner enters), or None."""
    if item.stdin is not None:
        return None
    if item.op == 'offload':
        return lambda: nswrite.set_tx_checksum(item.obj, item.detail == 'tx on')
    if item.op == 'sysctl':
        return lambda: nswrite.write_sysctl(item.obj, item.detail)
    if item.netns is None and item.op == 'mark.dir':
        return lambda: nswrite.make_dir(item.detail)
    if item.netns is None and item.op == 'mark.add':
        return lambda: nswrite.touch(item.detail)
    if item.netns is None and item.op == 'mark.del':
        return lambda: nswrite.remove(item.detail)
    return None


def local(item):
    """The in-process form of a step (``in_process``), errors as CommandError."""
    func = in_process(item)
    if func is None:
        return None

    def guarded_write():
        try:
            return func()
        except nswrite.WriteError as exc:
            raise CommandError(str(exc))
    return guarded_write
