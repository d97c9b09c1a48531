# -*- coding: utf-8 -*-
"""Filters: tenant inventory (as returned by the overlay_tenants module) ->
per-host desired state for ovs_state, ip_state and nat_state.

All are pure and deterministic (sorted output); *hostvars_subset* maps EVERY
host of overlay_hosts (not only the play's, so --limit still sees all tunnel
peers) to its overlay_* variables; build it with ``overlay_hostvars``.

- ``tenants | overlay_host_ovs(host, hostvars_subset, tunnel_mode='port')``
- ``tenants | overlay_host_ip(host, tenant_tags, hostvars_subset, tunnel_mode='port')``
- ``tenants | overlay_host_nat(host, tenant_tags, hostvars_subset, host_block_inbound=False)``
- ``tenants | overlay_host_flows(host, tenant_tags, hostvars_subset)`` (tunnel mode flow:
  br-tun OpenFlow rules, input of ovs_flows)
- ``hostvars | overlay_hostvars(groups['overlay_hosts'])``
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

from ansible.module_utils.ovl.tenant import (  # noqa: E402
    flows as tenant_flows, gateway_arp as tenant_gateway_arp, ip as tenant_ip,
    nat as tenant_nat, ovs as tenant_ovs)
from ansible.module_utils.ovl.core.validate import InputError

HOSTVAR_KEYS = ('overlay_underlay_ip', 'overlay_underlay_interface', 'overlay_underlay_mtu',
                'overlay_datapath_type', 'overlay_integration_bridge')


def _guard(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except (InputError, KeyError, TypeError) as exc:
        raise AnsibleFilterError('%s: %s' % (func.__module__.split('.')[-1], exc))


def overlay_host_ovs(tenants, host, hostvars_subset, tunnel_mode='port'):
    return _guard(tenant_ovs.build_ovs, list(tenants), host, hostvars_subset, tunnel_mode)


def overlay_host_ip(tenants, host, tenant_tags, hostvars_subset, tunnel_mode='port'):
    return _guard(tenant_ip.build_ip, list(tenants), host, tenant_tags, hostvars_subset,
                  tunnel_mode)


def overlay_host_nat(tenants, host, tenant_tags, hostvars_subset, host_block_inbound=False):
    return _guard(tenant_nat.build_nat, list(tenants), host, tenant_tags, hostvars_subset,
                  host_block_inbound)


def overlay_host_flows(tenants, host, tenant_tags, hostvars_subset):
    return _guard(tenant_flows.build_flows, list(tenants), host, tenant_tags, hostvars_subset)


def overlay_host_int_flows(tenants, host, hostvars_subset, tunnel_mode='port'):
    return _guard(tenant_gateway_arp.build_int_flows, list(tenants), host, hostvars_subset,
                  tunnel_mode)


def overlay_hostvars(hostvars, hosts):
    """{host: {overlay_* variables that are set}} for *hosts* (sorted)."""
    out = {}
    for host in sorted(hosts or []):
        values = hostvars[host]
        out[host] = dict((key, values[key]) for key in HOSTVAR_KEYS
                         if key in values and values[key] is not None)
    return out


class FilterModule(object):
    def filters(self):
        return {
            'overlay_host_ovs': overlay_host_ovs,
            'overlay_host_ip': overlay_host_ip,
            'overlay_host_nat': overlay_host_nat,
            'overlay_host_flows': overlay_host_flows,
            'overlay_host_int_flows': overlay_host_int_flows,
            'overlay_hostvars': overlay_hostvars,
        }
