#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ip_state
short_description: Converge a host's links, addresses, routes and namespaces in one call
description:
  - The aggregate of M(ip_link), M(ip_address), M(ip_route) and M(netns) (they are drivers on
    the same planner). Reads start no process per namespace; the module enters each namespace
    it needs with setns(2) and dumps links, addresses and (where routes are listed) main-table
    routes over rtnetlink, reads TX offload with SIOCETHTOOL and sysctls from /proc/sys; the
    only read process is one C(ip -j netns list). Writes are batched, consecutive C(ip)
    commands of a namespace run as one C(ip [-n NS] -batch -).
  - "Order: create namespaces (marker file, sysctls); delete links (pruned, absent, or with
    changed immutable attributes); create/converge links; veth peers, addresses and routes per
    namespace; C(ethtool) offload; delete namespaces."
  - For each (netns, dev) in O(addresses) the set of global addresses is made exact.
  - With O(prune=true), deletes only OUR objects that are not listed - links in the host and
    in the listed namespaces whose ifalias is C(ovl:<owner>), and namespaces with a marker
    file in O(mark_dir). Unmarked links and namespaces are never pruned.
options:
  owner:
    description: Owner in the ifalias mark C(ovl:<owner>) of created links; pruning only considers this owner.
    type: str
    default: ovl
  mark_dir:
    description: Directory of the namespace marker files.
    type: str
    default: /run/ovl/netns
  namespaces:
    description: Wanted namespaces.
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: Namespace name., type: str, required: true}
      sysctls: {description: Sysctls inside the namespace., type: dict, default: {}}
      state: {description: Whether it should exist., type: str, choices: [present, absent], default: present}
  links:
    description: Wanted links; the suboptions are the options of M(ip_link) (without owner).
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: Interface name., type: str, required: true}
      kind: {description: Link type., type: str, choices: [veth, vxlan]}
      netns: {description: Namespace the link lives in (omitted = host)., type: str}
      peer: {description: Other veth end., type: str}
      peer_netns: {description: Namespace of the veth peer., type: str}
      id: {description: VXLAN network identifier., type: int, aliases: [vni]}
      remote: {description: VXLAN remote address (omitted = none)., type: str}
      local: {description: VXLAN local address., type: str}
      dev: {description: VXLAN underlay device., type: str}
      dstport: {description: VXLAN UDP port (default 4789)., type: int}
      learning: {description: VXLAN learning., type: bool}
      flood:
        description: VXLAN flood list, the device's all-zeros FDB entries (see M(ip_link)).
        type: list
        elements: str
      mtu: {description: MTU (both veth ends)., type: int}
      state: {description: Admin state or absent., type: str, choices: [present, up, down, absent], default: up}
      tx_offload: {description: TX checksum offload on both veth ends., type: bool}
      address: {description: Ethernet address of the link (omitted = the kernel's choice)., type: str}
      peer_address: {description: Ethernet address of the veth peer (omitted = the kernel's choice)., type: str}
  addresses:
    description: Wanted addresses; per (netns, dev) the listed set becomes the only global addresses.
    type: list
    elements: dict
    default: []
    suboptions:
      dev: {description: Interface name., type: str, required: true}
      address: {description: Address(es) with prefix length., type: list, elements: str, required: true, aliases: [addresses]}
      netns: {description: Namespace (omitted = host)., type: str}
  routes:
    description: Wanted routes of the main table; suboptions as in M(ip_route).
    type: list
    elements: dict
    default: []
    suboptions:
      dst: {description: 'CIDR, address or V(default).', type: str, required: true}
      via: {description: Gateway., type: str}
      dev: {description: Output interface., type: str}
      metric: {description: Priority., type: int}
      netns: {description: Namespace (omitted = host)., type: str}
      state: {description: Whether it should exist., type: str, choices: [present, absent], default: present}
  prune:
    description: Delete our (marked) links and namespaces that are not listed.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reports C(changed) and C(commands); runs no write.
  diff_mode:
    support: full
    description: Shows the listed (and pruned) objects before and after.
requirements: [iproute2, procps, ethtool (for tx_offload)]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: One endpoint with its namespace, veth, address and default route
  ip_state:
    owner: ovl
    namespaces:
      - name: blue-web1
        sysctls: {net.ipv4.ip_forward: 1}
    links:
      - {name: ove1234567890, kind: veth, peer: eth0, peer_netns: blue-web1,
         mtu: 1450, state: up, tx_offload: false}
      - {name: vx64, kind: vxlan, id: 100, local: 192.168.250.11, dstport: 4789,
         learning: true, mtu: 1450, flood: [192.168.250.12, 192.168.250.13]}
    addresses:
      - {netns: blue-web1, dev: eth0, address: 10.0.0.11/24}
    routes:
      - {netns: blue-web1, dst: default, via: 10.0.0.1}
    prune: true
'''

RETURN = r'''
commands:
  description: The logical commands run (or that would run in check mode), as argv lists, in order;
    consecutive C(ip) commands of one namespace were sent as one C(ip -batch -).
  returned: always
  type: list
  elements: list
  sample: [["ip", "netns", "add", "blue-web1"], ["ip", "-n", "blue-web1", "addr", "add", "10.0.0.11/24", "dev", "eth0"]]
created:
  description: Devices of the host namespace this run made (or would make), such as the
    host end of a re-created veth; give them to the C(reopen) option of M(ovs_state).
  returned: always
  type: list
  elements: str
  sample: ["vb-web1"]
made_namespaces:
  description: Namespaces this run made (or would make).
  returned: always
  type: list
  elements: str
  sample: ["blue-web1"]
touched_namespaces:
  description: Namespaces in which this run changed (or would change) anything.
  returned: always
  type: list
  elements: str
  sample: ["blue-web1", "ovr-blue"]
changes:
  description:
    - What each logical command is, in the same order as C(commands), as
      C([operation, namespace, object, detail]); the operation is one of C(netns.add),
      C(netns.del), C(mark.dir), C(mark.add), C(mark.del), C(sysctl), C(offload), C(link.add),
      C(link.del), C(link.set), C(addr.add), C(addr.del), C(route.replace), C(route.del),
      C(fdb.append), C(fdb.del). The drift report reads these.
  returned: in check mode
  type: list
  elements: list
  sample: [["netns.add", null, "blue-web1", null], ["addr.add", "blue-web1", "eth0", "10.0.0.11/24"]]
diff:
  description: Before/after of the listed objects and of pruned ones (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.ip.model import want_aggregate
from ansible.module_utils.ovl.ip.driver import STATE_SPEC, run


def main():
    module = AnsibleModule(
        argument_spec=STATE_SPEC, supports_check_mode=True)
    run(module, lambda: want_aggregate(module.params))


if __name__ == '__main__':
    main()
