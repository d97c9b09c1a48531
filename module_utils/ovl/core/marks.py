# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Marks and constants of the project, in one place (docs/design.md, "Marks").

Everything the project creates carries one of these marks, and pruning only
ever considers marked objects. The values here are the contract with what
is already on the hosts: changing one orphans the objects made with the old
value.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

# the owner mark of a deployment that sets no overlay_owner
DEFAULT_OWNER = 'ovl'
# OVS: external_ids:ovl-owner=<owner> on bridges and ports we create;
# tenant ports also external_ids:ovl-tenant=<tenant> (where the local VLAN lives)
OWNER_KEY = 'ovl-owner'
TENANT_KEY = 'ovl-tenant'
# a workload's port (a container's, made by the Docker plugin when it starts):
# ours (owner and tenant marks: its tenant keeps its tag) but never pruned by
# a run, which does not know the workloads; its plugin removes it
WORKLOAD_KEY = 'ovl-workload'
# links (veth, vxlan): ifalias ovl:<owner>
IFALIAS_PREFIX = 'ovl:'
# namespaces: a marker file per namespace in this directory
MARK_DIR = '/run/ovl/netns'
# NAT reads kept with the nf_tables generation they were made at (ovl.nat.generation)
NAT_READS = '/run/ovl/nat-reads.json'
# iptables: our own chains, jumped to from the built-in ones by one rule with
# this comment; each of our rules carries the comment <owner>:<id>
IPT_CHAIN_SNAT = 'OVL-POSTROUTING'
IPT_CHAIN_FORWARD = 'OVL-FORWARD'
IPT_CHAIN_INPUT = 'OVL-INPUT'
IPT_CHAIN_DNAT = 'OVL-PREROUTING'
IPT_CHAIN_DNAT_LOCAL = 'OVL-OUTPUT'
IPT_JUMP_COMMENT = 'ovl'
# nft: our own table
NFT_FAMILY, NFT_TABLE = 'ip', 'ovl'
# OpenFlow: top 16 bits of the cookie; bit 47 marks flows made by a learn action
COOKIE_PROJECT = 0x0f1c000000000000
COOKIE_MASK = 0xffff000000000000
COOKIE_LEARNED = 0x0f1c800000000000

# Bridges the project makes itself (names reserved)
UPLINK_BRIDGE = 'br-phy'        # netdev datapath: holds the uplink and the VTEP address
TUNNEL_BRIDGE = 'br-tun'        # tunnel mode flow
DEFAULT_INTEGRATION_BRIDGE = 'br-int'

# DHCP (ovl.dhcp): one directory per tenant's server on a host, holding its
# hosts file, pid file, lease file and log; a directory here is ours
DHCP_DIR = '/run/ovl/dhcp'
# floating addresses: a marker file per address we added (content: its device)
FLOATING_DIR = '/run/ovl/floating'
# routes: every route into this range is ours (the NAT addresses of floating
# addresses; the host variables refuse link-local underlay addresses)
NAT_POOL = '169.254.128.0/17'
# libvirt (ovl.libvirt): the definition of each libvirt network we made is
# kept here as <name>.xml; a network without that file is not ours
LIBVIRT_DIR = '/var/lib/ovl/libvirt'
