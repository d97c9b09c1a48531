# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""``overlay_apply``: every layer of a host in one module process, in the
order of the layer table (``ovl.host.layers``: ip -> ovs -> flows ->
underlay -> forward -> nat), each through its own driver and with its own
module's argument spec. A no-change run costs one Python start on the host
instead of one per layer (bench/RESULTS.md); the layers' reads, plans,
atomic writes and results are exactly those of ip_state, ovs_state,
ovs_flows, ip_move_address and nat_state.

A layer that fails stops the run there (the layers after it are not
touched, as when they were tasks of their own); the result keeps what the
layers before it did."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.validation import check_type_list

from ansible.module_utils.ovl.core.result import evaluate, normalized
from ansible.module_utils.ovl.core.runner import Runner
from ansible.module_utils.ovl.host.layers import BY_NAME, LAYERS, NAMES
from ansible.module_utils.ovl.ip.garp import announce_all
from ansible.module_utils.ovl.tenant.host_state import host_state
from ansible.module_utils.ovl.tenant.model import Inventory


class LayerInputError(ValueError):
    pass


def with_defaults(spec, value):
    """*value* (options of *spec*) with every option it lacks (or holds as
    None) set to the spec's default, or None, recursively through
    ``options`` of dicts and of lists of dicts: what the argument spec
    validation yields for input that is valid (a unit test holds the two
    equal on the builders' output), without its per-value checks and deep
    copies (1.6 s of a 6 s no-change run at T=500 on the lab's hosts)."""
    out = dict(value)
    for key, opt in spec.items():
        item = out.get(key)
        if item is None:
            out[key] = opt.get('default')
            continue
        if opt.get('type') == 'list' and not isinstance(item, list):
            item = out[key] = check_type_list(item)     # as the spec does: 'a' -> ['a']
        sub = opt.get('options')
        if sub and opt.get('type') == 'dict':
            out[key] = with_defaults(sub, item)
        elif sub and opt.get('type') == 'list' and opt.get('elements') == 'dict':
            out[key] = [with_defaults(sub, element) for element in item]
    return out


def layer_params(name, raw, common=None, trusted=False):
    """*raw* validated (defaults filled in) by the layer's module spec; the
    *common* options (owner, prune) fill in what the layer's spec takes and
    *raw* does not set; a None value stands for "not given". *trusted*:
    *raw* was built here from the model (``ovl.tenant.host_state``): only
    the defaults are filled in (``with_defaults``); every layer still
    normalizes (validates) its input before anything is read."""
    spec = BY_NAME[name].spec()
    given = dict((k, v) for k, v in (common or {}).items() if k in spec and v is not None)
    given.update((k, v) for k, v in dict(raw).items() if v is not None)
    if trusted:
        return with_defaults(spec, given)
    result = ArgumentSpecValidator(spec).validate(given)
    if result.error_messages:
        raise LayerInputError('%s: %s' % (name, '; '.join(result.error_messages)))
    return result.validated_parameters


def model_layers(p):
    """{layer: options} computed here, on the host, from the host's part of
    the model (``model``, ``host``, ``tenant_tags``, ``discovered``), as the
    role once templated them on the controller (each layer's ``build``)."""
    try:
        state = host_state(Inventory.from_result(p['model']), p['host'], p['tenant_tags'],
                           p['discovered'])
    except (KeyError, TypeError, ValueError) as exc:
        raise LayerInputError('model: cannot build the state of host %s from it: %s'
                              % (p['host'], exc))
    backend = state['facts']['backend']
    out = dict((layer.name, layer.build(state, p) if backend in layer.backends else None)
               for layer in LAYERS)
    out['announce'] = state['announce']
    return out


def wanted(module):
    """([(layer, params or True)] to run, in order; the endpoints that may
    announce themselves); LayerInputError before any read."""
    p = module.params
    run = set(p['layers'] if p['layers'] is not None else NAMES)
    common = dict(owner=p['owner'], prune=p['prune'])
    trusted = p.get('model') is not None
    given = model_layers(p) if trusted else p
    out = []
    for name in NAMES:
        value = given[name]
        if name not in run or value is None or value is False:
            continue
        spec = BY_NAME[name].spec()
        out.append((name, True if spec is None else layer_params(name, value, common, trusted)))
    return out, ((given.get('announce') or []) if trusted else [])


def to_announce(candidates, ip_result):
    """The endpoints (of *candidates*, {netns, dev, address, port}) that the
    ip layer made or changed in this run: their veth made anew, their
    namespace made, or any write inside their namespace (address, MAC)."""
    ip_result = ip_result or {}
    created = set(ip_result.get('created') or [])
    touched = set(ip_result.get('made_namespaces') or []) | set(
        ip_result.get('touched_namespaces') or [])
    return [dict(netns=c['netns'], dev=c['dev'], address=c['address']) for c in candidates
            if c['port'] in created or c['netns'] in touched]


def announced(module, endpoints):
    """Send each endpoint's gratuitous ARP now (not in check mode): peers on
    hosts that converged already learn its place at once; the role's
    ``overlay_announce`` task repeats it after every host has converged.
    Failures are warnings: the endpoint is made, its peers learn it later."""
    if module.check_mode or not endpoints:
        return
    for error in announce_all(endpoints, rounds=1)[1]:
        module.warn(error)


def take(name, params, layers):
    """Complete layer *name*'s own *params* with what it takes from the
    results of the layers before it (``Layer.takes``): the union of its own
    value and theirs. Its driver reads them when it plans."""
    for option, (source, key) in BY_NAME[name].takes.items():
        got = (layers.get(source) or {}).get(key) or []
        params[option] = sorted(set(params.get(option) or []) | set(got))


def apply_layers(module):
    """(result, failed layer or None); nothing exits.

    Every layer's input is normalized (validated, no I/O) before the first
    layer reads or writes: a bad input of any layer fails the host with
    nothing changed. Then each layer reads, plans and writes in order."""
    runner = Runner(module)
    drivers = []
    layer_list, candidates = wanted(module)
    for name, params in layer_list:
        driver = BY_NAME[name].driver(module, params)
        want, failure = normalized(driver)
        if failure is not None:
            return summary(module, {name: failure}), name
        drivers.append((name, params, driver, want))
    layers = {}
    for name, params, driver, want in drivers:
        take(name, params, layers)
        started = time.monotonic()
        result = evaluate(module, driver, runner, want)
        result['elapsed'] = round(time.monotonic() - started, 3)
        layers[name] = result
        if result.get('failed'):
            return summary(module, layers), name
    out = summary(module, layers)
    out['announce'] = to_announce(candidates, layers.get('ip'))
    announced(module, out['announce'])
    return out, None


def summary(module, layers):
    """The module's result: each layer's own result under ``layers`` (its
    ``commands`` there; not repeated at the top: a first run at T=500 returns
    thousands of commands, and Ansible scans every value of a result for
    no_log values, 3 s of the host's module time for the copy)."""
    out = dict(changed=any(r.get('changed') for r in layers.values()), layers=layers)
    if module._diff:
        changed = [n for n in NAMES if n in layers and layers[n].get('changed')]
        out['diff'] = dict(
            before=dict((n, (layers[n].get('diff') or {}).get('before')) for n in changed),
            after=dict((n, (layers[n].get('diff') or {}).get('after')) for n in changed))
    return out
