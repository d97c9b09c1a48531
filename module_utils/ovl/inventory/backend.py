# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What a tenant file asks of the backend that carries it (``overlay_backend``).

``backend_errors(data, facts) -> [line]``: the fields of one (schema-valid)
tenant document that the fleet's backend cannot carry, each line naming the
field and the value (the caller prefixes the file). The ``ovs`` backend
carries every field; with ``ovn``:

- the VNI is the logical switch's tunnel key: OVN's VXLAN encapsulation
  has 12 bits for it (at most 4095), Geneve 24;
- OVN's Geneve adds an 8-byte option: the default tenant MTU is 8 bytes
  lower than with the ovs backend's Geneve (``tunnel_overhead``);
- ``tunnel_type`` is the chassis' encapsulation for every tenant: a tenant
  that names another one is refused, not silently carried otherwise;
- SNAT needs ``overlay_ovn_external_range`` and ``overlay_ovn_external_gateway``
  (the routers' addresses on the underlay network and their next hop);
- a floating address is a ``dnat_and_snat`` of the tenant's router: it
  must not be one of the routers' own addresses (the range) nor their next
  hop;
- a published port is a VIP of the tenant router's address: one
  ``host_port`` per protocol in the whole tenant (the ovs backend publishes
  on each endpoint's host, so there it is one per host);
- VM endpoints and DHCP are OVN's own (the VM's port bound by its
  interface id, ``DHCP_Options``); the fields OVN does not carry yet,
  ``containers`` (Docker networks: the plugin would have to make logical
  ports), the provider network types (``vlan``, ``flat``: a localnet
  port per tenant switch), ``mirror`` (OVN's own port mirroring) and
  ``rate_limit`` (OVN's QoS rows), are refused by name.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.core import networks
from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.inventory.hostvars import common

VXLAN_VNI_MAX = 4095
# OVN's Geneve header carries one 8-byte option (class 0x0102: the logical
# ingress and egress ports) on top of the 8-byte base header
OVN_GENEVE_OPTION = 8
NOT_YET = 'is not carried by overlay_backend ovn yet (the ovs backend carries it)'
# the endpoint kinds OVN carries (ovl.tenant.endpoints)
OVN_KINDS = (None, 'namespace', 'vm')


def _line(field, value, reason):
    return str(InputError(field, value, reason))


def default_type(facts):
    """The tunnel type of a tenant that names none: OVN's encapsulation with
    the ovn backend, else ``overlay_tunnel_type``."""
    if common(facts, 'backend') == 'ovn':
        return common(facts, 'ovn_encap')
    return common(facts, 'tunnel_type')


def tunnel_overhead(kind, facts):
    """Bytes a frame of a tenant of tunnel type *kind* gains on the underlay."""
    if common(facts, 'backend') == 'ovn' and kind.name == 'geneve':
        return kind.overhead + OVN_GENEVE_OPTION
    return kind.overhead


def in_span(addr, span):
    """*addr* lies in ``FIRST-LAST`` (False when either is not an address)."""
    try:
        first, last = (ipaddress.IPv4Address(p) for p in span.split('-'))
        return first <= ipaddress.IPv4Address(addr) <= last
    except (ValueError, AttributeError):
        return False


def _floating_errors(where, addr, facts):
    span, hop = common(facts, 'ovn_external_range'), common(facts, 'ovn_external_gateway')
    if span and in_span(addr, span):
        return [_line(where, addr, 'is in overlay_ovn_external_range %s, the OVN routers\' own '
                      'addresses: a floating address must be another address of the underlay '
                      'network' % span)]
    if hop and addr == hop:
        return [_line(where, addr, 'is overlay_ovn_external_gateway, the routers\' next hop')]
    return []


def backend_errors(data, facts):
    if common(facts, 'backend') != 'ovn':
        return []
    errors = []
    encap = common(facts, 'ovn_encap')
    vni = data.get('vni')
    if encap == 'vxlan' and isinstance(vni, int) and vni > VXLAN_VNI_MAX:
        errors.append(_line('vni', vni, 'is above %d: with overlay_ovn_encap vxlan OVN has 12 '
                            'bits for a logical switch\'s tunnel key (use geneve, or a VNI of '
                            'at most %d)' % (VXLAN_VNI_MAX, VXLAN_VNI_MAX)))
    if data.get('tunnel_type') not in (None, encap):
        errors.append(_line('tunnel_type', data['tunnel_type'], 'differs from '
                            'overlay_ovn_encap %s: OVN carries every tenant in the chassis\' '
                            'encapsulation (remove tunnel_type, or set it to %s)' % (encap, encap)))
    if data.get('snat'):
        for var in ('ovn_external_range', 'ovn_external_gateway'):
            if common(facts, var) is None:
                errors.append(_line('snat', True, 'needs overlay_%s with overlay_backend ovn '
                                    '(the tenant routers\' addresses on the underlay network '
                                    'and their next hop)' % var))
    if data.get('containers'):
        errors.append(_line('containers', data['containers'], NOT_YET))
    if networks.is_provider(data.get('network_type')):
        errors.append(_line('network_type', data['network_type'], NOT_YET))
    if data.get('mirror'):
        errors.append(_line('mirror', data['mirror'], NOT_YET))
    if data.get('rate_limit'):
        errors.append(_line('rate_limit', data['rate_limit'], NOT_YET))
    vips = {}
    for index, ep in enumerate(data.get('endpoints') or []):
        if not isinstance(ep, dict):
            continue
        for number, item in enumerate(ep.get('publish') or []):
            if not isinstance(item, dict):
                continue
            key = (item.get('proto') or 'tcp', item.get('host_port'))
            if key in vips:
                errors.append(_line('endpoints[%d].publish[%d].host_port' % (index, number),
                                    item.get('host_port'), 'is already published by %s of this '
                                    'tenant (%s): with overlay_backend ovn every published port is '
                                    'on the tenant router\'s one address' % (vips[key], key[0])))
            vips.setdefault(key, ep.get('name'))
        if ep.get('rate_limit'):
            errors.append(_line('endpoints[%d].rate_limit' % index, ep['rate_limit'], NOT_YET))
        if ep.get('floating_ip'):
            errors += _floating_errors('endpoints[%d].floating_ip' % index, ep['floating_ip'],
                                       facts)
        if ep.get('kind') not in OVN_KINDS:
            errors.append(_line('endpoints[%d].kind' % index, ep['kind'], NOT_YET))
    return errors
