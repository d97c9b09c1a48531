# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Load every tenant file of a directory, validate all of it, normalise.

``load_inventory(tenants_dir, hostvars, schema, base_dir=None, play=None)
-> (Inventory or None, errors)``: the tenant files, and the host and play
variables of every host (``ovl.inventory.hostvars``), validated together.
*errors* holds every problem found, one line each, as
``inventory/tenants/red.yml: vni: 100 is already used by tenant blue
(inventory/tenants/blue.yml)`` or ``host2: overlay_underlay_mtu: 0 is
outside 68-65535 (an MTU)``; the Inventory is None when there is any error.
``load_tenants`` is the same returning (tenants, errors).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.inventory.backend import backend_errors
from ansible.module_utils.ovl.inventory.cross import cross_errors
from ansible.module_utils.ovl.inventory.hostvars import host_facts
from ansible.module_utils.ovl.tenant.model import Inventory
from ansible.module_utils.ovl.inventory.normalize import normalise
from ansible.module_utils.ovl.inventory.schema import schema_check
from ansible.module_utils.ovl.inventory.yaml_file import load_file

SUFFIXES = ('.yml', '.yaml')
SCHEMA_RELPATH = os.path.join('schema', 'tenant.schema.json')
KINDS = {'list': 'a list', 'str': 'plain text', 'int': 'a number', 'float': 'a number',
         'bool': 'a boolean', 'date': 'a date', 'datetime': 'a date and time',
         'bytes': 'binary data (!!binary)', 'set': 'a set (!!set)'}
EMPTY = 'the file is empty (expected a mapping with name, vni, subnet, endpoints)'


def tenant_files(tenants_dir):
    """Sorted paths of the tenant files (*.yml, *.yaml; hidden files skipped)."""
    names = [n for n in os.listdir(tenants_dir)
             if n.endswith(SUFFIXES) and not n.startswith('.')
             and os.path.isfile(os.path.join(tenants_dir, n))]
    return [os.path.join(tenants_dir, n) for n in sorted(names)]


def find_schema(start):
    """schema/tenant.schema.json in *start* or the nearest parent holding it."""
    here = os.path.abspath(start)
    while True:
        candidate = os.path.join(here, SCHEMA_RELPATH)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def display_path(path, base_dir):
    """*path* relative to *base_dir*; absolute when it lies outside it."""
    if base_dir:
        shown = os.path.relpath(os.path.abspath(path), os.path.abspath(base_dir))
        return os.path.abspath(path) if shown.startswith('..') else shown
    return path


def _read(path, shown, schema, errors):
    """The schema-valid part of the document of *path* (errors appended), or
    None when the file is not a mapping at all."""
    data, problem = load_file(path)
    if problem is None and data is None:
        problem = EMPTY
    elif problem is None and not isinstance(data, dict):
        problem = ('the file holds %s, expected a mapping with name, vni, subnet, endpoints'
                   % KINDS.get(type(data).__name__, 'a %s' % type(data).__name__))
    if problem is not None:
        errors.append((shown, problem))
        return None
    found, valid = schema_check(schema, data)
    errors.extend((shown, line) for line in found)
    return valid


def load_inventory(tenants_dir, hostvars, schema, base_dir=None, play=None):
    facts, host_errors = host_facts(hostvars, play)
    if not os.path.isdir(tenants_dir):
        return None, host_errors + ['%s: tenants directory does not exist'
                                    % display_path(tenants_dir, base_dir)]
    docs, tenants, errors = [], [], []
    for path in tenant_files(tenants_dir):
        shown = display_path(path, base_dir)
        data = _read(path, shown, schema, errors)
        if data is None:
            continue
        docs.append((shown, data))
        stem = os.path.splitext(os.path.basename(path))[0]
        tenant, found = normalise(data, stem, facts, shown)
        errors.extend((shown, line) for line in found)
        errors.extend((shown, line) for line in backend_errors(data, facts))
        if tenant is not None:
            tenants.append(tenant)
    errors.extend(cross_errors(docs))
    if errors or host_errors:
        # grouped by file (stable: within a file, in the order found)
        return None, host_errors + ['%s: %s' % pair for pair in
                                    sorted(errors, key=lambda pair: pair[0])]
    return Inventory(tuple(sorted(tenants, key=lambda t: t.name)),
                     tuple(facts[name] for name in sorted(facts))), []


def load_tenants(tenants_dir, hostvars, schema, base_dir=None, play=None):
    inventory, errors = load_inventory(tenants_dir, hostvars, schema, base_dir, play)
    return (list(inventory.tenants) if inventory else []), errors
