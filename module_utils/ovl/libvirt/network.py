# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The host's libvirt network, pure: libvirt's ``<forward mode='bridge'/>``
onto the integration bridge with ``<virtualport type='openvswitch'/>``, one
``<portgroup name=TENANT>`` per tenant of the host holding
``<vlan><tag id=TAG/></vlan>`` (the tenant's host-local VLAN; none with the
OVN backend, TAG None). A VM's ``<source network='ovl' portgroup='blue'/>``
makes libvirt add its port to br-int with blue's tag at every start.

``xml(name, bridge, portgroups)``, ``portgroup_xml(tenant, tag)``, and
``parse(text) -> {name, uuid, bridge, forward, virtualport, portgroups}``
(``FIELDS``: what we compare; libvirt adds a uuid and may reorder).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from xml.etree import ElementTree


FIELDS = ('name', 'forward', 'bridge', 'virtualport', 'portgroups')


def portgroup_xml(tenant, tag):
    if tag is None:
        return "<portgroup name='%s'/>" % tenant
    return "<portgroup name='%s'><vlan><tag id='%d'/></vlan></portgroup>" % (tenant, tag)


def xml(name, bridge, portgroups, uuid=None):
    """The network's definition; *portgroups*: {tenant: tag or None}; *uuid*: the
    defined network's (libvirt refuses a new definition of a network of the
    same name without it: it would be another network)."""
    lines = ["<network>", "  <name>%s</name>" % name]
    if uuid:
        lines.append("  <uuid>%s</uuid>" % uuid)
    lines += ["  <forward mode='bridge'/>", "  <bridge name='%s'/>" % bridge,
              "  <virtualport type='openvswitch'/>"]
    lines += ['  ' + portgroup_xml(t, tag) for t, tag in sorted(portgroups.items())]
    return '\n'.join(lines + ['</network>']) + '\n'


def parse(text):
    """The fields of a network definition we own; ValueError when *text* is
    not a network's XML."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise ValueError('not XML: %s' % exc)
    if root.tag != 'network':
        raise ValueError('not a network definition')
    groups = {}
    for group in root.findall('portgroup'):
        tag = group.find('vlan/tag')
        groups[group.get('name')] = int(tag.get('id')) if tag is not None else None
    forward, bridge, port = root.find('forward'), root.find('bridge'), root.find('virtualport')
    return dict(name=root.findtext('name'), uuid=root.findtext('uuid'),
                forward=forward.get('mode') if forward is not None else None,
                bridge=bridge.get('name') if bridge is not None else None,
                virtualport=port.get('type') if port is not None else None,
                portgroups=groups)
