"""ovl.core.runner.terminate, the one stop of a process we started (the
Docker plugin, a tenant's dnsmasq), on real processes."""
import signal
import subprocess
import sys

import pytest

from ansible.module_utils.ovl.core.runner import CommandError, terminate


def test_a_process_is_stopped_and_waited_for():
    proc = subprocess.Popen(['sleep', '30'])
    terminate(proc.pid, 'sleep', lambda: proc.poll() is None, wait=5)
    assert proc.returncode == -signal.SIGTERM


def test_one_that_outlives_the_wait_is_an_error_naming_it():
    code = ('import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); '
            'print(1, flush=True); time.sleep(30)')
    proc = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE)
    proc.stdout.readline()                  # SIGTERM is ignored from here on
    try:
        with pytest.raises(CommandError, match=r'^stubborn \(pid %d\) did not stop within 0 s$'
                           % proc.pid):
            terminate(proc.pid, 'stubborn', lambda: proc.poll() is None, wait=0.3)
    finally:
        proc.kill()
        proc.wait()

