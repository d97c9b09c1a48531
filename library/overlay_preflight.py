#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Check a host before any write: tools, kernel, Open vSwitch, underlay interface, tags."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: overlay_preflight
short_description: Check everything a host needs before the overlay changes anything on it
description:
  - Runs first on every overlay host and only reads. It checks the tools the run will use
    (C(ip), C(ovs-vsctl), C(ovs-ofctl), the NAT backend's tools, C(bridge) in tunnel mode
    C(kernel)), the kernel's support (the C(vxlan) module for tunnel mode C(kernel), the
    C(openvswitch) module for the C(system) datapath), and whether ovsdb-server and
    ovs-vswitchd run.
  - It finds the underlay interface, the one that holds O(underlay_ip) (with the C(netdev)
    datapath after a run, the uplink that is a port of C(br-phy), which then holds the
    address), and the prefix length of the address there. A given O(underlay_interface) must
    agree with the host. The interface's MTU must not be below O(underlay_mtu).
  - It reads the host-local VLAN tag of every tenant in O(tenants) with one C(ovs-vsctl) read
    (a tenant keeps the tag its ports carry, a new one gets the lowest free tag), so the later
    tasks of the run can be computed at once.
  - A host whose kernel lacks a needed module, or whose underlay address or interface does
    not match, fails with one line per problem. Missing tools fail the host with one line
    naming the packages when O(require_all=true); with O(require_all=false) they are returned
    in RV(packages) for the play to install.
version_added: "0.2.0"
options:
  underlay_ip:
    description: The host's tunnel endpoint address (C(overlay_underlay_ip)).
    type: str
    required: true
  underlay_interface:
    description: The uplink, when the inventory names it (C(overlay_underlay_interface)); found
      on the host when omitted.
    type: str
  underlay_mtu:
    description: The underlay MTU the inventory promises (C(overlay_underlay_mtu)).
    type: int
    default: 1500
  datapath_type:
    description: C(system) (kernel datapath, needs the openvswitch module) or C(netdev).
    type: str
    choices: [system, netdev]
    default: system
  integration_bridge:
    description: Name of the integration bridge.
    type: str
    default: br-int
  tunnel_mode:
    description: The tunnel mode; C(kernel) needs the kernel's vxlan and the C(bridge) tool.
    type: str
    choices: [port, kernel, flow]
    default: port
  nat_backend:
    description: The NAT backend whose tools must be present.
    type: str
    choices: [iptables, nft]
    default: iptables
  tenants:
    description: Names of the tenants with an endpoint on this host (they get a local VLAN).
    type: list
    elements: str
    default: []
  bridges:
    description: Bridges whose ports' tags are taken into account when a new tag is chosen.
    type: list
    elements: str
    default: [br-int, br-phy, br-tun]
  require_all:
    description:
      - Fail when a tool is missing or Open vSwitch does not run (not in check mode). With
        C(false), missing tools are only returned (RV(packages)) so the play can install them.
    type: bool
    default: true
  db:
    description: OVSDB to read, as for C(ovs-vsctl --db) (default is ovs-vsctl's own).
    type: str
  timeout:
    description: Seconds ovs-vsctl waits for ovsdb-server.
    type: int
    default: 10
  owner:
    description: The C(external_ids:ovl-owner) mark of the ports whose tags are the tenants'.
    type: str
    default: ovl
  endpoint_tools:
    description:
      - Binaries the host's endpoints need beyond the layers' own, mapped to the Debian package
        that provides each (from the endpoint kinds of the tenants on the host); checked like the
        others.
    type: dict
    default: {}
  host:
    description: The inventory name of the host, for the messages (default its hostname).
    type: str
  routers:
    description:
      - The host carries tenant routers (SNAT), whose traffic it routes. Then a forward base
        chain of another nftables table with policy drop (Docker's C(ip filter FORWARD) under
        iptables-nft with I(nat_backend=nft); any other table with either backend) fails the
        check, naming the table and the chain (the project's accept cannot pass it).
    type: bool
    default: false
  docker_networks:
    description:
      - The tenants whose Docker containers the host runs, each with its C(subnet) and
        C(gateway) (the Docker networks the run keeps or creates there).
      - When it is not empty, or the project's Docker plugin is installed on the host, dockerd
        must answer, no Docker network we did not create may hold a tenant's name, and no
        network of ours that the run would remove (its tenant left the host, or its subnet
        changed) may still hold containers; the error names them.
    type: dict
    default: {}
  libvirt_network:
    description:
      - The libvirt network of the host's VM endpoints (C(overlay_libvirt_network)); unset when
        the host has none.
      - When set, libvirtd must answer, and a libvirt network of that name must be absent or
        one this project made (its definition kept in C(/var/lib/ovl/libvirt/NAME.xml)).
    type: str
  floating:
    description:
      - The floating addresses of the host's endpoints, each with the endpoint that has it
        (a mapping of address to C(tenant/endpoint)).
      - Each must lie inside the host's underlay network (the prefix of I(underlay_ip) on its
        interface), and not be that network's own or broadcast address; the host answers ARP
        for it there.
      - The host must not already hold it without the project's marker
        (C(/run/ovl/floating/ADDRESS)); an address someone else gave the host is refused here,
        before any write, never taken over.
    type: dict
    default: {}
  physical:
    description:
      - The physical networks the host's provider tenants (network_type vlan, flat) use, each
        with its C(interface) and C(mtu) (from C(overlay_bridge_mappings)).
      - Each interface must exist on the host, must not be the underlay interface nor a port of
        an OVS bridge other than the project's C(brp-<name>), and its MTU must be at least the
        mapping's; an IPv4 address on it is a warning.
    type: dict
    default: {}
  captures:
    description:
      - The capture interfaces of the tenants mirrored on this host, each with its tenant (a
        mapping of interface to tenant). Each must exist and be on no OVS bridge but
        I(integration_bridge).
    type: dict
    default: {}
  backend:
    description:
      - Who carries the tenants (C(overlay_backend)). With C(ovn) the host also needs
        C(ovn-controller) (package C(ovn-host)), and RV(ovn) tells whether it runs; the NAT
        backend's tools and C(ovs-ofctl) are not needed (OVN routes and NATs).
    type: str
    choices: [ovs, ovn]
    default: ovs
  ovn_central:
    description: With O(backend=ovn), this host is the OVN central (C(overlay_ovn_central)) and
      also needs C(ovn-northd) and C(ovn-nbctl) (package C(ovn-central)).
    type: bool
    default: false
  vm_interfaces:
    description:
      - The interface id of each VM endpoint of the host, with its tenant
        (a mapping of interface id to tenant name).
      - The ports libvirt makes for those VMs (their interface's C(external_ids:iface-id))
        count as their tenant's when tags are chosen, and a port libvirt made for a VM that is
        in no tenant file does not take the tag of the tenant whose portgroup it came through.
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Reads only; in check mode a stopped Open vSwitch gives a warning and tags
      planned against an empty database.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
author: Overlay network team (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Preflight of a host
  overlay_preflight:
    underlay_ip: 192.168.250.11
    datapath_type: netdev
    tunnel_mode: flow
    tenants: [blue, red]
    require_all: false
  register: pre
'''

RETURN = r'''
facts:
  description: What was found on the host.
  returned: success
  type: dict
  sample: {underlay_interface: eth0, underlay_prefixlen: 24, uplink_mtu: 1500}
tenant_tags:
  description: Host-local VLAN tag of every tenant in O(tenants).
  returned: success
  type: dict
  sample: {blue: 1, red: 2}
missing:
  description: Tools the run needs that the host lacks, with their Debian/Ubuntu package.
  returned: success
  type: list
  elements: dict
  sample: [{tool: iptables-restore, package: iptables}]
packages:
  description: The packages to install for RV(missing), sorted.
  returned: success
  type: list
  elements: str
ovs:
  description: Whether Open vSwitch is installed, its database answers, ovs-vswitchd runs.
  returned: success
  type: dict
  sample: {installed: true, running: true, vswitchd: true}
systemd:
  description: Whether the host runs systemd (how Open vSwitch is started).
  returned: success
  type: bool
ovn:
  description: With O(backend=ovn), whether each OVN daemon the host runs is up (by its pid
    file), C(ovn-controller) on every host, also C(ovnnb_db), C(ovnsb_db) and C(ovn-northd)
    with O(ovn_central=true). Empty with O(backend=ovs).
  returned: success
  type: dict
  sample: {ovn-controller: true}
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.core.runner import CommandError, Runner
from ansible.module_utils.ovl.core.validate import InputError, ip_address
from ansible.module_utils.ovl.docker.preflight import docker_problems
from ansible.module_utils.ovl.nat.policy import READ_ARGV, dropping_forward_chains, forward_problems
from ansible.module_utils.ovl.host.preflight import (
    KERNEL_MODULES, judge, missing_line, ovn_daemons, probe_daemon, probe_module, rundir_of)
from ansible.module_utils.ovl.ovn.leave import OVN_RUNDIR
from ansible.module_utils.ovl.host.underlay import find_underlay
from ansible.module_utils.ovl.ip.read import read_namespace_in
from ansible.module_utils.ovl.libvirt.preflight import libvirt_problems
from ansible.module_utils.ovl.core.marks import FLOATING_DIR
from ansible.module_utils.ovl.floating.preflight import problems as floating_problems
from ansible.module_utils.ovl.host.physical import capture_problems, physical_problems
from ansible.module_utils.ovl.floating.read import markers
from ansible.module_utils.ovl.ovs.db import OVSDB
from ansible.module_utils.ovl.ovs.driver import EMPTY_STATE
from ansible.module_utils.ovl.ovs.tags import TagError, allocate_tags

TOOLS = ('ip', 'bridge', 'ovs-vsctl', 'ovs-ofctl', 'iptables-save', 'iptables-restore', 'nft',
         'ovn-controller', 'ovn-northd', 'ovn-nbctl')


def read_ovs(module, installed):
    """(state or None, running, vswitchd)."""
    if not installed:
        return None, False, False
    vswitchd = probe_daemon(rundir_of(module.params['db']), 'ovs-vswitchd')
    try:
        state = OVSDB(Runner(module), module.params['db'], module.params['timeout']).read()
    except CommandError:
        return None, False, vswitchd
    return state, True, vswitchd


def main():
    module = AnsibleModule(
        argument_spec=dict(
            underlay_ip=dict(type='str', required=True),
            underlay_interface=dict(type='str'),
            underlay_mtu=dict(type='int', default=1500),
            datapath_type=dict(type='str', default='system', choices=['system', 'netdev']),
            integration_bridge=dict(type='str', default='br-int'),
            tunnel_mode=dict(type='str', default='port', choices=['port', 'kernel', 'flow']),
            nat_backend=dict(type='str', default='iptables', choices=['iptables', 'nft']),
            tenants=dict(type='list', elements='str', default=[]),
            bridges=dict(type='list', elements='str', default=['br-int', 'br-phy', 'br-tun']),
            require_all=dict(type='bool', default=True),
            db=dict(type='str'),
            timeout=dict(type='int', default=10),
            owner=dict(type='str', default='ovl'),
            endpoint_tools=dict(type='dict', default={}),
            docker_networks=dict(type='dict', default={}),
            host=dict(type='str'),
            routers=dict(type='bool', default=False),
            libvirt_network=dict(type='str'),
            vm_interfaces=dict(type='dict', default={}),
            floating=dict(type='dict', default={}),
            physical=dict(type='dict', default={}),
            captures=dict(type='dict', default={}),
            backend=dict(type='str', default='ovs', choices=['ovs', 'ovn']),
            ovn_central=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    args = module.params
    try:
        ip_address(args['underlay_ip'], 'underlay_ip')
    except InputError as exc:
        module.fail_json(msg=str(exc))
    tools = dict((tool, module.get_bin_path(tool))
                 for tool in set(TOOLS) | set(args['endpoint_tools']))
    modules = dict((name, probe_module(name)) for name in KERNEL_MODULES)
    problems, missing, warnings = judge(args, tools, modules)
    try:
        links, addrs, _secondary, _routes = read_namespace_in(None)
    except CommandError as exc:
        module.fail_json(msg=str(exc))
    state, running, vswitchd = read_ovs(module, bool(tools['ovs-vsctl']))
    facts, found = find_underlay(args, links, addrs, (state or EMPTY_STATE)['ports'])
    problems += found
    found, noted = physical_problems(args['physical'], links, addrs,
                                     (state or EMPTY_STATE)['ports'],
                                     (facts or {}).get('underlay_interface'))
    problems += found
    warnings += noted
    problems += capture_problems(args['captures'], links, (state or EMPTY_STATE)['ports'],
                                 args['integration_bridge'])
    problems += floating_problems(args['floating'], args['underlay_ip'],
                                  (facts or {}).get('underlay_prefixlen'), args['host'] or os.uname()[1],
                                  addrs, markers(FLOATING_DIR))
    problems += docker_problems(Runner(module), args['docker_networks'], args['owner'],
                                args['host'] or os.uname()[1],
                                tools.get('docker') or module.get_bin_path('docker'))
    problems += libvirt_problems(Runner(module), args['libvirt_network'],
                                 args['host'] or os.uname()[1],
                                 tools.get('virsh') or module.get_bin_path('virsh'))
    if args['routers'] and tools.get('nft'):
        rc, out, _err = module.run_command(READ_ARGV)
        if rc == 0:
            problems += forward_problems(dropping_forward_chains(out, args['nat_backend']),
                                         args['nat_backend'])
    if problems:
        module.fail_json(msg='; '.join(problems), problems=problems, missing=missing)
    if missing and args['require_all'] and not module.check_mode:
        module.fail_json(msg=missing_line(missing), missing=missing)
    if not (running and vswitchd) and tools['ovs-vsctl']:
        text = ('Open vSwitch is not running (ovsdb-server %s, ovs-vswitchd %s): start it '
                '(systemctl start openvswitch-switch, or /usr/share/openvswitch/scripts/ovs-ctl '
                'start)' % ('answers' if running else 'does not answer',
                            'runs' if vswitchd else 'does not run'))
        if args['require_all'] and not module.check_mode:
            module.fail_json(msg=text)
        warnings.append(text + ('; check mode plans against an empty database'
                                if module.check_mode else ''))
    try:
        tags = allocate_tags(args['tenants'], state or EMPTY_STATE, args['owner'],
                             set(args['bridges']), workloads=args['vm_interfaces'])
    except TagError as exc:
        module.fail_json(msg=str(exc))
    for text in warnings:
        module.warn(text)
    module.exit_json(
        changed=False, facts=facts, tenant_tags=tags, missing=missing,
        packages=sorted(set(m['package'] for m in missing)),
        ovs=dict(installed=bool(tools['ovs-vsctl']), running=running, vswitchd=vswitchd),
        systemd=os.path.isdir('/run/systemd/system'),
        ovn=dict((name, probe_daemon(OVN_RUNDIR, name)) for name in ovn_daemons(args)))


if __name__ == '__main__':
    main()
