# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The plugin as one file a host runs with its own ``python3 -I`` (no
Ansible there): a zipapp of the modules it imports, under their import
names, and a ``__main__`` that serves. Built from the very modules the
running process has loaded, so ``overlay_apply`` installs the plugin of its
own version from its own payload, and ``scripts/docker_plugin.py`` builds
the same bytes from the repository. Deterministic (sorted names, fixed
times): the same sources give the same file, so a run compares hashes."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core import zipapp
# The plugin's import closure (tests/unit/docker/test_docker_package.py
# pins it to what importing the server loads). The server import below makes
# Ansible ship every one of them with the module that builds the file.
from ansible.module_utils.ovl.docker import server  # noqa: F401 pylint: disable=unused-import

PREFIX = zipapp.PREFIX
MODULES = (
    'ovl', 'ovl.core', 'ovl.core.marks', 'ovl.core.netns', 'ovl.core.runner',
    'ovl.core.validate', 'ovl.docker', 'ovl.docker.api', 'ovl.docker.config',
    'ovl.docker.host', 'ovl.docker.ipam', 'ovl.docker.server', 'ovl.ip', 'ovl.ip.nswrite',
    'ovl.ovs', 'ovl.ovs.rpc',
)
PACKAGES = ('ovl', 'ovl.core', 'ovl.docker', 'ovl.ip', 'ovl.ovs')
MAIN = ('import sys\n'
        'from ansible.module_utils.ovl.docker.server import main\n'
        'sys.exit(main())\n')


def members():
    """{path in the archive: bytes}."""
    __import__(PREFIX + 'ovl.ip.nswrite')
    return zipapp.module_members([PREFIX + name for name in MODULES],
                                 set(PREFIX + name for name in PACKAGES), MAIN)


def build():
    """The zipapp's bytes."""
    return zipapp.archive(members())


def digest(data):
    return zipapp.digest(data)
