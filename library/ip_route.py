#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ip_route
short_description: Manage routes of the main table, also inside a network namespace
description:
  - Converges one route with C(ip route replace) or deletes it with C(ip route del);
    reads the main table over rtnetlink in the module (setns into O(netns), no process).
  - A route is identified as the kernel does, by family, O(dst) and O(metric). A route with
    the same O(dst) and metric but another gateway or device is replaced.
  - A thin driver on the M(ip_state) planner (one route, no pruning).
options:
  dst:
    description: Destination in CIDR form, a single address (host route) or V(default).
    type: str
    required: true
  via:
    description: Gateway address. O(via) or O(dev) is required for O(state=present).
    type: str
  dev:
    description: Output interface; omitted means any (the kernel picks it from O(via)).
    type: str
  metric:
    description:
      - Route priority; omitted means the kernel default (0 for IPv4, 1024 for IPv6).
      - With O(state=absent) and no metric, routes to O(dst) with any metric are removed.
    type: int
  netns:
    description: Network namespace; omitted means the host.
    type: str
  state:
    description: Whether the route should exist.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    description: Reports C(changed) and C(commands); runs no write.
  diff_mode:
    support: full
    description: Shows the routes to O(dst) before and the wanted route after.
requirements: [iproute2]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: Default route of an endpoint namespace
  ip_route:
    netns: blue-web1
    dst: default
    via: 10.0.0.1

- name: Remove a route
  ip_route:
    netns: ovr-blue
    dst: 10.8.0.0/16
    state: absent
'''

RETURN = r'''
commands:
  description: The commands run (or that would run in check mode), as argv lists.
  returned: always
  type: list
  elements: list
  sample: [["ip", "-n", "blue-web1", "route", "replace", "default", "via", "10.0.0.1"]]
diff:
  description: Routes to the destination before and after (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.ip.model import ROUTE_OPTIONS, norm_route, want_state
from ansible.module_utils.ovl.ip.driver import run


def main():
    module = AnsibleModule(argument_spec=dict(ROUTE_OPTIONS), supports_check_mode=True)
    run(module, lambda: want_state(routes=[norm_route(module.params)]))


if __name__ == '__main__':
    main()
