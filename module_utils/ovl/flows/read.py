# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Read one bridge's OpenFlow state with ovs-ofctl, and parse it.

- ``dump_argv(target)``: ``ovs-ofctl --no-names --no-stats dump-flows TARGET
  cookie=PROJECT/STATIC_MASK``: only the project's static flows (foreign and
  learned flows are not even read).
- ``ports_argv(target)``: ``ovs-ofctl dump-ports-desc TARGET`` (port numbers).
- ``parse_flows(text) -> [{cookie, table, priority, match, actions}]``
- ``parse_ports(text) -> {name: number}``
- ``missing_bridge(err)``: the error ovs-ofctl gives for a bridge (or mgmt
  socket) that does not exist.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.ovl.flows.model import PROJECT, STATIC_MASK, cookie_spec

# Fields of a dump-flows line that are not part of the match.
NOT_MATCH = ('cookie', 'duration', 'table', 'n_packets', 'n_bytes', 'idle_age', 'hard_age',
             'idle_timeout', 'hard_timeout', 'priority', 'importance', 'send_flow_rem',
             'reset_counts', 'no_packet_counts', 'no_byte_counts', 'check_overlap')
PORT_LINE = re.compile(r'^\s*(\d+|LOCAL)\(([^)]*)\):')


def ofctl_base(timeout=None):
    argv = ['ovs-ofctl']
    if timeout:
        argv.append('--timeout=%d' % int(timeout))
    return argv


def dump_argv(target, timeout=None):
    return ofctl_base(timeout) + ['--no-names', '--no-stats', 'dump-flows', target,
                                  cookie_spec(PROJECT, STATIC_MASK)]


def ports_argv(target, timeout=None):
    return ofctl_base(timeout) + ['--no-names', 'dump-ports-desc', target]


def _split_head(head):
    """'cookie=0x1, table=2, priority=1,in_port=3' -> (fields, match tokens)."""
    fields, match = {}, []
    for token in head.replace(', ', ',').split(','):
        token = token.strip()
        if not token:
            continue
        key, sep, value = token.partition('=')
        if key in NOT_MATCH:
            fields[key] = value if sep else True
        else:
            match.append(token)
    return fields, match


def parse_flow_line(line):
    """One dump-flows line -> dict, or None for headers and blank lines."""
    text = line.strip()
    if ' actions=' not in ' ' + text:
        return None
    head, _sep, actions = (' ' + text).partition(' actions=')
    fields, match = _split_head(head)
    return dict(cookie=int(fields.get('cookie', '0'), 16),
                table=int(fields.get('table', 0)),
                priority=int(fields.get('priority', 32768)),
                match=','.join(match),
                actions=actions.strip())


def parse_flows(text):
    flows = []
    for line in (text or '').splitlines():
        flow = parse_flow_line(line)
        if flow is not None:
            flows.append(flow)
    return flows


def parse_ports(text):
    """{name: OpenFlow port number} from ``dump-ports-desc`` (LOCAL skipped)."""
    ports = {}
    for line in (text or '').splitlines():
        found = PORT_LINE.match(line)
        if found and found.group(1) != 'LOCAL':
            ports[found.group(2)] = int(found.group(1))
    return ports


def missing_bridge(err):
    text = err or ''
    return 'is not a bridge or a socket' in text or 'No such file or directory' in text
