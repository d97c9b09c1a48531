# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Network types as data (a tenant's ``network_type``), after Neutron's ML2
type drivers (seed 002): the overlays are the tunnel types of
``ovl.core.tunnels`` (vxlan, geneve, gre: the tenant's VNI is the key on
the wire, carried host to host in tunnels), the provider types are rows
here (carried on a physical network the operator names, no tunnel):

- ``vlan``: the tenant's frames carry its ``segmentation_id`` (802.1Q,
  1-4094) on the physical network; unique per physical network;
- ``flat``: untagged on the physical network; at most one flat tenant per
  physical network.

Columns: ``name``; ``tagged`` (the frames carry the segmentation id). A
provider tenant adds no bytes on the wire: its MTU is the physical
network's.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re

from ansible.module_utils.ovl.core.validate import InputError

ProviderType = collections.namedtuple('ProviderType', 'name tagged')

VLAN = ProviderType('vlan', True)
FLAT = ProviderType('flat', False)
PROVIDERS = (VLAN, FLAT)
PROVIDER_NAMES = tuple(p.name for p in PROVIDERS)
BY_NAME = dict((p.name, p) for p in PROVIDERS)
# the MTU of a physical network whose mapping names none (Neutron's
# global_physnet_mtu)
PHYSICAL_MTU = 1500
# a physical network's name: its provider bridge is brp-<name> (15 characters)
PHYSNET_RE = re.compile(r'^[a-z][a-z0-9]{0,10}$')


def is_provider(name):
    return name in BY_NAME


def physnet_name(value, field):
    """A physical network's name: 1-11 of lowercase letters and digits,
    starting with a letter (its bridge ``brp-<name>`` is a device name)."""
    if not isinstance(value, str) or not PHYSNET_RE.match(value):
        raise InputError(field, value, 'is not a physical network name (1-11 of lowercase '
                         'letters and digits, starting with a letter, e.g. physnet1)')
    return value
