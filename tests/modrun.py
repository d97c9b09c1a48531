"""Run an Ansible module's main() in-process and return its result dict.

``ovl_runner.spawn`` (every process the modules start) is either the real one
(functional tests) or a fake given by the test (unit tests). Every argv the module runs is recorded in
``result['_argv']`` so tests can assert exact commands and count processes. Writes the
module does in-process (``ovl_runner.in_process``: ethtool -K, sysctl -w, marker files)
are recorded as their logical argv in ``result['_inproc']``; with a fake they are not done.

A command the module runs inside a namespace it entered with setns
(``Runner.run_in``) is recorded, and handed to a fake, as its equivalent
``ip netns exec NS CMD ...``; with a fake, nothing is really entered.
"""
import contextlib
import json
import os
import shutil
from unittest import mock

from ansible.module_utils import basic
from ansible.module_utils.ovl.core import runner as ovl_runner
from ansible.module_utils.testing import patch_module_args

IP = shutil.which('ip', path='/usr/sbin:/sbin:/usr/bin:/bin') or 'ip'


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
    calls, inside, local = [], [], []
    real = ovl_runner.spawn
    real_entered = ovl_runner.entered

    @contextlib.contextmanager
    def entered(ns):
        with (real_entered(ns) if fake is None else contextlib.nullcontext()):
            inside.append(ns)
            try:
                yield
            finally:
                inside.pop()

    def spy(argv, data=None):
        logical = list(argv)
        if inside and inside[-1]:
            logical = [IP, 'netns', 'exec', inside[-1], os.path.basename(argv[0])] + logical[1:]
        calls.append((logical, data))
        if fake is not None:
            return fake(logical, data)
        return real(argv, data)

    def in_process(netns, argv, func):
        local.append(list(argv))
        if fake is None:
            with real_entered(netns):
                return func()
        return None

    def exit_json(self, **kw):
        raise _Exit(dict(kw, failed=False))

    def fail_json(self, msg, **kw):
        raise _Exit(dict(kw, msg=msg, failed=True))

    with patch_module_args(args), \
            mock.patch.object(ovl_runner, 'entered', entered), \
            mock.patch.object(ovl_runner, 'spawn', spy), \
            mock.patch.object(ovl_runner, 'in_process', in_process), \
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
    result['_inproc'] = local
    return result


def binary_name(argv):
    """'ovs-vsctl' for ['/usr/bin/ovs-vsctl', ...] and for ip netns exec."""
    import os
    argv = list(argv)
    if os.path.basename(argv[0]) == 'ip' and argv[1:3] == ['netns', 'exec']:
        argv = argv[4:]
    return os.path.basename(argv[0])


def run_with_fault(module, args, fault):
    """``run_module`` with the real commands, one of them spoiled for real:
    *fault(argv, data, earlier)* (earlier: the [(argv, data)] already run)
    returns None to leave a command as it is, or the (argv, data) to run in
    its place; at most one command is spoiled. Returns (result, the spoiled
    argv or None)."""
    real, earlier, spoiled = ovl_runner.spawn, [], []

    def spawn(argv, data=None):
        changed = None if spoiled else fault(argv, data, list(earlier))
        if changed is not None:
            argv, data = changed
            spoiled.append(argv)
        earlier.append((argv, data))
        return real(argv, data)
    with mock.patch.object(ovl_runner, 'spawn', spawn):
        result = run_module(module, args)
    return result, spoiled[0] if spoiled else None
