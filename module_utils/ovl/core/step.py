# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The one plan step: an argv list and, optionally, what goes to its stdin.

Every planner returns a list of ``Step``. What the modules report
(``commands``, also in check mode) is the argv of each logical step. What
runs can be a transform of them: ``ip -batch -`` and ``bridge -batch -`` are
consecutive ip/bridge steps joined into one step whose stdin holds the lines
(``ovl.ip.batch.group``); ``iptables-restore --noflush``, ``nft -f -`` and
``ovs-ofctl --bundle add-flows BR -`` are single steps with their payload on
stdin; one OVSDB transaction is one step. A step with content (a file's text)
needs no shell either: its content is stdin.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

Step = collections.namedtuple('Step', 'argv stdin')


def step(argv, stdin=None):
    if not isinstance(argv, (list, tuple)):
        raise TypeError('a step is an argv list, got %r' % (argv,))
    return Step(list(argv), stdin)


def steps_of(items):
    """[Step] from steps or plain argv lists."""
    return [item if isinstance(item, Step) else step(item) for item in items]


def run_steps(runner, steps, local=None):
    """Run *steps* in order; *local(step)* -> (netns, function) or None picks
    the steps the module does in-process (``Runner.call_in``).

    Every binary the steps need is found before the first one runs: a host
    without one (``bridge``, ``nft``...) fails with nothing changed, not
    half way (``Runner.require``)."""
    picked = [(item, local(item) if local is not None else None) for item in steps]
    runner.require([item.argv for item, found in picked if found is None])
    for item, found in picked:
        if found is not None:
            runner.call_in(found[0], item.argv, found[1])
        else:
            runner.check(item.argv, data=item.stdin)
