# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""A tenant's router on one host, as one unit: every object it is made of,
for every layer, in one place.

A tenant with SNAT or DHCP has a router on every host with one of its
endpoints (a DHCP tenant's DHCP server runs in it, ``ovl.tenant.dhcp``);
the uplink leg, forwarding and NAT only with SNAT (``uplink``):

- namespace ``ovr-<t>`` with ip_forward;
- gateway leg: veth ``ovg-<t>`` (a tagged port of br-int) <-> ``qr0``
  holding the tenant's gateway address (the same on every host; its ARP
  stays on the host: ``ovl.tenant.gateway_arp``);
- uplink leg: veth ``ovu-<t>`` <-> ``qg0`` on the transit /30 of the
  tenant's host-local tag (host end .1, router end .2), default route via
  the host end;
- NAT inside: masquerade the tenant subnet out ``qg0``, block NEW
  connections in on ``qg0`` (forwarded, and to the router itself); on the
  host: masquerade the transit /30 out the uplink (the double NAT that lets
  tenants with the same subnet share the host's address), and accept what
  the uplink leg sends out the uplink and its replies (a FORWARD policy of
  DROP, which Docker sets, would drop it otherwise);
- what it offers outside (floating addresses, published ports): the two
  NATs, the accepts before the blocks, the floating addresses on the
  host's uplink and the routes to their NAT addresses
  (``ovl.tenant.offered``).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.names import (
    ROUTER_GW_DEV, ROUTER_UP_DEV, gateway_leg, router_ns, tag_of, transit, uplink_leg)
from ansible.module_utils.ovl.tenant import offered
from ansible.module_utils.ovl.tenant.veth import veth


def names(tenant_name):
    """The names of a tenant's router objects on a host (the drift report
    attributes them to the tenant)."""
    return (router_ns(tenant_name), gateway_leg(tenant_name), uplink_leg(tenant_name))


class Router(object):
    """The router of *tenant* on the host of *facts*; *tags*: the host-local
    VLAN of each tenant there (the tag is also the transit slot)."""

    def __init__(self, facts, tenant, tags):
        self.facts, self.tenant = facts, tenant
        self.tag = tag_of(tags, tenant.name)
        self.ns, self.gateway_leg, self.uplink_leg = names(tenant.name)
        self.transit, self.host_end, self.router_end = transit(self.tag)
        self.uplink = tenant.has_uplink(facts.name)

    @classmethod
    def on(cls, inventory, facts, tags):
        """The routers of the host of *facts*, by tenant name (none with the
        OVN backend: OVN's logical routers route)."""
        if facts.ovn:
            return []
        return [cls(facts, t, tags) for t in inventory.tenants_on(facts.name)
                if t.has_router(facts.name)]

    def ip(self, out):
        """Add its namespace, legs, addresses and route to *out* (ip_state)."""
        prefix = self.transit.split('/')[1]
        tenant = self.tenant
        out['namespaces'].append(dict(name=self.ns, sysctls={'net.ipv4.ip_forward': 1}
                                      if self.uplink else {}))
        out['links'].append(veth(self.facts, self.gateway_leg, ROUTER_GW_DEV, self.ns,
                                 tenant.mtu))
        out['addresses'].append(dict(netns=self.ns, dev=ROUTER_GW_DEV,
                                     address='%s/%d' % (tenant.gateway, tenant.prefixlen)))
        if not self.uplink:
            return
        out['links'].append(veth(self.facts, self.uplink_leg, ROUTER_UP_DEV, self.ns, None))
        out['addresses'].extend([
            dict(netns=self.ns, dev=ROUTER_UP_DEV, address='%s/%s' % (self.router_end, prefix)),
            dict(dev=self.uplink_leg, address='%s/%s' % (self.host_end, prefix)),
        ])
        out['routes'].append(dict(netns=self.ns, dst='default', via=self.host_end))

    def ports(self):
        """Its ports on the integration bridge (ovs_state): the gateway leg."""
        return [self.gateway_leg]

    def endpoints(self):
        return self.tenant.endpoints_on(self.facts.name)

    def nat(self):
        """Its own namespace's rules (nat_state); None without an uplink."""
        if not self.uplink:
            return None
        offers = offered.router_entries(self.endpoints(), self.router_end)
        return dict(netns=self.ns, dnat=offers['dnat'], forward_dnat=offers['forward_dnat'],
                    snat=offers['snat'] + [dict(source=self.tenant.subnet,
                                                out_interface=ROUTER_UP_DEV,
                                                action='masquerade', id=self.tenant.name)],
                    block_inbound=[dict(in_interface=ROUTER_UP_DEV, local=True)])

    def floating(self, out_dev):
        """(addresses, routes) of its floating addresses (the floating layer)."""
        if not self.uplink:
            return [], []
        return offered.floating(self.endpoints(), out_dev, self.uplink_leg, self.router_end)

    def host_nat(self, out_dev, host_ns, block_inbound=False):
        """Add its rules in the host's namespace to *host_ns* (nat_state)."""
        if not self.uplink:
            return
        name = self.tenant.name
        offers = offered.host_entries(name, self.endpoints(), self.facts.underlay_ip, out_dev,
                                      self.uplink_leg, self.router_end)
        for key in ('dnat', 'forward_dnat', 'snat'):
            host_ns[key].extend(offers[key])
        host_ns['snat'].append(dict(source=self.transit, out_interface=out_dev,
                                    action='masquerade', id=name))
        # routed by the host: accepted there, whatever the FORWARD policy
        host_ns['forward_accept'].append(dict(id='fwd-' + name, in_interface=self.uplink_leg,
                                              out_interface=out_dev))
        if block_inbound:
            host_ns['block_inbound'].append(dict(id='in-' + name, in_interface=out_dev,
                                                 out_interface=self.uplink_leg))
