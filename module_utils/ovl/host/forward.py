# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The host's IPv4 forwarding (router uplinks are routed through the host):
``net.ipv4.ip_forward=1`` now (/proc/sys) and at boot (a file of the
project in /etc/sysctl.d). What ``ansible.posix.sysctl`` did as a task of
its own, as a layer of ``overlay_apply``: two reads and at most two writes,
all in the module process."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.files import read_text, write_file
from ansible.module_utils.ovl.core.result import Driver
from ansible.module_utils.ovl.core.step import Step
from ansible.module_utils.ovl.ip import batch

KEY = 'net.ipv4.ip_forward'
PROC = '/proc/sys/net/ipv4/ip_forward'
CONF = '/etc/sysctl.d/60-overlay.conf'


def conf_with(text, key, value):
    """*text* of a sysctl.d file with ``key=value`` set: the key's line
    replaced where it is (other lines kept), else appended."""
    lines, found = [], False
    for line in (text or '').splitlines():
        name = line.split('=', 1)[0].strip()
        if not line.lstrip().startswith(('#', ';')) and '=' in line and name == key:
            if not found:
                lines.append('%s=%s' % (key, value))
            found = True
        else:
            lines.append(line)
    if not found:
        lines.append('%s=%s' % (key, value))
    return '\n'.join(lines) + '\n'


def plan_forward(have_proc, have_conf, conf=CONF):
    """[Step]: pure. The live value first, then the boot file."""
    steps = []
    if (have_proc or '').strip() != '1':
        steps.append(Step('sysctl', 'sysctl', ['-w', '%s=1' % KEY], obj=KEY, detail='1'))
    wanted = conf_with(have_conf, KEY, '1')
    if have_conf != wanted:
        steps.append(Step('file.write', 'tee', [conf], obj=conf, stdin=wanted))
    return steps


class ForwardDriver(Driver):
    """Reads /proc/sys and the boot file, plans, writes both in-process (the
    sysctl as every ``sysctl -w`` step is: ``ovl.ip.batch.local``)."""

    def __init__(self, module, conf=CONF):
        super(ForwardDriver, self).__init__(module, {})
        self.conf = conf

    def normalize(self):
        return None

    def read(self, runner, want):
        return read_text(PROC), read_text(self.conf)

    def plan(self, want, have):
        return plan_forward(have[0], have[1], self.conf)

    def diff(self, want, have, plan):
        before = {'value': (have[0] or '').strip(), 'file': have[1] or ''}
        return before, {'value': '1', 'file': conf_with(have[1], KEY, '1')}

    def local(self, item):
        if item.op == 'file.write':
            return lambda: write_file(item.obj, item.stdin)
        return batch.local(item)
