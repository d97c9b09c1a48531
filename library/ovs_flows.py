#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ovs_flows
short_description: Converge the project's OpenFlow rules on one bridge in one atomic bundle
description:
  - Makes the OpenFlow rules of bridge I(bridge) that carry the project's cookie exactly the
    listed I(flows), with two reads (C(ovs-ofctl dump-ports-desc) and C(ovs-ofctl dump-flows
    cookie=0x0f1c000000000000/0xffff800000000000)) and at most one write
    (C(ovs-ofctl --bundle add-flows BRIDGE -), all changes in one atomic OpenFlow 1.4 bundle).
  - "Cookies: the top 16 bits are the project mark C(0x0f1c); bit 47 marks flows made by a
    C(learn) action (use C(cookie=0x0f1c800000000000) in learn specs); the low 47 bits of a
    static flow are a hash of its text and of the OpenFlow numbers of the ports it names. A
    flow is unchanged when its cookie is present, so ports recreated with another number get
    their flows rewritten."
  - Flows with any other cookie (foreign flows) are never read, deleted or modified, except
    that OpenFlow replaces a flow with exactly the same table, priority and match when a flow
    is added; keep the project's flows on a bridge of the project (C(br-tun)).
  - When anything changes, learned flows (bit 47) are deleted in the same bundle
    (I(flush_learned)); they are learned again from the next packet.
options:
  bridge:
    description: Bridge whose flows are converged.
    type: str
    required: true
  flows:
    description: The desired flows. The cookie is set by the module.
    type: list
    elements: dict
    default: []
    suboptions:
      table: {description: OpenFlow table (0-254)., type: int, default: 0}
      priority: {description: Priority (0-65535)., type: int, default: 32768}
      match: {description: Match fields as ovs-ofctl takes them (port names allowed)., type: str, default: ''}
      actions: {description: Actions as ovs-ofctl takes them (port names allowed)., type: str, required: true}
  meters:
    description:
      - Police what comes in on a port of a NORMAL-switching bridge (a rate limit from the
        device behind it) with an OpenFlow 1.3 meter (kbps, burst, one drop band) and the flow
        C(table=0,priority=10,in_port=PORT,actions=meter:ID,NORMAL). The meter id is the
        project's C(0x0f1c0000) plus the port's OpenFlow number.
      - Given (even empty), the project's meters on the bridge that are not listed are deleted,
        after the flows that use them; meters of other ids are never touched. Omitted, meters
        are not read.
    type: list
    elements: dict
    suboptions:
      port: {description: The port whose incoming frames are policed., type: str, required: true}
      max_kbps: {description: The rate in kbit/s., type: int, required: true}
      burst_kbit: {description: The burst in kbit., type: int, required: true}
  prune:
    description: Delete the project's flows on the bridge that are not listed.
    type: bool
    default: false
  flush_learned:
    description: When anything changes, delete the flows learned by C(learn) actions (cookie bit 47).
    type: bool
    default: true
  target:
    description:
      - How ovs-ofctl reaches the bridge, e.g. C(unix:/run/openvswitch/br-tun.mgmt). Default
        I(bridge), which ovs-ofctl resolves to C(OVS_RUNDIR/<bridge>.mgmt).
    type: str
  timeout:
    description: Seconds ovs-ofctl waits for ovs-vswitchd.
    type: int
    default: 10
attributes:
  check_mode:
    support: full
    description: Reads ports and flows, reports C(changed), C(commands) and C(flow_mods); runs no write.
    details: In check mode a bridge that does not exist yet reads as having no flows.
  diff_mode:
    support: full
    description: Shows the project's flows on the bridge before and after, as flow texts.
seealso:
  - module: ovs_state
author: Overlay network team (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Tunnel bridge pipeline (VLAN 1 <-> VNI 100, one peer)
  ovs_flows:
    bridge: br-tun
    prune: true
    flows:
      - {table: 0, priority: 1, match: in_port=ovp-int, actions: "resubmit(,2)"}
      - {table: 0, priority: 1, match: in_port=vxf-a8fa0c, actions: "resubmit(,4)"}
      - {table: 0, priority: 0, actions: drop}
      - {table: 4, priority: 1, match: tun_id=100, actions: "mod_vlan_vid:1,output:ovp-int"}
      - {table: 2, priority: 1, match: dl_vlan=1, actions: "strip_vlan,set_tunnel:100,output:vxf-a8fa0c"}

- name: Private OVS whose mgmt sockets live elsewhere
  ovs_flows:
    bridge: br-test
    target: unix:/tmp/ovs/br-test.mgmt
    flows: []
    prune: true
'''

RETURN = r'''
commands:
  description: The ovs-ofctl argv run (or that would run in check mode); at most one.
  returned: always
  type: list
  elements: list
  sample: [["ovs-ofctl", "--timeout=10", "--bundle", "add-flows", "br-tun", "-"]]
flow_mods:
  description: The lines given on stdin to that one ovs-ofctl (add/delete, one bundle).
  returned: always
  type: list
  elements: str
  sample: ["delete cookie=0x0f1c12ab34cd56ef/-1",
           "add cookie=0x0f1c00aa11bb22cc,table=0,priority=0,actions=drop"]
diff:
  description: The project's flows on the bridge before and after, as flow texts.
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.core.result import drive
from ansible.module_utils.ovl.flows.driver import ARGUMENT_SPEC, FlowsDriver


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    drive(module, FlowsDriver(module))


if __name__ == '__main__':
    main()
