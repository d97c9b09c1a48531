# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Filters between the validated inventory and the host tasks.

- ``hostvars | overlay_hostvars(groups['overlay_hosts'])``: {host: the
  overlay_* host and play variables set for it} for EVERY host of the group
  (not only the play's, so --limit still sees all tunnel peers): the input of
  the validation (``overlay_tenants``).
- ``overlay_inventory | overlay_preflight_args(host)``: the options of the
  host's ``overlay_preflight`` task.
- ``overlay_inventory | overlay_host_model(host)``: the part of the model
  the host needs (``overlay_apply`` computes the host's state from it, on the
  host).
- ``overlay_inventory | overlay_host_state(host, tags, discovered)``: every
  layer input of the host (``ovl.tenant.host_state``), as ``overlay_apply``
  computes it from the host's model: to look at, not used by the roles.
- ``overlay_inventory | overlay_endpoints``: every endpoint with its
  tenant's resolved settings and the namespace its interface lives in (by
  its kind, ``ovl.tenant.endpoints``): what the verify probes.
- ``ansible_run_tags | overlay_layers(ansible_skip_tags)``: the layers of
  ``overlay_apply`` this run's --tags/--skip-tags select (``ovl.host.layers``).
- ``hostvars[host] | overlay_drift_results``: the registered results of a
  check-mode run of the layers; ``overlay_inventory | overlay_drift(results)``:
  {rows, text}, the drift per host and tenant (``ovl.report.drift``).
- ``overlay_inventory | overlay_topology_dot(rows, read)`` and
  ``overlay_topology_text(rows, read)``: the topology picture as Graphviz DOT
  and as text (``ovl.report.topology_view``); *rows* None draws the
  inventory alone, a list (``ovl_drift.rows``) marks the drift of the hosts
  *read*.

*overlay_inventory* is what ``overlay_tenants`` returned. The inputs were
validated there, before any host task, so these filters do not report input
errors; a failure here is a defect of the project, reported as one line.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import ansible.module_utils
from ansible.errors import AnsibleFilterError

# Controller side: make the repo's module_utils importable (idempotent).
_MODULE_UTILS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             'module_utils')
if _MODULE_UTILS not in ansible.module_utils.__path__:
    ansible.module_utils.__path__.append(_MODULE_UTILS)

from ansible.module_utils.ovl.host.layers import NAMES as LAYER_NAMES, result_keys  # noqa: E402
from ansible.module_utils.ovl.host.layers import selected as layers_selected  # noqa: E402
from ansible.module_utils.ovl.report.drift import drift_rows, drift_text, workload_rows  # noqa: E402
from ansible.module_utils.ovl.tenant.endpoints import flattened  # noqa: E402
from ansible.module_utils.ovl.tenant.host_state import (  # noqa: E402
    host_model, host_state, preflight_args)
from ansible.module_utils.ovl.inventory.hostvars import HOST_VARS, PLAY_VARS  # noqa: E402
from ansible.module_utils.ovl.tenant.model import Inventory  # noqa: E402
from ansible.module_utils.ovl.report.topology_view import (  # noqa: E402
    topology_dot, topology_text)


def _inventory(result):
    if not isinstance(result, dict) or 'tenants' not in result or 'hosts' not in result:
        raise AnsibleFilterError('overlay filters take the result of overlay_tenants '
                                 '(registered as overlay_inventory)')
    return Inventory.from_result(result)


def _guard(func, *args):
    try:
        return func(*args)
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError('%s: %s (a defect of the project: the inventory was '
                                 'validated before)' % (func.__name__, exc))


def overlay_hostvars(hostvars, hosts):
    """{host: {overlay_* variables that are set (not None)}} for *hosts*."""
    out = {}
    for host in sorted(hosts or []):
        values = hostvars[host]
        out[host] = dict((key, values[key]) for key in HOST_VARS + PLAY_VARS
                         if key in values and values[key] is not None)
    return out


def overlay_preflight_args(result, host):
    return _guard(preflight_args, _inventory(result), host)


def overlay_host_model(result, host):
    return _guard(host_model, _inventory(result), host)


def overlay_host_state(result, host, tags, discovered=None):
    return _guard(host_state, _inventory(result), host, tags, discovered)


def overlay_endpoints(result, workloads=None):
    return _guard(flattened, _inventory(result), workloads or [])


def overlay_layers(run_tags, skip_tags=None):
    return _guard(layers_selected, run_tags, skip_tags)


def overlay_drift_results(values):
    """{layer: the part of its registered result the drift report reads
    (the keys its row of the layer table names)}."""
    out = {}
    pre = values.get('overlay_pre') or {}
    if pre.get('failed') or 'overlay_host_found' not in values:
        return dict(failed=True, msg=pre.get('msg') or 'the preflight did not finish')
    layers = (values.get('overlay_result') or {}).get('layers') or {}
    for layer in LAYER_NAMES:
        result = layers.get(layer) or {}
        out[layer] = dict((k, result[k]) for k in result_keys(layer) if k in result)
    return out


def overlay_drift(result, results):
    rows = _guard(drift_rows, _inventory(result), results)
    workloads = workload_rows(results)
    return dict(rows=rows, text=drift_text(rows, workloads), workloads=workloads,
                hosts=sorted(set(r['host'] for r in rows)))


def overlay_topology_dot(result, rows=None, read=None):
    return _guard(topology_dot, _inventory(result), rows, read)


def overlay_topology_text(result, rows=None, read=None):
    return _guard(topology_text, _inventory(result), rows, read)


class FilterModule(object):
    def filters(self):
        return {
            'overlay_hostvars': overlay_hostvars,
            'overlay_preflight_args': overlay_preflight_args,
            'overlay_host_model': overlay_host_model,
            'overlay_host_state': overlay_host_state,
            'overlay_layers': overlay_layers,
            'overlay_endpoints': overlay_endpoints,
            'overlay_drift_results': overlay_drift_results,
            'overlay_drift': overlay_drift,
            'overlay_topology_dot': overlay_topology_dot,
            'overlay_topology_text': overlay_topology_text,
        }
