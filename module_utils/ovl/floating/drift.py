# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``floating`` layer's check-mode result as drift rows (``ovl.report``):
a floating address or a NAT address's route missing, different or extra."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.step import change_rows

KINDS = {
    'addr.add': ('floating-address', 'missing'),
    'addr.del': ('floating-address', 'extra'),
    'addr.announce': ('floating-address', 'missing'),
    'mark.add': ('floating-address', 'missing'),
    'mark.del': ('floating-address', 'extra'),
    'route.replace': ('floating-route', 'missing'),
    'route.del': ('floating-route', 'extra'),
}


def drift(result):
    return change_rows(result, KINDS, ('floating', 'different'))
