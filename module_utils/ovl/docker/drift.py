# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``docker`` layer's check-mode result as drift rows (``ovl.report``):
what a run would write (the plugin's file, its config, its units), start
and which tenant networks it would create or remove. Containers are
workloads, not drift: the layer never reads them as such."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.step import change_rows

KINDS = {
    'file.write': ('docker-file', 'different'),
    'service.start': ('docker-plugin', 'missing'),
    'service.stop': ('docker-plugin', 'different'),
    'network.add': ('docker-network', 'missing'),
    'network.del': ('docker-network', 'extra'),
    'run': ('docker-plugin', 'different'),
}


def drift(result):
    return change_rows(result, KINDS, ('docker', 'different'))
