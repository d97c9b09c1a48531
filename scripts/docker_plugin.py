#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build the Docker plugin as one file a host runs with its own python3
(no Ansible there): a zipapp of module_utils/ovl's core and docker packages
under their import names, and a __main__ that serves.

    scripts/docker_plugin.py OUT.pyz      then, on a host:  python3 OUT.pyz --help
"""
import os
import shutil
import sys
import tempfile
import zipapp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ('core', 'docker')
MAIN = ('import sys\n'
        'from ansible.module_utils.ovl.docker.server import main\n'
        'sys.exit(main())\n')


def build(out):
    with tempfile.TemporaryDirectory() as tree:
        base = os.path.join(tree, 'ansible', 'module_utils', 'ovl')
        os.makedirs(base)
        for init in ('ansible', os.path.join('ansible', 'module_utils')):
            with open(os.path.join(tree, init, '__init__.py'), 'w') as handle:
                handle.write('')
        shutil.copy(os.path.join(ROOT, 'module_utils', 'ovl', '__init__.py'), base)
        for package in PACKAGES:
            shutil.copytree(os.path.join(ROOT, 'module_utils', 'ovl', package),
                            os.path.join(base, package),
                            ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        with open(os.path.join(tree, '__main__.py'), 'w') as handle:
            handle.write(MAIN)
        zipapp.create_archive(tree, out, interpreter='/usr/bin/env python3')
    return out


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(build(sys.argv[1]))
