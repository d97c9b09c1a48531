# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""``plan(want, have, prune) -> [Step]``, pure. Per wanted server: any
second process serving its directory stopped; its hosts file written when
it differs; started when not running; restarted (stop,
start) when its command line differs or it runs in another namespace than
its tenant's router (the namespace was made again); else sent SIGHUP when
the hosts file changed. A server of ours no longer wanted (with *prune*):
stopped and its directory removed."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.ovl.core.marks import DHCP_DIR
from ansible.module_utils.ovl.core.step import Step
from ansible.module_utils.ovl.dhcp.server import argv, directory, hosts_text


def _stop(tenant, pid, why):
    return Step('service.stop', 'kill', ['-TERM', str(pid)], obj='dhcp:' + tenant, detail=why)


def plan(want, have, prune=True, root=DHCP_DIR):
    steps = []
    for tenant, server in sorted(want.items()):
        now = have.get(tenant) or dict(hosts=None, pid=None, extra=[], argv=None, netns_ok=False)
        for pid in now.get('extra') or []:
            steps.append(_stop(tenant, pid, 'a second server'))
        text, cmd = hosts_text(server), argv(server, root)
        hosts_path = os.path.join(directory(tenant, root), 'hosts')
        if now['hosts'] != text:
            steps.append(Step('file.write', 'tee', [hosts_path], obj=hosts_path,
                              detail='%d hosts' % len(server['hosts']), stdin=text))
        # the binary runs by its full path: its options are what we compare
        same = (now['argv'] or [])[1:] == cmd[1:]
        if now['pid'] is not None and (not same or not now['netns_ok']):
            steps.append(_stop(tenant, now['pid'], 'options changed' if not same
                               else 'namespace %s was made again' % server['netns']))
            now = dict(now, pid=None)
        if now['pid'] is None:
            steps.append(Step('service.start', cmd[0], cmd[1:], netns=server['netns'],
                              obj='dhcp:' + tenant, detail=server['interface']))
        elif now['hosts'] != text:
            steps.append(Step('run', 'kill', ['-HUP', str(now['pid'])], obj='dhcp:' + tenant,
                              detail='reload hosts'))
    if prune:
        for tenant, now in sorted(have.items()):
            if tenant in want:
                continue
            for pid in ([now['pid']] if now['pid'] is not None else []) + list(now.get('extra') or []):
                steps.append(_stop(tenant, pid, 'tenant left the host'))
            here = directory(tenant, root)
            steps.append(Step('mark.del', 'rm', ['-rf', '--', here], obj=here))
    return steps
