"""One NB transaction of 500 tenants is one ovn-nbctl process with ~2 MB of
arguments: more than the kernel lets an exec take with the usual 8 MB stack
limit (found by the bench: "Argument list too long"). room_for raises the
soft stack limit so that one process takes it."""
import resource
import subprocess

from ansible.module_utils.ovl.ovn.nb_driver import room_for


def test_a_transaction_larger_than_the_exec_limit_runs_as_one_process():
    before = resource.getrlimit(resource.RLIMIT_STACK)
    resource.setrlimit(resource.RLIMIT_STACK, (8 << 20, before[1]))
    try:
        argv = ['true'] + ['--', 'set', 'Logical_Switch_Port', 'x' * 36] * 30000   # ~2.9 MB
        try:
            subprocess.run(argv, check=True)
            too_long = False
        except OSError as exc:
            too_long = exc.errno == 7
        assert too_long, 'the case must pass the usual limit'
        room_for(argv)
        assert subprocess.run(argv).returncode == 0
    finally:
        resource.setrlimit(resource.RLIMIT_STACK, before)


def test_a_small_transaction_changes_no_limit():
    before = resource.getrlimit(resource.RLIMIT_STACK)
    room_for(['ovn-nbctl', '--', 'ls-add', 'ovl-blue'])
    assert resource.getrlimit(resource.RLIMIT_STACK) == before
