# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Addresses of containers (libnetwork's IPAM driver, ``ipam.md``), pure.

Docker's own allocator refuses two networks with the same subnet ("Pool
overlaps"), so the plugin is the IPAM driver too: a pool is a tenant's
subnet, named by the tenant (``--ipam-opt tenant=blue``), so tenants can
share a subnet. Per host, because the scope is local: an address given with
``--ip`` is taken as is when free; one asked without comes from the host's
range of the tenant, lowest free first. Never the gateway (it is answered
to Docker's gateway request), the network or broadcast address, or an
address of the tenant's namespace endpoints (``reserved``).

*state*: {'pools': {pool id: tenant}, 'addresses': {tenant: [address]}}.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

GATEWAY_REQUEST = 'com.docker.network.gateway'
POOL_PREFIX = 'ovl/'


class IpamError(ValueError):
    """A request the plugin refuses; ``str()`` says which field and why."""


def pool_tenant(config, state, pool_id):
    tenant = state['pools'].get(pool_id)
    if tenant is None or tenant not in config.tenants:
        raise IpamError('PoolID: %r is not a pool of this plugin (create the network with '
                        '--ipam-driver and --ipam-opt tenant=NAME)' % (pool_id,))
    return config.tenants[tenant]


def request_pool(config, state, tenant_name, pool=None, sub_pool=None, v6=False):
    """(pool id, pool CIDR) of *tenant_name*'s subnet."""
    if v6:
        raise IpamError('V6: IPv6 pools are not served (tenants are IPv4)')
    tenant = config.tenants.get(tenant_name)
    if tenant is None:
        raise IpamError('Options.tenant: %r is not a tenant of this host (known: %s)'
                        % (tenant_name, ', '.join(sorted(config.tenants)) or 'none'))
    if pool and pool != str(tenant.subnet):
        raise IpamError('Pool: %r is not the subnet of tenant %s (%s)'
                        % (pool, tenant.name, tenant.subnet))
    if sub_pool:
        raise IpamError('SubPool: %r: the host\'s range comes from the tenant file' % (sub_pool,))
    pool_id = POOL_PREFIX + tenant.name
    state['pools'][pool_id] = tenant.name
    state['addresses'].setdefault(tenant.name, [])
    return pool_id, str(tenant.subnet)


def release_pool(state, pool_id):
    state['pools'].pop(pool_id, None)


def request_address(config, state, pool_id, address=None, kind=None):
    """'A/prefixlen' for a container (or the gateway, *kind* GATEWAY_REQUEST)."""
    tenant = pool_tenant(config, state, pool_id)
    prefix = tenant.subnet.prefixlen
    if kind == GATEWAY_REQUEST:
        if address and ipaddress.ip_address(address) != tenant.gateway:
            raise IpamError('Address: %r is not the gateway of tenant %s (%s)'
                            % (address, tenant.name, tenant.gateway))
        return '%s/%d' % (tenant.gateway, prefix)
    taken = set(state['addresses'].setdefault(tenant.name, []))
    if address:
        ip = ipaddress.ip_address(address)
        problem = _unusable(tenant, ip)
        if problem is None and str(ip) in taken:
            problem = 'is already given to a container on this host'
        if problem:
            raise IpamError('Address: %r %s' % (address, problem))
    else:
        ip = next((a for a in tenant.range.hosts()
                   if _unusable(tenant, a) is None and str(a) not in taken), None)
        if ip is None:
            raise IpamError('no free address left in %s (tenant %s\'s range on this host)'
                            % (tenant.range, tenant.name))
    state['addresses'][tenant.name].append(str(ip))
    return '%s/%d' % (ip, prefix)


def release_address(config, state, pool_id, address):
    tenant = pool_tenant(config, state, pool_id)
    given = state['addresses'].get(tenant.name, [])
    if address in given:
        given.remove(address)


def _unusable(tenant, ip):
    if ip.version != 4 or ip not in tenant.subnet:
        return 'is not inside tenant %s\'s subnet %s' % (tenant.name, tenant.subnet)
    if ip in (tenant.subnet.network_address, tenant.subnet.broadcast_address):
        return 'is the network or broadcast address of %s' % tenant.subnet
    if ip == tenant.gateway:
        return 'is the gateway of tenant %s' % tenant.name
    if ip in tenant.reserved:
        return 'is an address of one of tenant %s\'s namespace endpoints' % tenant.name
    return None
