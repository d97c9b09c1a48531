# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The one plan step: what it does, typed, and the argv that does it.

Every planner returns a list of ``Step``. A step says what it does: its
operation (``op``, one of ``OPS``), the network namespace it acts in
(``netns``, None for the host's), the object (``obj``: a device, namespace,
address's device, route destination, sysctl key, file) and a detail (the
address, peer, settings). ``argv`` renders it (``ip -n NS ...``,
``ip netns exec NS CMD ...``); nothing else looks inside an argv: batching
(``ovl.ip.batch``), in-process writes, diffs, what a plan made, drift and
the runner read the fields.

What the modules report (``commands``, also in check mode) is the argv of
each logical step. What runs can be a transform of them: ``ip -batch -`` and
``bridge -batch -`` are consecutive ip/bridge steps of one namespace joined
into one step whose stdin holds the lines; ``iptables-restore --noflush``,
``nft -f -`` and ``ovs-ofctl --bundle add-flows BR -`` are single steps with
their payload on stdin; one OVSDB transaction is one step. A step with
content (a file's text) needs no shell either: its content is stdin.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

# the operations a step can be (``run``: a command nothing classifies)
OPS = frozenset((
    'run',
    'netns.add', 'netns.del', 'mark.dir', 'mark.add', 'mark.del',
    'sysctl', 'offload',
    'link.add', 'link.del', 'link.set',
    'addr.add', 'addr.del', 'addr.announce', 'route.replace', 'route.del',
    'fdb.append', 'fdb.del',
    'file.write',
    'service.start', 'service.stop', 'network.add', 'network.del',
    'batch',
))
NETNS_OPTION_TOOLS = ('ip', 'bridge')   # take ``-n NS``; others run under ``ip netns exec``


class Step(object):
    """One step; ``argv`` renders it, ``here`` is the argv that runs inside
    ``netns`` (entered with setns(2) by the runner: no ``ip netns exec``).
    *made*: the (netns, device) pairs a ``link.add`` makes."""

    __slots__ = ('op', 'tool', 'args', 'netns', 'obj', 'detail', 'stdin', 'made')

    def __init__(self, op, tool, args, netns=None, obj=None, detail=None, stdin=None, made=()):
        if op not in OPS:
            raise ValueError('unknown step operation %r' % (op,))
        if not isinstance(args, (list, tuple)):
            raise TypeError('a step takes an argv list, got %r' % (args,))
        self.op, self.tool, self.args, self.netns = op, tool, list(args), netns or None
        self.obj, self.detail, self.stdin, self.made = obj, detail, stdin, tuple(made)

    @property
    def here(self):
        return [self.tool] + self.args

    @property
    def argv(self):
        if self.netns is None:
            return self.here
        if self.tool in NETNS_OPTION_TOOLS:
            return [self.tool, '-n', self.netns] + self.args
        return ['ip', 'netns', 'exec', self.netns] + self.here

    def _key(self):
        return (self.op, self.tool, self.args, self.netns, self.obj, self.detail, self.stdin,
                self.made)

    def __eq__(self, other):
        return isinstance(other, Step) and self._key() == other._key()

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return 'Step(%s %r%s)' % (self.op, self.argv, ' +stdin' if self.stdin is not None else '')


def step(argv, stdin=None):
    """A host-namespace command nothing needs to classify (an OVSDB
    transaction, ``ovs-ofctl --bundle``, a file written through ``tee``)."""
    if not isinstance(argv, (list, tuple)) or not argv:
        raise TypeError('a step is an argv list, got %r' % (argv,))
    return Step('run', argv[0], argv[1:], stdin=stdin)


def ip_step(op, netns, obj, *args, **kw):
    """``ip [-n NS] ARGS``: *op* on *obj* in *netns*."""
    return Step(op, 'ip', args, netns=netns, obj=obj, **kw)


def described(steps):
    """[[op, netns, obj, detail]] of *steps*: what a check-mode result says
    each step is (the drift report reads it; no argv is read back)."""
    return [[s.op, s.netns, s.obj, s.detail] for s in steps]


def changes(steps):
    """[[op, obj, detail]] of *steps*: the ``changes`` a layer's result
    lists (the layers whose steps all run in the host's namespace)."""
    return [[s.op, s.obj, s.detail] for s in steps]


def change_rows(result, kinds, default):
    """A result's ``changes`` as drift rows (``ovl.report``): *kinds* maps
    an op to (kind, state), any other op gets *default* (kind, state)."""
    rows = []
    for op, obj, detail in result.get('changes') or []:
        kind, state = kinds.get(op, default)
        rows.append(dict(kind=kind, object=obj or op, state=state, detail=detail, owner=None))
    return rows


def steps_of(items):
    """[Step] from steps or plain argv lists (host-namespace ``run`` steps)."""
    return [item if isinstance(item, Step) else step(item) for item in items]


def run_steps(runner, steps, local=None):
    """Run *steps* in order; *local(step)* -> a function or None picks the
    steps the module does in-process (``Runner.call_in``, inside the step's
    namespace).

    Every binary the steps need is found before the first one runs: a host
    without one (``bridge``, ``nft``...) fails with nothing changed, not
    half way (``Runner.require``)."""
    picked = [(item, local(item) if local is not None else None) for item in steps]
    runner.require([item.tool for item, found in picked if found is None])
    for item, found in picked:
        if found is not None:
            runner.call_in(item.netns, item.argv, found)
        else:
            runner.run_step(item)
