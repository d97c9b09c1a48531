# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What a tenant's router offers the outside on one host: the floating
addresses and published ports of the tenant's endpoints there (seed 003's
two NATs, the NAT spread over the hosts; Neutron's floating IPs, Docker's
``-p``). Pure: entries for ``nat_state`` and the ``floating`` layer.

A floating address F of endpoint E (1:1, every port): the host maps F to
its NAT address N (``names.nat_address``) and routes N to the router's
transit end; the router maps N to E. E's own connections leave as N from
the router and as F from the host. A published port (``host_port`` ->
``port``): the host maps its underlay address and host_port to the
router's transit end (same port), the router maps that to E's port.

Both hosts' halves hold for the host's own connections too (``local``: the
nat OUTPUT hook), and a connection from a router of this host back to
what it offers (hairpin) leaves the host towards the router with the
host's transit address as its source, so the answer finds its way back.

Inbound, only what a DNAT rewrote gets past the router's block on ``qg0``
and the host's FORWARD (``forward_dnat``: conntrack state DNAT), only to
that endpoint (and port): not its other ports, not the router, not
another endpoint; the floating address maps every port to E, so nothing
of the host itself is reachable through it.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.names import ROUTER_UP_DEV, TRANSIT_POOL, nat_address


def offering(endpoints):
    """The endpoints among *endpoints* that offer something outside."""
    return [ep for ep in endpoints if ep.floating_ip or ep.publish]


def _pub_id(ep, item):
    return '%s:%s:%d' % (ep.name, item.proto, item.host_port)


def router_entries(endpoints, router_end):
    """{dnat, forward_dnat, snat} of the router namespace (its snat entries
    go before the tenant's masquerade)."""
    out = dict(dnat=[], forward_dnat=[], snat=[])
    for ep in offering(endpoints):
        if ep.floating_ip:
            nat = nat_address(ep.floating_ip)
            out['dnat'].append(dict(id='fip:' + ep.name, destination=nat,
                                    in_interface=ROUTER_UP_DEV, to=ep.ip))
            out['forward_dnat'].append(dict(id='fip-in:' + ep.name, destination=ep.ip,
                                            in_interface=ROUTER_UP_DEV))
            out['snat'].append(dict(id='fip-out:' + ep.name, source='%s/32' % ep.ip,
                                    out_interface=ROUTER_UP_DEV, action='snat', to_source=nat))
        for item in ep.publish:
            out['dnat'].append(dict(id='pub:' + _pub_id(ep, item), destination=router_end,
                                    protocol=item.proto, port=item.host_port,
                                    in_interface=ROUTER_UP_DEV, to='%s:%d' % (ep.ip, item.port)))
            out['forward_dnat'].append(dict(id='pub-in:' + _pub_id(ep, item), destination=ep.ip,
                                            protocol=item.proto, port=item.port,
                                            in_interface=ROUTER_UP_DEV))
    return out


def host_entries(tenant, endpoints, host_address, uplink, leg, router_end):
    """{dnat, forward_dnat, snat} of the host namespace for one router:
    *host_address* is the host's underlay address (published ports),
    *uplink* the interface floating addresses leave by, *leg* the router's
    uplink leg on the host."""
    out = dict(dnat=[], forward_dnat=[], snat=[])
    offers = offering(endpoints)
    for ep in offers:
        key = '%s:%s' % (tenant, ep.name)
        if ep.floating_ip:
            nat = nat_address(ep.floating_ip)
            out['dnat'].append(dict(id='fip:' + key, destination=ep.floating_ip, to=nat,
                                    local=True))
            out['forward_dnat'].append(dict(id='fip-in:' + key, destination=nat,
                                            out_interface=leg))
            out['snat'].append(dict(id='fip-out:' + key, source='%s/32' % nat,
                                    out_interface=uplink, action='snat',
                                    to_source=ep.floating_ip))
        for item in ep.publish:
            pid = '%s:%s' % (tenant, _pub_id(ep, item))
            out['dnat'].append(dict(id='pub:' + pid, destination=host_address,
                                    protocol=item.proto, port=item.host_port, to=router_end,
                                    local=True))
            out['forward_dnat'].append(dict(id='pub-in:' + pid, destination=router_end,
                                            protocol=item.proto, port=item.host_port,
                                            out_interface=leg))
    if offers:   # hairpin: a router of this host reaching what this one offers
        out['snat'].append(dict(id='hairpin:' + tenant, source=str(TRANSIT_POOL),
                                out_interface=leg, action='masquerade'))
    return out


def floating(endpoints, uplink, leg, router_end):
    """This router's part of the ``floating`` layer: the floating addresses
    on *uplink* and the routes of their NAT addresses to the router."""
    offers = [ep for ep in endpoints if ep.floating_ip]
    return (
        [dict(address=ep.floating_ip, dev=uplink, owner=ep.name) for ep in offers],
        [dict(dst='%s/32' % nat_address(ep.floating_ip), via=router_end, dev=leg)
         for ep in offers])
