#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ip_link
short_description: Manage veth pairs and kernel VXLAN devices, also inside network namespaces
description:
  - Creates, converges and deletes one veth pair or one kernel VXLAN device with C(ip link).
  - Reads links over rtnetlink and TX offload with SIOCETHTOOL in the module (setns into each namespace, no process); plans with the same
    pure planner as M(ip_state) (this call is an C(ip_state) call with one link and no pruning).
  - MTU, admin state and VXLAN C(learning) are changed in place with C(ip link set).
    The other VXLAN attributes (O(id), O(remote), O(local), O(dev), O(dstport)), the O(kind),
    a different O(peer) or O(peer_netns) cannot be changed on a live device, so the link is
    deleted and re-created (addresses on it are re-added only if listed, for example by M(ip_state)).
  - A created link gets the ifalias C(ovl:<owner>), the mark M(ip_state) prunes by.
    An existing unmarked link named here is converged but never re-marked.
options:
  name:
    description: Interface name (1-15 of C([A-Za-z0-9_.-])).
    type: str
    required: true
  kind:
    description: Link type. Required unless O(state=absent).
    type: str
    choices: [veth, vxlan]
  netns:
    description: Network namespace the link lives in; omitted means the host.
    type: str
  peer:
    description: Name of the other veth end; must differ from O(name). Required for O(kind=veth).
    type: str
  peer_netns:
    description: Namespace the veth peer is moved into at creation; omitted means the namespace of the link.
    type: str
  id:
    description: VXLAN network identifier, 1-16777215. Required for O(kind=vxlan).
    type: int
    aliases: [vni]
  remote:
    description: Unicast remote VTEP address; omitted means none (the device is created without C(remote)).
    type: str
  local:
    description: Local VTEP source address.
    type: str
  dev:
    description: Underlay device of the VXLAN device.
    type: str
  dstport:
    description: UDP destination port of the VXLAN device (default 4789 for O(kind=vxlan)).
    type: int
  flood:
    description:
      - For O(kind=vxlan), the remote addresses a frame with no known destination (broadcast,
        multicast, unknown unicast) is sent to, one copy each (head-end replication). They are
        made exactly the device's all-zeros FDB entries, as C(bridge fdb append
        00:00:00:00:00:00 dev NAME dst ADDRESS) makes them. Changed in place; an empty list
        removes them all; omitted leaves them as they are.
      - One device per VNI with a flood list reaches any number of peers (Linux refuses a
        second device with the same VNI and port).
    type: list
    elements: str
  learning:
    description: VXLAN source-address learning; omitted leaves it as it is (kernel default on).
    type: bool
  mtu:
    description: MTU (68-65535); for a veth both ends get it.
    type: int
  state:
    description:
      - V(up)/V(down) also set the admin state (of both ends of a veth); V(present) leaves it as it is.
      - V(absent) deletes the link (deleting one veth end deletes both).
    type: str
    choices: [present, up, down, absent]
    default: up
  tx_offload:
    description:
      - TX checksum offload on both veth ends (C(ethtool -K DEV tx on|off)); omitted leaves it.
      - Use V(false) with the Open vSwitch userspace (netdev) datapath, where TCP over veth ports breaks otherwise.
    type: bool
  address:
    description:
      - Ethernet address of the link, a unicast address such as C(02:00:5e:10:00:01); set at
        creation and converged in place (C(ip link set DEV address ...)); omitted leaves the
        kernel's choice.
      - A fixed address lets a link made again (after a reboot) keep its neighbours' ARP
        entries valid.
    type: str
  peer_address:
    description: Ethernet address of the veth peer, as O(address) (only for O(kind=veth)).
    type: str
  owner:
    description: Owner written into the ifalias mark C(ovl:<owner>) of created links.
    type: str
    default: ovl
attributes:
  check_mode:
    support: full
    description: Reports C(changed) and the C(commands) it would run; runs no write.
  diff_mode:
    support: full
    description: Shows the link before and after.
requirements: [iproute2, ethtool (for tx_offload)]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: Endpoint veth, peer eth0 moved into the endpoint namespace
  ip_link:
    name: ove1234567890
    kind: veth
    peer: eth0
    peer_netns: blue-web1
    mtu: 1450
    tx_offload: false

- name: Kernel VXLAN device
  ip_link:
    name: vx100
    kind: vxlan
    id: 100
    remote: 192.168.250.12
    local: 192.168.250.11
    dev: eth0
    learning: false
    mtu: 1450

- name: Remove it
  ip_link:
    name: vx100
    state: absent
'''

RETURN = r'''
commands:
  description: The commands run (or, in check mode, that would run), as argv lists, in order.
    Consecutive C(ip) commands of one namespace run as one C(ip [-n NS] -batch -).
  returned: always
  type: list
  elements: list
  sample: [["ip", "link", "add", "vx100", "type", "vxlan", "id", "100", "dstport", "4789"],
           ["ip", "link", "set", "vx100", "alias", "ovl:ovl"], ["ip", "link", "set", "vx100", "up"]]
created:
  description: Devices of the host namespace this run made (or would make); see
    the C(reopen) option of M(ovs_state).
  returned: always
  type: list
  elements: str
  sample: ["vx100"]
diff:
  description: Before/after view of the link (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.ip.model import LINK_OPTIONS, norm_link, want_state
from ansible.module_utils.ovl.ip.driver import run


def main():
    spec = dict(LINK_OPTIONS, owner=dict(type='str', default='ovl'))
    module = AnsibleModule(
        argument_spec=spec,
        required_if=[('kind', 'veth', ('peer',)), ('kind', 'vxlan', ('id',))],
        supports_check_mode=True)
    params = module.params
    run(module, lambda: want_state(owner=params['owner'], links=[norm_link(params)]))


if __name__ == '__main__':
    main()
