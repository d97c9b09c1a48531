#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Every layer of one overlay host in one module call."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: overlay_apply
short_description: Converge every layer of an overlay host in one module call
description:
  - Runs, in this order and in one module process on the host, O(ovn_leave) first, then the
    layers that M(ip_state), M(ovs_state), M(ovs_flows) (the integration bridge, then C(br-tun)),
    M(ip_move_address), the host's IPv4 forwarding and M(nat_state) converge. Each layer takes
    exactly the options of its module (validated by that module's argument spec) and reads,
    plans and writes as that module does; a run where nothing changes costs one module start
    on the host instead of one per layer.
  - The veth ends O(ip) re-creates are re-opened by the O(ovs) layer (the M(ovs_state) option
    C(reopen)), as the role did between the two tasks.
  - A layer that fails stops the run at that layer, before its first write when its input or
    a tool is wrong; the layers after it are not run, the result keeps the earlier layers'.
  - O(forward=true) sets C(net.ipv4.ip_forward=1) in C(/proc/sys) and in the project's file
    C(/etc/sysctl.d/60-overlay.conf) (other lines of that file are kept), in the module
    process.
  - In each layer's options a null value means the option is not given (its default holds).
  - The role C(overlay_network) builds every option from the inventory; O(layers) follows
    the run's C(--tags) and C(--skip-tags) (C(endpoints), C(ovs), C(tunnels), C(snat)).
options:
  layers:
    description:
      - The layers to run (in the fixed order above, whatever the order given); omitted
        means every layer that has options.
    type: list
    elements: str
    choices: [ovn_leave, ip, ovs, int_flows, tun_flows, underlay, chassis, ovn_nb, forward, nat,
              floating, docker, libvirt, dhcp, boot]
  ovn_leave:
    description:
      - The ovs backend's first layer (C(ovl.ovn.leave)) - C(owner), C(bridge) (the integration
        bridge), C(systemd) (null - whether C(/run/systemd/system) exists), C(timeout).
      - On a host the project made an OVN chassis or central (C(external_ids:ovl-chassis) or
        C(ovl-central) of the C(Open_vSwitch) table), it undoes OVN - the central's NB rows of
        ours (one transaction), ovn-controller (stopped, not started at boot), br-int's flows
        (back to C(priority=0,actions=NORMAL)), the ports and keys OVN left in OVSDB, our
        chassis keys, then, once no other chassis uses the central, ovn-northd and its
        databases. Elsewhere it reads one row and does nothing. Omitted skips the layer.
    type: dict
  ip:
    description: The options of M(ip_state); omitted skips the layer.
    type: dict
  ovs:
    description: The options of M(ovs_state); omitted skips the layer.
    type: dict
  int_flows:
    description: The options of M(ovs_flows) for the integration bridge; omitted skips the layer.
    type: dict
  tun_flows:
    description: The options of M(ovs_flows) for C(br-tun) (flow mode); omitted skips the layer.
    type: dict
  underlay:
    description: The options of M(ip_move_address) (userspace datapath); omitted skips the layer.
    type: dict
  forward:
    description: Make the host forward IPv4 (now and at boot).
    type: bool
    default: false
  nat:
    description: The options of M(nat_state); omitted skips the layer.
    type: dict
  docker:
    description:
      - The Docker layer (C(ovl.docker.driver)) - C(config), the Docker network plugin's
        config for this host (its tenants with subnet, gateway, MTU, tag and range; null when
        the host runs no tenant's containers), C(owner) and C(host) (the name errors give).
      - With a config, the plugin is installed (C(/usr/local/lib/ovl/docker-plugin.pyz), built
        from this module's own payload), configured (C(/etc/ovl/docker-plugin.json)) and started
        (systemd - socket and service units ordered before C(docker.service), enabled;
        otherwise a detached process), and each tenant's Docker network, named as the tenant,
        is created. Networks of tenants that left the host are removed; one that still holds
        containers makes the run fail, naming them. Omitted skips the layer.
    type: dict
  chassis:
    description:
      - The OVN backend's chassis layer (C(ovl.ovn.chassis)) - C(keys) (C(ovn-remote),
        C(ovn-encap-type), C(ovn-encap-ip), C(ovn-bridge), C(ovn-bridge-datapath-type)),
        C(mapping) (C(ovl-ext:br-phy), added to the host's C(ovn-bridge-mappings), others kept),
        C(system_id) (set only when the host has none), C(owner).
      - The keys are set in the C(Open_vSwitch) table's C(external_ids) with one C(ovs-vsctl);
        ovn-controller then joins the central's southbound database. Omitted skips the layer.
    type: dict
  ovn_nb:
    description:
      - The OVN backend's northbound layer (C(ovl.ovn.nb_driver)), on the central host only -
        C(tenants) (each with its C(name), C(vni), C(subnet), C(prefixlen), C(gateway), C(snat)
        and C(ports) - C(name), C(address), C(endpoint), C(ip), C(floating_ip), C(publish)),
        C(pool) and C(next_hop) of the SNAT
        routers, C(prefixlen) of the underlay network, C(gateway_chassis), C(db), C(owner),
        C(timeout).
      - Our NB rows are read with one C(ovn-nbctl) and brought to the model with one more, as
        ONE transaction; rows not marked C(external_ids:ovl-owner=OWNER) are never changed, and
        a name of ours that such a row holds is refused. Omitted skips the layer.
    type: dict
  floating:
    description:
      - The floating layer (C(ovl.floating.driver)) - C(addresses) (C(address), C(dev), C(owner);
        each floating address of an endpoint of this host, a /32 on the host's uplink),
        C(routes) (C(dst), C(via), C(dev); each one's NAT address in 169.254.128.0/17 routed to
        its tenant's router), C(mark_dir), C(owner), C(prune).
      - An address added gets a marker file (C(/run/ovl/floating/ADDRESS), its device) first,
        then is announced by gratuitous ARP. An address the host holds without our marker is
        refused, never taken over. With prune, a marked address no longer wanted is deleted,
        and so is a route into the NAT range no longer wanted. The NAT rules that go with them
        are the nat layer's. Omitted skips the layer.
    type: dict
  libvirt:
    description:
      - The libvirt layer (C(ovl.libvirt.driver)) - C(name) (the libvirt network), C(bridge),
        C(portgroups) (tenant to host-local tag) and C(vms) (interface id of each VM endpoint of
        the host to its tenant's tag), C(mtus) (interface id to its tenant's MTU), C(host)
        (the name errors give); a tag null is no tag
        (the OVN backend, whose flows switch the VMs' ports by their interface id).
      - With portgroups (the host has VM endpoints), the network (C(forward mode=bridge) onto the
        bridge, C(virtualport type=openvswitch), one portgroup per tenant with its VLAN tag) is
        defined (its XML kept in C(/var/lib/ovl/libvirt/NAME.xml), which marks it ours), started
        and autostarted; a changed portgroup is changed in the running network too, and the
        running VMs' ports (known by C(external_ids:iface-id)) get their tenant's tag (or lose
        theirs when it is null) and MTU (C(mtu_request)). Without
        portgroups a network of ours is stopped and undefined. Omitted skips the layer.
    type: dict
  dhcp:
    description:
      - The DHCP layer (C(ovl.dhcp.driver)) - C(servers), one per DHCP tenant with VM endpoints
        on the host (C(tenant), C(netns), C(interface), C(subnet), C(address), C(router), C(mtu),
        C(hosts) - C(mac), C(ip), C(name)), C(owner), C(prune).
      - Each server is a dnsmasq started detached in the tenant's router namespace
        (C(/run/ovl/dhcp/TENANT/) holds its hosts file, pid file, leases and log) with static
        leases only, the MTU and router options forced and no DNS; a changed hosts file is
        reloaded (SIGHUP), changed options or a namespace made again restart it, a tenant that
        left has its server stopped and its directory removed. Omitted skips the layer.
    type: dict
  boot:
    description:
      - The boot layer (C(ovl.host.boot)), last - C(saved), this run's model parameters
        (C(model), C(host), C(tenant_tags), C(discovered), C(owner), C(prune), C(ovs_timeout)).
      - On a systemd host, once every other layer converged, they are saved
        (C(/var/lib/ovl/boot/params.json)) with the code that converges the layers from them
        (C(/usr/local/lib/ovl/boot.pyz), built from this module's own payload) and
        C(ovl-boot.service) is enabled. At every boot that oneshot, after Open vSwitch and before
        Docker, converges the layers again (not the Docker layer), so a reboot needs no
        C(site.yml) run. Nothing on a host without systemd. Omitted skips the layer.
    type: dict
  owner:
    description: The C(owner) of every layer that takes one and does not set it.
    type: str
  prune:
    description: The C(prune) of every layer that takes one and does not set it.
    type: bool
  model:
    description:
      - The host's part of the validated inventory (the C(overlay_host_model) filter of the
        result of M(overlay_tenants)). With it, the module computes every layer's options
        itself, on the host (C(ovl.tenant.host_state)), as the role C(overlay_network) does -
        every layer prunes, O(owner) and the NAT backend are the host's facts.
      - Mutually exclusive with the per-layer options O(ip), O(ovs), O(int_flows), O(tun_flows),
        O(underlay), O(nat); O(forward) follows from the model.
    type: dict
  host:
    description: The inventory name of this host in O(model).
    type: str
  tenant_tags:
    description: The host-local VLAN tag of each tenant with an endpoint here ({tenant, tag}), as
      M(overlay_preflight) returns them (C(tenant_tags)); only with O(model).
    type: dict
    default: {}
  discovered:
    description: What M(overlay_preflight) found on the host (C(facts) -
      C(underlay_interface), C(underlay_prefixlen)); only with O(model).
    type: dict
    default: {}
  ovs_timeout:
    description:
      - The OVS layer's C(timeout) (seconds) when the options come from O(model).
      - Omitted, it grows with the host's port count (a fifth of a second per port), at least 30.
    type: int
  plan_if_down:
    description: The OVS layer's C(plan_if_down) when the options come from O(model) (check mode
      on a host where Open vSwitch is not started yet).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Every layer reads and plans; nothing is written.
    details: Later layers plan against the live state, as separate tasks would (a namespace the
      ip layer would create reads as empty for NAT).
  diff_mode:
    support: full
    description: Each changed layer's diff, keyed by layer.
seealso:
  - module: ip_state
  - module: ovs_state
  - module: ovs_flows
  - module: ip_move_address
  - module: nat_state
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: Converge the host from its part of the model (what the role overlay_network does)
  overlay_apply:
    model: "{{ overlay_inventory | overlay_host_model(inventory_hostname) }}"
    host: "{{ inventory_hostname }}"
    tenant_tags: "{{ overlay_pre.tenant_tags }}"
    discovered: "{{ overlay_pre.facts }}"

- name: Converge the host in one call (the role builds these from the inventory)
  overlay_apply:
    ip:
      namespaces: [{name: ovr-blue}]
      owner: ovl
      prune: true
    ovs:
      bridges: [{name: br-int}]
      ports: [{name: qr-blue, bridge: br-int, type: system, tenant: blue}]
      prune: true
    forward: true
    nat:
      namespaces:
        - netns: ovr-blue
          snat: [{id: blue, source: 10.0.0.0/24, out_interface: qg0}]
      prune: true
'''

RETURN = r'''
changed:
  description: Whether any layer changed (or would change) anything.
  returned: always
  type: bool
layers:
  description:
    - The result of each layer that ran, keyed by layer, as its module returns it
      (C(commands) - the argv lists the layer ran or would run, also in check mode -, C(diff),
      C(created), C(tenant_tags), C(transaction), C(flow_mods),
      C(restore_input)...), and C(elapsed), the seconds the layer took (read, plan and
      write); a failed layer has C(failed) and C(msg).
  returned: always
  type: dict
  sample: {"ip": {"changed": false, "commands": [], "created": [], "elapsed": 0.41},
           "nat": {"changed": false, "commands": [], "restore_input": [], "elapsed": 0.12}}
diff:
  description: The before and after of each changed layer, keyed by layer (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.host.apply import LayerInputError, apply_layers
from ansible.module_utils.ovl.host.layers import LAYERS, NAMES


def argument_spec():
    """One option per layer of the table (a dict of its module's options; a
    flag for a layer with none), and the options of the model mode."""
    spec = dict(layers=dict(type='list', elements='str', choices=list(NAMES)))
    for layer in LAYERS:
        spec[layer.name] = dict(type='dict') if layer.spec() else dict(type='bool', default=False)
    spec.update(
        owner=dict(type='str'),
        prune=dict(type='bool'),
        model=dict(type='dict'),
        host=dict(type='str'),
        tenant_tags=dict(type='dict', default={}),
        discovered=dict(type='dict', default={}),
        ovs_timeout=dict(type='int'),
        plan_if_down=dict(type='bool', default=False),
    )
    return spec


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        mutually_exclusive=[('model', layer.name) for layer in LAYERS if layer.spec()],
        required_by=dict(model=['host']),
        supports_check_mode=True,
    )
    try:
        result, failed = apply_layers(module)
    except LayerInputError as exc:
        module.fail_json(msg=str(exc), changed=False, layers={})
    if failed:
        module.fail_json(msg='%s: %s' % (failed, result['layers'][failed].get('msg')), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
