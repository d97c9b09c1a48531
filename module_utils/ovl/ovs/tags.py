# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Host-local VLAN tags for tenants: stable across runs and across unrelated
tenant additions and removals.

The tag of a tenant is stored where it is used: on the tenant's own ports
(``external_ids:ovl-tenant``). A tenant keeps the tag its ports carry; a new
tenant gets the lowest tag not used by a kept tenant nor by any other port
on the same bridges (see ``reserved_tags``).

*workloads* ({interface id: tenant}) names the ports libvirt makes for a
tenant's VMs (its portgroup gives them the tenant's tag; their interface
holds ``external_ids:iface-id``): they count as the tenant's ports. A
port libvirt made (``vm-id`` and ``iface-id``) for a VM not in any tenant
file, carrying a kept tenant's tag (it came through that tenant's
portgroup), reserves nothing: the tenant keeps its tag.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.marks import TENANT_KEY
from ansible.module_utils.ovl.ovs.plan import is_ours

MAX_TAG = 4094


class TagError(ValueError):
    pass


def tenant_of(port, owner, workloads=None):
    """The tenant whose port *port* is: ours with a tenant mark, or a VM's
    port known by its interface id; else None."""
    if is_ours(port, owner):
        return port['external_ids'].get(TENANT_KEY)
    ids = port.get('interface_external_ids') or {}
    return (workloads or {}).get(ids.get('iface-id'))


def _libvirt_made(port):
    ids = port.get('interface_external_ids') or {}
    return bool(ids.get('iface-id') and ids.get('vm-id'))


def current_tags(state, owner, workloads=None):
    """tenant -> the tag most of its ports carry now (lowest on a tie)."""
    seen = {}
    for port in state['ports'].values():
        tenant = tenant_of(port, owner, workloads)
        if tenant and port['tag'] is not None:
            counts = seen.setdefault(tenant, {})
            counts[port['tag']] = counts.get(port['tag'], 0) + 1
    return dict((t, sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
                for t, c in seen.items())


def reserved_tags(state, owner, bridges, tenants, workloads=None, kept=()):
    """Tags on the bridges carried by any port that is not one of our ports
    of a wanted tenant: foreign ports, our ports without a tenant, ports of
    tenants being removed (their tag is free again on the next run). A
    port libvirt made carrying one of the *kept* tags (a wanted tenant's
    current tag) does not reserve it."""
    reserved = set()
    for port in state['ports'].values():
        if port['bridge'] not in bridges or port['tag'] is None:
            continue
        if tenant_of(port, owner, workloads) in tenants:
            continue
        if _libvirt_made(port) and port['tag'] in kept:
            continue
        reserved.add(port['tag'])
    return reserved


def allocate_tags(tenants, state, owner, bridges, pinned=None, reserved=(), workloads=None):
    """Return {tenant: tag} for every tenant in *tenants* (an iterable).

    *pinned*: tenant -> tag given explicitly by the caller (wins).
    *reserved*: further tags not to hand out (explicit tags of other ports).
    """
    pinned = dict(pinned or {})
    have = current_tags(state, owner, workloads)
    wanted = sorted(set(tenants))
    kept = set(tag for tenant, tag in have.items() if tenant in wanted)
    used = set(pinned.values()) | set(reserved) | reserved_tags(state, owner, bridges, set(wanted),
                                                                workloads, kept)
    result = {}
    for tenant in wanted:
        if tenant in pinned:
            result[tenant] = pinned[tenant]
    for tenant in wanted:
        if tenant in result:
            continue
        tag = have.get(tenant)
        if tag is not None and tag not in used:
            result[tenant] = tag
            used.add(tag)
    free = (t for t in range(1, MAX_TAG + 1) if t not in used)
    for tenant in wanted:
        if tenant not in result:
            try:
                result[tenant] = next(free)
            except StopIteration:
                raise TagError('no free VLAN tag left for tenant %s (all 4094 in use)' % tenant)
    return result
