"""ovl_runner.spawn, the one place processes are started: argv in, text out,
stdin data, the exit code, and a child that dies on SIGPIPE like a shell's
child (Python ignores SIGPIPE; run_command restores it too)."""
import signal
import sys

from ansible.module_utils.ovl.core.runner import spawn


def test_stdin_stdout_stderr_and_rc():
    code = 'import sys; sys.stdout.write(sys.stdin.read().upper()); sys.stderr.write("e"); sys.exit(3)'
    assert spawn([sys.executable, '-c', code], data='abc\n') == (3, 'ABC\n', 'e')


def test_no_stdin_means_empty_stdin():
    assert spawn([sys.executable, '-c', 'import sys; print(repr(sys.stdin.read()))']) == \
        (0, "''\n", '')


def test_child_gets_default_sigpipe():
    assert signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN   # the module side
    rc, out, _ = spawn(['grep', '^SigIgn:', '/proc/self/status'])
    ignored = int(out.split()[1], 16)
    assert rc == 0 and not ignored & (1 << (signal.SIGPIPE - 1))


def test_undecodable_output_survives():
    rc, out, _ = spawn([sys.executable, '-c', 'import sys; sys.stdout.buffer.write(b"\\xff")'])
    assert rc == 0 and out.encode('utf-8', 'surrogateescape') == b'\xff'
