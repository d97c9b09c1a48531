# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``dhcp`` layer's check-mode result as drift rows (``ovl.report``):
a tenant's DHCP server missing, to restart or to stop, its hosts file to
write."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

KINDS = {
    'file.write': ('dhcp-hosts', 'different'),
    'service.start': ('dhcp-server', 'missing'),
    'service.stop': ('dhcp-server', 'different'),
    'run': ('dhcp-server', 'different'),
    'mark.del': ('dhcp-server', 'extra'),
}


def drift(result):
    rows = []
    for op, obj, detail in result.get('changes') or []:
        kind, state = KINDS.get(op, ('dhcp', 'different'))
        rows.append(dict(kind=kind, object=obj or op, state=state, detail=detail, owner=None))
    return rows
