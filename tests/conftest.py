"""Make the repo's module_utils importable as ansible.module_utils.* (as
Ansible does when it ships a module), and library/ and filter_plugins/ as
plain modules, so tests run the very files Ansible runs."""
import os
import sys

import ansible.module_utils

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ansible.module_utils.__path__.append(os.path.join(ROOT, 'module_utils'))
for sub in ('library', 'filter_plugins', 'tests'):
    path = os.path.join(ROOT, sub)
    if path not in sys.path:
        sys.path.insert(0, path)

pytest_plugins = ['fixtures.netns', 'fixtures.ovs']
