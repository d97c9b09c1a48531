# -*- coding: utf-8 -*-
"""Names of the objects a tenant makes on a host (docs/design.md, "Names on
a host"), and the transit /30 addressing. Every name fits in 15 characters.

VXLAN port names: ``vx<vni in hex>-<low 24 bits of the peer underlay address,
6 hex digits>``, e.g. VNI 100 to 192.168.250.12 -> ``vx64-a8fa0c``. At most
2 + 6 + 1 + 6 = 15 characters for any VNI (1-16777215). Stable: derived only
from the VNI and the peer address, so adding or removing other tenants or
hosts never renames a port. Unique on a host for any number of tenants, since
the VNI is unique per tenant, and for peers whose underlay addresses differ
in their last 24 bits (always true inside one /8); ``vxlan_port_names``
refuses a collision instead of guessing.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress

from ansible.module_utils.ovl.core.validate import InputError

ENDPOINT_DEV = 'eth0'
ROUTER_GW_DEV = 'qr0'
ROUTER_UP_DEV = 'qg0'
UPLINK_BRIDGE = 'br-phy'
TRANSIT_POOL = ipaddress.ip_network('169.254.0.0/16')
VXLAN_PORT = 4789
SLOT_MAX = TRANSIT_POOL.num_addresses // 4 - 1


def endpoint_port(endpoint):
    return 'ove' + hashlib.sha1(endpoint.encode('utf-8')).hexdigest()[:10]


def router_ns(tenant):
    return 'ovr-' + tenant


def gateway_leg(tenant):
    return 'ovg-' + tenant


def uplink_leg(tenant):
    return 'ovu-' + tenant


def vxlan_port(vni, peer_ip):
    low = int(ipaddress.ip_address(peer_ip)) & 0xffffff
    return 'vx%x-%06x' % (int(vni), low)


def vxlan_port_names(vni, peer_ips):
    """{peer_ip: name} for one tenant; raises InputError on a name collision."""
    names, seen = {}, {}
    for peer in sorted(peer_ips):
        name = vxlan_port(vni, peer)
        if name in seen:
            raise InputError('overlay_underlay_ip', peer, 'gives the same VXLAN port name %s as '
                             '%s (underlay addresses must differ in their last 24 bits)'
                             % (name, seen[name]))
        seen[name] = peer
        names[peer] = name
    return names


def transit(slot):
    """(network, host end, router end) of the transit /30 of *slot*, as
    ('169.254.0.4/30', '169.254.0.5', '169.254.0.6') for slot 1."""
    if isinstance(slot, bool) or not isinstance(slot, int) or not 1 <= slot <= SLOT_MAX:
        raise InputError('tenant_tags', slot, 'is not a transit slot (1-%d)' % SLOT_MAX)
    base = TRANSIT_POOL.network_address + 4 * slot
    return '%s/30' % base, str(base + 1), str(base + 2)


def has_router(tenant, host):
    """A router namespace exists on *host* for a tenant with snat: true and an
    endpoint there."""
    return bool(tenant.get('snat')) and host in tenant_hosts(tenant)


def tenant_hosts(tenant):
    return sorted(set(ep['host'] for ep in tenant.get('endpoints') or []))


def local_endpoints(tenant, host):
    return [ep for ep in tenant.get('endpoints') or [] if ep['host'] == host]
