# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The desired-state model of the inventory: typed, immutable records.

``overlay_tenants`` validates the tenant files and the host and play
variables once, on the controller, and returns them in this shape (as plain
JSON: ``Inventory.as_result()``); everything after it (the per-host builders,
the filters, the tests) reads these records instead of re-deriving shapes
from dicts. Nothing here validates: the records are only ever built from
input that ``ovl.inventory.load`` has checked.

- ``Endpoint(name, host, ip, prefixlen, kind, mac, floating_ip, publish,
  rate_limit)``; *mac*: a VM's (kind ``vm``), None for the other kinds;
  *rate_limit*: ``RateLimit(egress, ingress)`` of ``Limit(max_kbps,
  burst_kbit)`` or None
- ``Tenant(name, vni, subnet, prefixlen, gateway, snat, mtu, endpoints, file,
  tunnel_type, containers, dhcp, network_type, physical_network,
  segmentation_id, mirror)``; ``mirror``: ``MirrorTo(host, interface)``; ``containers``: ``ContainerHost(host, range)``;
  ``hosts`` (sorted names of the hosts carrying an endpoint or containers)
  is derived
- ``HostFacts(name, underlay_ip, underlay_mtu, underlay_interface,
  datapath_type, integration_bridge, tunnel_mode, tunnel_type, nat_backend,
  owner, libvirt_network, backend, ovn_central, ovn_encap, ovn_external_range,
  ovn_external_gateway, bridge_mappings)``; ``tunnel_type`` is the default of the tenants
  that name none; ``backend`` ``ovs`` (the project's own tunnels, routers
  and NAT) or ``ovn`` (OVN's, ``ovl.ovn``); ``underlay_interface`` is None until the host's preflight
  found it
- ``Inventory(tenants, hosts)``: tenants sorted by name, hosts by name
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections


class _Record(object):
    """Mixin: dict view and construction from a dict (extra keys ignored)."""

    __slots__ = ()

    def as_dict(self):
        return dict(self._asdict())

    @classmethod
    def from_dict(cls, data):
        return cls(**dict((k, data.get(k)) for k in cls._fields))


class Published(_Record, collections.namedtuple('Published', 'proto port host_port')):
    """A published port: *host_port* (*proto*) on the host reaches *port*."""
    __slots__ = ()


class Limit(_Record, collections.namedtuple('Limit', 'max_kbps burst_kbit')):
    """A rate limit of one direction: *max_kbps* kbit/s, bursts of
    *burst_kbit* kbit."""
    __slots__ = ()


class RateLimit(_Record, collections.namedtuple('RateLimit', 'egress ingress')):
    """An endpoint's rate limits, each a Limit or None: *egress* what it
    sends, *ingress* what it receives (Neutron's directions, seen from the
    endpoint)."""
    __slots__ = ()

    def __new__(cls, egress=None, ingress=None):
        def _limit(value):
            return value if value is None or isinstance(value, Limit) else Limit.from_dict(value)
        return super(RateLimit, cls).__new__(cls, _limit(egress), _limit(ingress))

    def as_dict(self):
        return dict((k, v.as_dict()) for k, v in self._asdict().items() if v is not None)

    @classmethod
    def of(cls, value):
        """A RateLimit from a RateLimit, a dict or None; None when it limits nothing."""
        if value is not None and not isinstance(value, RateLimit):
            value = cls(**value)
        return value if value is not None and (value.egress or value.ingress) else None


class Endpoint(_Record, collections.namedtuple(
        'Endpoint', 'name host ip prefixlen kind mac floating_ip publish rate_limit')):
    """*kind*: how it is realised on its host (``ovl.tenant.endpoints``);
    *floating_ip*, *publish*: what is offered to the outside (issue 23);
    *rate_limit*: its RateLimit in effect (its own or its tenant's), or None."""
    __slots__ = ()

    def __new__(cls, name, host, ip, prefixlen, kind='namespace', mac=None, floating_ip=None,
                publish=(), rate_limit=None):
        publish = tuple(p if isinstance(p, Published) else Published.from_dict(p)
                        for p in publish or ())
        return super(Endpoint, cls).__new__(cls, name, host, ip, prefixlen, kind or 'namespace',
                                            mac or None, floating_ip or None, publish,
                                            RateLimit.of(rate_limit))

    def as_dict(self):
        out = dict(self._asdict())
        out['publish'] = [p.as_dict() for p in self.publish]
        out['rate_limit'] = self.rate_limit.as_dict() if self.rate_limit else None
        return out


class ContainerHost(_Record, collections.namedtuple('ContainerHost', 'host range')):
    """A host that runs the tenant's Docker containers, and the range the
    addresses of containers started without ``--ip`` come from there."""
    __slots__ = ()


class MirrorTo(_Record, collections.namedtuple('MirrorTo', 'host interface')):
    """Where a tenant's traffic on *host* is mirrored: the operator's
    capture *interface* there."""
    __slots__ = ()


class Tenant(_Record, collections.namedtuple(
        'Tenant', 'name vni subnet prefixlen gateway snat mtu endpoints file tunnel_type '
                  'containers dhcp network_type physical_network segmentation_id mirror')):
    """*network_type*: the tunnel type (then *tunnel_type* is the same) or a
    provider type (``vlan``, ``flat``: *tunnel_type* is None, the tenant is
    carried on *physical_network*, with *segmentation_id* as its VLAN)."""
    __slots__ = ()

    def __new__(cls, name, vni, subnet, prefixlen, gateway, snat, mtu, endpoints, file,
                tunnel_type, containers=(), dhcp=False, network_type=None, physical_network=None,
                segmentation_id=None, mirror=()):
        mirror = tuple(m if isinstance(m, MirrorTo) else MirrorTo.from_dict(m)
                       for m in mirror or ())
        return super(Tenant, cls).__new__(cls, name, vni, subnet, prefixlen, gateway, snat, mtu,
                                          endpoints, file, tunnel_type, tuple(containers or ()),
                                          bool(dhcp), network_type or tunnel_type,
                                          physical_network or None, segmentation_id or None,
                                          mirror)

    def mirror_on(self, host):
        """The capture interface of this tenant on *host*, or None."""
        for item in self.mirror:
            if item.host == host:
                return item.interface
        return None

    @property
    def provider(self):
        """Carried on a physical network (``vlan``, ``flat``), not in tunnels."""
        return self.physical_network is not None

    @property
    def wire(self):
        """How it is carried, as reports say it: ``vxlan VNI 100``, ``vlan
        101 on physnet1``, ``flat on physnet1``."""
        if not self.provider:
            return '%s VNI %d' % (self.tunnel_type, self.vni)
        if self.segmentation_id:
            return 'vlan %d on %s' % (self.segmentation_id, self.physical_network)
        return 'flat on %s' % self.physical_network

    @property
    def hosts(self):
        """The hosts that carry the tenant: its endpoints' and its containers'."""
        return tuple(sorted(set(ep.host for ep in self.endpoints)
                            | set(c.host for c in self.containers)))

    def containers_on(self, host):
        return tuple(c for c in self.containers if c.host == host)

    def endpoints_on(self, host):
        return tuple(ep for ep in self.endpoints if ep.host == host)

    def has_router(self, host):
        """A tenant with SNAT or DHCP has a router on every host with one of
        its endpoints: the namespace holding its gateway address (and its
        DHCP server); with SNAT also the uplink leg (``has_uplink``)."""
        return bool(self.snat or self.dhcp) and host in self.hosts

    def has_uplink(self, host):
        """Its router on *host* routes to the outside (SNAT)."""
        return bool(self.snat) and host in self.hosts

    def as_dict(self):
        out = dict(self._asdict())
        out['endpoints'] = [ep.as_dict() for ep in self.endpoints]
        out['containers'] = [c.as_dict() for c in self.containers]
        out['mirror'] = [m.as_dict() for m in self.mirror]
        out['hosts'] = list(self.hosts)
        return out

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data['endpoints'] = tuple(
            ep if isinstance(ep, Endpoint) else Endpoint.from_dict(ep)
            for ep in sorted(data.get('endpoints') or [],
                             key=lambda e: (e['name'], e['host']) if isinstance(e, dict)
                             else (e.name, e.host)))
        data['containers'] = tuple(
            c if isinstance(c, ContainerHost) else ContainerHost.from_dict(c)
            for c in data.get('containers') or ())
        return super(Tenant, cls).from_dict(data)


class HostFacts(_Record, collections.namedtuple(
        'HostFacts', 'name underlay_ip underlay_mtu underlay_interface datapath_type '
                     'integration_bridge tunnel_mode tunnel_type nat_backend owner libvirt_network '
                     'backend ovn_central ovn_encap ovn_external_range ovn_external_gateway '
                     'bridge_mappings')):
    """*bridge_mappings*: {physical network: {interface, mtu}}
    (``overlay_bridge_mappings``)."""
    __slots__ = ()

    def __new__(cls, name, underlay_ip, underlay_mtu, underlay_interface, datapath_type,
                integration_bridge, tunnel_mode, tunnel_type, nat_backend, owner,
                libvirt_network=None, backend=None, ovn_central=None, ovn_encap=None,
                ovn_external_range=None, ovn_external_gateway=None, bridge_mappings=None):
        return super(HostFacts, cls).__new__(cls, name, underlay_ip, underlay_mtu,
                                             underlay_interface, datapath_type,
                                             integration_bridge, tunnel_mode, tunnel_type,
                                             nat_backend, owner, libvirt_network or 'ovl',
                                             backend or 'ovs', ovn_central, ovn_encap or 'geneve',
                                             ovn_external_range, ovn_external_gateway,
                                             bridge_mappings or {})

    @property
    def netdev(self):
        return self.datapath_type == 'netdev'

    @property
    def ovn(self):
        """OVN carries the tenants (``overlay_backend: ovn``)."""
        return self.backend == 'ovn'

    @property
    def ovn_central_here(self):
        """This host is the OVN central (ovn-northd, NB/SB; it writes the NB)."""
        return self.ovn and self.ovn_central == self.name

    @property
    def uplink_bridged(self):
        """The uplink sits in br-phy with the VTEP address: OVS sends the
        tunnels itself (netdev datapath), or OVN's external network (the
        routers' localnet port) reaches the underlay through it."""
        return self.netdev or self.ovn

    def discovered(self, found):
        """These facts with what the host's preflight found (``underlay_interface``)."""
        found = found or {}
        if found.get('underlay_interface'):
            return self._replace(underlay_interface=found['underlay_interface'])
        return self


class Inventory(collections.namedtuple('Inventory', 'tenants hosts')):
    """*tenants*: tuple of Tenant sorted by name; *hosts*: tuple of HostFacts
    sorted by name (every host of overlay_hosts, also under --limit)."""

    __slots__ = ()

    def host(self, name):
        for facts in self.hosts:
            if facts.name == name:
                return facts
        raise KeyError(name)

    def host_names(self):
        return tuple(h.name for h in self.hosts)

    def tenants_on(self, host):
        return tuple(t for t in self.tenants if host in t.hosts)

    def as_result(self):
        return dict(tenants=[t.as_dict() for t in self.tenants],
                    hosts=dict((h.name, h.as_dict()) for h in self.hosts))

    @classmethod
    def from_result(cls, result):
        """From what ``overlay_tenants`` returned (or its records)."""
        tenants = tuple(sorted((t if isinstance(t, Tenant) else Tenant.from_dict(t)
                                for t in result.get('tenants') or []), key=lambda t: t.name))
        hosts = result.get('hosts') or {}
        facts = tuple(sorted((h if isinstance(h, HostFacts) else HostFacts.from_dict(dict(h, name=n))
                              for n, h in hosts.items()), key=lambda h: h.name))
        return cls(tenants, facts)
