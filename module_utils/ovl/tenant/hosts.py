# -*- coding: utf-8 -*-
"""Per-host facts the tenant layer needs, from host vars or the module's
``hosts`` option: both ``overlay_underlay_ip`` and ``underlay_ip`` spellings
are accepted.

``host_facts(hosts, name) -> {underlay_ip, underlay_mtu, underlay_interface,
datapath_type, integration_bridge}``; raises InputError naming the host.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.validate import InputError, ifname, ip_address, mtu

DEFAULT_UNDERLAY_MTU = 1500
VXLAN_OVERHEAD = 50
DATAPATHS = ('system', 'netdev')


def _get(values, key):
    for name in ('overlay_' + key, key):
        if values.get(name) not in (None, ''):
            return values[name]
    return None


def host_facts(hosts, name):
    """Normalised facts of host *name* from the mapping *hosts*."""
    if name not in hosts:
        raise InputError('host', name, 'is not in overlay_hosts (known: %s)'
                         % (', '.join(sorted(hosts)) or 'none'))
    values = hosts[name] or {}
    if not isinstance(values, dict):
        raise InputError(name, values, 'is not a mapping of host variables')
    raw_ip = _get(values, 'underlay_ip')
    if raw_ip is None:
        raise InputError('%s: overlay_underlay_ip' % name, None,
                         'is required for every host of overlay_hosts')
    facts = dict(
        underlay_ip=ip_address(raw_ip, '%s: overlay_underlay_ip' % name),
        underlay_mtu=mtu(_get(values, 'underlay_mtu') or DEFAULT_UNDERLAY_MTU,
                         '%s: overlay_underlay_mtu' % name),
        underlay_interface=None,
        datapath_type=_get(values, 'datapath_type') or 'system',
        integration_bridge=_get(values, 'integration_bridge') or 'br-int',
    )
    interface = _get(values, 'underlay_interface')
    if interface is not None:
        facts['underlay_interface'] = ifname(interface, '%s: overlay_underlay_interface' % name)
    if facts['datapath_type'] not in DATAPATHS:
        raise InputError('%s: overlay_datapath_type' % name, facts['datapath_type'],
                         'is not one of %s' % ', '.join(DATAPATHS))
    ifname(facts['integration_bridge'], '%s: overlay_integration_bridge' % name)
    return facts


def all_host_facts(hosts):
    """(facts by host, error lines) for every host of *hosts*."""
    facts, errors = {}, []
    for name in sorted(hosts or {}):
        try:
            facts[name] = host_facts(hosts, name)
        except InputError as exc:
            errors.append(str(exc))
    owners = {}
    for name in sorted(facts):
        addr = facts[name]['underlay_ip']
        if addr in owners:
            errors.append('%s: overlay_underlay_ip: %r is also the underlay address of %s'
                          % (name, addr, owners[addr]))
        owners.setdefault(addr, name)
    return facts, errors


def mtu_limit(facts, host_names):
    """(largest tenant MTU allowed, the host that limits it) over *host_names*."""
    known = [h for h in sorted(host_names) if h in facts]
    if not known:
        known = sorted(facts)
    if not known:
        return DEFAULT_UNDERLAY_MTU - VXLAN_OVERHEAD, None
    host = min(known, key=lambda h: (facts[h]['underlay_mtu'], h))
    return facts[host]['underlay_mtu'] - VXLAN_OVERHEAD, host
