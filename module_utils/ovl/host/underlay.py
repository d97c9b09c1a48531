# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Find the underlay interface of a host from its own state. Pure.

``find_underlay(want, links, addrs, ovs_ports) -> (facts, problems)``

*want*: {underlay_ip, underlay_interface (or None), underlay_mtu,
datapath_type}; *links*/*addrs*: the host namespace as ``ovl.ip.netlink``
reads it; *ovs_ports*: {port: {bridge, type}} from the one OVSDB read ({}
when OVS is not running). *facts*: {underlay_interface, underlay_prefixlen,
uplink_mtu}; *problems*: one line each, the host cannot be used as it is.

The interface is the one that holds the address. With the netdev datapath
after a run the address sits on br-phy, and the underlay interface is the
uplink that is a port of br-phy (the run stays idempotent). A given
``overlay_underlay_interface`` must agree with what the host shows.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.core.marks import UPLINK_BRIDGE
from ansible.module_utils.ovl.ip.move import holders_of


def holders(address, addrs):
    """{dev: prefixlen} of the interfaces that carry *address*."""
    return dict((dev, ipaddress.ip_interface(item).network.prefixlen)
                for dev, item in holders_of(address, addrs or {}).items())


def _uplinks(ovs_ports):
    return sorted(name for name, port in (ovs_ports or {}).items()
                  if port.get('bridge') == UPLINK_BRIDGE and name != UPLINK_BRIDGE
                  and (port.get('type') or 'system') == 'system')


def _shown(addrs):
    items = ['%s %s' % (dev, ', '.join(a)) for dev, a in sorted((addrs or {}).items()) if a]
    return '; '.join(items) or 'none'


def find_underlay(want, links, addrs, ovs_ports):
    address, given = want['underlay_ip'], want.get('underlay_interface')
    found = holders(address, addrs)
    if not found:
        return None, ['overlay_underlay_ip: %s is not an address of any interface of this host '
                      '(addresses: %s); set it to the host\'s own underlay address'
                      % (address, _shown(addrs))]
    if len(found) > 1:
        return None, ['overlay_underlay_ip: %s is on several interfaces (%s); keep it on one'
                      % (address, ', '.join(sorted(found)))]
    holder, prefixlen = list(found.items())[0]
    if holder == UPLINK_BRIDGE and (want.get('datapath_type') == 'netdev'
                                    or want.get('backend') == 'ovn'):
        uplinks = _uplinks(ovs_ports)
        if given:
            if given not in uplinks:
                return None, ['overlay_underlay_interface: %r is not the uplink of %s, which '
                              'holds %s (its uplink ports: %s)' % (
                                  given, UPLINK_BRIDGE, address, ', '.join(uplinks) or 'none')]
            interface = given
        elif len(uplinks) == 1:
            interface = uplinks[0]
        else:
            return None, ['overlay_underlay_interface: %s holds %s but has %s uplink ports (%s); '
                          'set overlay_underlay_interface' % (
                              UPLINK_BRIDGE, address, 'no' if not uplinks else 'several',
                              ', '.join(uplinks) or 'none')]
    elif given and given != holder:
        return None, ['overlay_underlay_interface: %r does not hold overlay_underlay_ip %s (%s '
                      'does); set the interface that holds it, or leave it unset'
                      % (given, address, holder)]
    else:
        interface = holder
    mtu = (links.get(interface) or {}).get('mtu')
    problems = []
    if mtu and want.get('underlay_mtu') and mtu < want['underlay_mtu']:
        problems.append('overlay_underlay_mtu: %d is above the MTU %d of %s on this host; lower '
                        'it (tenant MTUs follow it) or raise the interface MTU'
                        % (want['underlay_mtu'], mtu, interface))
    return dict(underlay_interface=interface, underlay_prefixlen=prefixlen,
                uplink_mtu=mtu), problems
