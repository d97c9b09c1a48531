# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``libvirt`` layer's check-mode result as drift rows (``ovl.report``):
the network to define, start, change or remove, and VM ports whose tag is
not their tenant's. The VMs themselves are workloads, not drift."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.step import change_rows

KINDS = {
    'file.write': ('libvirt-file', 'different'),
    'network.add': ('libvirt-network', 'different'),
    'network.del': ('libvirt-network', 'extra'),
    'service.start': ('libvirt-network', 'missing'),
    'service.stop': ('libvirt-network', 'different'),
    'run': ('libvirt-network', 'different'),
    'mark.del': ('libvirt-file', 'extra'),
    'link.set': ('vm-port', 'different'),
}


def drift(result):
    return change_rows(result, KINDS, ('libvirt', 'different'))
