"""Run an Ansible module's main() in-process and return its result dict.

``run_command`` is either the real one (functional tests) or a fake given by
the test (unit tests). Every argv the module runs is recorded in
``result['_argv']`` so tests can assert exact commands and count processes.
"""
import json
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args


class _Exit(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def run_module(module, args, check_mode=False, diff=False, fake=None):
    """Call ``module.main()``; return the result (with ``failed`` on failure).

    *fake*: ``callable(argv, data) -> (rc, out, err)`` replacing the real
    process execution; None runs the real commands.
    """
    args = dict(args)
    args['_ansible_check_mode'] = check_mode
    args['_ansible_diff'] = diff
    calls = []
    real = basic.AnsibleModule.run_command

    def spy(self, argv, *a, **kw):
        calls.append((list(argv), kw.get('data')))
        if fake is not None:
            return fake(list(argv), kw.get('data'))
        return real(self, argv, *a, **kw)

    def exit_json(self, **kw):
        raise _Exit(dict(kw, failed=False))

    def fail_json(self, msg, **kw):
        raise _Exit(dict(kw, msg=msg, failed=True))

    with patch_module_args(args), \
            mock.patch.object(basic.AnsibleModule, 'run_command', spy), \
            mock.patch.object(basic.AnsibleModule, 'exit_json', exit_json), \
            mock.patch.object(basic.AnsibleModule, 'fail_json', fail_json):
        try:
            module.main()
        except _Exit as done:
            result = done.result
        else:
            raise AssertionError('module returned without exit_json/fail_json')
    json.dumps(result)  # a result must be serialisable, as Ansible needs
    result['_argv'] = [argv for argv, _ in calls]
    result['_stdin'] = [data for _, data in calls]
    return result


def binary_name(argv):
    """'ovs-vsctl' for ['/usr/bin/ovs-vsctl', ...] and for ip netns exec."""
    import os
    argv = list(argv)
    if os.path.basename(argv[0]) == 'ip' and argv[1:3] == ['netns', 'exec']:
        argv = argv[4:]
    return os.path.basename(argv[0])
