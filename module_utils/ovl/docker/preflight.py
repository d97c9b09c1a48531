# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the preflight checks for the ``docker`` layer, before any write on
any layer: dockerd answers on a host that runs tenants' containers; no
network we did not create holds a tenant's name; and no network the run
would remove (its tenant left the host, or its subnet or gateway changed)
still holds containers (they are named). Read-only. A host that never ran
containers (no plugin config, none wanted) is not asked anything."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.docker import networks
from ansible.module_utils.ovl.docker.server import CONFIG


def docker_problems(runner, wanted, owner, host, docker_path, config=CONFIG):
    """[line]: why the docker layer cannot run on this host. *wanted*:
    {tenant: {subnet, gateway}} of the containers the host runs."""
    if not wanted and not os.path.exists(config):
        return []
    if not docker_path:
        return []                       # a missing tool: the preflight names it (installable)
    try:
        _create, _remove, problems, busy = networks.assess(runner, wanted, owner)
    except CommandError as exc:
        return ['%s: %s' % (host, exc)]
    if busy:
        problems.append(networks.busy_line(host, busy))
    return problems
