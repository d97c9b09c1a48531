# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Endpoint kind ``namespace``: a network namespace the product makes, named
like the endpoint, with ``eth0`` (a veth whose host end ``ove<sha1[:10]>``
is a tagged port of br-int) holding the endpoint's address at the tenant's
MTU, and a default route via the tenant's gateway. ``eth0``'s Ethernet
address follows the endpoint, not the host (``names.endpoint_mac``): moved
to another host it keeps its MAC, as a Neutron port does; its peers learn
the new place from its gratuitous ARP."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.names import ENDPOINT_DEV, endpoint_mac, endpoint_port
from ansible.module_utils.ovl.tenant.veth import veth

KIND = 'namespace'
tools = {}          # nothing beyond the layers' own (ip)


def ip(facts, tenant, ep, out):
    out['namespaces'].append(dict(name=ep.name))
    out['links'].append(veth(facts, endpoint_port(ep.name), ENDPOINT_DEV, ep.name, tenant.mtu,
                             endpoint_mac(facts.owner, ep.name)))
    out['addresses'].append(dict(netns=ep.name, dev=ENDPOINT_DEV,
                                 address='%s/%d' % (ep.ip, ep.prefixlen)))
    out['routes'].append(dict(netns=ep.name, dst='default', via=tenant.gateway))


def ports(ep):
    return [endpoint_port(ep.name)]


def announcement(ep):
    return dict(netns=ep.name, dev=ENDPOINT_DEV, address=ep.ip, port=endpoint_port(ep.name))


def names(ep):
    return (ep.name, endpoint_port(ep.name))


def netns(ep):
    return ep.name
