# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Checks of one schema-valid tenant document and its normalised form.

``normalise(data, stem, facts, path) -> (tenant, errors)``: *data* is the
schema-valid part of a tenant file (a field that failed the schema is absent,
and every check that needs it is skipped: the other errors are still
reported); *stem* is the file name without extension, *facts* the HostFacts of every host
(``ovl.inventory.hostvars.host_facts``), *path* the file as shown in messages.
Errors are 'field: value reason' lines; *tenant* (an ``ovl.tenant.model.Tenant``
whose endpoints are sorted by (name, host)) is None when there are any.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.core.validate import InputError, cidr, ifname
from ansible.module_utils.ovl.core import networks, tunnels
from ansible.module_utils.ovl.tenant.endpoints import DEFAULT as DEFAULT_KIND
from ansible.module_utils.ovl.inventory.backend import default_type, tunnel_overhead
from ansible.module_utils.ovl.inventory.hostvars import common, mtu_limit
from ansible.module_utils.ovl.inventory.limits import endpoint_limit
from ansible.module_utils.ovl.tenant.model import ContainerHost, Endpoint, MirrorTo, Published, Tenant
from ansible.module_utils.ovl.tenant.names import PROVIDER_PREFIX, RESERVED_BRIDGES

RESERVED_PREFIXES = ('ovr-',)  # router namespaces are ovr-<tenant>


def _line(field, value, reason):
    return str(InputError(field, value, reason))


def _address_errors(field, text, net, gateway=None):
    """Errors of an address that must be a usable host address of *net*."""
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:   # the schema's pattern let it through (e.g. a final newline)
        return [_line(field, text, 'is not an IPv4 address (e.g. 10.0.0.11)')]
    if addr not in net:
        return [_line(field, text, 'is not inside subnet %s' % net)]
    if addr == net.network_address:
        return [_line(field, text, 'is the network address of subnet %s' % net)]
    if addr == net.broadcast_address:
        return [_line(field, text, 'is the broadcast address of subnet %s' % net)]
    if gateway is not None and addr == gateway:
        return [_line(field, text, 'is the gateway address of the tenant')]
    return []


TRANSIT = ipaddress.ip_network('169.254.0.0/16')


def _subnet(data, errors):
    if 'subnet' not in data:
        return None
    text = data['subnet']
    try:
        if text != text.strip():
            raise InputError('subnet', text, 'is not a network in CIDR form (e.g. 10.0.0.0/24)')
        net = ipaddress.ip_network(cidr(text, 'subnet'))
    except InputError as exc:
        errors.append(str(exc))
        return None
    if net.prefixlen > 30:
        errors.append(_line('subnet', text,
                            'leaves no room for a gateway and endpoints (use /30 or larger)'))
        return None
    for test, what in ((net.overlaps(TRANSIT), "overlaps 169.254.0.0/16, the routers' transit "
                        'range'), (net.is_loopback, 'is loopback'),
                       (net.is_multicast, 'is multicast'), (net.is_reserved, 'is reserved'),
                       (net.overlaps(ipaddress.ip_network('0.0.0.0/8')), 'is in 0.0.0.0/8')):
        if test:
            errors.append(_line('subnet', text, '%s; choose a private range (e.g. 10.x, '
                                '172.16-31.x, 192.168.x)' % what))
            return None
    return net


def mac_errors(field, text):
    """Errors of a VM's Ethernet address: unicast, not all zeros."""
    first = int(text.split(':')[0], 16)
    if first & 1:
        return [_line(field, text, 'is a multicast address (the lowest bit of the first octet is '
                      'set); a VM needs a unicast one (e.g. 52:54:00:00:0b:01)')]
    if not any(int(part, 16) for part in text.split(':')):
        return [_line(field, text, 'is the all-zeros address')]
    return []


def _mac(ep, index, seen_mac, errors):
    """The endpoint's MAC (lower case) when its kind takes one, else None."""
    where = 'endpoints[%d]' % index
    kind, mac = ep.get('kind') or DEFAULT_KIND, ep.get('mac')
    if kind != 'vm':
        if mac is not None:
            errors.append(_line(where + '.mac', mac, 'is only for endpoints of kind vm (a '
                                "namespace's MAC is derived from its name)"))
        return None
    if mac is None:
        errors.append(_line(where + '.mac', None, 'is required for an endpoint of kind vm (the '
                            "Ethernet address of the VM's interface)"))
        return None
    mac = mac.lower()
    bad = mac_errors(where + '.mac', mac)
    errors.extend(bad)
    if not bad and mac in seen_mac:
        errors.append(_line(where + '.mac', mac, 'is already used by endpoints[%d] of this '
                            'tenant' % seen_mac[mac]))
    seen_mac.setdefault(mac, index)
    return mac


# ports a host needs for the product itself: the tunnels' UDP ports, and ssh
# (Ansible reaches the hosts through it)
RESERVED_PORTS = dict(udp=tuple(sorted(set(t.udp_port for t in tunnels.TYPES if t.udp_port))),
                      tcp=(22,))


def _floating(ep, where, net, facts, errors):
    """The endpoint's floating address, checked; None when it has none."""
    text = ep.get('floating_ip')
    if text is None:
        return None
    try:
        addr = ipaddress.IPv4Address(text)
    except ValueError:
        errors.append(_line(where + '.floating_ip', text, 'is not an IPv4 address'))
        return None
    refused = ((addr.is_unspecified, 'the unspecified address'), (addr.is_loopback, 'loopback'),
               (addr.is_multicast, 'multicast'), (addr.is_reserved, 'reserved'),
               (addr in TRANSIT, "in 169.254.0.0/16, the routers' transit range"),
               (net is not None and addr in net, 'inside the tenant subnet %s' % net))
    for test, what in refused:
        if test:
            errors.append(_line(where + '.floating_ip', text, 'is %s; a floating address is an '
                                'address of the hosts\' network (e.g. 192.168.250.50)' % what))
            return None
    for name, host in sorted(facts.items()):
        if host.underlay_ip == text:
            errors.append(_line(where + '.floating_ip', text, 'is the underlay address of %s'
                                % name))
            return None
    return text


def _publish(ep, where, errors):
    """The endpoint's published ports, checked."""
    out, seen = [], {}
    for index, item in enumerate(ep.get('publish') or []):
        at = '%s.publish[%d]' % (where, index)
        proto = item.get('proto') or 'tcp'
        key = (proto, item['host_port'])
        if item['host_port'] in RESERVED_PORTS[proto]:
            errors.append(_line(at + '.host_port', item['host_port'], 'is a port the hosts need '
                                'for the product (%s: %s)' % (proto, ', '.join(
                                    str(p) for p in RESERVED_PORTS[proto]))))
        elif key in seen:
            errors.append(_line(at + '.host_port', item['host_port'], 'is already published by '
                                'publish[%d] of this endpoint' % seen[key]))
        seen.setdefault(key, index)
        out.append(Published(proto, item['port'], item['host_port']))
    return tuple(out)


def _endpoints(data, net, gateway, facts, errors):
    seen_ip, seen_name, seen_mac, out = {}, {}, {}, []
    for index, ep in enumerate(data.get('endpoints') or []):
        where = 'endpoints[%d]' % index
        try:
            ifname(ep['name'], where + '.name')
        except InputError as exc:
            errors.append(str(exc))
        if ep['name'].startswith(RESERVED_PREFIXES):
            errors.append(_line(where + '.name', ep['name'], "starts with 'ovr-', which is "
                                'reserved for router namespaces'))
        key = (ep['name'], ep['host'])
        if key in seen_name:
            errors.append(_line(where + '.name', ep['name'], 'is already used on %s by '
                                'endpoints[%d] of this tenant' % (ep['host'], seen_name[key])))
        seen_name.setdefault(key, index)
        if ep['host'] not in facts:
            errors.append(_line(where + '.host', ep['host'], 'is not a host of overlay_hosts '
                                '(known: %s)' % (', '.join(sorted(facts)) or 'none')))
        mac = _mac(ep, index, seen_mac, errors)
        if net is not None:
            bad = _address_errors(where + '.ip', ep['ip'], net, gateway)
            errors.extend(bad)
            if not bad and ep['ip'] in seen_ip:
                errors.append(_line(where + '.ip', ep['ip'], 'is already used by endpoints[%d]'
                                    ' of this tenant' % seen_ip[ep['ip']]))
            seen_ip.setdefault(ep['ip'], index)
            out.append(Endpoint(ep['name'], ep['host'], ep['ip'], net.prefixlen,
                                ep.get('kind') or DEFAULT_KIND, mac,
                                _floating(ep, where, net, facts, errors),
                                _publish(ep, where, errors),
                                endpoint_limit(data, ep, where, errors)))
    return tuple(sorted(out, key=lambda e: (e.name, e.host)))


def _containers(data, net, gateway, endpoints, facts, errors):
    """The hosts that run the tenant's containers, each with its range:
    a known host, once; the range inside the subnet, apart from the other
    hosts' ranges, holding neither the gateway nor an endpoint's address."""
    out, seen = [], {}
    for index, item in enumerate(data.get('containers') or []):
        where = 'containers[%d]' % index
        host = item['host']
        if host not in facts:
            errors.append(_line(where + '.host', host, 'is not a host of overlay_hosts '
                                '(known: %s)' % (', '.join(sorted(facts)) or 'none')))
        elif host in seen:
            errors.append(_line(where + '.host', host, 'is already listed by containers[%d]'
                                % seen[host]))
        seen.setdefault(host, index)
        try:
            pool = ipaddress.ip_network(cidr(item['range'], where + '.range'))
        except InputError as exc:
            errors.append(str(exc))
            continue
        if net is None:
            continue
        problem = None
        if not pool.subnet_of(net):
            problem = 'is not inside the subnet %s' % net
        elif gateway is not None and gateway in pool:
            problem = 'holds the gateway %s' % gateway
        else:
            held = [ep for ep in endpoints if ipaddress.ip_address(ep.ip) in pool]
            other = [c for c in out if c[1].overlaps(pool)]
            if held:
                problem = 'holds %s, the address of endpoint %s' % (held[0].ip, held[0].name)
            elif other:
                problem = 'overlaps the range %s of %s' % (other[0][1], other[0][0])
        if problem:
            errors.append(_line(where + '.range', item['range'], problem))
            continue
        out.append((host, pool))
    return tuple(sorted((ContainerHost(h, str(p)) for h, p in out), key=lambda c: c.host))


def normalise(data, stem, facts, path=None):
    errors = []
    if 'name' in data and data['name'] != stem:
        errors.append(_line('name', data['name'], "differs from the file name '%s' (rename the "
                            'file or change name)' % stem))
    net = _subnet(data, errors)
    gateway = None
    if net is not None:
        if data.get('gateway') is None:
            gateway = next(net.hosts())
        else:
            bad = _address_errors('gateway', data['gateway'], net)
            errors.extend(bad)
            gateway = None if bad else ipaddress.ip_address(data['gateway'])
    endpoints = _endpoints(data, net, gateway, facts, errors)
    if not data.get('snat', False):
        for index, ep in enumerate(data.get('endpoints') or []):
            for key in ('floating_ip', 'publish'):
                if ep.get(key):
                    errors.append(_line('endpoints[%d].%s' % (index, key), ep[key], 'needs '
                                        'snat: true in the tenant (what is offered outside '
                                        "comes in through the router's uplink)"))
    containers = _containers(data, net, gateway, endpoints, facts, errors)
    hosts = sorted(set(ep['host'] for ep in data.get('endpoints') or [])
                   | set(c['host'] for c in data.get('containers') or []
                         if c['host'] in facts))
    mirror = _mirror(data, hosts, errors)
    kind = _network_type(data, facts, errors)
    if kind is None:
        return None, errors
    if networks.is_provider(kind):
        physnet, segment = _provider(data, kind, facts, hosts, errors)
        limit, what = _physical_mtu(facts, hosts, physnet)
    else:
        physnet = segment = None
        for field in ('physical_network', 'segmentation_id'):
            if data.get(field) is not None:
                errors.append(_line(field, data[field], 'is only for network_type vlan or flat '
                                    '(a %s tenant is carried in tunnels, its VNI is its id)'
                                    % kind))
        kind = tunnels.get(kind)
        mode = common(facts, 'tunnel_mode')
        if mode == 'kernel' and not kind.kernel_kind and common(facts, 'backend') == 'ovs':
            errors.append(_line('tunnel_type', kind.name, 'cannot be used with '
                                'overlay_tunnel_mode kernel (one kernel device per tenant with a '
                                'flood list exists for %s only); use tunnel mode port or flow'
                                % ', '.join(t.name for t in tunnels.TYPES if t.kernel_kind)))
        overhead = tunnel_overhead(kind, facts)
        limit, by = mtu_limit(facts, hosts, overhead)
        what = 'the underlay MTU %d of %s minus %d for %s' % (
            limit + overhead, by or 'the hosts', overhead, kind.name.upper())
        kind = kind.name
    tenant_mtu = data.get('mtu', limit)
    if tenant_mtu > limit:
        errors.append(_line('mtu', tenant_mtu, 'is above %d: %s' % (limit, what)))
    if errors or net is None or not all(key in data for key in ('name', 'vni')):
        return None, errors       # a missing required field was reported by the schema
    return Tenant(name=data['name'], vni=int(data['vni']), subnet=str(net),
                  prefixlen=net.prefixlen, gateway=str(gateway), snat=bool(data.get('snat', False)),
                  mtu=int(tenant_mtu), endpoints=endpoints, file=path,
                  tunnel_type=None if physnet else kind, containers=containers,
                  dhcp=bool(data.get('dhcp', False)), network_type=kind,
                  physical_network=physnet, segmentation_id=segment, mirror=mirror), []


# what the project names its own devices and bridges: never a capture interface
MADE_PREFIXES = ('ov', PROVIDER_PREFIX) + RESERVED_BRIDGES


def _mirror(data, hosts, errors):
    """Where the tenant is mirrored: one capture interface per host, on a
    host that carries the tenant, not a name the project gives its own."""
    out, seen = [], {}
    for index, item in enumerate(data.get('mirror') or []):
        where = 'mirror[%d]' % index
        if item['host'] not in hosts:
            errors.append(_line(where + '.host', item['host'], 'does not carry the tenant (its '
                                'hosts: %s): there is nothing of it to mirror there'
                                % (', '.join(hosts) or 'none')))
            continue
        if item['host'] in seen:
            errors.append(_line(where + '.host', item['host'], 'is already mirrored by mirror[%d]'
                                % seen[item['host']]))
            continue
        seen[item['host']] = index
        try:
            name = ifname(item['interface'], where + '.interface')
        except InputError as exc:
            errors.append(str(exc))
            continue
        if name.startswith(MADE_PREFIXES):
            errors.append(_line(where + '.interface', name, 'is a name the project gives its own '
                                'devices (%s...); name the capture interface you made'
                                % ', '.join(MADE_PREFIXES)))
            continue
        out.append(MirrorTo(item['host'], name))
    return tuple(out)


def _network_type(data, facts, errors):
    """The tenant's network type: ``network_type``, else ``tunnel_type``,
    else the fleet's default tunnel type (None: the two fields disagree)."""
    given, tunnel = data.get('network_type'), data.get('tunnel_type')
    if given is not None and tunnel is not None and given != tunnel:
        errors.append(_line('tunnel_type', tunnel, 'differs from network_type %r (give one of '
                            'them)' % given))
        return None
    return given or tunnel or default_type(facts)


def _provider(data, kind, facts, hosts, errors):
    """(physical network, VLAN id or None) of a vlan or flat tenant, checked:
    named, mapped on every host of the tenant; a VLAN id for vlan only."""
    physnet, segment = data.get('physical_network'), data.get('segmentation_id')
    if physnet is None:
        errors.append(_line('physical_network', None, 'is required with network_type %s (the '
                            'physical network that carries the tenant: a name of '
                            'overlay_bridge_mappings)' % kind))
    else:
        for host in hosts:
            if host in facts and physnet not in (facts[host].bridge_mappings or {}):
                errors.append(_line('physical_network', physnet, 'is not mapped on host %s: '
                                    'add it to overlay_bridge_mappings of %s (known there: %s)'
                                    % (host, host, ', '.join(sorted(
                                        facts[host].bridge_mappings or {})) or 'none')))
    if networks.BY_NAME[kind].tagged and segment is None:
        where = physnet or 'its physical network'
        errors.append(_line('segmentation_id', None, 'is required with network_type vlan (the '
                            'VLAN id of the tenant on %s, 1-4094)' % where))
    if not networks.BY_NAME[kind].tagged and segment is not None:
        errors.append(_line('segmentation_id', segment, 'is only for network_type vlan (a flat '
                            'network is untagged)'))
    return physnet, segment


def _physical_mtu(facts, hosts, physnet):
    """(largest MTU, why) of a provider tenant on *physnet* over its
    *hosts*: no overhead, the smallest MTU of the network there."""
    sizes = sorted((facts[h].bridge_mappings[physnet]['mtu'], h) for h in hosts
                   if h in facts and physnet in (facts[h].bridge_mappings or {}))
    if not sizes:
        return networks.PHYSICAL_MTU, 'the MTU of physical network %s' % physnet
    size, host = sizes[0]
    return size, 'the MTU %d of physical network %s on %s' % (size, physnet, host)
