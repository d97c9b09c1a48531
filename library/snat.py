#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""One SNAT rule: a thin driver on the nat_state planner (one entry, no prune)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: snat
short_description: Add or remove one source NAT rule of the overlay
description:
  - Adds, replaces or removes the one rule whose comment is C(<owner>:<id>) in our NAT chain
    (C(OVL-POSTROUTING) of the C(nat) table, jumped to from C(POSTROUTING) by a rule with
    comment C(ovl); or chain C(postrouting) of table C(ip ovl) with the C(nft) backend).
  - Every other rule and chain is left alone. This is M(nat_state) with one entry and no pruning.
  - One read (C(iptables-save) or C(nft -j list ruleset)) and at most one atomic write
    (C(iptables-restore --noflush) or C(nft -f -)). IPv4 only.
version_added: "1.0.0"
author: overlay team (!UNKNOWN)
options:
  id:
    description: Rule identity, stored in the comment C(<owner>:<id>).
    type: str
    required: true
  source:
    description: Source network in CIDR form, for example C(10.0.0.0/24). Required when present.
    type: str
  out_interface:
    description: Outgoing interface. Required when present.
    type: str
  action:
    description: C(masquerade) uses the interface address; C(snat) uses I(to_source).
    type: str
    choices: [masquerade, snat]
    default: masquerade
  to_source:
    description: Translated source address; only with I(action=snat), and required there.
    type: str
  netns:
    description: Network namespace to work in; omit for the host.
    type: str
  state:
    description: Whether the rule exists.
    type: str
    choices: [present, absent]
    default: present
  backend:
    description: Which packet filter to program.
    type: str
    choices: [iptables, nft]
    default: iptables
  owner:
    description: Prefix of the rule comment.
    type: str
    default: ovl
attributes:
  check_mode:
    support: full
    description: Reports the commands and the restore input, writes nothing.
  diff_mode:
    support: full
    description: Shows our NAT chain's rules before and after.
'''

EXAMPLES = r'''
- name: Masquerade a tenant subnet out of the router uplink
  snat:
    id: blue
    netns: ovr-blue
    source: 10.0.0.0/24
    out_interface: qg0

- name: Fixed source address on the host uplink, with nftables
  snat:
    id: uplink
    backend: nft
    source: 169.254.0.0/16
    out_interface: eth0
    action: snat
    to_source: 192.0.2.10

- name: Remove it
  snat:
    id: blue
    netns: ovr-blue
    state: absent
'''

RETURN = r'''
commands:
  description: The write command (argv list), if any; also in check mode.
  returned: always
  type: list
  elements: list
  sample: [["ip", "netns", "exec", "ovr-blue", "iptables-restore", "--noflush"]]
restore_input:
  description: The stdin given to the write command.
  returned: always
  type: list
  elements: dict
  sample:
    - netns: ovr-blue
      stdin: "*nat\n:OVL-POSTROUTING - [0:0]\n-A OVL-POSTROUTING -s 10.0.0.0/24 -o qg0 -m comment --comment ovl:blue -j MASQUERADE\nCOMMIT\n"
diff:
  description: Our NAT chain's rules before and after.
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.nat.model import SNAT, check_id, check_netns, check_owner, make_want, snat_rule
from ansible.module_utils.ovl.nat.driver import BACKEND_CHOICES, run

RULE_KEYS = ('id', 'source', 'out_interface', 'action', 'to_source')


def want_of(params):
    """Module params -> the planner's want for one namespace (no prune)."""
    owner = check_owner(params['owner'])
    netns = check_netns(params['netns'])
    if params['state'] == 'present':
        comment, terms = snat_rule(dict((k, params[k]) for k in RULE_KEYS), '', owner)
        return make_want(netns, entries={SNAT: [(comment, [(comment, terms)])]})
    comment = '%s:%s' % (owner, check_id(params['id']))
    return make_want(netns, remove={SNAT: [comment]})


def main():
    module = AnsibleModule(
        argument_spec=dict(
            id=dict(type='str', required=True),
            source=dict(type='str'),
            out_interface=dict(type='str'),
            action=dict(type='str', choices=['masquerade', 'snat'], default='masquerade'),
            to_source=dict(type='str'),
            netns=dict(type='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            backend=dict(type='str', choices=BACKEND_CHOICES, default='iptables'),
            owner=dict(type='str', default='ovl'),
        ),
        required_if=[('state', 'present', ('source', 'out_interface'))],
        supports_check_mode=True,
    )
    run(module, lambda: [want_of(module.params)])


if __name__ == '__main__':
    main()
