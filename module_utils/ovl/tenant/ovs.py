# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Desired OVS state of one host (input of the ``ovs_state`` module).

``build_ovs(inventory, facts, tags) -> {bridges, ports}``: *facts* is the
host's HostFacts (with the underlay interface its preflight found), *tags*
the host-local VLAN of each of its tenants (from the preflight's read; every
tenant port gets it explicitly, so ``ovs_state`` allocates nothing).

- ``br-int``: standalone (a VLAN-aware NORMAL switch), the tagged ports of
  each endpoint (by its kind, ``ovl.tenant.endpoints``; with its ingress
  limit as the port's ``shape``, ``ovl.tenant.rate_limit``) and of each
  router (its gateway leg, ``ovl.tenant.router``);
- ``br-phy`` (netdev datapath): the uplink, so OVS can send tunnels itself;
- tunnels (``ovl.tenant.topology``): mode ``port``: an OVS VXLAN port per
  tenant per peer, tagged, ``protected`` (split horizon: NORMAL never
  forwards from one tunnel to another, so broadcasts cannot loop between
  three or more hosts); mode ``kernel``: the tenant's one kernel VXLAN
  device (made by ip_state) as a tagged port: frames never go back out of
  the port they came in, so one port per tenant is loop-free by itself;
  mode ``flow``: ``br-tun`` patched to br-int, one ``key=flow`` port per
  peer host, forwarding by OpenFlow rules (``ovl.tenant.flows``).
- provider tenants (``network_type`` vlan, flat; ``ovl.core.networks``):
  no tunnels; per physical network a tenant of this host uses, its bridge
  ``brp-<name>`` (standalone: a VLAN-aware NORMAL switch) holding the
  mapped interface (a trunk of every VLAN); per tenant a patch pair (after
  Neutron's int-/phy- pair, one per tenant so that VLAN tags alone switch
  and no OpenFlow rule is needed): ``ovpi-<tenant>`` on br-int tagged with
  the local VLAN, ``ovpp-<tenant>`` on the provider bridge tagged with the
  segmentation id (vlan) or trunking VLAN 0 only, the untagged frames (flat).
  Frames of other VLANs on the wire reach no tenant.
- mirrors (a tenant's ``mirror`` on this host): the operator's capture
  interface as a port of br-int (untagged; OVS keeps a mirror output for
  mirroring only) and one Mirror ``ovl-<tenant>`` selecting the tenant's own
  ports there, in and out: its endpoints', its router's gateway leg, its
  physical network patch, its tunnels in modes port and kernel (one tenant
  each); never a port shared by tenants (flow mode's patch to br-tun), so
  the copies hold this tenant's frames only.
- OVN backend: br-int is ovn-controller's (secure), the endpoint ports are
  untagged with ``external_ids:iface-id`` on their interface, no routers and
  no tunnels (OVN makes its own), br-phy with the uplink (the external
  network of the routers, ``ovn-bridge-mappings``).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.endpoints import kind_of
from ansible.module_utils.ovl.tenant.endpoints.vm import iface_id
from ansible.module_utils.ovl.tenant.names import (
    PATCH_INT, PATCH_TUN, TUNNEL_BRIDGE, UPLINK_BRIDGE, provider_bridge, provider_patches, tag_of)
from ansible.module_utils.ovl.tenant.rate_limit import shape_of
from ansible.module_utils.ovl.tenant.router import Router
from ansible.module_utils.ovl.tenant.topology import tunnels


def _physnets(inventory, facts):
    """The physical networks the provider tenants of this host use."""
    return sorted(set(t.physical_network for t in inventory.tenants_on(facts.name)
                      if t.provider))


def _provider_ports(inventory, facts, tags):
    ports = [dict(name=facts.bridge_mappings[net]['interface'], bridge=provider_bridge(net),
                  type='system') for net in _physnets(inventory, facts)]
    for tenant in inventory.tenants_on(facts.name):
        if not tenant.provider:
            continue
        inside, outside = provider_patches(tenant.name)
        wire = (dict(tag=tenant.segmentation_id) if tenant.segmentation_id
                else dict(vlan_mode='trunk', trunks=[0]))   # VLAN 0: untagged only
        ports += [_tenant_port(inside, facts.integration_bridge, tenant.name, tags,
                               type='patch', peer=outside),
                  # no tenant mark: a tenant's marked ports carry its local VLAN
                  dict(name=outside, bridge=provider_bridge(tenant.physical_network),
                       type='patch', peer=inside, **wire)]
    return ports


def _bridges(facts, physnets=()):
    # standalone: with no controller the bridge is a normal (VLAN-aware) switch;
    # OVN: secure, ovn-controller's flows are the switch
    bridges = [dict(name=facts.integration_bridge, datapath_type=facts.datapath_type,
                    fail_mode='secure' if facts.ovn else 'standalone')]
    if facts.uplink_bridged:
        bridges.append(dict(name=UPLINK_BRIDGE, datapath_type=facts.datapath_type,
                            fail_mode='standalone'))
    if facts.tunnel_mode == 'flow':
        bridges.append(dict(name=TUNNEL_BRIDGE, datapath_type=facts.datapath_type,
                            fail_mode='secure'))
    bridges += [dict(name=provider_bridge(net), datapath_type=facts.datapath_type,
                     fail_mode='standalone') for net in physnets]
    return bridges


def _tenant_port(name, bridge, tenant, tags, **extra):
    return dict(name=name, bridge=bridge, type=extra.pop('type', 'system'), tenant=tenant,
                tag=tag_of(tags, tenant), **extra)


def _options(tunnel, key, own):
    """Interface options of an OVS tunnel port of the tunnel's type."""
    options = dict(remote_ip=tunnel.peers[0].underlay_ip, key=key, local_ip=own)
    if tunnel.type.udp_port is not None:
        options['dst_port'] = str(tunnel.type.udp_port)
    return options


def _tunnel_ports(inventory, facts, tags):
    own, bridge = facts.underlay_ip, facts.integration_bridge
    ports = []
    for tunnel in tunnels(inventory, facts.name, facts.tunnel_mode):
        if facts.tunnel_mode == 'flow':
            ports.append(dict(name=tunnel.name, bridge=TUNNEL_BRIDGE, type=tunnel.type.ovs_type,
                              options=_options(tunnel, 'flow', own)))
        elif facts.tunnel_mode == 'kernel':
            ports.append(_tenant_port(tunnel.name, bridge, tunnel.tenant.name, tags))
        else:
            ports.append(_tenant_port(
                tunnel.name, bridge, tunnel.tenant.name, tags, type=tunnel.type.ovs_type,
                protected=True, options=_options(tunnel, str(tunnel.tenant.vni), own)))
    if facts.tunnel_mode == 'flow':
        ports += [dict(name=PATCH_INT, bridge=bridge, type='patch', peer=PATCH_TUN),
                  dict(name=PATCH_TUN, bridge=TUNNEL_BRIDGE, type='patch', peer=PATCH_INT)]
    return ports


def _endpoint_port(facts, name, tenant, ep, tags):
    """An endpoint's port on br-int: tagged with its tenant's VLAN; with OVN
    untagged, bound to its logical port by ``external_ids:iface-id`` on its
    interface (ovn-controller does the rest)."""
    if facts.ovn:
        return dict(name=name, bridge=facts.integration_bridge, type='system', tenant=tenant.name,
                    untagged=True, iface_external_ids={'iface-id': iface_id(tenant.name, ep.name)})
    port = _tenant_port(name, facts.integration_bridge, tenant.name, tags)
    if shape_of(ep):
        port['shape'] = shape_of(ep)
    return port


def _mirrors(inventory, facts, ports):
    """(capture ports, Mirror rows) of the tenants mirrored on this host,
    from the tenant ports of br-int already built."""
    captures, mirrors = [], []
    for tenant in inventory.tenants_on(facts.name):
        output = tenant.mirror_on(facts.name)
        if not output:
            continue
        own = sorted(p['name'] for p in ports if p.get('tenant') == tenant.name
                     and p['bridge'] == facts.integration_bridge)
        captures.append(dict(name=output, bridge=facts.integration_bridge, type='system'))
        mirrors.append(dict(name='ovl-' + tenant.name, bridge=facts.integration_bridge,
                            ports=own, output=output))
    return captures, mirrors


def build_ovs(inventory, facts, tags):
    bridge = facts.integration_bridge
    ports = []
    if facts.uplink_bridged:
        ports.append(dict(name=facts.underlay_interface, bridge=UPLINK_BRIDGE, type='system'))
    for tenant in inventory.tenants_on(facts.name):
        for ep in tenant.endpoints_on(facts.name):
            ports += [_endpoint_port(facts, name, tenant, ep, tags) for name in kind_of(ep).ports(ep)]
    for router in Router.on(inventory, facts, tags):     # none with OVN
        ports += [_tenant_port(name, bridge, router.tenant.name, tags) for name in router.ports()]
    mirrors = []
    if not facts.ovn:                                    # OVN makes its own tunnels
        ports += _tunnel_ports(inventory, facts, tags) + _provider_ports(inventory, facts, tags)
        captures, mirrors = _mirrors(inventory, facts, ports)
        ports += captures
    out = dict(bridges=_bridges(facts, _physnets(inventory, facts)),
               ports=sorted(ports, key=lambda p: (p['bridge'], p['name'])))
    if mirrors:                          # none: ovs_state still prunes ours
        out['mirrors'] = mirrors
    return out
