# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The plugin's HTTP+JSON API (libnetwork ``remote.md`` and ``ipam.md``):
every request validated and answered; pure, but for the two actions it is
given (attach a container's interface to the tenant's VLAN, detach it).

``answer(path, body, config, state, actions) -> (dict, changed)``: the
answer to a request (``{"Err": "..."}`` when it is refused; never an
exception) and whether *state* changed (the caller persists it).

A network belongs to the tenant named when it was created (``-o
tenant=NAME``, and ``--ipam-opt tenant=NAME`` for its pool); nothing a
container's options say can move it to another tenant. Only the tenants of
the host's config exist for the plugin.

*state*: {'networks': {NetworkID: tenant}, 'endpoints': {EndpointID:
{network, endpoint, tenant, address, mac, port, peer}}, 'pools': ..., 'addresses':
...} (``ovl.docker.ipam``).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress
import re

from ansible.module_utils.ovl.core import validate as v
from ansible.module_utils.ovl.docker import ipam

ID_RE = re.compile(r'^[0-9a-f]{64}\Z')
TENANT_OPTION = 'tenant'
GENERIC = 'com.docker.network.generic'
PORT_PREFIX, PEER_PREFIX = 'ovd', 'ovt'
KIND_NAMES = {str: 'a string', dict: 'an object', list: 'a list', bool: 'a boolean'}


class ApiError(ValueError):
    """A refused request; ``str()`` is the answer's Err."""


class ActionError(Exception):
    """An attach or detach that failed on the host (raised by the actions);
    ``str()`` says what and how to fix it."""


def empty_state():
    return dict(networks={}, endpoints={}, pools={}, addresses={})


def names(endpoint_id):
    """(host end of the veth, a port of the bridge; the container's end
    before Docker moves and renames it) of an endpoint: 13 characters each."""
    digest = hashlib.sha1(endpoint_id.encode('ascii')).hexdigest()[:10]
    return PORT_PREFIX + digest, PEER_PREFIX + digest


def mac_of(owner, tenant, address):
    """A locally administered unicast MAC from the container's tenant and
    address (``02:TT:a:b:c:d``, TT a byte of the owner's and tenant's hash),
    as Docker's bridge derives one from the address: a restarted container
    (a new endpoint, the same ``--ip``) keeps its MAC, so its peers' ARP
    caches stay right."""
    tag = hashlib.sha256(('%s\0docker\0%s' % (owner, tenant)).encode('utf-8')).digest()[0]
    raw = bytearray([0x02, tag]) + bytearray(ipaddress.ip_address(address).packed)
    return ':'.join('%02x' % b for b in raw)


def _field(body, key, kind, required=True):
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, kind):
        raise ApiError('%s: %r is not %s' % (key, value, KIND_NAMES[kind]))
    return value


def _id(body, key):
    value = _field(body, key, str)
    if not ID_RE.match(value):
        raise ApiError('%s: %r is not a Docker ID (64 hex digits)' % (key, value))
    return value


def _tenant_option(options, where):
    if not isinstance(options, dict):
        raise ApiError('%s: %r is not an object' % (where, options))
    name = options.get(TENANT_OPTION)
    if not isinstance(name, str) or not name:
        raise ApiError('%s.%s: missing: name the tenant (-o %s=NAME)'
                       % (where, TENANT_OPTION, TENANT_OPTION))
    return name


def _network(body, state, config):
    network = _id(body, 'NetworkID')
    tenant = state['networks'].get(network)
    if tenant is None:
        raise ApiError('NetworkID: %s is not a network of this plugin' % network[:12])
    if tenant not in config.tenants:
        raise ApiError('NetworkID: %s belongs to tenant %s, which this host no longer has'
                       % (network[:12], tenant))
    return network, config.tenants[tenant]


def _endpoint(body, state):
    endpoint = _id(body, 'EndpointID')
    record = state['endpoints'].get(endpoint)
    if record is None:
        raise ApiError('EndpointID: %s is not an endpoint of this plugin' % endpoint[:12])
    return endpoint, record


def activate(body, config, state, actions):
    return {'Implements': ['NetworkDriver', 'IpamDriver']}, False


def capabilities(body, config, state, actions):
    return {'Scope': 'local', 'ConnectivityScope': 'global'}, False


def create_network(body, config, state, actions):
    network = _id(body, 'NetworkID')
    options = _field(body, 'Options', dict, required=False) or {}
    tenant_name = _tenant_option(options.get(GENERIC) or {}, 'Options.' + GENERIC)
    tenant = config.tenants.get(tenant_name)
    if tenant is None:
        raise ApiError('Options.%s.tenant: %r is not a tenant of this host (known: %s)'
                       % (GENERIC, tenant_name, ', '.join(sorted(config.tenants)) or 'none'))
    data = _field(body, 'IPv4Data', list, required=False) or []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or item.get('Pool') != str(tenant.subnet):
            raise ApiError('IPv4Data[%d].Pool: %r is not the subnet of tenant %s (%s)'
                           % (i, (item or {}).get('Pool') if isinstance(item, dict) else item,
                              tenant.name, tenant.subnet))
    if _field(body, 'IPv6Data', list, required=False):
        raise ApiError('IPv6Data: IPv6 is not served (tenants are IPv4)')
    if state['networks'].get(network) not in (None, tenant.name):
        raise ApiError('NetworkID: %s is already a network of tenant %s'
                       % (network[:12], state['networks'][network]))
    state['networks'][network] = tenant.name
    return {}, True


def delete_network(body, config, state, actions):
    network = _id(body, 'NetworkID')
    left = [e for e, r in state['endpoints'].items() if r['network'] == network]
    if left:
        raise ApiError('NetworkID: %s still has endpoints %s' % (network[:12], ', '.join(
            e[:12] for e in sorted(left))))
    return {}, state['networks'].pop(network, None) is not None


def create_endpoint(body, config, state, actions):
    network, tenant = _network(body, state, config)
    endpoint = _id(body, 'EndpointID')
    iface = _field(body, 'Interface', dict, required=False) or {}
    address = iface.get('Address')
    if not isinstance(address, str) or not address:
        raise ApiError('Interface.Address: missing (the plugin is also the IPAM driver of '
                       'the network: create it with --ipam-driver)')
    try:
        ip = ipaddress.ip_interface(address)
    except ValueError:
        raise ApiError('Interface.Address: %r is not an address with prefix length' % (address,))
    if ip.network != tenant.subnet:
        raise ApiError('Interface.Address: %r is not inside tenant %s\'s subnet %s'
                       % (address, tenant.name, tenant.subnet))
    if iface.get('AddressIPv6'):
        raise ApiError('Interface.AddressIPv6: IPv6 is not served (tenants are IPv4)')
    answer = {}
    mac = iface.get('MacAddress')
    if mac:
        try:
            mac = v.mac_address(mac, 'Interface.MacAddress')
        except v.InputError as exc:
            raise ApiError(str(exc))
    else:
        mac = mac_of(config.owner, tenant.name, ip.ip)
        answer = {'Interface': {'MacAddress': mac}}
    port, peer = names(endpoint)
    state['endpoints'][endpoint] = dict(network=network, endpoint=endpoint, tenant=tenant.name,
                                        address=str(ip), mac=mac, port=port, peer=peer)
    return answer, True


def delete_endpoint(body, config, state, actions):
    endpoint = _id(body, 'EndpointID')
    record = state['endpoints'].pop(endpoint, None)
    if record is not None:
        actions.detach(record, config)
    return {}, record is not None


def oper_info(body, config, state, actions):
    endpoint, record = _endpoint(body, state)
    return {'Value': dict((k, record[k]) for k in ('tenant', 'address', 'mac', 'port'))}, False


def join(body, config, state, actions):
    endpoint, record = _endpoint(body, state)
    network = _id(body, 'NetworkID')
    if record['network'] != network:
        raise ApiError('NetworkID: endpoint %s is on network %s, not %s'
                       % (endpoint[:12], record['network'][:12], network[:12]))
    _field(body, 'SandboxKey', str)
    tenant = config.tenants.get(record['tenant'])
    if tenant is None:
        raise ApiError('tenant %s of endpoint %s is no longer on this host'
                       % (record['tenant'], endpoint[:12]))
    actions.attach(record, tenant, config)
    # a gateway in the answer: Docker adds no docker_gwbridge interface
    return {'InterfaceName': {'SrcName': record['peer'], 'DstPrefix': 'eth'},
            'Gateway': str(tenant.gateway), 'StaticRoutes': []}, False


def program_external(body, config, state, actions):
    """Called by dockerd after Join, once it has moved the interface into the
    container, for the endpoint that gives the container its gateway (ours:
    Join answers one), before the container starts. Join did not wait for
    ovs-vswitchd to take the port in (its reconfiguration grows with the
    ports on the bridge); that ran while dockerd moved the interface, and the
    wait is here, so the container never starts before its port is there."""
    endpoint, record = _endpoint(body, state)
    network = _id(body, 'NetworkID')
    if record['network'] != network:
        raise ApiError('NetworkID: endpoint %s is on network %s, not %s'
                       % (endpoint[:12], record['network'][:12], network[:12]))
    actions.wait_attached(record, config)
    return {}, False


def leave(body, config, state, actions):
    endpoint, record = _endpoint(body, state)
    actions.detach(record, config)
    return {}, False


def nothing(body, config, state, actions):
    return {}, False


def ipam_capabilities(body, config, state, actions):
    return {'RequiresMACAddress': False}, False


def address_spaces(body, config, state, actions):
    return {'LocalDefaultAddressSpace': 'ovl', 'GlobalDefaultAddressSpace': 'ovl-global'}, False


def request_pool(body, config, state, actions):
    options = _field(body, 'Options', dict, required=False) or {}
    tenant = _tenant_option(options, 'Options')
    pool = _field(body, 'Pool', str, required=False)
    sub_pool = _field(body, 'SubPool', str, required=False)
    v6 = _field(body, 'V6', bool, required=False)
    pool_id, cidr = ipam.request_pool(config, state, tenant, pool, sub_pool, bool(v6))
    return {'PoolID': pool_id, 'Pool': cidr, 'Data': {}}, True


def release_pool(body, config, state, actions):
    ipam.release_pool(state, _field(body, 'PoolID', str))
    return {}, True


def _address(body, key='Address'):
    address = _field(body, key, str, required=False)
    if address:
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            raise ApiError('%s: %r is not an IPv4 address' % (key, address))
    return address or None


def request_address(body, config, state, actions):
    options = _field(body, 'Options', dict, required=False) or {}
    kind = options.get('RequestAddressType')
    given = ipam.request_address(config, state, _field(body, 'PoolID', str), _address(body),
                                 kind if isinstance(kind, str) else None)
    return {'Address': given, 'Data': {}}, True


def release_address(body, config, state, actions):
    address = _address(body)
    if address:
        ipam.release_address(config, state, _field(body, 'PoolID', str), address)
    return {}, True


HANDLERS = {
    '/Plugin.Activate': activate,
    '/NetworkDriver.GetCapabilities': capabilities,
    '/NetworkDriver.CreateNetwork': create_network,
    '/NetworkDriver.DeleteNetwork': delete_network,
    '/NetworkDriver.CreateEndpoint': create_endpoint,
    '/NetworkDriver.DeleteEndpoint': delete_endpoint,
    '/NetworkDriver.EndpointOperInfo': oper_info,
    '/NetworkDriver.Join': join,
    '/NetworkDriver.Leave': leave,
    '/NetworkDriver.DiscoverNew': nothing,
    '/NetworkDriver.DiscoverDelete': nothing,
    '/NetworkDriver.ProgramExternalConnectivity': program_external,
    '/NetworkDriver.RevokeExternalConnectivity': nothing,
    '/IpamDriver.GetCapabilities': ipam_capabilities,
    '/IpamDriver.GetDefaultAddressSpaces': address_spaces,
    '/IpamDriver.RequestPool': request_pool,
    '/IpamDriver.ReleasePool': release_pool,
    '/IpamDriver.RequestAddress': request_address,
    '/IpamDriver.ReleaseAddress': release_address,
}


def answer(path, body, config, state, actions):
    """(answer, state changed). Unknown paths, bodies that are not objects
    and every refusal are answered ``{"Err": ...}`` naming the request and
    the field."""
    handler = HANDLERS.get(path)
    name = path.lstrip('/')
    if handler is None:
        return {'Err': '%s: not a request of this plugin' % (name or '/')}, False
    if body is None:
        body = {}
    if not isinstance(body, dict):
        return {'Err': '%s: the request is not a JSON object' % name}, False
    try:
        return handler(body, config, state, actions)
    except (ApiError, ipam.IpamError, ActionError) as exc:
        return {'Err': '%s: %s' % (name, exc)}, False
