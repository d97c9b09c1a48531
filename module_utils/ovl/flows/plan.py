# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Pure planner for the project's OpenFlow rules on one bridge.

``plan_flows(want, have, port_numbers, prune, flush_learned)
-> (flow_mods, before, after)``

*want*: normalised flows (ovl.flows.model); *have*: the project's static
flows read from the bridge (``ovl.flows.read.parse_flows``); *port_numbers*:
{port name: OpenFlow number}. *flow_mods* are the lines of ONE
``ovs-ofctl --bundle add-flows BRIDGE -`` (atomic):

1. ``delete cookie=C/-1`` for each flow of ours that is not wanted (prune);
2. ``delete cookie=LEARNED/STATIC_MASK`` when anything changes and
   *flush_learned*: learned MAC->tunnel entries may point at a VLAN/VNI
   mapping that changed; they are learned again from the next packet;
3. ``add cookie=C,table=..,priority=..,MATCH,actions=..`` for each wanted flow
   whose cookie is absent.

Only flows with a cookie in PROJECT/STATIC_MASK are ever deleted: foreign
flows (any other cookie) are never named. before/after are lists of flow
texts (``table=..,priority=..,MATCH,actions=..``) for diff mode.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.flows.model import (
    LEARNED, STATIC_MASK, cookie_of, cookie_spec, flow_text, hexcookie, is_static)


def add_line(flow, cookie):
    return 'add cookie=%s,%s' % (hexcookie(cookie), flow['text'])


def delete_line(cookie):
    return 'delete cookie=%s/-1' % hexcookie(cookie)


def flush_line():
    return 'delete ' + cookie_spec(LEARNED, STATIC_MASK)


def wanted_cookies(want, port_numbers):
    """[(cookie, flow)] in input order."""
    return [(cookie_of(flow, port_numbers), flow) for flow in want]


def plan_flows(want, have, port_numbers, prune=True, flush_learned=True):
    wanted = wanted_cookies(want, port_numbers)
    present = dict((f['cookie'], f) for f in have if is_static(f['cookie']))
    keep = set(cookie for cookie, _flow in wanted)
    deletes = []
    if prune:
        deletes = [delete_line(c) for c in sorted(present) if c not in keep]
    adds = [add_line(flow, c) for c, flow in wanted if c not in present]
    mods = deletes + ([flush_line()] if (deletes or adds) and flush_learned else []) + adds
    stale = [flow_text(present[c]) for c in present if c not in keep]
    before = sorted(set([flow['text'] for c, flow in wanted if c in present] + stale))
    after = sorted(set([flow['text'] for _cookie, flow in wanted] + ([] if prune else stale)))
    return mods, before, after
