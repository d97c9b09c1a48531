# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Checks across tenant files: VNI and tenant names unique, endpoint names
unique per host, VM MACs unique.

``cross_errors(docs) -> [(display_path, 'field: value reason'), ...]`` where
*docs* is a list of (display_path, the schema-valid part of a document; a
field may be absent) in file order; the
first file (in sorted order) keeps a contested value, later ones get the error.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.validate import InputError


def _by(owner):
    return 'tenant %s (%s)' % owner


def cross_errors(docs):
    errors = []
    vnis, names, endpoints, macs = {}, {}, {}, {}
    for path, doc in docs:
        owner = (doc.get('name', '?'), path)
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
    return errors
