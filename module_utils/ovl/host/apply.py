# -*- coding: utf-8 -*-
"""``overlay_apply``: every layer of a host in one module process, in the
order of ``ovl.core.layers`` (ip -> ovs -> flows -> underlay -> forward ->
nat), each through its own module's front and with its own module's
argument spec. A no-change run costs one Python start on the host instead
of one per layer (bench/RESULTS.md); the layers' reads, plans, atomic
writes and results are exactly those of ip_state, ovs_state, ovs_flows,
ip_move_address and nat_state.

A layer that fails stops the run there (the layers after it are not
touched, as when they were tasks of their own); the result keeps what the
layers before it did."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible.module_utils.ovl.core.layers import NAMES
from ansible.module_utils.ovl.core.result import evaluate, normalized
from ansible.module_utils.ovl.core.runner import Runner
from ansible.module_utils.ovl.flows.front import ARGUMENT_SPEC as FLOWS_SPEC, FlowsFront
from ansible.module_utils.ovl.host.forward import ForwardFront
from ansible.module_utils.ovl.ip.front import STATE_SPEC as IP_SPEC, IpFront
from ansible.module_utils.ovl.ip.front_move import ARGUMENT_SPEC as MOVE_SPEC, MoveFront
from ansible.module_utils.ovl.ip.model import want_aggregate
from ansible.module_utils.ovl.nat.front import ARGUMENT_SPEC as NAT_SPEC, NatFront, want_of
from ansible.module_utils.ovl.ovs.front import OvsFront
from ansible.module_utils.ovl.ovs.front_state import ARGUMENT_SPEC as OVS_SPEC, builder

SPECS = dict(ip=IP_SPEC, ovs=OVS_SPEC, int_flows=FLOWS_SPEC, tun_flows=FLOWS_SPEC,
             underlay=MOVE_SPEC, nat=NAT_SPEC)


class LayerInputError(ValueError):
    pass


def layer_params(name, raw, common=None):
    """*raw* validated (defaults filled in) by the layer's module spec; the
    *common* options (owner, prune) fill in what the layer's spec takes and
    *raw* does not set; a None value stands for "not given"."""
    spec = SPECS[name]
    given = dict((k, v) for k, v in (common or {}).items() if k in spec and v is not None)
    given.update((k, v) for k, v in dict(raw).items() if v is not None)
    result = ArgumentSpecValidator(spec).validate(given)
    if result.error_messages:
        raise LayerInputError('%s: %s' % (name, '; '.join(result.error_messages)))
    return result.validated_parameters


def front_of(module, name, params):
    if name == 'ip':
        return IpFront(module, lambda: want_aggregate(params), params)
    if name == 'ovs':
        return OvsFront(module, builder, params)
    if name in ('int_flows', 'tun_flows'):
        return FlowsFront(module, params)
    if name == 'underlay':
        return MoveFront(module, params)
    if name == 'nat':
        return NatFront(module, lambda: want_of(params), params)
    return ForwardFront(module)


def wanted(module):
    """[(layer, params or True)] to run, in order; LayerInputError before any read."""
    p = module.params
    run = set(p['layers'] if p['layers'] is not None else NAMES)
    common = dict(owner=p['owner'], prune=p['prune'])
    out = []
    for name in NAMES:
        value = p[name]
        if name not in run or value is None or value is False:
            continue
        out.append((name, True if name == 'forward' else layer_params(name, value, common)))
    return out


def apply_layers(module):
    """(result, failed layer or None); nothing exits.

    Every layer's input is normalized (validated, no I/O) before the first
    layer reads or writes: a bad input of any layer fails the host with
    nothing changed. Then each layer reads, plans and writes in order."""
    runner = Runner(module)
    fronts = []
    for name, params in wanted(module):
        front = front_of(module, name, params)
        want, failure = normalized(front)
        if failure is not None:
            return summary(module, {name: failure}), name
        fronts.append((name, params, front, want))
    layers = {}
    for name, params, front, want in fronts:
        if name == 'ovs':
            # the ovs builder reads this at plan time: the veths the ip layer made anew
            created = (layers.get('ip') or {}).get('created') or []
            params['reopen'] = sorted(set(params['reopen'] or []) | set(created))
        started = time.monotonic()
        result = evaluate(module, front, runner, want)
        result['elapsed'] = round(time.monotonic() - started, 3)
        layers[name] = result
        if result.get('failed'):
            return summary(module, layers), name
    return summary(module, layers), None


def summary(module, layers):
    out = dict(changed=any(r.get('changed') for r in layers.values()), layers=layers,
               commands=[c for name in NAMES if name in layers
                         for c in layers[name].get('commands') or []])
    if module._diff:
        changed = [n for n in NAMES if n in layers and layers[n].get('changed')]
        out['diff'] = dict(
            before=dict((n, (layers[n].get('diff') or {}).get('before')) for n in changed),
            after=dict((n, (layers[n].get('diff') or {}).get('after')) for n in changed))
    return out
