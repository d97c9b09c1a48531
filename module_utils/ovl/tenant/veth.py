# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The veth pairs the project makes between the host and a namespace (an
endpoint's, a router's legs)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.names import interface_mac


def veth(facts, name, peer, netns, mtu, mac=None):
    """*name* on the host, *peer* inside *netns* with a fixed Ethernet
    address (``names.interface_mac`` unless *mac*: made again after a reboot
    or by hand it keeps it, so the neighbours' ARP entries stay right); with
    the userspace datapath TX checksum offload off (TCP breaks otherwise)."""
    link = dict(name=name, kind='veth', peer=peer, peer_netns=netns, state='up',
                peer_address=mac or interface_mac(facts.owner, facts.name, netns, peer))
    if mtu is not None:
        link['mtu'] = mtu
    if facts.netdev:
        link['tx_offload'] = False
    return link
