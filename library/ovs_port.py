#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ovs_port
short_description: Manage an Open vSwitch port and its interface in one OVSDB transaction
description:
  - Creates, converges, moves or deletes one port of an Open vSwitch bridge.
  - Reads the whole OVS configuration with one C(ovs-vsctl --format=json) call and applies
    every change in one ovs-vsctl transaction; a call that changes nothing runs exactly one
    ovs-vsctl process.
  - The port is made exactly as described for C(tag), C(trunks), C(vlan_mode), C(type),
    C(options) (the whole map) and C(mtu). An omitted C(tag) means the port carries no tag,
    so removing C(tag) from a task removes it from the port.
  - C(external_ids) is merged; a key given with a null value is removed; keys set by other
    tools stay. A port the module creates is marked C(external_ids:ovl-owner=OWNER).
  - A port that sits on another bridge is moved (deleted there and added here in the same
    transaction).
options:
  bridge:
    description: Bridge the port belongs to. Required with I(state=present).
    type: str
  name:
    description: Port (and interface) name, 1-15 characters of C([A-Za-z0-9_.-]).
    type: str
    required: true
  state:
    description: Whether the port should exist.
    type: str
    choices: [present, absent]
    default: present
  type:
    description: Interface type. C(system) is an existing Linux device (a veth end, a NIC).
    type: str
    choices: [system, internal, patch, vxlan, geneve, gre]
    default: system
  tag:
    description: Access VLAN tag (1-4094). Omit for no tag.
    type: int
  trunks:
    description: VLANs the port trunks (1-4094 each; 0 is the VLAN of untagged frames). Empty for all.
    type: list
    elements: int
  vlan_mode:
    description: OVS VLAN mode of the port.
    type: str
    choices: [access, trunk, native-tagged, native-untagged, dot1q-tunnel]
  protected:
    description:
      - OVS C(Port:protected). The C(NORMAL) action never forwards a frame from one protected
        port to another; unprotected ports are not affected. The overlay sets it on every
        tunnel port (split horizon), so a frame that came in from a tunnel never leaves
        through another one and three or more hosts cannot loop broadcasts.
    type: bool
    default: false
  peer:
    description: Peer port of a C(patch) port (same as C(options.peer)).
    type: str
  options:
    description:
      - Interface C(options), the whole map (e.g. C(remote_ip), C(key) for a tunnel).
      - For the tunnel types (C(vxlan), C(geneve), C(gre)), C(remote_ip) and C(key) are required
        and validated (C(key) is a VNI 1-16777215 or C(flow)); C(dst_port) defaults to the type's
        UDP port (4789, 6081) and is refused for C(gre). The M(ovs_tunnel) module takes them as
        plain options.
    type: dict
  mtu:
    description: Requested MTU of the interface (C(mtu_request)).
    type: int
  external_ids:
    description: Keys of the port's C(external_ids) to set (null value removes the key).
    type: dict
seealso:
  - module: ovs_tunnel
  - module: ovs_state
extends_documentation_fragment: [ovl_ovsdb]
author: Overlay network team (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Tenant workload port, access VLAN 10
  ovs_port:
    bridge: br-int
    name: ove1a2b3c4d5e
    tag: 10
    external_ids:
      ovl-tenant: blue

- name: Patch pair between two bridges
  ovs_port:
    bridge: br-int
    name: patch-phy
    type: patch
    peer: patch-int

- name: Remove the tag again (omit it)
  ovs_port:
    bridge: br-int
    name: ove1a2b3c4d5e

- name: Delete a port
  ovs_port:
    name: ove1a2b3c4d5e
    state: absent
'''

RETURN = r'''
commands:
  description: The ovs-vsctl argv run (or that would run in check mode); empty when nothing changes.
  returned: always
  type: list
  elements: list
  sample: [["ovs-vsctl", "--timeout=10", "--", "set", "Port", "p1", "tag=20"]]
transaction:
  description: The sub-commands of the one transaction, each an argv list.
  returned: always
  type: list
  elements: list
diff:
  description: Port attributes before and after.
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.ovs.driver import COMMON_ARGS, run_ovs
from ansible.module_utils.ovl.ovs.model import PORT_TYPES
from ansible.module_utils.ovl.ovs.port_driver import port_builder


def main():
    module = AnsibleModule(
        argument_spec=dict(
            bridge=dict(type='str'),
            name=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            type=dict(type='str', choices=list(PORT_TYPES),
                      default='system'),
            tag=dict(type='int'),
            trunks=dict(type='list', elements='int'),
            vlan_mode=dict(type='str', choices=['access', 'trunk', 'native-tagged',
                                                'native-untagged', 'dot1q-tunnel']),
            protected=dict(type='bool', default=False),
            peer=dict(type='str'),
            options=dict(type='dict'),
            mtu=dict(type='int'),
            external_ids=dict(type='dict'),
            **COMMON_ARGS
        ),
        required_if=[('state', 'present', ['bridge'])],
        mutually_exclusive=[('peer', 'options')],
        supports_check_mode=True,
    )
    run_ovs(module, port_builder)


if __name__ == '__main__':
    main()
