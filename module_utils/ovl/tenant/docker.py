# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The Docker plugin's config for one host (``ovl.docker.config``): each
tenant that runs containers there, with its subnet, gateway, MTU, the
host-local tag, the host's range, and the addresses the plugin never hands
out (every namespace endpoint's of the tenant, on any host). None when the
host runs no tenant's containers."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.tenant.names import tag_of

# what a host that runs containers needs: {binary: Debian package}
DOCKER_TOOLS = {'docker': 'docker.io'}


def build_docker(inventory, facts, tags):
    tenants = {}
    for tenant in inventory.tenants_on(facts.name):
        for here in tenant.containers_on(facts.name):
            tenants[tenant.name] = dict(
                subnet=tenant.subnet, gateway=tenant.gateway, mtu=tenant.mtu,
                tag=tag_of(tags, tenant.name), range=here.range,
                reserved=sorted(set(ep.ip for ep in tenant.endpoints)))
    if not tenants:
        return None
    return dict(owner=facts.owner, bridge=facts.integration_bridge, netdev=facts.netdev,
                tenants=tenants)
