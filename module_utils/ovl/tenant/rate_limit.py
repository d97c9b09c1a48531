# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""An endpoint's rate limits (``Endpoint.rate_limit``, directions seen from
the endpoint, as Neutron's) on its port of the integration bridge:

- ``ingress`` (what it receives): the port's ``shape`` in the ovs layer
  (``ovl.ovs.qos``: a linux-htb QoS, an htb qdisc on the device, which
  everything OVS sends to the endpoint passes, in both datapaths);
- ``egress`` (what it sends): a meter of the integration bridge's flows
  layer (``ovl.flows.meters``: an OpenFlow meter on what comes in on the
  port, then NORMAL), in both datapaths.

Namespace endpoints only (a VM's port is libvirt's: the validation refuses a
VM's own limit and the tenant's does not apply to it).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.endpoints import kind_of


def shape_of(ep):
    """The ``shape`` of the endpoint's port (its ingress limit), or None."""
    limit = ep.rate_limit and ep.rate_limit.ingress
    return limit.as_dict() if limit else None


def meters_on(inventory, facts):
    """The integration bridge's meters on this host: one per port of an
    endpoint with an egress limit."""
    out = []
    for tenant in inventory.tenants_on(facts.name):
        for ep in tenant.endpoints_on(facts.name):
            if ep.rate_limit and ep.rate_limit.egress:
                out += [dict(port=name, **ep.rate_limit.egress.as_dict())
                        for name in kind_of(ep).ports(ep)]
    return sorted(out, key=lambda m: m['port'])
