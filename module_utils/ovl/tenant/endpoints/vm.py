# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Endpoint kind ``vm``: a libvirt/KVM virtual machine the operator runs,
whose interface is on the host's libvirt network (``ovl.libvirt``: bridge
br-int, ``virtualport type='openvswitch'``, one portgroup per tenant carrying
the tenant's host-local VLAN). libvirt makes and removes its port (``vnetN``)
at every start and stop; the product makes nothing for it on the host: the
portgroup gives the port its tag, the tenant's DHCP (``ovl.dhcp``) its
address, gateway and MTU, and the ``libvirt`` layer corrects a running VM's
port by its interface id when the tag changed.

The endpoint's ``mac`` is the VM interface's Ethernet address; its
interface id (``iface_id``: a UUID derived from tenant and endpoint name)
is what the VM's ``<virtualport><parameters interfaceid=.../>`` should pin,
so its port keeps one identity across starts (libvirt makes a new one per
start otherwise); the port is also known by its ``attached-mac``.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

KIND = 'vm'
tools = {'virsh': 'libvirt-clients'}
# the namespace of the interface ids: uuid5(NAMESPACE_URL, 'ovl:vm')
ID_SPACE = uuid.uuid5(uuid.NAMESPACE_URL, 'ovl:vm')


def iface_id(tenant_name, ep_name):
    """The stable interface id of VM endpoint *ep_name* of *tenant_name*."""
    return str(uuid.uuid5(ID_SPACE, '%s/%s' % (tenant_name, ep_name)))


def ip(facts, tenant, ep, out):
    """Nothing: the VM holds its address (by DHCP or its own config)."""


def ports(ep):
    """None of ours: libvirt adds and removes the VM's port."""
    return []


def announcement(ep):
    """None: the VM announces itself when its interface comes up."""
    return None


def names(ep):
    return (ep.name,)


def netns(ep):
    """None: its interface is in the VM, not in a namespace of the host."""
    return None
