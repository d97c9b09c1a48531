# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Host and play variables of every host of overlay_hosts, validated and
defaulted as the README documents, on the controller, before any host task.

``host_facts(hostvars, play) -> (facts by host, error lines)``

*hostvars*: {host: {overlay_* variables set for that host}} (the
``overlay_hostvars`` filter builds it from Ansible's hostvars, so --limit
still sees every host); *play*: the play-level values (``overlay_tunnel_mode``
etc. as the validation task sees them: extra vars, play vars or the role
defaults), used where a host does not set its own.

Every variable of every host is checked on its own, so one bad value never
hides another: each error names the host, the variable and the value. A host
with a bad variable still gets a HostFacts record (its bad fields are None),
so it stays "a host of overlay_hosts" for the tenant checks. Only ``None``
(YAML null, or unset) means "use the default": ``0``, ``false`` and ``''``
are values, and wrong ones are refused.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible.module_utils.ovl.core import networks, tunnels
from ansible.module_utils.ovl.core.validate import InputError, ifname, mtu, owner_name
from ansible.module_utils.ovl.tenant.model import HostFacts
from ansible.module_utils.ovl.tenant.names import (
    PROVIDER_PREFIX, RESERVED_BRIDGES, UPLINK_BRIDGE, host_suffix)

DATAPATH_TYPES = ('system', 'netdev')
TUNNEL_MODES = ('port', 'kernel', 'flow')
NAT_BACKENDS = ('iptables', 'nft')
BACKENDS = ('ovs', 'ovn')
OVN_ENCAPS = ('geneve', 'vxlan')
DEFAULTS = dict(
    overlay_underlay_mtu=1500,
    overlay_datapath_type='system',
    overlay_integration_bridge='br-int',
    overlay_tunnel_mode='port',
    overlay_tunnel_type=tunnels.DEFAULT,
    overlay_nat_backend='iptables',
    overlay_owner='ovl',
    overlay_libvirt_network='ovl',
    overlay_backend='ovs',
    overlay_ovn_encap='geneve',
)
HOST_VARS = ('overlay_underlay_ip', 'overlay_underlay_interface', 'overlay_underlay_mtu',
             'overlay_datapath_type', 'overlay_integration_bridge', 'overlay_bridge_mappings')
PLAY_VARS = ('overlay_tunnel_mode', 'overlay_tunnel_type', 'overlay_nat_backend', 'overlay_owner',
             'overlay_libvirt_network', 'overlay_backend', 'overlay_ovn_central',
             'overlay_ovn_encap', 'overlay_ovn_external_range', 'overlay_ovn_external_gateway')
# one value for the whole fleet (checked across hosts), with what they are called
FLEET_VARS = (('tunnel_mode', 'tunnel modes'), ('tunnel_type', 'default tunnel types'),
              ('backend', 'backends'), ('ovn_central', 'OVN central hosts'),
              ('ovn_encap', 'OVN encapsulations'), ('ovn_external_range', 'OVN external ranges'),
              ('ovn_external_gateway', 'OVN external gateways'))
# a tenant MTU (the underlay's minus the tunnel overhead) below 68 cannot carry IPv4
UNDERLAY_MTU_MIN = 68 + tunnels.MAX_OVERHEAD


def underlay_ip(value, field):
    """An IPv4 unicast address a tunnel can use, in canonical form (no spaces,
    no leading zeros): not 0.0.0.0, loopback, multicast, broadcast, reserved,
    or in 169.254.0.0/16 (the routers' transit range)."""
    if not isinstance(value, str):
        raise InputError(field, value, 'is not an IPv4 address (quote it)')
    try:
        addr = ipaddress.IPv4Address(value)
    except ValueError:
        raise InputError(field, value, 'is not an IPv4 address (e.g. 192.168.1.11)')
    if str(addr) != value:
        raise InputError(field, value, 'is not written as a plain IPv4 address (%s)' % addr)
    refused = ((addr.is_unspecified, 'unspecified'), (addr.is_loopback, 'a loopback'),
               (addr.is_multicast, 'a multicast'),
               (addr.is_link_local, 'a link-local (169.254.0.0/16 is the routers\' transit range)'),
               (addr == ipaddress.IPv4Address('255.255.255.255'), 'the broadcast'),
               (addr.is_reserved, 'a reserved'))
    for test, what in refused:
        if test:
            raise InputError(field, value, 'is %s address; a tunnel endpoint needs a unicast '
                             'address of the host' % what)
    return value


def _choice(value, field, choices):
    if not isinstance(value, str) or value not in choices:
        raise InputError(field, value, 'is not one of %s' % ', '.join(choices))
    return value


def _int(value, field, check):
    """Integers from YAML, or digit strings (``-e var=9000`` gives a string);
    a message shows the value as it was given."""
    number = value
    if isinstance(value, str) and value.isdigit():
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int):
        raise InputError(field, value, 'is not an integer')
    try:
        return check(number)
    except InputError as exc:
        raise InputError(field, value, exc.reason)


def _underlay_mtu(value, field):
    number = _int(value, field, lambda v: mtu(v, field))
    if number < UNDERLAY_MTU_MIN:
        raise InputError(field, value, 'is below %d: a tenant MTU (underlay minus up to %d) '
                         'must be at least 68' % (UNDERLAY_MTU_MIN, tunnels.MAX_OVERHEAD))
    return number


def _ours(name):
    """A bridge name the project makes itself."""
    return name in RESERVED_BRIDGES or name.startswith(PROVIDER_PREFIX)


def _bridge(value, field):
    name = ifname(value, field)
    if _ours(name):
        raise InputError(field, value, 'is reserved for the bridges the project makes itself '
                         '(%s, brp-<physical network>)' % ', '.join(RESERVED_BRIDGES))
    return name


def _libvirt_name(value, field):
    """A libvirt network name: 1-64 of letters, digits, '_', '.', '-'."""
    if not isinstance(value, str) or not re.match(r'^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$', value) \
            or value != value.strip():
        raise InputError(field, value, "is not a libvirt network name (1-64 of letters, digits, "
                         "'_', '.', '-')")
    return value


def _host_name(value, field):
    if not isinstance(value, str) or not value or value != value.strip():
        raise InputError(field, value, 'is not an inventory host name')
    return value


def _range(value, field):
    """``FIRST-LAST``: two underlay-grade IPv4 addresses, FIRST <= LAST."""
    parts = value.split('-') if isinstance(value, str) else []
    if len(parts) != 2:
        raise InputError(field, value, 'is not a range FIRST-LAST of IPv4 addresses '
                         '(e.g. 192.168.1.200-192.168.1.239)')
    first, last = (underlay_ip(p.strip(), field) for p in parts)
    if int(ipaddress.IPv4Address(first)) > int(ipaddress.IPv4Address(last)):
        raise InputError(field, value, 'ends before it starts')
    return '%s-%s' % (first, last)


def _mapping(value, field):
    """``overlay_bridge_mappings`` (Neutron's bridge_mappings): {physical
    network: interface, or {interface, mtu}} -> {name: {interface, mtu}}.
    Each interface is the host's link to that physical network, given to the
    network's provider bridge (``brp-<name>``) whole: it must carry nothing
    else of the host, and two networks cannot share one."""
    if not isinstance(value, dict):
        raise InputError(field, value, 'is not a mapping of physical network names to '
                         'interfaces (e.g. {physnet1: eth1})')
    out, by_interface = {}, {}
    for name in sorted(value, key=str):
        where = '%s.%s' % (field, name)
        networks.physnet_name(name, field)
        item = value[name]
        if isinstance(item, dict):
            unknown = sorted(set(item) - {'interface', 'mtu'}, key=str)
            if unknown:
                raise InputError(where, item, 'has unknown keys %s (allowed: interface, mtu)'
                                 % ', '.join(str(k) for k in unknown))
            interface, size = item.get('interface'), item.get('mtu')
        else:
            interface, size = item, None
        interface = ifname(interface, where + ('.interface' if isinstance(item, dict) else ''))
        if _ours(interface):
            raise InputError(where, interface, 'is a bridge the project makes; name the '
                             'interface of the physical network (e.g. eth1)')
        if interface in by_interface:
            raise InputError(where, interface, 'is already the interface of physical network '
                             '%s' % by_interface[interface])
        by_interface[interface] = name
        size = networks.PHYSICAL_MTU if size is None else _int(size, where + '.mtu',
                                                               lambda v: mtu(v, where + '.mtu'))
        out[name] = dict(interface=interface, mtu=size)
    return out


def _uplink(value, field):
    name = ifname(value, field)
    if name == UPLINK_BRIDGE:
        raise InputError(field, value, 'is the bridge the uplink moves into with the netdev '
                         'datapath; name the uplink itself (e.g. eth0), or leave it unset')
    return name


CHECKS = (
    ('overlay_underlay_ip', 'underlay_ip', underlay_ip),
    ('overlay_underlay_interface', 'underlay_interface', _uplink),
    ('overlay_underlay_mtu', 'underlay_mtu', _underlay_mtu),
    ('overlay_datapath_type', 'datapath_type', lambda v, f: _choice(v, f, DATAPATH_TYPES)),
    ('overlay_integration_bridge', 'integration_bridge', _bridge),
    ('overlay_bridge_mappings', 'bridge_mappings', _mapping),
    ('overlay_tunnel_mode', 'tunnel_mode', lambda v, f: _choice(v, f, TUNNEL_MODES)),
    ('overlay_tunnel_type', 'tunnel_type', lambda v, f: _choice(v, f, tunnels.NAMES)),
    ('overlay_nat_backend', 'nat_backend', lambda v, f: _choice(v, f, NAT_BACKENDS)),
    ('overlay_owner', 'owner', owner_name),
    ('overlay_libvirt_network', 'libvirt_network', _libvirt_name),
    ('overlay_backend', 'backend', lambda v, f: _choice(v, f, BACKENDS)),
    ('overlay_ovn_central', 'ovn_central', _host_name),
    ('overlay_ovn_encap', 'ovn_encap', lambda v, f: _choice(v, f, OVN_ENCAPS)),
    ('overlay_ovn_external_range', 'ovn_external_range', _range),
    ('overlay_ovn_external_gateway', 'ovn_external_gateway', underlay_ip),
)


def _one_host(name, values, play):
    """(HostFacts with None for bad fields, error lines) of host *name*."""
    errors, fields = [], dict(name=name)
    if not isinstance(values, dict):
        return HostFacts(name, *([None] * (len(HostFacts._fields) - 1))), [
            '%s: its host variables are not a mapping (%r)' % (name, values)]
    for var, key, check in CHECKS:
        value = values.get(var)
        if value is None and var in PLAY_VARS:
            value = (play or {}).get(var)
        if value is None:
            value = DEFAULTS.get(var)
        if value is None:
            fields[key] = None
            if var == 'overlay_underlay_ip':
                errors.append('%s: overlay_underlay_ip: is required for every host of '
                              'overlay_hosts (the host\'s tunnel endpoint address)' % name)
            continue
        try:
            fields[key] = check(value, '%s: %s' % (name, var))
        except InputError as exc:
            fields[key] = None
            errors.append(str(exc))
    facts = HostFacts(**fields)
    if facts.underlay_interface and facts.underlay_interface == facts.integration_bridge:
        errors.append(str(InputError('%s: overlay_underlay_interface' % name,
                                     facts.underlay_interface, 'is the integration bridge')))
    for physnet, item in sorted((facts.bridge_mappings or {}).items()):
        if item['interface'] in (facts.underlay_interface, facts.integration_bridge):
            errors.append(str(InputError(
                '%s: overlay_bridge_mappings.%s' % (name, physnet), item['interface'],
                'is the %s: a physical network needs an interface of its own' % (
                    'underlay interface' if item['interface'] == facts.underlay_interface
                    else 'integration bridge'))))
    return facts, errors


def _across(facts):
    """Rules between hosts: unique VTEP addresses, tunnel port names that do
    not collide, one tunnel mode for the whole fleet."""
    errors, by_addr, by_suffix = [], {}, {}
    for name in sorted(facts):
        addr = facts[name].underlay_ip
        if addr is None:
            continue
        if addr in by_addr:
            errors.append('%s: overlay_underlay_ip: %r is also the underlay address of %s'
                          % (name, addr, by_addr[addr]))
            continue
        by_addr[addr] = name
        suffix = host_suffix(addr)
        if suffix in by_suffix:
            errors.append('%s: overlay_underlay_ip: %r gives the same tunnel port names as %s '
                          '(%s): underlay addresses must differ in their last 24 bits'
                          % (name, addr, by_suffix[suffix], facts[by_suffix[suffix]].underlay_ip))
        by_suffix.setdefault(suffix, name)
    for var, what in FLEET_VARS:
        values = sorted(set(getattr(f, var) for f in facts.values() if getattr(f, var)))
        if len(values) > 1:
            first = dict((getattr(f, var), n) for n, f in sorted(facts.items(), reverse=True))
            errors.append('overlay_%s: hosts use different %s (%s); set one for all of '
                          'overlay_hosts' % (var, what, ', '.join('%s on %s' % (m, first[m])
                                                                  for m in values)))
    return errors + _ovn_errors(facts)


def _ovn_errors(facts):
    """With ``overlay_backend: ovn``: the central is a host of overlay_hosts."""
    ovn = [f for f in facts.values() if f.backend == 'ovn']
    if not ovn:
        return []
    central = ovn[0].ovn_central
    if central is None:
        return ['overlay_ovn_central: is required with overlay_backend ovn (the host of '
                'overlay_hosts that runs ovn-northd and the OVN databases)']
    if central not in facts:
        return ['overlay_ovn_central: %r is not a host of overlay_hosts (%s)'
                % (central, ', '.join(sorted(facts)))]
    return []


def common(facts, var):
    """The one value of play variable *var* the hosts agree on (the default
    when they do not: that is reported by ``host_facts``)."""
    values = set(getattr(f, var) for f in facts.values() if getattr(f, var))
    return values.pop() if len(values) == 1 else DEFAULTS.get('overlay_' + var)


def host_facts(hostvars, play=None):
    """(facts by host name, error lines): every host and every variable."""
    facts, errors = {}, []
    if not isinstance(hostvars, dict):
        return {}, ['overlay_hosts: the host variables are not a mapping (%r)' % (hostvars,)]
    for name in sorted(hostvars):
        facts[name], found = _one_host(name, hostvars[name], play)
        errors.extend(found)
    return facts, errors + _across(facts)


def mtu_limit(facts, host_names, overhead):
    """(largest tenant MTU allowed, the host that limits it) over *host_names*
    (all hosts when none is known) for a tunnel type adding *overhead* bytes;
    hosts with a bad MTU are skipped."""
    known = [h for h in sorted(host_names) if h in facts and facts[h].underlay_mtu]
    if not known:
        known = [h for h in sorted(facts) if facts[h].underlay_mtu]
    if not known:
        return DEFAULTS['overlay_underlay_mtu'] - overhead, None
    host = min(known, key=lambda h: (facts[h].underlay_mtu, h))
    return facts[host].underlay_mtu - overhead, host
