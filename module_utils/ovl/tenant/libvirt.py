# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The libvirt network of one host (input of the ``libvirt`` layer,
``ovl.libvirt``): on a host with VM endpoints, the network
``overlay_libvirt_network`` on the integration bridge with one portgroup
per tenant of the host (its host-local tag), and the tag and the MTU (the
tenant's: libvirt gives a new port the bridge's) each of the host's VM
endpoints' ports must carry (by interface id). No portgroups on
a host without VM endpoints: the layer removes a network of ours there.
With the OVN backend the portgroups and the VMs' ports carry no tag (None):
a VM's port is bound to its logical port by the interface id libvirt
sets from ``interfaceid``, and ovn-controller's flows are the switch."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.endpoints import vm
from ansible.module_utils.ovl.tenant.names import tag_of


def has_vms(inventory, host):
    return any(ep.kind == vm.KIND for t in inventory.tenants_on(host)
               for ep in t.endpoints_on(host))


def build_libvirt(inventory, facts, tags):
    tenants = inventory.tenants_on(facts.name)
    wanted = has_vms(inventory, facts.name)

    def tag(tenant):
        return None if facts.ovn else tag_of(tags, tenant.name)
    return dict(
        name=facts.libvirt_network, bridge=facts.integration_bridge,
        portgroups=dict((t.name, tag(t)) for t in tenants) if wanted else {},
        mtus=dict((vm.iface_id(t.name, ep.name), t.mtu) for t in tenants
                  for ep in t.endpoints_on(facts.name) if ep.kind == vm.KIND),
        vms=dict((vm.iface_id(t.name, ep.name), tag(t)) for t in tenants
                 for ep in t.endpoints_on(facts.name) if ep.kind == vm.KIND))
