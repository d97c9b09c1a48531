# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""ovs-vsctl value syntax: every string is emitted quoted, so values that
OVS would otherwise parse (MACs, IPv6, spaces, commas) round-trip exactly."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def q(value):
    return json.dumps(str(value))


def set_col(column, value):
    """``column=value``: ints bare, strings quoted, lists as a set."""
    if isinstance(value, bool):
        return '%s=%s' % (column, 'true' if value else 'false')
    if isinstance(value, int):
        return '%s=%d' % (column, value)
    if isinstance(value, (list, tuple)):
        return '%s=[%s]' % (column, ','.join(str(int(v)) for v in value))
    return '%s=%s' % (column, q(value))


def set_key(column, key, value):
    """``column:"key"="value"`` for one key of a map column."""
    return '%s:%s=%s' % (column, q(key), q(value))


def set_map(column, mapping):
    """``column={"k"="v",...}``: replaces the whole map."""
    body = ','.join('%s=%s' % (q(k), q(v)) for k, v in sorted(mapping.items()))
    return '%s={%s}' % (column, body)
