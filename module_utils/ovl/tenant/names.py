# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Names of the objects a tenant makes on a host (docs/design.md, "Names on
a host"), and the transit /30 addressing. Every name fits in 15 characters.

Tunnel names are derived only from the tunnel type (its ``prefix`` in
``ovl.core.tunnels``: ``vx`` for VXLAN), the VNI and the peer's underlay
address, so adding or removing other tenants or hosts never renames anything:

- mode ``port``: ``<prefix><vni hex>-<low 24 bits of the peer address, 6 hex>``,
  e.g. VXLAN VNI 100 to 192.168.250.12 -> ``vx64-a8fa0c`` (one per tenant per peer);
- mode ``kernel``: ``<prefix><vni hex>``, e.g. ``vx64`` (one kernel device per
  tenant, the peers in its flood list);
- mode ``flow``: ``<prefix>f-<low 24 bits of the peer address>`` (one per peer
  and tunnel type).

Unique on a host because VNIs are unique per tenant and the validation of the
host variables (``ovl.inventory.hostvars``) refuses two hosts whose addresses
agree in their last 24 bits (``host_suffix``).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress

from ansible.module_utils.ovl.core import tunnels
from ansible.module_utils.ovl.core.marks import NAT_POOL as NAT_RANGE, TUNNEL_BRIDGE, UPLINK_BRIDGE
from ansible.module_utils.ovl.core.validate import InputError

ENDPOINT_DEV = 'eth0'
ROUTER_GW_DEV = 'qr0'
ROUTER_UP_DEV = 'qg0'
RESERVED_BRIDGES = (UPLINK_BRIDGE, TUNNEL_BRIDGE)
PATCH_INT = 'ovp-tun'      # on br-int, leads to br-tun (flow mode)
PATCH_TUN = 'ovp-int'      # on br-tun, leads to br-int
TRANSIT_POOL = ipaddress.ip_network('169.254.0.0/16')
# the transit /30s use the lower half (slot = tag <= 4094: up to 169.254.63.255),
# the NAT addresses of floating addresses the upper half (``nat_address``)
NAT_POOL = ipaddress.ip_network(NAT_RANGE)
SLOT_MAX = (int(NAT_POOL.network_address) - int(TRANSIT_POOL.network_address)) // 4 - 1
NAT_BITS = NAT_POOL.num_addresses - 1


def endpoint_port(endpoint):
    return 'ove' + hashlib.sha1(endpoint.encode('utf-8')).hexdigest()[:10]


def interface_mac(owner, host, netns, dev):
    """The Ethernet address of an interface the project makes inside a
    namespace (an endpoint's eth0, a router's qr0/qg0): derived from who makes
    it where, so a namespace made again (a reboot, a namespace deleted by
    hand) keeps its address, and the neighbours' ARP entries stay right.
    A locally administered unicast address: ``02``-``fe`` (even, bit 1 set)
    then 40 bits of sha256; collisions in a tenant are ~2^-46 per pair."""
    digest = bytearray(hashlib.sha256(('\0'.join((owner, host, netns, dev))).encode('utf-8'))
                       .digest()[:6])
    digest[0] = (digest[0] & 0xfc) | 0x02
    return ':'.join('%02x' % b for b in digest)


def endpoint_mac(owner, endpoint):
    """The Ethernet address of an endpoint's eth0: derived from the endpoint
    alone (names are unique across tenants), not from its host, so an
    endpoint moved to another host keeps it (its peers' ARP entries stay
    right; the bridges learn the new place from its gratuitous ARP)."""
    return interface_mac(owner, '', endpoint, ENDPOINT_DEV)


def router_ns(tenant):
    return 'ovr-' + tenant


def gateway_leg(tenant):
    return 'ovg-' + tenant


def uplink_leg(tenant):
    return 'ovu-' + tenant


def host_suffix(peer_ip):
    """The low 24 bits of an underlay address, 6 hex digits (``a8fa0c``)."""
    return '%06x' % (int(ipaddress.ip_address(peer_ip)) & 0xffffff)


def tunnel_port(vni, peer_ip, ttype=tunnels.DEFAULT):
    """Mode ``port``: the tunnel of one tenant to one peer."""
    return '%s%x-%s' % (tunnels.get(ttype).prefix, int(vni), host_suffix(peer_ip))


def kernel_device(vni, ttype=tunnels.DEFAULT):
    """Mode ``kernel``: the one kernel tunnel device of a tenant."""
    return '%s%x' % (tunnels.get(ttype).prefix, int(vni))


def flow_port(peer_ip, ttype=tunnels.DEFAULT):
    """Mode ``flow``: the one ``key=flow`` tunnel of a type to a peer host."""
    return '%sf-%s' % (tunnels.get(ttype).prefix, host_suffix(peer_ip))


PROVIDER_PREFIX = 'brp-'


def provider_bridge(physnet):
    """The bridge of a physical network: its interface, and one patch port
    per provider tenant that uses it."""
    return PROVIDER_PREFIX + physnet


def provider_patches(tenant):
    """(on br-int, on the provider bridge): the patch pair of a provider
    tenant, after Neutron's int-/phy- pair (one per tenant here, so the
    bridges switch by VLAN tags alone and need no OpenFlow rules)."""
    return 'ovpi-' + tenant, 'ovpp-' + tenant


def tag_of(tags, tenant):
    """The host-local VLAN tag of *tenant* (also its transit slot)."""
    if tenant not in (tags or {}):
        raise KeyError('tenant %s has no host-local VLAN tag (the preflight returns one for '
                       'every tenant with an endpoint on the host)' % tenant)
    return tags[tenant]


def nat_address(floating_ip):
    """The host-local NAT address of a floating address: the host maps the
    floating address to it, the router maps it to the endpoint. Its low 15
    bits are the floating address's, so it stays the same whatever else is
    published, and two floating addresses of one host differ in it unless
    their underlay network is larger than a /17 (the validation refuses
    that pair: ``ovl.inventory.cross``)."""
    low = int(ipaddress.IPv4Address(floating_ip)) & NAT_BITS
    return str(NAT_POOL.network_address + low)


def transit(slot):
    """(network, host end, router end) of the transit /30 of *slot*, as
    ('169.254.0.4/30', '169.254.0.5', '169.254.0.6') for slot 1."""
    if isinstance(slot, bool) or not isinstance(slot, int) or not 1 <= slot <= SLOT_MAX:
        raise InputError('tenant_tags', slot, 'is not a transit slot (1-%d)' % SLOT_MAX)
    base = TRANSIT_POOL.network_address + 4 * slot
    return '%s/30' % base, str(base + 1), str(base + 2)
