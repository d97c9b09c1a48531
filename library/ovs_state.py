#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ovs_state
short_description: Converge a host's whole Open vSwitch state in one read and one transaction
description:
  - Takes every bridge and port a host should have and converges them with one
    C(ovs-vsctl --format=json) read and at most one ovs-vsctl transaction, whatever the number
    of objects. A run that changes nothing costs one ovs-vsctl process.
  - Bridges and ports follow the same rules as M(ovs_bridge) and M(ovs_port) (which are drivers
    on the same planner).
  - Tenant ports (with C(tenant) set and no C(tag)) get the tenant's host-local VLAN tag. A
    tenant keeps the tag its ports already carry; a new tenant gets the lowest free tag not used
    by another kept tenant nor by ports this project does not own. The map is returned as
    C(tenant_tags).
  - With I(prune=true), ports and bridges marked C(external_ids:ovl-owner=OWNER) that are not
    listed are deleted; nothing unmarked is ever deleted.
options:
  bridges:
    description: Desired bridges (see M(ovs_bridge) for the meaning of each key).
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: Bridge name., type: str, required: true}
      datapath_type: {description: C(system) or C(netdev)., type: str, choices: [system, netdev]}
      fail_mode: {description: C(secure) or C(standalone)., type: str, choices: [secure, standalone]}
      mtu: {description: MTU of the bridge's internal interface., type: int}
      other_config: {description: Keys to set (null removes)., type: dict}
      external_ids: {description: Keys to set (null removes)., type: dict}
  ports:
    description: Desired ports (see M(ovs_port) and M(ovs_tunnel) for the meaning of each key).
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: Port name., type: str, required: true}
      bridge: {description: Bridge of the port., type: str, required: true}
      type: {description: Interface type., type: str, default: system, choices: [system, internal, patch, vxlan, geneve, gre]}
      tenant: {description: Tenant owning the port; sets C(external_ids:ovl-tenant) and the tenant's tag., type: str}
      untagged: {description: A tenant port that must carry no tag (flow-based tunnel ports)., type: bool, default: false}
      tag: {description: Access VLAN tag; for tenant ports defaults to the tenant's local tag., type: int}
      trunks: {description: "Trunked VLANs (0: the untagged frames).", type: list, elements: int}
      vlan_mode: {description: OVS VLAN mode., type: str}
      protected:
        description: OVS C(Port:protected) (split horizon; see M(ovs_port)).
        type: bool
        default: false
      peer: {description: Peer of a patch port., type: str}
      options: {description: Interface options (whole map)., type: dict}
      remote_ip: {description: VXLAN remote address or C(flow)., type: str}
      local_ip: {description: VXLAN local address., type: str}
      key: {description: VXLAN VNI or C(flow)., type: str}
      dst_port: {description: VXLAN UDP port (default 4789)., type: int}
      mtu: {description: Requested interface MTU., type: int}
      external_ids: {description: Keys to set (null removes)., type: dict}
      iface_external_ids:
        description: Keys of the port's C(Interface) C(external_ids) to set (null removes), e.g.
          C(iface-id) that binds it to an OVN logical port.
        type: dict
      shape:
        description:
          - Shape what OVS sends out of the port (a rate limit to the device behind it) with a
            C(linux-htb) QoS row and one Queue (queue 0) marked with I(owner); omitted, a QoS of
            ours on the port is cleared and destroyed. A QoS that is not ours is never touched
            (a warning).
        type: dict
        suboptions:
          max_kbps: {description: The rate in kbit/s., type: int, required: true}
          burst_kbit: {description: The burst in kbit., type: int, required: true}
  mirrors:
    description:
      - Port mirrors, OVS C(Mirror) rows marked with I(owner). Every frame entering or
        leaving one of I(ports) is copied to I(output), which OVS then keeps for mirroring
        only. Each port must be listed in I(ports) or already be on I(bridge).
      - With I(prune), our mirrors not listed are removed; a mirror that is not ours is never
        touched.
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: Mirror name (our mirrors are found by name and owner)., type: str, required: true}
      bridge: {description: Bridge of the mirror., type: str, required: true}
      ports: {description: Ports whose frames (in and out) are mirrored., type: list, elements: str, required: true}
      output: {description: Port that receives the copies., type: str, required: true}
  prune:
    description: Delete ports, bridges and mirrors marked with I(owner) that are not listed.
    type: bool
    default: false
  reopen:
    description:
      - Names of listed ports whose kernel device was made anew since OVS opened it (e.g.
        M(ip_state) re-created a veth whose namespace had been deleted, returned by it as
        its C(created) result). The userspace datapath keeps reading the old device
        otherwise. Such a port that exists is deleted in a first transaction and added back,
        with its tag and settings, in the main one (two ovs-vsctl processes, only then).
    type: list
    elements: str
    default: []
  plan_if_down:
    description:
      - In check mode only, when ovsdb-server is not reachable, plan against an empty database
        (with a warning) instead of failing. For a check run on a host where Open vSwitch is
        not started yet; a real run always fails when the database is unreachable.
    type: bool
    default: false
seealso:
  - module: ovs_bridge
  - module: ovs_port
  - module: ovs_tunnel
extends_documentation_fragment: [ovl_ovsdb]
author: Overlay network team (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Whole OVS state of a host, pruning what we created and no longer want
  ovs_state:
    prune: true
    bridges:
      - {name: br-int, datapath_type: netdev, fail_mode: standalone}
    ports:
      - {name: ove1a2b3c4d5e, bridge: br-int, tenant: blue}
      - {name: vx64-12, bridge: br-int, type: vxlan, tenant: blue,
         remote_ip: 192.168.250.12, key: "100"}
  register: ovs
'''

RETURN = r'''
commands:
  description: The ovs-vsctl argv run (or that would run in check mode); at most one.
  returned: always
  type: list
  elements: list
transaction:
  description: The sub-commands of the one transaction, each an argv list.
  returned: always
  type: list
  elements: list
pre_transaction:
  description: The sub-commands of the first transaction that deletes the ports to reopen.
  returned: always
  type: list
  elements: list
reopened:
  description: The ports deleted and added back because their device was made anew.
  returned: always
  type: list
  elements: str
tenant_tags:
  description: Host-local VLAN tag of every tenant with ports here.
  returned: always
  type: dict
  sample: {blue: 1, red: 2}
warnings_detail:
  description: Objects kept although pruning asked to delete them, and why.
  returned: always
  type: list
  elements: str
diff:
  description: Bridges and ports before and after (only those that are listed or pruned).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.ovs.driver import run_ovs
from ansible.module_utils.ovl.ovs.state_driver import ARGUMENT_SPEC, builder


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    run_ovs(module, builder)


if __name__ == '__main__':
    main()
