# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The plugin as a process on a host without systemd (containers, the lab):
started detached by the run that installs it (its own session, output to a
log file, its pid in a file of ours), found again by that pid file and its
command line, stopped with SIGTERM. On systemd hosts the units do this
(``ovl.docker.units``)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import subprocess
import time

from ansible.module_utils.ovl.core.runner import CommandError, terminate

PIDFILE = '/run/ovl/docker-plugin.pid'
LOG = '/var/log/ovl-docker-plugin.log'


def running_pid(pidfile, marker):
    """The pid in *pidfile* when that process runs and its command line
    holds *marker* (the plugin's file), else None."""
    try:
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            cmdline = handle.read().split(b'\0')
    except (IOError, OSError, ValueError):
        return None
    return pid if marker.encode('utf-8') in cmdline else None


def answers(path):
    """True when something accepts connections on unix socket *path*."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(1)
    try:
        sock.connect(path)
        return True
    except (IOError, OSError):
        return False
    finally:
        sock.close()


def _tail(path, lines=5):
    try:
        with open(path) as handle:
            return ' | '.join(handle.read().strip().splitlines()[-lines:])
    except (IOError, OSError):
        return ''


def start(argv, pidfile, log, socket_path, wait=10.0):
    """Start *argv* detached; return once it answers on *socket_path*;
    CommandError (with its log's last lines) when it exits or does not
    answer within *wait* seconds."""
    for path in (pidfile, log):
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
    with open(log, 'ab') as out:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                close_fds=True, start_new_session=True, cwd='/')
    with open(pidfile, 'w') as handle:
        handle.write('%d\n' % proc.pid)
    deadline = time.time() + wait
    while time.time() < deadline:
        if proc.poll() is not None:
            raise CommandError('%s exited (rc=%s): %s' % (argv[2] if len(argv) > 2 else argv[0],
                                                          proc.returncode, _tail(log)))
        if answers(socket_path):
            return proc.pid
        time.sleep(0.05)
    raise CommandError('%s does not answer on %s after %.0f s: %s'
                       % (argv[0], socket_path, wait, _tail(log)))


def stop(pidfile, marker, wait=10.0):
    """SIGTERM the plugin of *pidfile* (if it runs) and wait for it to end."""
    pid = running_pid(pidfile, marker)
    if pid is None:
        return
    terminate(pid, 'the plugin', lambda: running_pid(pidfile, marker) == pid, wait)
