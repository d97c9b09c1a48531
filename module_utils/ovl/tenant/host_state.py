# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""One function from the validated inventory to every module input of a host.

``host_model(inventory, host)``: the part of the validated inventory a host
needs to compute its own state (the tenants with an endpoint there, the facts
of every host), as plain JSON: ``overlay_apply`` gets it and runs
``host_state`` on the host, so the controller templates no per-object data.

``preflight_args(inventory, host)``: the options of ``overlay_preflight``
(what the host must have, the tools its endpoints' kinds need, which
tenants need a local VLAN there, and the tenant networks of its containers).

``host_state(inventory, host, tags, discovered) -> dict``: the inputs of
every layer of ``overlay_apply`` (computed by the module on the host from
``host_model``; the same on the controller for a given inventory):

- ``ip``: ip_state (namespaces, links, addresses, routes);
- ``ovs``: ovs_state (bridges, ports; every tenant port with its tag);
- ``int_flows``: ovs_flows on the integration bridge (gateway ARP stays local;
  the meters of the endpoints' egress limits, ``ovl.tenant.rate_limit``);
- ``tun_flows``: ovs_flows on br-tun (flow mode), else None;
- ``underlay``: ip_move_address (netdev: the VTEP address onto br-phy), else None;
- ``nat``: nat_state namespaces; ``forward``: the host must route IPv4;
- ``docker``: the Docker plugin's config for the host (``ovl.tenant.docker``),
  None when it runs no tenant's containers;
- ``libvirt``: the host's libvirt network (``ovl.tenant.libvirt``; no
  portgroups on a host without VM endpoints);
- ``dhcp``: the DHCP servers of its DHCP tenants (``ovl.tenant.dhcp``);
- ``chassis``: OVN backend: the host's chassis keys (``ovl.ovn.chassis``);
- ``ovn_nb``: OVN backend, on the central host: the whole model for the NB
  transaction (``ovl.ovn.nb_driver``), else None;
- ``facts``: the host's facts as used (underlay interface filled in).

*tags*: {tenant: host-local VLAN} and *discovered*: {underlay_interface,
underlay_prefixlen}, both from the host's preflight.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.docker import DOCKER_TOOLS, build_docker
from ansible.module_utils.ovl.tenant.dhcp import DHCP_TOOLS, build_dhcp
from ansible.module_utils.ovl.tenant.endpoints import tools_for, vm_interfaces
from ansible.module_utils.ovl.tenant.flows import build_flows
from ansible.module_utils.ovl.tenant.model import Inventory
from ansible.module_utils.ovl.tenant.gateway_arp import build_int_flows
from ansible.module_utils.ovl.tenant.rate_limit import meters_on
from ansible.module_utils.ovl.tenant.ip import announcements, build_ip
from ansible.module_utils.ovl.tenant.libvirt import build_libvirt, has_vms
from ansible.module_utils.ovl.tenant.names import RESERVED_BRIDGES, UPLINK_BRIDGE
from ansible.module_utils.ovl.tenant.nat import build_floating, build_nat
from ansible.module_utils.ovl.tenant.ovs import build_ovs
from ansible.module_utils.ovl.tenant.ovn import build_chassis, build_nb


def host_model(inventory, host):
    """The inventory as *host* sees it: its tenants, every host's facts (the
    peers' underlay addresses). ``host_state`` of it equals ``host_state`` of
    the whole inventory for that host (tests/unit/tenant)."""
    facts = inventory.host(host)    # KeyError for a host that is not in the inventory
    if facts.ovn_central_here:     # it writes the whole NB model
        return inventory.as_result()
    return Inventory(inventory.tenants_on(host), inventory.hosts).as_result()


def preflight_args(inventory, host):
    facts = inventory.host(host)
    tenants = inventory.tenants_on(host)
    bridges = [facts.integration_bridge] + list(RESERVED_BRIDGES)
    docker_nets = dict((t.name, dict(subnet=t.subnet, gateway=t.gateway))
                       for t in tenants if t.containers_on(host))
    return dict(underlay_ip=facts.underlay_ip, underlay_interface=facts.underlay_interface,
                underlay_mtu=facts.underlay_mtu, datapath_type=facts.datapath_type,
                integration_bridge=facts.integration_bridge, tunnel_mode=facts.tunnel_mode,
                nat_backend=facts.nat_backend, owner=facts.owner,
                tenants=[t.name for t in tenants], bridges=bridges,
                endpoint_tools=dict(tools_for(ep for t in tenants for ep in t.endpoints_on(host)),
                                    **dict(DOCKER_TOOLS if docker_nets else {},
                                           **(DHCP_TOOLS if build_dhcp(inventory, facts) else {}))),
                docker_networks=docker_nets,
                routers=any(t.has_uplink(host) for t in tenants) and not facts.ovn,
                libvirt_network=facts.libvirt_network if has_vms(inventory, host) else None,
                vm_interfaces=vm_interfaces(tenants, host),
                backend=facts.backend, ovn_central=facts.ovn_central_here,
                floating=dict((ep.floating_ip, '%s/%s' % (t.name, ep.name)) for t in tenants
                              if t.has_uplink(host) for ep in t.endpoints_on(host)
                              if ep.floating_ip),
                physical=dict((t.physical_network, facts.bridge_mappings[t.physical_network])
                              for t in tenants if t.provider),
                captures=dict((t.mirror_on(host), t.name) for t in tenants
                              if t.mirror_on(host) and not facts.ovn))


def host_state(inventory, host, tags, discovered=None):
    facts = inventory.host(host).discovered(discovered)
    tags = dict(tags or {})
    underlay = None
    if facts.uplink_bridged:
        underlay = dict(address=facts.underlay_ip, dev=UPLINK_BRIDGE,
                        from_dev=facts.underlay_interface,
                        prefixlen=(discovered or {}).get('underlay_prefixlen'))
    return dict(
        facts=facts.as_dict(),
        ip=build_ip(inventory, facts, tags),
        ovs=build_ovs(inventory, facts, tags),
        int_flows=dict(build_int_flows(inventory, facts), meters=meters_on(inventory, facts)),
        tun_flows=build_flows(inventory, facts, tags) if facts.tunnel_mode == 'flow' else None,
        underlay=underlay,
        nat=build_nat(inventory, facts, tags),
        floating=build_floating(inventory, facts, tags),
        forward=any(t.has_uplink(host) for t in inventory.tenants_on(host)),
        docker=build_docker(inventory, facts, tags),
        libvirt=build_libvirt(inventory, facts, tags),
        dhcp=build_dhcp(inventory, facts),
        announce=announcements(inventory, facts),
        chassis=build_chassis(inventory, facts),
        ovn_nb=build_nb(inventory, facts, discovered),
    )
