#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Aggregate SNAT and inbound-block state per network namespace."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: nat_state
short_description: Make the overlay's SNAT and inbound-block rules match a list, per namespace
description:
  - For each listed network namespace (or the host), sets the full content of our own
    chains. With the C(iptables) backend these are C(OVL-POSTROUTING) in the C(nat) table
    (jumped to from C(POSTROUTING) by one rule with comment C(ovl)), C(OVL-FORWARD) and
    C(OVL-INPUT) in the C(filter) table (jumped to from C(FORWARD) and C(INPUT) the same
    way; C(OVL-INPUT) only once a I(block_inbound) entry has I(local=true)), and for
    I(dnat) C(OVL-PREROUTING) and C(OVL-OUTPUT) in the C(nat) table (jumped to from
    C(PREROUTING) and C(OUTPUT)). With the C(nft) backend they are the chains
    C(postrouting), C(forward), C(input), C(prerouting) and C(output) of the table C(ip ovl).
  - A chain is made only when it holds a rule.
  - Every rule carries the comment C(<owner>:<id>).
  - Reads state once per namespace (C(iptables-save) or C(nft -j list ruleset)) and writes at
    most once per namespace, atomically (C(iptables-restore --noflush) or C(nft -f -)).
  - Foreign rules and chains (not ours) are never touched.
  - Only IPv4 is supported.
version_added: "1.0.0"
author: overlay team (!UNKNOWN)
options:
  backend:
    description: Which packet filter to program.
    type: str
    choices: [iptables, nft]
    default: iptables
  owner:
    description: Prefix of the rule comments, C(<owner>:<id>).
    type: str
    default: ovl
  prune:
    description:
      - When true, our chains hold exactly the listed rules, in order (also an empty list
        empties them).
      - When false, listed rules are added or replaced (matched by id), others are kept.
    type: bool
    default: false
  keep_reads:
    description:
      - A file (for example C(/run/ovl/nat-reads.json)) where the module keeps each
        namespace's read together with the namespace's nf_tables ruleset generation. A
        namespace whose generation is what it was at its kept read is not read again (no
        C(iptables-save)/C(nft) process). nf_tables counts every change of the ruleset, by
        anyone, so an unchanged generation is an unchanged ruleset.
      - Used only on nf_tables (C(nft), and C(iptables) when it is the nf_tables variant);
        unset, every namespace is read. The role C(overlay_network) sets it.
    type: str
  namespaces:
    description: Desired state per namespace; a namespace not listed is not touched.
    type: list
    elements: dict
    required: true
    suboptions:
      netns:
        description: Network namespace name; omit or null for the host.
        type: str
      snat:
        description: Source NAT rules, in order.
        type: list
        elements: dict
        default: []
        suboptions:
          id:
            description: Rule identity, stored in the comment C(<owner>:<id>).
            type: str
            required: true
          source:
            description: Source network in CIDR form, for example C(10.0.0.0/24).
            type: str
            required: true
          out_interface:
            description: Outgoing interface.
            type: str
            required: true
          action:
            description: C(masquerade) uses the interface address; C(snat) uses I(to_source).
            type: str
            choices: [masquerade, snat]
            default: masquerade
          to_source:
            description: Translated source address; only with I(action=snat), and required there.
            type: str
      block_inbound:
        description:
          - Interfaces from which NEW (and INVALID) forwarded connections are dropped while
            replies (ESTABLISHED, RELATED) pass.
        type: list
        elements: dict
        default: []
        suboptions:
          in_interface:
            description: Incoming interface.
            type: str
            required: true
          id:
            description: Rule identity; default C(in-<in_interface>).
            type: str
          local:
            description:
              - Also drop NEW (and INVALID) connections from I(in_interface) to the namespace's
                own addresses (C(OVL-INPUT), nft chain C(input)), not only forwarded ones.
              - A router namespace wants this (nothing may open a connection to it from its
                uplink); on the host it would also drop SSH arriving on that interface.
            type: bool
            default: false
      forward_accept:
        description:
          - Forwarded traffic from I(in_interface) out I(out_interface) is accepted, and its
            replies back (ESTABLISHED, RELATED). Our chain is jumped to from the built-in
            C(FORWARD) chain, so the ACCEPT holds where that chain's policy is DROP (Docker sets
            it when it turns IPv4 forwarding on).
          - The host's entry for a tenant router's uplink leg.
        type: list
        elements: dict
        default: []
        suboptions:
          in_interface:
            description: The interface whose traffic is accepted.
            type: str
            required: true
          out_interface:
            description: The interface it leaves by.
            type: str
            required: true
          id:
            description: Rule identity; default C(fwd-<in_interface>).
            type: str
      dnat:
        description:
          - Connections to I(destination) (and I(protocol), I(port), I(in_interface)) get I(to)
            as their destination (C(OVL-PREROUTING), nft chain C(prerouting)); with I(local)
            also the namespace's own connections (C(OVL-OUTPUT), nft chain C(output)).
          - The host's half of a floating address or published port, and the router's.
        type: list
        elements: dict
        default: []
        suboptions:
          id:
            description: Rule identity.
            type: str
            required: true
          destination:
            description: The IPv4 address the connections are made to.
            type: str
            required: true
          protocol:
            description: Only this protocol (required with I(port), and with a port in I(to)).
            type: str
            choices: [tcp, udp]
          port:
            description: Only this destination port.
            type: int
          in_interface:
            description: Only connections arriving on this interface.
            type: str
          to:
            description: The new destination, C(ADDRESS) or C(ADDRESS:PORT).
            type: str
            required: true
          local:
            description: Also the namespace's own connections (the C(OUTPUT) hook).
            type: bool
            default: false
      forward_dnat:
        description:
          - A forwarded connection that a I(dnat) rule sent to I(destination) (and I(protocol),
            I(port), I(in_interface), I(out_interface)) is accepted (conntrack state DNAT; nft
            C(ct status dnat)).
          - These rules come first in C(OVL-FORWARD), before the I(block_inbound) rules, so only
            what was published gets past them.
        type: list
        elements: dict
        default: []
        suboptions:
          id:
            description: Rule identity.
            type: str
            required: true
          destination:
            description: The address the connection was translated to.
            type: str
            required: true
          protocol:
            description: Only this protocol (required with I(port)).
            type: str
            choices: [tcp, udp]
          port:
            description: Only this (translated) destination port.
            type: int
          in_interface:
            description: Only connections arriving on this interface.
            type: str
          out_interface:
            description: Only connections leaving by this interface.
            type: str
attributes:
  check_mode:
    support: full
    description: Reports the commands and the restore input, writes nothing.
  diff_mode:
    support: full
    description: Shows our chains' rules before and after.
notes:
  - Needs C(iptables-save)/C(iptables-restore) or C(nft), and C(ip netns exec) for the writes in
    namespaces. The read of a namespace runs inside it without C(ip netns exec) (the module
    enters it with setns(2) and starts C(iptables-save) or C(nft -j list ruleset) there).
'''

EXAMPLES = r'''
- name: Tenant router NAT, host masquerade, prune the rest
  nat_state:
    backend: iptables
    prune: true
    namespaces:
      - netns: ovr-blue
        snat:
          - {id: blue, source: 10.0.0.0/24, out_interface: qg0, action: masquerade}
        block_inbound:
          - {in_interface: qg0, local: true}
      - netns: null
        snat:
          - {id: uplink, source: 169.254.0.0/16, out_interface: eth0,
             action: snat, to_source: 192.0.2.10}

- name: Same with nftables (table ip ovl)
  nat_state:
    backend: nft
    namespaces:
      - netns: ovr-red
        snat: [{id: red, source: 10.0.0.0/24, out_interface: qg0}]
'''

RETURN = r'''
commands:
  description: The write commands (argv lists), at most one per namespace; also in check mode.
  returned: always
  type: list
  elements: list
  sample: [["ip", "netns", "exec", "ovr-blue", "iptables-restore", "--noflush"]]
restore_input:
  description: The stdin given to each write command.
  returned: always
  type: list
  elements: dict
  sample:
    - netns: ovr-blue
      stdin: "*nat\n:OVL-POSTROUTING - [0:0]\n-A OVL-POSTROUTING -s 10.0.0.0/24 -o qg0 -m comment --comment ovl:blue -j MASQUERADE\nCOMMIT\n"
diff:
  description: Our chains' rules before and after, per namespace.
  returned: when diff mode is on
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.nat.driver import ARGUMENT_SPEC, run, want_of


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    p = module.params
    run(module, lambda: want_of(p))


if __name__ == '__main__':
    main()
