# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The host interfaces the inventory names, judged from the host's own
state before anything changes: those its physical networks are mapped to
(``overlay_bridge_mappings``) and the capture interfaces of mirrored
tenants (``mirror``). Pure.

``physical_problems(physical, links, addrs, ovs_ports, underlay) ->
(problems, warnings)``: *physical* is {physical network: {interface, mtu}}
of the networks the provider tenants of this host use; *links*/*addrs* the
host namespace as ``ovl.ip.netlink`` reads it; *ovs_ports* {port: {bridge,
type}} from the one OVSDB read; *underlay* the underlay interface the
preflight found (None: not found). A problem stops the host before its
first write; the interface goes whole into the provider bridge
``brp-<name>``, so it must exist, must not be the underlay nor a port of a
bridge the project does not make for it, and its MTU must carry the
mapping's. An address on it is a warning: with the kernel datapath the host
stops receiving on it once OVS holds it.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import tunnels
from ansible.module_utils.ovl.core.marks import TUNNEL_BRIDGE, UPLINK_BRIDGE
from ansible.module_utils.ovl.tenant.names import PROVIDER_PREFIX, provider_bridge

# names of what the project makes on a host (endpoint ports, router legs,
# OVS's own devices, tunnels): not offered as candidates in a message
MADE = ('ov', PROVIDER_PREFIX, 'lo', UPLINK_BRIDGE, TUNNEL_BRIDGE) + tuple(t.prefix for t in tunnels.TYPES)


def _candidates(links):
    return ', '.join(sorted(n for n in links or {} if not n.startswith(MADE))) or 'none'


def physical_problems(physical, links, addrs, ovs_ports, underlay):
    problems, warnings = [], []
    for net, item in sorted((physical or {}).items()):
        field = 'overlay_bridge_mappings.%s' % net
        name = item['interface']
        if name not in (links or {}):
            problems.append('%s: %r is not an interface of this host (its interfaces, without '
                            'those the project made: %s)' % (field, name, _candidates(links)))
            continue
        if underlay and name == underlay:
            problems.append('%s: %r is the underlay interface (it holds overlay_underlay_ip); a '
                            'physical network needs an interface of its own' % (field, name))
            continue
        bridge = (ovs_ports or {}).get(name, {}).get('bridge')
        if bridge and bridge != provider_bridge(net):
            problems.append('%s: %r is already a port of OVS bridge %s; the project puts it in '
                            '%s (remove it there first, or map another interface)'
                            % (field, name, bridge, provider_bridge(net)))
            continue
        mtu = (links[name] or {}).get('mtu')
        if mtu and mtu < item['mtu']:
            problems.append('%s: the MTU %d is above the MTU %d of %s on this host; lower it '
                            '(the tenants\' MTU follows it) or raise the interface MTU'
                            % (field, item['mtu'], mtu, name))
        held = [a for a in (addrs or {}).get(name) or [] if ':' not in a]
        if held and not bridge:
            warnings.append('%s: %s holds %s; in %s it carries the tenants\' frames only (with '
                            'the kernel datapath the host no longer receives on it)'
                            % (field, name, ', '.join(held), provider_bridge(net)))
    return problems, warnings


def capture_problems(captures, links, ovs_ports, bridge):
    """Problems of the capture interfaces {interface: tenant} of this host:
    each must exist, and be on no OVS bridge but *bridge* (the integration
    bridge, where the project puts it)."""
    problems = []
    for name, tenant in sorted((captures or {}).items()):
        field = 'mirror of tenant %s' % tenant
        if name not in (links or {}):
            problems.append('%s: %r is not an interface of this host (make it first, e.g. a veth '
                            'whose other end runs the capture; its interfaces, without those the '
                            'project made: %s)' % (field, name, _candidates(links)))
            continue
        on = (ovs_ports or {}).get(name, {}).get('bridge')
        if on and on != bridge:
            problems.append('%s: %r is already a port of OVS bridge %s; the project puts it on %s'
                            % (field, name, on, bridge))
    return problems
