# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Shaping of what a port sends (the rate limit *to* the device behind it):
pure planning of QoS and Queue rows into the host's one ovs-vsctl
transaction.

A port's ``shape`` ``{max_kbps, burst_kbit}`` becomes a QoS row of type
``linux-htb`` (``other_config:max-rate`` in bit/s) with one Queue (queue 0,
the one every frame without ``set_queue`` takes: ``max-rate`` and
``burst`` in bits) on the port: OVS sets up an htb qdisc on the device, and
every frame OVS sends to the port (the kernel datapath, and the userspace
one through its AF_PACKET socket) passes that qdisc. Ours: QoS and Queue
marked ``external_ids:ovl-owner``.

``plan_shapes(shapes, state, owner, gone, deleted) -> (sub-commands,
sub-commands of a second transaction, before, after, warnings)``:

- *shapes* ``{port: {max_kbps, burst_kbit}}`` of the ports this run lists
  (a listed port without a shape has none); the QoS of a port not listed
  stays;
- *gone*: the ports the transaction deletes (or deletes and adds again);
- *deleted*: those of *gone* the transaction itself deletes: their QoS and
  Queue rows are destroyed by a second transaction, after it (OVSDB refuses
  to destroy a QoS row in the transaction that deletes the port referring
  to it, even with the reference cleared first: found on the lab); if that
  one never runs, the next run destroys them as rows no port keeps.

A port's QoS of someone else is never touched (a warning, if a shape was
wanted). QoS and Queue are root tables (a row no port refers to stays):
ours that no port keeps are destroyed.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import validate as v
from ansible.module_utils.ovl.core.marks import OWNER_KEY
from ansible.module_utils.ovl.ovs.plan import is_ours as _ours

QOS_TYPE = 'linux-htb'


def normalize_shape(value, prefix):
    """``{max_kbps, burst_kbit}`` checked, or None."""
    if not value:
        return None
    return dict((field, v.kbit(value.get(field), prefix + field))
                for field in ('max_kbps', 'burst_kbit'))


def _view(state, uuid):
    """{max_kbps, burst_kbit} of QoS *uuid* as we make it; None if it is not."""
    qos = state.get('qos', {}).get(uuid)
    if not qos or qos['type'] != QOS_TYPE or list(qos['queues']) != [0]:
        return None
    queue = state.get('queues', {}).get(qos['queues'][0]) or {}
    try:
        rate = int(qos['other_config'].get('max-rate', ''))
        same = int(queue.get('other_config', {}).get('max-rate', '')) == rate
        burst = int(queue['other_config'].get('burst', ''))
    except (ValueError, KeyError):
        return None
    if not same or rate % 1000 or burst % 1000:
        return None
    return dict(max_kbps=rate // 1000, burst_kbit=burst // 1000)


def _create(index, port, shape, owner):
    rate = str(shape['max_kbps'] * 1000)
    mark = 'external_ids:%s=%s' % (OWNER_KEY, owner)
    qos, queue = '@ovlq%d' % index, '@ovlu%d' % index
    return [['set', 'Port', port, 'qos=' + qos],
            ['--id=' + qos, 'create', 'QoS', 'type=' + QOS_TYPE, 'other_config:max-rate=' + rate,
             'queues:0=' + queue, mark],
            ['--id=' + queue, 'create', 'Queue', 'other_config:max-rate=' + rate,
             'other_config:burst=%d' % (shape['burst_kbit'] * 1000), mark]]


def plan_shapes(shapes, state, owner, gone=(), deleted=()):
    cmds, before, after, warnings, kept = [], {}, {}, [], set()
    ports = state.get('ports', {})
    for index, (port, shape) in enumerate(sorted(shapes.items())):
        uuid = None if port in gone else (ports.get(port) or {}).get('qos')
        row = state.get('qos', {}).get(uuid)
        if uuid and not _ours(row, owner):
            kept.add(uuid)
            if shape:
                warnings.append('port %s has a QoS the project did not make (%s): its rate limit '
                                'is not set; clear it (ovs-vsctl clear Port %s qos) to let the '
                                'project set it' % (port, uuid, port))
            continue
        have = _view(state, uuid) if uuid else None
        if have or shape or uuid:
            before[port], after[port] = have if uuid else None, shape
        if uuid and have == shape:
            kept.add(uuid)
        elif shape:
            cmds += _create(index, port, shape, owner)
        elif uuid:
            cmds.append(['clear', 'Port', port, 'qos'])
    kept.update(row.get('qos') for name, row in ports.items()
                if name not in shapes and name not in gone)
    later = set((ports.get(name) or {}).get('qos') for name in deleted)
    later.update(q for u in list(later) for q in (state.get('qos', {}).get(u) or {})
                 .get('queues', {}).values())
    garbage = _garbage(state, owner, kept)
    now = [c for c in garbage if c[2] not in later]
    return cmds + now, [c for c in garbage if c[2] in later], before, after, warnings


def _garbage(state, owner, kept):
    """destroy our QoS rows that no port keeps, and our Queues no kept QoS holds."""
    held = set()
    for uuid, row in state.get('qos', {}).items():
        if uuid in kept or not _ours(row, owner):
            held.update(row['queues'].values())
    cmds = [['destroy', 'QoS', uuid] for uuid, row in sorted(state.get('qos', {}).items())
            if uuid not in kept and _ours(row, owner)]
    return cmds + [['destroy', 'Queue', uuid] for uuid, row in sorted(state.get('queues', {}).items())
                   if uuid not in held and _ours(row, owner)]
