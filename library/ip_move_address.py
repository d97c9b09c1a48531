#!/usr/bin/python
# -*- coding: utf-8 -*-
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ip_move_address
short_description: Move one IP address onto an interface, keeping its prefix length
description:
  - Puts O(address) on O(dev) and takes it off O(from_dev), with the prefix length the address
    has now (on O(dev), else on O(from_dev), else on any interface); O(prefixlen) only when no
    interface carries it yet. Brings O(dev) up first when O(up=true).
  - Made for the userspace datapath, where the VTEP address must sit on the OVS bridge that
    holds the uplink (C(br-phy)), one task instead of a read, a fact and two address tasks.
  - Only this one address is touched; every other address of both interfaces stays.
  - Reads over rtnetlink in the module (no process); writes with one C(ip [-n NS] -batch -).
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
    description: Interface the address is taken off, if it carries it.
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
    description: Shows which interfaces carry the address before and after.
requirements: [iproute2]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: The VTEP address moves from the uplink onto br-phy
  ip_move_address:
    address: 192.168.250.11
    dev: br-phy
    from_dev: eth0
'''

RETURN = r'''
commands:
  description: The commands run (or that would run in check mode), as argv lists.
  returned: always
  type: list
  elements: list
  sample: [["ip", "addr", "add", "192.168.250.11/24", "dev", "br-phy"],
           ["ip", "addr", "del", "192.168.250.11/24", "dev", "eth0"]]
prefixlen:
  description: The prefix length the address has (or gets) on O(dev).
  returned: success
  type: int
diff:
  description: Interfaces carrying the address before and after (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.core.result import drive
from ansible.module_utils.ovl.ip.front_move import ARGUMENT_SPEC, MoveFront


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    drive(module, MoveFront(module))


if __name__ == '__main__':
    main()
