#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ovs_bridge
short_description: Manage an Open vSwitch bridge in one OVSDB transaction
description:
  - Creates, converges or deletes one Open vSwitch bridge.
  - Reads the whole OVS configuration with one C(ovs-vsctl --format=json) call and applies
    every change in one ovs-vsctl transaction; a call that changes nothing runs exactly one
    ovs-vsctl process.
  - C(datapath_type), C(fail_mode) and C(mtu) are converged when given and left alone when
    omitted. C(other_config) and C(external_ids) are merged; a key given with a null value is
    removed; keys set by other tools stay.
  - A bridge the module creates is marked with C(external_ids:ovl-owner=OWNER).
options:
  name:
    description: Bridge name (1-15 characters of C([A-Za-z0-9_.-])).
    type: str
    required: true
  state:
    description: Whether the bridge should exist.
    type: str
    choices: [present, absent]
    default: present
  datapath_type:
    description:
      - C(system) uses the kernel datapath (default of OVS); C(netdev) the userspace datapath
        (containers, hosts without the openvswitch kernel module).
    type: str
    choices: [system, netdev]
  fail_mode:
    description: OpenFlow fail mode.
    type: str
    choices: [secure, standalone]
  mtu:
    description: MTU requested for the bridge's internal interface (C(mtu_request)).
    type: int
  other_config:
    description: Keys of the bridge's C(other_config) to set (null value removes the key).
    type: dict
  external_ids:
    description: Keys of the bridge's C(external_ids) to set (null value removes the key).
    type: dict
  force:
    description:
      - With I(state=absent), delete the bridge even if it holds ports this project did not
        create. Without it such a bridge is not deleted and the module fails naming the ports.
    type: bool
    default: false
extends_documentation_fragment: [ovl_ovsdb]
author: Overlay network team (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Integration bridge, userspace datapath
  ovs_bridge:
    name: br-int
    datapath_type: netdev
    fail_mode: standalone
    external_ids:
      purpose: tenants

- name: Remove a bridge even if someone else added ports to it
  ovs_bridge:
    name: br-old
    state: absent
    force: true
'''

RETURN = r'''
commands:
  description: The ovs-vsctl argv run (or that would run in check mode); empty when nothing changes.
  returned: always
  type: list
  elements: list
  sample: [["ovs-vsctl", "--timeout=10", "--", "add-br", "br-int", "--", "set", "Bridge", "br-int", "datapath_type=\"netdev\""]]
transaction:
  description: The sub-commands of the one transaction, each an argv list.
  returned: always
  type: list
  elements: list
diff:
  description: Bridge attributes before and after.
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.ovs.model import normalize_bridge
from ansible.module_utils.ovl.ovs.driver import COMMON_ARGS, run_ovs
from ansible.module_utils.ovl.ovs.plan import foreign_ports, plan_bridge_absent
from ansible.module_utils.ovl.ovs.plan_host import BRIDGE_VIEW, plan_state, view


def build(params):
    want = normalize_bridge(params)

    def _build(state):
        if params['state'] == 'present':
            cmds, before, after, _warnings = plan_state([want], [], state, params['owner'])
            return cmds, before['bridges'][want['name']], after['bridges'][want['name']], {}
        have = state['bridges'].get(want['name'])
        foreign = foreign_ports(want['name'], state, params['owner']) if have else []
        if foreign and not params['force']:
            raise CommandError('bridge %s holds ports this project did not create (%s); '
                               'not deleted: set force=true to delete it anyway'
                               % (want['name'], ', '.join(foreign)))
        return plan_bridge_absent(want['name'], state), view(have, BRIDGE_VIEW), None, {}
    return _build


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            datapath_type=dict(type='str', choices=['system', 'netdev']),
            fail_mode=dict(type='str', choices=['secure', 'standalone']),
            mtu=dict(type='int'),
            other_config=dict(type='dict'),
            external_ids=dict(type='dict'),
            force=dict(type='bool', default=False),
            **COMMON_ARGS
        ),
        supports_check_mode=True,
    )
    run_ovs(module, build)


if __name__ == '__main__':
    main()
