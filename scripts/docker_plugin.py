#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build the Docker plugin as one file a host runs with its own python3
(no Ansible there): the bytes ``overlay_apply`` installs
(``ovl.docker.package``), from the repository's module_utils.

    scripts/docker_plugin.py OUT.pyz      then, on a host:  python3 OUT.pyz --help
"""
import os
import sys

import ansible.module_utils

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ansible.module_utils.__path__.append(os.path.join(ROOT, 'module_utils'))


def build(out):
    from ansible.module_utils.ovl.docker import package
    data = package.build()
    with open(out, 'wb') as handle:
        handle.write(data)
    os.chmod(out, 0o755)
    return out


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(build(sys.argv[1]))
