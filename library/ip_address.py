#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ip_address
short_description: Manage IP addresses of an interface, also inside a network namespace
description:
  - Adds or removes addresses of one interface with C(ip addr); reads them over rtnetlink in the module (setns into O(netns)), no process.
  - A thin driver on the M(ip_state) planner (one address group, no pruning).
  - Only addresses of scope global are compared and, with O(exact), removed;
    link-local and host-scope addresses are never touched.
  - Removals run before additions, so replacing the primary address of a subnet
    does not drop a new secondary with it.
options:
  dev:
    description: Interface name.
    type: str
    required: true
  address:
    description: Addresses with prefix length, for example C(10.0.0.11/24) or C(2001:db8::1/64).
    type: list
    elements: str
    required: true
    aliases: [addresses]
  netns:
    description: Network namespace of the interface; omitted means the host.
    type: str
  state:
    description: V(present) adds missing addresses, V(absent) removes the listed ones.
    type: str
    choices: [present, absent]
    default: present
  exact:
    description: With O(state=present), also remove every other global address of O(dev).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Reports C(changed) and C(commands); runs no write.
  diff_mode:
    support: full
    description: Shows the global addresses of the interface before and after.
requirements: [iproute2]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: Endpoint address inside its namespace, and nothing else
  ip_address:
    netns: blue-web1
    dev: eth0
    address: 10.0.0.11/24
    exact: true

- name: Remove an address
  ip_address:
    dev: qr0
    netns: ovr-blue
    address: [10.0.0.1/24]
    state: absent
'''

RETURN = r'''
commands:
  description: The commands run (or that would run in check mode), as argv lists.
  returned: always
  type: list
  elements: list
  sample: [["ip", "-n", "blue-web1", "addr", "add", "10.0.0.11/24", "dev", "eth0"]]
diff:
  description: Global addresses before and after (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.ip.model import ADDRESS_OPTIONS, norm_address, want_state
from ansible.module_utils.ovl.ip.driver import run


def main():
    module = AnsibleModule(argument_spec=dict(ADDRESS_OPTIONS), supports_check_mode=True)
    run(module, lambda: want_state(addresses=[norm_address(module.params)]))


if __name__ == '__main__':
    main()
