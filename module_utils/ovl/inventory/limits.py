# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Rate limits of the tenant files (``rate_limit``: the tenant's default,
an endpoint's own in its place), after the schema checked their shape.

``endpoint_limit(data, ep, where, errors) -> RateLimit or None``: the limit
in effect for endpoint *ep* (a schema-valid dict) of tenant document *data*:
its own ``rate_limit`` when it has the key (``{}``: none), else the
tenant's. A burst not given is 80 % of the rate (Neutron's default for Open
vSwitch), at least one 1500-byte frame. Only namespace endpoints are
limited: a VM's interface is libvirt's (``<bandwidth>`` there), so a VM's
own ``rate_limit`` is refused and the tenant's does not apply to it.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.tenant.endpoints import DEFAULT as DEFAULT_KIND, namespace
from ansible.module_utils.ovl.tenant.model import Limit, RateLimit

MIN_BURST_KBIT = 12          # one 1500-byte frame
DEFAULT_BURST = 0.8          # of the rate
DIRECTIONS = ('egress', 'ingress')


def limit_of(spec):
    """A Limit from a schema-valid ``{max_kbps, max_burst_kbit}``, or None."""
    if not spec:
        return None
    burst = spec.get('max_burst_kbit')
    if burst is None:
        burst = max(MIN_BURST_KBIT, int(spec['max_kbps'] * DEFAULT_BURST))
    return Limit(int(spec['max_kbps']), int(burst))


def rate_limit_of(spec):
    """A RateLimit from a schema-valid ``rate_limit``, or None (no limit)."""
    spec = spec or {}
    return RateLimit.of(RateLimit(*(limit_of(spec.get(d)) for d in DIRECTIONS)))


def endpoint_limit(data, ep, where, errors):
    kind = ep.get('kind') or DEFAULT_KIND
    if 'rate_limit' in ep:
        if kind != namespace.KIND and ep['rate_limit']:
            errors.append(str(InputError(
                where + '.rate_limit', ep['rate_limit'], 'is for namespace endpoints only (kind '
                "%s: set the limit on the VM's interface, libvirt's <bandwidth>)" % kind)))
            return None
        return rate_limit_of(ep['rate_limit'])
    return rate_limit_of(data.get('rate_limit')) if kind == namespace.KIND else None
