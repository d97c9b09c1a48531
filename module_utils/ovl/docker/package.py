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

import hashlib
import io
import sys
import zipfile

# The plugin's import closure (tests/unit/docker/test_docker_package.py
# pins it to what importing the server loads). The server import below makes
# Ansible ship every one of them with the module that builds the file.
from ansible.module_utils.ovl.docker import server  # noqa: F401 pylint: disable=unused-import

PREFIX = 'ansible.module_utils.'
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
SHEBANG = b'#!/usr/bin/python3 -I\n'
EPOCH = (1980, 1, 1, 0, 0, 0)


def _source(name):
    module = sys.modules[PREFIX + name]
    loader = module.__loader__
    return loader.get_data(module.__file__)


def _path(name):
    parts = (PREFIX + name).split('.')
    if name in PACKAGES:
        return '/'.join(parts) + '/__init__.py'
    return '/'.join(parts) + '.py'


def members():
    """{path in the archive: bytes}."""
    __import__(PREFIX + 'ovl.ip.nswrite')
    out = {'ansible/__init__.py': b'', 'ansible/module_utils/__init__.py': b'',
           '__main__.py': MAIN.encode('utf-8')}
    for name in MODULES:
        out[_path(name)] = _source(name)
    return out


def build():
    """The zipapp's bytes."""
    buf = io.BytesIO()
    buf.write(SHEBANG)
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(members().items()):
            info = zipfile.ZipInfo(path, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buf.getvalue()


def digest(data):
    return hashlib.sha256(data).hexdigest()
