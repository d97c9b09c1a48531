# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``dhcp`` layer's check-mode result as drift rows (``ovl.report``):
a tenant's DHCP server missing, to restart or to stop, its hosts file to
write."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.step import change_rows

KINDS = {
    'file.write': ('dhcp-hosts', 'different'),
    'service.start': ('dhcp-server', 'missing'),
    'service.stop': ('dhcp-server', 'different'),
    'run': ('dhcp-server', 'different'),
    'mark.del': ('dhcp-server', 'extra'),
}


def drift(result):
    return change_rows(result, KINDS, ('dhcp', 'different'))
