# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Run argv lists for a module: reads never fail the module silently, writes
raise with the first line of stderr. No shell is ever involved.

Processes are started by ``spawn`` (subprocess, argv list) rather than
``AnsibleModule.run_command``: run_command passes a ``preexec_fn``, which
makes Python fork() the whole module process for every command instead of
using vfork/posix_spawn. With hundreds of tenants the module process holds
the whole desired state and a no-change run starts one read per router
namespace, so that cost showed up per tenant (bench/NOTES.md). Like
run_command, the child gets default SIGPIPE handling (``restore_signals``),
the module's environment, no inherited descriptors, and text is UTF-8.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import shutil
import signal
import subprocess
import time

from ansible.module_utils.ovl.core.netns import NetnsMissing, entered

SBIN = ('/usr/local/sbin', '/usr/sbin', '/sbin')

INSTALL_HINT = {
    'ovs-vsctl': 'install Open vSwitch (apt-get install openvswitch-switch)',
    'ovs-ofctl': 'install Open vSwitch (apt-get install openvswitch-switch)',
    'ip': 'install iproute2 (apt-get install iproute2)',
    'bridge': 'install iproute2 (apt-get install iproute2)',
    'iptables-save': 'install iptables (apt-get install iptables)',
    'iptables-restore': 'install iptables (apt-get install iptables)',
    'nft': 'install nftables (apt-get install nftables)',
    'ethtool': 'install ethtool (apt-get install ethtool)',
    'sysctl': 'install procps (apt-get install procps)',
}


class Binaries(object):
    """``get_bin_path`` for the Runner outside Ansible (the Docker plugin,
    the boot unit): PATH, then the sbin directories."""

    def get_bin_path(self, name, required=False):
        path = os.pathsep.join([os.environ.get('PATH', '')] + list(SBIN))
        return shutil.which(name, path=path)


class CommandError(Exception):
    """A command failed; ``str()`` is one line saying what and how to fix."""


def netns_argv(netns, argv):
    """Prefix *argv* so that it runs inside network namespace *netns*."""
    if not netns:
        return list(argv)
    return ['ip', 'netns', 'exec', netns] + list(argv)


def argv_list(argv):
    """*argv* if it is an argv list; TypeError for anything else (a string)."""
    if not isinstance(argv, (list, tuple)):
        raise TypeError('commands are argv lists, got %r' % (argv,))
    return argv


def first_line(text):
    for line in (text or '').splitlines():
        if line.strip():
            return line.strip()
    return ''


def spawn(argv, data=None):
    """(rc, stdout, stderr) of the argv list *argv*, *data* on its stdin."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True,
                            restore_signals=True)
    out, err = proc.communicate(data.encode('utf-8') if data is not None else None)
    return (proc.returncode, out.decode('utf-8', 'surrogateescape'),
            err.decode('utf-8', 'surrogateescape'))


def terminate(pid, what, alive, wait=10.0):
    """SIGTERM process *pid* (*what*, for messages) and wait until
    *alive()* says it is gone (its socket or port is free again);
    CommandError when it cannot be signalled or outlives *wait* seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError as exc:
        if exc.errno == errno.ESRCH:
            return
        raise CommandError('cannot stop %s (pid %d): %s' % (what, pid, exc))
    deadline = time.time() + wait
    while time.time() < deadline:
        if not alive():
            return
        time.sleep(0.02)
    if alive():
        raise CommandError('%s (pid %d) did not stop within %.0f s' % (what, pid, wait))


def in_process(netns, argv, func):
    """Do *func* (the in-process form of the logical command *argv*) inside
    network namespace *netns* (None: here). The one seam for writes done in
    the module process, as ``spawn`` is for processes."""
    with entered(netns):
        return func()


class Runner(object):
    """Runs argv lists only (``spawn``), binaries resolved like run_command."""

    def __init__(self, module):
        self.module = module
        self._paths = {}

    def binary(self, name):
        if name not in self._paths:
            path = self.module.get_bin_path(name, required=False)
            if not path:
                raise CommandError('%s: command not found; %s' % (
                    name, INSTALL_HINT.get(name, 'install it')))
            self._paths[name] = path
        return self._paths[name]

    def _resolve(self, argv):
        argv = list(argv)
        return [self.binary(argv[0])] + argv[1:]

    def require(self, tools):
        """Resolve every binary of *tools* now; CommandError names the first
        one missing (before anything ran)."""
        for tool in tools:
            try:
                self.binary(tool)
            except CommandError as exc:
                raise CommandError('%s (nothing was changed)' % exc)

    def run(self, argv, data=None):
        """Run and return (rc, stdout, stderr) without judging rc."""
        return spawn(self._resolve(argv_list(argv)), data=data)

    def run_in(self, netns, argv, data=None):
        """``run`` inside network namespace *netns* (None: here). The module
        enters it with setns(2) and the command inherits it: no ``ip netns
        exec`` process, which also unshares a mount namespace and remounts
        /sys for every call. A missing namespace gives rc 255 and the message
        ``ip netns exec`` prints."""
        try:
            with entered(netns):
                return self.run(argv, data=data)
        except NetnsMissing as exc:
            return 255, '', '%s\n' % exc

    def look_in(self, netns, func):
        """*func()* (a read in the module process) inside *netns*; None when
        the namespace does not exist."""
        try:
            with entered(netns):
                return func()
        except NetnsMissing:
            return None

    def call_in(self, netns, argv, func):
        """``in_process``; a missing namespace raises CommandError."""
        try:
            return in_process(netns, argv, func)
        except NetnsMissing as exc:
            raise CommandError('%s: %s' % (' '.join(argv[:6]), exc))

    @staticmethod
    def failure(argv, rc, out, err):
        """The CommandError for a finished command with a non-zero rc."""
        return CommandError('%s failed (rc=%s): %s' % (
            ' '.join(argv[:6]) + (' ...' if len(argv) > 6 else ''), rc,
            first_line(err) or first_line(out) or 'no output'))

    def check(self, argv, data=None):
        """Run and return stdout; raise CommandError (naming *argv*) on a
        non-zero rc."""
        rc, out, err = self.run(argv, data=data)
        if rc != 0:
            raise self.failure(argv, rc, out, err)
        return out

    def run_step(self, step):
        """Run a plan step (``ovl.core.step``) and return stdout; CommandError
        (naming its argv) on a non-zero rc. A step for another namespace runs
        there through setns, not through ``ip netns exec``/``ip -n``: those
        unshare a mount namespace and remount /sys first, which copies every
        mount of the host, among them one per named namespace: at 1000
        namespaces each call cost ~75 ms on the lab hosts (bench/NOTES.md),
        a first run O(namespaces^2)."""
        if step.netns:
            rc, out, err = self.run_in(step.netns, step.here, data=step.stdin)
        else:
            rc, out, err = self.run(step.here, data=step.stdin)
        if rc != 0:
            raise self.failure(step.argv, rc, out, err)
        return out
