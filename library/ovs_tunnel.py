#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ovs_tunnel
short_description: Manage an Open vSwitch tunnel port (VXLAN, Geneve, GRE)
description:
  - A driver on M(ovs_port) for tunnel ports (O(type)) with the tunnel settings as plain options.
  - Every setting (C(remote_ip), C(local_ip), C(key), C(dst_port), C(tag)) can be changed on an
    existing port; the change is one ovs-vsctl transaction. A call that changes nothing runs
    exactly one ovs-vsctl process.
  - With the userspace datapath (C(netdev)) the local VTEP address must sit on an OVS bridge
    that holds the uplink (see the README); with the kernel datapath no such bridge is needed.
options:
  bridge:
    description: Bridge of the tunnel port. Required with I(state=present).
    type: str
  name:
    description: Port name, 1-15 characters of C([A-Za-z0-9_.-]).
    type: str
    required: true
  state:
    description: Whether the tunnel port should exist.
    type: str
    choices: [present, absent]
    default: present
  type:
    description: The tunnel type (the OVS interface type); every type is built by OVS itself.
    type: str
    choices: [vxlan, geneve, gre]
    default: vxlan
  remote_ip:
    description: Remote VTEP address, or C(flow) to take it from OpenFlow (C(set_field:tun_dst)).
    type: str
  local_ip:
    description: Local VTEP address (optional).
    type: str
  key:
    description: The tenant key (VXLAN or Geneve VNI, GRE key) 1-16777215, or C(flow) to set it
      per flow.
    type: str
  dst_port:
    description: UDP destination port; only for UDP tunnel types (default the type's own, 4789
      for VXLAN, 6081 for Geneve; GRE has none).
    type: int
  tag:
    description: Access VLAN tag (1-4094) of the tunnel port; omit for none (flow-based tunnels).
    type: int
  external_ids:
    description: Keys of the port's C(external_ids) to set (null value removes the key).
    type: dict
seealso:
  - module: ovs_port
extends_documentation_fragment: [ovl_ovsdb]
author: Overlay network team (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Tenant blue (VNI 100) to host2, local VLAN 1
  ovs_tunnel:
    bridge: br-int
    name: vx100-12
    remote_ip: 192.168.250.12
    local_ip: 192.168.250.11
    key: "100"
    tag: 1

- name: One flow-based tunnel per peer (VNI chosen by OpenFlow)
  ovs_tunnel:
    bridge: br-int
    name: vxf-12
    remote_ip: 192.168.250.12
    key: flow
'''

RETURN = r'''
commands:
  description: The ovs-vsctl argv run (or that would run in check mode); empty when nothing changes.
  returned: always
  type: list
  elements: list
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
from ansible.module_utils.ovl.core import tunnels
from ansible.module_utils.ovl.ovs.driver import COMMON_ARGS, run_ovs
from ansible.module_utils.ovl.ovs.port_driver import port_builder


def main():
    module = AnsibleModule(
        argument_spec=dict(
            bridge=dict(type='str'),
            name=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            type=dict(type='str', choices=list(tunnels.OVS_TYPES), default=tunnels.VXLAN.ovs_type),
            remote_ip=dict(type='str'),
            local_ip=dict(type='str'),
            key=dict(type='str', no_log=False),
            dst_port=dict(type='int'),
            tag=dict(type='int'),
            external_ids=dict(type='dict'),
            **COMMON_ARGS
        ),
        required_if=[('state', 'present', ['bridge', 'remote_ip', 'key'])],
        supports_check_mode=True,
    )
    run_ovs(module, port_builder)


if __name__ == '__main__':
    main()
