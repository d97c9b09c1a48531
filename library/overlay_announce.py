#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Gratuitous ARP from tenant endpoints."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: overlay_announce
short_description: Announce endpoints with gratuitous ARP, so their peers learn where they are now
description:
  - Sends, from each endpoint's interface inside its network namespace, an ARP announcement
    (RFC 5227; an ARP request whose sender and target address are the endpoint's address),
    with the interface's own Ethernet address, broadcast in the tenant.
  - The bridges on the way (the integration bridge's MAC learning, the learned flows of
    C(br-tun), a kernel VXLAN device's learned entries) learn the endpoint's new place, and
    every neighbour (endpoints and routers of the tenant on every host) replaces its ARP entry
    at once. Without it an endpoint that moved to another host or was renamed is unreachable
    until those entries expire (3.5-38 s measured).
  - The role C(overlay_network) runs it after every host has converged, for the endpoints that
    M(overlay_apply) made or changed in the run (its result C(announce)); M(overlay_apply)
    already sent one announcement when it made them, but a peer that converged later (or an
    old copy of a moved endpoint that answered in between) may have learned the old place.
  - Changes nothing on the host; the result is never C(changed). In check mode nothing is sent.
options:
  endpoints:
    description: The interfaces to announce from.
    type: list
    elements: dict
    required: true
    suboptions:
      netns:
        description: The namespace of the interface; omitted means the host's.
        type: str
      dev:
        description: The interface.
        type: str
        required: true
      address:
        description: The IPv4 address to announce (an address of O(endpoints[].dev)).
        type: str
        required: true
  rounds:
    description: How many announcements each endpoint sends (one round after the other).
    type: int
    default: 2
  interval:
    description: Seconds between two rounds.
    type: float
    default: 0.1
attributes:
  check_mode:
    support: full
    description: Sends nothing; returns what would be announced.
  diff_mode:
    support: none
    description: Nothing on the host changes, so there is nothing to show.
requirements: [Linux (AF_PACKET sockets, setns)]
author: [overlay team (!UNKNOWN)]
'''

EXAMPLES = r'''
- name: Announce blue-web1 (moved to this host)
  overlay_announce:
    endpoints:
      - {netns: blue-web1, dev: eth0, address: 10.0.0.11}
'''

RETURN = r'''
announced:
  description: The announcements sent, with the Ethernet address each interface announced
    (in check mode, what would be sent, without C(mac)).
  returned: always
  type: list
  elements: dict
  sample: [{"netns": "blue-web1", "dev": "eth0", "address": "10.0.0.11",
            "mac": "02:5e:10:aa:bb:cc"}]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.ovl.core.validate import InputError, ifname, ip_address, netns_name
from ansible.module_utils.ovl.ip.garp import announce_all


def normalize(endpoints):
    out = []
    for index, item in enumerate(endpoints):
        where = 'endpoints[%d].' % index
        address = ip_address(item['address'], where + 'address')
        if ':' in address:
            raise InputError(where + 'address', item['address'], 'is not an IPv4 address '
                             '(IPv6 has no ARP)')
        out.append(dict(netns=netns_name(item.get('netns'), where + 'netns'),
                        dev=ifname(item['dev'], where + 'dev'), address=address))
    return out


def main():
    module = AnsibleModule(
        argument_spec=dict(
            endpoints=dict(type='list', elements='dict', required=True, options=dict(
                netns=dict(type='str'),
                dev=dict(type='str', required=True),
                address=dict(type='str', required=True))),
            rounds=dict(type='int', default=2),
            interval=dict(type='float', default=0.1),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        endpoints = normalize(params['endpoints'])
        if not 1 <= params['rounds'] <= 10:
            raise InputError('rounds', params['rounds'], 'is not between 1 and 10')
        if not 0 <= params['interval'] <= 5:
            raise InputError('interval', params['interval'], 'is not between 0 and 5 seconds')
    except InputError as exc:
        module.fail_json(msg=str(exc), changed=False, announced=[])
    if module.check_mode:
        module.exit_json(changed=False, announced=endpoints)
    done, errors = announce_all(endpoints, params['rounds'], params['interval'])
    if errors:
        module.fail_json(msg='; '.join(errors), changed=False, announced=done)
    module.exit_json(changed=False, announced=done)


if __name__ == '__main__':
    main()
