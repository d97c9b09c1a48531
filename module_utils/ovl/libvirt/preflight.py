# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the preflight checks for the ``libvirt`` layer, before any write on
any layer, on a host with VM endpoints: libvirtd answers, and a libvirt
network with our network's name is ours (we wrote its marker) or absent.
Read-only. A host without VM endpoints is not asked anything."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.marks import LIBVIRT_DIR
from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.libvirt.read import dump, marker_path


def libvirt_problems(runner, name, host, virsh_path, root=LIBVIRT_DIR):
    """[line]: why the libvirt layer cannot run on this host; *name*: the
    libvirt network the host's VM endpoints use, None when it has none."""
    if not name or not virsh_path:
        return []                       # a missing tool: the preflight names it (installable)
    try:
        config = dump(runner, host, name, '--inactive')
    except CommandError as exc:
        return [str(exc)]
    if config is not None and not os.path.exists(marker_path(name, root)):
        return ['%s: overlay_libvirt_network: the libvirt network %s exists and was not made '
                'by this project (no %s): name another one, or remove it (virsh net-undefine %s)'
                % (host, name, marker_path(name, root), name)]
    return []
