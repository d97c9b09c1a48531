#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: netns
short_description: Manage a named network namespace, its sysctls and its ownership marker
description:
  - Creates (C(ip netns add)) or deletes (C(ip netns del)) one named network namespace;
    reads C(ip -j netns list).
  - On creation writes the marker file C(<mark_dir>/<name>), the mark M(ip_state) prunes by.
    An existing unmarked namespace is converged but not marked. O(state=absent) deletes the
    namespace named here even if unmarked (it was named explicitly) and removes its marker.
  - Sysctls are read with C(ip netns exec NAME sysctl -n) and written with
    C(ip netns exec NAME sysctl -w KEY=VALUE), so they land in the namespace's own /proc/sys.
  - A thin driver on the M(ip_state) planner (one namespace, no pruning).
options:
  name:
    description: Namespace name (1-64 of C([A-Za-z0-9_.-])).
    type: str
    required: true
  state:
    description: Whether the namespace should exist.
    type: str
    choices: [present, absent]
    default: present
  sysctls:
    description: Sysctls to set inside the namespace, for example C(net.ipv4.ip_forward=1) given as a mapping.
    type: dict
    default: {}
  mark_dir:
    description: Directory of the ownership marker files.
    type: str
    default: /run/ovl/netns
attributes:
  check_mode:
    support: full
    description: Reports C(changed) and C(commands); runs no write.
  diff_mode:
    support: full
    description: Shows existence and sysctls before and after.
requirements: [iproute2, procps]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: Router namespace that forwards
  netns:
    name: ovr-blue
    sysctls:
      net.ipv4.ip_forward: 1

- name: Delete it
  netns:
    name: ovr-blue
    state: absent
'''

RETURN = r'''
commands:
  description: The commands run (or that would run in check mode), as argv lists.
  returned: always
  type: list
  elements: list
  sample: [["ip", "netns", "add", "ovr-blue"], ["mkdir", "-p", "/run/ovl/netns"],
           ["touch", "/run/ovl/netns/ovr-blue"],
           ["ip", "netns", "exec", "ovr-blue", "sysctl", "-w", "net.ipv4.ip_forward=1"]]
diff:
  description: Existence and sysctls before and after (diff mode).
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.ip.model import NAMESPACE_OPTIONS, norm_namespace, want_state
from ansible.module_utils.ovl.ip.driver import run


def main():
    spec = dict(NAMESPACE_OPTIONS, mark_dir=dict(type='str', default='/run/ovl/netns'))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    params = module.params
    run(module, lambda: want_state(mark_dir=params['mark_dir'],
                                   namespaces=[norm_namespace(params)]))


if __name__ == '__main__':
    main()
