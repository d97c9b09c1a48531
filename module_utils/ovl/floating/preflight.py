# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the preflight checks of a host's floating addresses, before any
write: each one lies in the host's underlay network (the host answers ARP
for it there) and is not that network's own or broadcast address, and the
host does not already hold it without our marker (someone else's address:
the run would refuse it later, after other layers wrote)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible.module_utils.ovl.core.marks import FLOATING_DIR
from ansible.module_utils.ovl.floating.read import foreign, holders_of


def problems(floating, underlay_ip, prefixlen, host, addrs=None, marked=None):
    """*floating*: {address: 'tenant/endpoint'}; *addrs*: {device: [addr/len]}
    of the host; *marked*: {address: device} of our markers. One line each.
    The same test as the floating layer's plan (``read.foreign``), before
    any layer wrote."""
    if not floating or prefixlen is None:
        return []
    net = ipaddress.ip_interface('%s/%d' % (underlay_ip, prefixlen)).network
    holders = holders_of(addrs or {})
    out = []
    for addr, owner in sorted(floating.items()):
        ip, others = ipaddress.ip_address(addr), foreign(addr, holders, marked or {})
        where = '%s: floating_ip of %s: %r' % (host, owner, addr)
        if ip not in net or (net.prefixlen < 31 and ip in (net.network_address,
                                                           net.broadcast_address)):
            out.append('%s is not an address of the underlay network %s of %s (%s): a floating '
                       'address is answered for on that network' % (where, net, host, underlay_ip))
        elif others:
            out.append('%s is already an address of %s on %s, and not one the product added (no '
                       'marker in %s): remove it there, or choose another floating address'
                       % (where, others[0], host, FLOATING_DIR))
    return out
