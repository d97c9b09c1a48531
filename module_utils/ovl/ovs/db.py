# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Execute against OVSDB: one read, one transaction, and error messages that
say what is wrong and how to fix it in one line."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.runner import CommandError, first_line
from ansible.module_utils.ovl.ovs.read import base_argv, parse_state, read_argv

DB_DOWN_HINT = ('start Open vSwitch: systemctl start openvswitch-switch '
                '(or /usr/share/openvswitch/scripts/ovs-ctl start)')


def transaction_argv(subcommands, db=None, timeout=None):
    """All sub-commands chained with ``--`` into ONE ovs-vsctl process."""
    argv = base_argv(db, timeout)
    for sub in subcommands:
        argv.append('--')
        argv.extend(sub)
    return argv


def explain(rc, err, timeout):
    text = first_line(err)
    if 'database connection failed' in text or 'No such file' in text and 'db.sock' in text:
        return 'ovsdb-server is not reachable (%s): %s' % (text, DB_DOWN_HINT)
    if rc in (142, -14) or 'Alarm clock' in (err or '') or 'timeout expired' in text:
        return ('ovs-vsctl timed out after %ss: ovs-vswitchd is not running or not '
                'answering (the database may already hold the change; it is applied '
                'when ovs-vswitchd runs): %s' % (timeout, DB_DOWN_HINT))
    return 'ovs-vsctl failed (rc=%s): %s' % (rc, text or 'no output')


class OVSDB(object):
    """The module's view of one OVSDB: ``read()`` once, ``commit()`` once."""

    def __init__(self, runner, db=None, timeout=10):
        self.runner = runner
        self.db = db
        self.timeout = timeout

    def read(self):
        rc, out, err = self.runner.run(read_argv(self.db, self.timeout))
        if rc != 0:
            raise CommandError(explain(rc, err, self.timeout))
        try:
            return parse_state(out)
        except (ValueError, KeyError) as exc:
            raise CommandError('cannot parse ovs-vsctl JSON output: %s' % exc)

    def argv(self, subcommands):
        return transaction_argv(subcommands, self.db, self.timeout)

    def commit(self, subcommands):
        if not subcommands:
            return
        rc, out, err = self.runner.run(self.argv(subcommands))
        if rc != 0:
            raise CommandError(explain(rc, err, self.timeout))
