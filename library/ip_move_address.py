#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ip_move_address
short_description: Move one IP address onto an interface, with its prefix length and routes
description:
  - Puts O(address) on O(dev) and takes it off O(from_dev), with the prefix length the address
    has now (on O(dev), else on O(from_dev), else on any interface); O(prefixlen) only when no
    interface carries it yet. Brings O(dev) up first when O(up=true).
  - Made for the userspace datapath, where the VTEP address must sit on the OVS bridge that
    holds the uplink (C(br-phy)), one task instead of a read, a fact and two address tasks.
  - Only this one address is touched; every other address of both interfaces stays.
  - The host keeps its routes. When the address leaves O(from_dev) the kernel drops routes with
    it (every IPv4 route through a device that loses its last IPv4 address), so the routes of
    O(from_dev) that depend on the address are carried onto O(dev), with their gateway, metric,
    preferred source, scope, protocol and C(onlink) flag. Read from the main table, of the
    address's IP version, never C(proto kernel) (the connected route comes with the address).
  - A route is carried when O(from_dev) holds the address and has no other IPv4 address (IPv4,
    every route); or when its gateway is in the moved address's subnet and in the subnet of no
    address O(from_dev) keeps; or when it has no gateway and its preferred source (C(src)) is
    the address. Every other route stays on O(from_dev), e.g. one through a gateway of another
    subnet O(from_dev) keeps, even with C(src) the moved address; IPv6 routes through a
    link-local gateway stay (they do not depend on the address).
  - Routes of other tables than C(main) (policy routing) are neither read nor touched. If
    O(from_dev) loses its last IPv4 address the kernel drops those too; carry them yourself.
    Multipath routes and route metrics such as C(mtu) or C(advmss) are not carried.
  - Undo is the same module with O(dev) and O(from_dev) swapped; the routes come back.
  - Reads over rtnetlink in the module (no process); writes with one C(ip [-n NS] -batch -), in
    this order - O(dev) up, the address added on O(dev), each route C(ip route replace)d onto
    O(dev), the address deleted from O(from_dev). C(replace) takes the kernel's key of a route
    (destination, TOS, metric in the table), so a route the kernel still has on O(from_dev) is
    moved, not doubled, and never fails with C(File exists). The host is never without its
    routes, and a batch that stops at a failing line leaves the address on O(from_dev) with the
    routes not yet carried still there; the next run finishes the move.
  - O(dev) must be up for routes through a gateway to be carried (O(up=true), the default); if
    it stays down the batch fails at the first such route, before the address leaves O(from_dev).
  - In check mode a missing O(dev) is planned as a new interface that is down (on a fresh host
    the real run creates C(br-phy) in an earlier task); a real run fails naming it.
options:
  address:
    description: The IP address, without prefix length.
    type: str
    required: true
  dev:
    description: Interface that must carry the address.
    type: str
    required: true
  from_dev:
    description:
      - Interface the address is taken off, if it carries it, and whose routes that depend on
        the address move to O(dev). Omitted, no address is deleted and no route moves.
    type: str
  prefixlen:
    description: Prefix length used when no interface carries the address yet.
    type: int
    default: 24
  up:
    description: Bring O(dev) up when it is down.
    type: bool
    default: true
  netns:
    description: Network namespace of both interfaces; omitted means the host.
    type: str
attributes:
  check_mode:
    support: full
    description: Reports C(changed) and C(commands); runs no write.
  diff_mode:
    support: full
    description: Shows which interfaces carry the address, and the routes that move, before and
      after.
requirements: [iproute2]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: The VTEP address moves from the uplink onto br-phy, with the default route
  ip_move_address:
    address: 192.168.250.11
    dev: br-phy
    from_dev: eth0

- name: Undo - the address and its routes back onto the uplink
  ip_move_address:
    address: 192.168.250.11
    dev: eth0
    from_dev: br-phy
'''

RETURN = r'''
commands:
  description: The commands run (or that would run in check mode), as argv lists, in order.
  returned: always
  type: list
  elements: list
  sample: [["ip", "addr", "add", "192.168.250.11/24", "dev", "br-phy"],
           ["ip", "route", "replace", "default", "via", "192.168.250.1", "dev", "br-phy",
            "metric", "0"],
           ["ip", "route", "replace", "10.50.0.0/16", "via", "192.168.250.2", "dev", "br-phy",
            "metric", "50"],
           ["ip", "addr", "del", "192.168.250.11/24", "dev", "eth0"]]
prefixlen:
  description: The prefix length the address has (or gets) on O(dev).
  returned: success
  type: int
routes:
  description:
    - The routes carried from O(from_dev) onto O(dev) in this run (in check mode, that would be),
      as C(ip route) words on O(dev); empty when none moves.
  returned: success
  type: list
  elements: str
  sample: ["default via 192.168.250.1 dev br-phy metric 0",
           "10.50.0.0/16 via 192.168.250.2 dev br-phy metric 50"]
diff:
  description:
    - Before and after, C(address) is the interfaces carrying the address, C(routes) the routes
      that move as C(ip route) words (on O(from_dev) before, on O(dev) after) (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.core.result import drive
from ansible.module_utils.ovl.ip.move_driver import ARGUMENT_SPEC, MoveDriver


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    drive(module, MoveDriver(module))


if __name__ == '__main__':
    main()
