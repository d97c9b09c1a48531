# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Options every OVS module of this project shares."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  db:
    description: OVSDB to talk to, as for C(ovs-vsctl --db), e.g. C(unix:/run/openvswitch/db.sock).
      Default is ovs-vsctl's own default.
    type: str
  timeout:
    description: Seconds ovs-vsctl waits for ovsdb-server and for ovs-vswitchd to apply a change.
    type: int
    default: 10
  owner:
    description: Value of the C(external_ids:ovl-owner) mark written on objects the module creates
      (and, for M(ovs_state), the mark that pruning looks for).
    type: str
    default: ovl
attributes:
  check_mode:
    support: full
    description: Reads the OVS configuration, reports C(changed) and C(commands); runs no write.
  diff_mode:
    support: full
    description: Shows the attributes of the bridges and ports concerned before and after.
'''
