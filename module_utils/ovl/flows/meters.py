# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Policing what comes in on a port (the rate limit *from* the device behind
it) with OpenFlow meters, on a NORMAL-switching bridge: pure parts.

A wanted meter ``{port, max_kbps, burst_kbit}`` is an OpenFlow 1.3 meter
(``kbps,burst``, one ``drop`` band: what goes above the rate is dropped) and
the flow ``table=0, priority=PRIORITY, in_port=PORT, actions=meter:ID,NORMAL``.
Meters work in both datapaths (the kernel's since Linux 4.15, the userspace
one's own); ``ingress_policing_rate`` does not serve here: it is tc on the
device, which the userspace datapath reads before tc (AF_PACKET), and which
needs the kernel's ``act_police``.

The meter id is ours by its high 16 bits (``METER_BASE``, the project mark of
the cookies), its low 16 bits the port's OpenFlow number (unique on the
bridge, below 0xff00): a meter is found again by its port, a port made
again with another number gets another meter, and the old one is pruned.
Meters of other ids are never named.

- ``meters_argv(base, target)``: ``ovs-ofctl -O OpenFlow13 dump-meters TARGET``;
- ``parse_meters(text) -> {id: {max_kbps, burst_kbit, flags}}`` (ours only);
- ``plan_meters(want, have, port_numbers, check_mode) -> (add/mod argv
  tails, del argv tails, flows, before, after)``.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.ovl.core import validate as v
from ansible.module_utils.ovl.core.marks import COOKIE_PROJECT
from ansible.module_utils.ovl.core.validate import InputError

METER_BASE = (COOKIE_PROJECT >> 48) << 16     # 0x0f1c0000
METER_MASK = 0xffff0000
PRIORITY = 10
OPENFLOW = ['-O', 'OpenFlow13']
METER_LINE = re.compile(r'^meter=(\d+)\s+(.*?)\s*bands=\s*$')
BAND_LINE = re.compile(r'^type=drop rate=(\d+)(?: burst_size=(\d+))?')


def is_ours(meter_id):
    return meter_id & METER_MASK == METER_BASE


def normalize_meters(items, prefix='meters'):
    out, seen = [], {}
    for i, item in enumerate(items or []):
        field = '%s[%d].' % (prefix, i)
        port = v.ifname(item.get('port'), field + 'port')
        if port in seen:
            raise InputError(field + 'port', port, 'is already metered by %s' % seen[port])
        seen[port] = '%s[%d]' % (prefix, i)
        out.append(dict(port=port, max_kbps=v.kbit(item.get('max_kbps'), field + 'max_kbps'),
                        burst_kbit=v.kbit(item.get('burst_kbit'), field + 'burst_kbit')))
    return out


def meters_argv(base, target):
    return base + OPENFLOW + ['dump-meters', target]


def parse_meters(text):
    """{meter id: {max_kbps, burst_kbit}} of our meters in a dump-meters reply."""
    meters, current = {}, None
    for line in (text or '').splitlines():
        line = line.strip()
        head = METER_LINE.match(line)
        if head:
            number = int(head.group(1))
            current = number if is_ours(number) else None
            if current is not None:
                meters[current] = dict(max_kbps=None, burst_kbit=None,
                                       flags=sorted(head.group(2).split()))
            continue
        band = BAND_LINE.match(line)
        if band and current is not None and meters[current]['max_kbps'] is None:
            meters[current].update(max_kbps=int(band.group(1)),
                                   burst_kbit=int(band.group(2) or 0))
    return meters


def meter_spec(meter_id, meter):
    return 'meter=%d,kbps,burst,band=type=drop,rate=%d,burst_size=%d' % (
        meter_id, meter['max_kbps'], meter['burst_kbit'])


def _view(have):
    return dict(max_kbps=have['max_kbps'], burst_kbit=have['burst_kbit'])


def _same(have, meter):
    return (have.get('flags') == ['burst', 'kbps'] and _view(have) == _view(meter))


def plan_meters(want, have, port_numbers, check_mode=False):
    """(add-meter/mod-meter tails, del-meter tails, flows, before, after); a
    wanted port that is not on the bridge is an error, in check mode it is
    shown missing (its port may be made by the same run)."""
    puts, flows, before, after, kept = [], [], {}, {}, set()
    for meter in want:
        number = port_numbers.get(meter['port'])
        after[meter['port']] = _view(meter)
        if number is None:
            if not check_mode:
                raise InputError('meters', meter['port'], 'is not a port of the bridge')
            before[meter['port']] = None
            continue
        meter_id = METER_BASE | number
        kept.add(meter_id)
        found = have.get(meter_id)
        before[meter['port']] = _view(found) if found else None
        if found is None:
            puts.append(['add-meter', meter_spec(meter_id, meter)])
        elif not _same(found, meter):
            puts.append(['mod-meter', meter_spec(meter_id, meter)])
        flows.append(dict(table=0, priority=PRIORITY, match='in_port=%s' % meter['port'],
                          actions='meter:%d,NORMAL' % meter_id))
    names = dict((METER_BASE | n, name) for name, n in port_numbers.items())
    drops = []
    for meter_id in sorted(set(have) - kept):
        drops.append(['del-meter', 'meter=%d' % meter_id])
        port = names.get(meter_id, 'meter %d' % meter_id)
        before.setdefault(port, _view(have[meter_id]))
        after.setdefault(port, None)
    return puts, drops, flows, before, after
