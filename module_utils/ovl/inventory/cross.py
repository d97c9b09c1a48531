# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Checks across tenant files: VNI and tenant names unique, endpoint names
unique per host, VM MACs unique, floating addresses unique, published host
ports unique per host and protocol, a VLAN id once per physical network and
one flat tenant per physical network, a capture interface (``mirror``) for
one tenant only.

``cross_errors(docs) -> [(display_path, 'field: value reason'), ...]`` where
*docs* is a list of (display_path, the schema-valid part of a document; a
field may be absent) in file order; the
first file (in sorted order) keeps a contested value, later ones get the error.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import networks
from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.tenant.names import nat_address


def _by(owner):
    return 'tenant %s (%s)' % owner


def cross_errors(docs):
    errors = []
    vnis, names, endpoints, macs, floating, ports = {}, {}, {}, {}, {}, {}
    slots, segments, captures = {}, {}, {}
    for path, doc in docs:
        owner = (doc.get('name', '?'), path)
        errors.extend((path, line) for line in _segment(doc, owner, segments))
        for index, item in enumerate(doc.get('mirror') or []):
            key = (item['host'], item['interface'])
            if captures.setdefault(key, owner) != owner:
                errors.append((path, str(InputError(
                    'mirror[%d].interface' % index, item['interface'], 'is already the capture '
                    'interface of %s on %s: a capture interface shows one tenant only'
                    % (_by(captures[key]), item['host'])))))
        if 'vni' in doc:
            if doc['vni'] in vnis:
                errors.append((path, str(InputError('vni', doc['vni'], 'is already used by %s'
                                                    % _by(vnis[doc['vni']])))))
            vnis.setdefault(doc['vni'], owner)
        if 'name' in doc:
            if doc['name'] in names:
                errors.append((path, str(InputError('name', doc['name'], 'is already used by %s'
                                                    % names[doc['name']][1]))))
            names.setdefault(doc['name'], owner)
        mine = set()
        for index, ep in enumerate(doc.get('endpoints') or []):
            key = (ep['host'], ep['name'])
            if key in endpoints and key not in mine:
                errors.append((path, str(InputError(
                    'endpoints[%d].name' % index, ep['name'], 'is already used on %s by %s'
                    % (ep['host'], _by(endpoints[key]))))))
            mine.add(key)
            endpoints.setdefault(key, owner)
            mac = (ep.get('mac') or '').lower()
            if mac and mac in macs and macs[mac][0] != owner:
                errors.append((path, str(InputError(
                    'endpoints[%d].mac' % index, ep['mac'], 'is already the MAC of %s of %s'
                    % (macs[mac][1], _by(macs[mac][0]))))))
            if mac:
                macs.setdefault(mac, (owner, ep['name']))
            errors.extend((path, line) for line in _offered(ep, index, owner, floating, ports))
            errors.extend((path, line) for line in _nat_slot(ep, index, owner, slots))
    return errors


def _segment(doc, owner, segments):
    """A physical network carries each VLAN id once, and one flat tenant."""
    physnet, kind = doc.get('physical_network'), doc.get('network_type')
    if physnet is None or not networks.is_provider(kind):
        return []
    tagged = networks.BY_NAME[kind].tagged
    segment = doc.get('segmentation_id') if tagged else None
    if tagged and segment is None:
        return []
    key = (physnet, segment)
    if segments.setdefault(key, owner) == owner:
        return []
    if not tagged:
        return [str(InputError('physical_network', physnet, 'already carries the flat %s: '
                               'a physical network carries at most one flat tenant'
                               % _by(segments[key])))]
    return [str(InputError('segmentation_id', segment, 'is already the VLAN of %s on physical '
                           'network %s' % (_by(segments[key]), physnet)))]


def _nat_slot(ep, index, owner, slots):
    """Two floating addresses of one host whose NAT addresses would be the
    same (they agree in their low 15 bits: ``ovl.tenant.names.nat_address``;
    only possible in an underlay network larger than a /17)."""
    addr = ep.get('floating_ip')
    try:
        nat = nat_address(addr) if addr else None
    except ValueError:
        return []
    key = (ep['host'], nat)
    if nat is None or slots.setdefault(key, (owner, ep['name'], addr))[2] == addr:
        return []
    other = slots[key]
    why = 'has the same NAT address %s on %s as %s of %s (%s)' % (
        nat, ep['host'], other[1], _by(other[0]), other[2])
    why += ': floating addresses of one host must differ in their low 15 bits'
    return [str(InputError('endpoints[%d].floating_ip' % index, addr, why))]


def _offered(ep, index, owner, floating, ports):
    """Errors of what *ep* offers outside that another endpoint already has."""
    out, where = [], 'endpoints[%d]' % index
    addr = ep.get('floating_ip')
    if addr:
        if addr in floating and floating[addr][1] != ep['name']:
            out.append(str(InputError(where + '.floating_ip', addr, 'is already the floating '
                                      'address of %s of %s' % (floating[addr][1],
                                                               _by(floating[addr][0])))))
        floating.setdefault(addr, (owner, ep['name']))
    for number, item in enumerate(ep.get('publish') or []):
        key = (ep['host'], item.get('proto') or 'tcp', item['host_port'])
        if key in ports and ports[key][1] != ep['name']:
            out.append(str(InputError('%s.publish[%d].host_port' % (where, number),
                                      item['host_port'], 'is already published on %s by %s of %s'
                                      % (ep['host'], ports[key][1], _by(ports[key][0])))))
        ports.setdefault(key, (owner, ep['name']))
    return out
