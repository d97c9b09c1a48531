# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Tunnel types as data: everything the project knows about a tunnel type is
one row here, and the module choices, the option checks, the port names, the
MTU defaults and the verify's decoder follow from it.

Columns:
- ``name``: what ``overlay_tunnel_type`` and a tenant's ``tunnel_type`` say;
- ``ovs_type``: the OVS interface type (the userspace datapath builds every
  one of them itself, no kernel module needed);
- ``udp_port``: the destination port of a UDP encapsulation (None: not UDP);
- ``ip_proto``: the IP protocol number of a non-UDP encapsulation;
- ``overhead``: bytes an encapsulated frame adds on the underlay (outer IPv4
  and the tunnel header, plus the inner Ethernet header): the tenant MTU
  defaults to the underlay MTU minus this;
- ``prefix``: first letters of the tunnel port names (``vx64-a8fa0c``;
  flow mode: ``vxf-a8fa0c``);
- ``key_bits``: size of the tenant key on the wire (the VNI must fit);
- ``kernel_kind``: the ``ip link`` kind of tunnel mode ``kernel`` (one
  device per tenant with a flood list), or None when the type has no such
  device (Linux's FDB flood lists are VXLAN's);
- ``in_place``: the OVS interface options that change without re-creating
  the port (all of them: OVS re-reads options).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

TunnelType = collections.namedtuple(
    'TunnelType', 'name ovs_type udp_port ip_proto overhead prefix key_bits kernel_kind in_place')

# 14 (inner Ethernet) + 20 (outer IPv4) + 8 (UDP) + 8 (VXLAN)
VXLAN = TunnelType('vxlan', 'vxlan', 4789, None, 50, 'vx', 24, 'vxlan',
                   ('remote_ip', 'local_ip', 'key', 'dst_port'))

# Geneve (RFC 8926) without options: the same 8-byte header as VXLAN, port 6081
GENEVE = TunnelType('geneve', 'geneve', 6081, None, 50, 'gn', 24, None,
                    ('remote_ip', 'local_ip', 'key', 'dst_port'))
# GRE with a key (RFC 2890; the NVGRE-like key of seed 000, the GRE type driver of
# seed 002) carrying Ethernet: 14 + 20 (outer IPv4) + 4 (GRE) + 4 (key)
GRE = TunnelType('gre', 'gre', None, 47, 42, 'gr', 32, None, ('remote_ip', 'local_ip', 'key'))

TYPES = (VXLAN, GENEVE, GRE)
BY_NAME = dict((t.name, t) for t in TYPES)
BY_OVS_TYPE = dict((t.ovs_type, t) for t in TYPES)
NAMES = tuple(t.name for t in TYPES)
OVS_TYPES = tuple(t.ovs_type for t in TYPES)
KERNEL_KINDS = tuple(t.kernel_kind for t in TYPES if t.kernel_kind)
DEFAULT = VXLAN.name
MAX_OVERHEAD = max(t.overhead for t in TYPES)


def get(name):
    """The row of tunnel type *name* (KeyError for an unknown one)."""
    return BY_NAME[name]


def as_json():
    """The table as JSON (the verify reads it: ``python3 tunnels.py``)."""
    import json
    return json.dumps([t._asdict() for t in TYPES], sort_keys=True)


if __name__ == '__main__':
    import sys
    sys.stdout.write(as_json() + '\n')
