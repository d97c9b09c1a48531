# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The tenants' Docker networks on a host, as dockerd lists them (the
``docker`` CLI, JSON output only), and what a run may do with them.

A network of ours is one ``site.yml`` created: driver ``ovl`` and the label
``ovl-owner=<owner>``; its labels say its tenant and its subnet and gateway
(``ovl-tenant``, ``ovl-net=<subnet>@<gateway>``), so the steady state is one
``docker network ls``. A network we did not create is never changed or
removed, even when it has a tenant's name: the run refuses instead.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json

from ansible.module_utils.ovl.core.marks import OWNER_KEY, TENANT_KEY
from ansible.module_utils.ovl.core.runner import CommandError

DRIVER = 'ovl'
NET_KEY = 'ovl-net'
Network = collections.namedtuple('Network', 'name id driver labels')


def labels_of(text):
    """``docker network ls``'s Labels column ("k=v,k=v") as a dict."""
    out = {}
    for item in (text or '').split(','):
        if '=' in item:
            key, value = item.split('=', 1)
            out[key.strip()] = value.strip()
    return out


def parse_ls(text):
    """[Network] from ``docker network ls --no-trunc --format '{{json .}}'``."""
    out = []
    for line in (text or '').splitlines():
        line = line.strip()
        if not line:
            continue
        row = json.loads(line)
        out.append(Network(row.get('Name'), row.get('ID'), row.get('Driver'),
                           labels_of(row.get('Labels'))))
    return out


def net_label(tenant):
    return '%s@%s' % (tenant['subnet'], tenant['gateway'])


def ours(networks, owner):
    """{name: Network} of the networks this owner created."""
    return dict((n.name, n) for n in networks
                if n.driver == DRIVER and n.labels.get(OWNER_KEY) == owner)


def create_argv(name, tenant, owner):
    """``docker network create`` of tenant *name*'s network: the plugin is its
    network and its IPAM driver, the tenant an option of both (the plugin
    refuses a network without it)."""
    return ['docker', 'network', 'create', '--driver', DRIVER, '--ipam-driver', DRIVER,
            '--opt', 'tenant=%s' % name, '--ipam-opt', 'tenant=%s' % name,
            '--subnet', tenant['subnet'], '--gateway', tenant['gateway'],
            '--label', '%s=%s' % (OWNER_KEY, owner), '--label', '%s=%s' % (TENANT_KEY, name),
            '--label', '%s=%s' % (NET_KEY, net_label(tenant)), name]


def judge(networks, wanted, owner):
    """(create, remove, problems): which tenant networks to create, which of
    ours to remove (their tenant left the host, or its subnet or gateway
    changed: removed, then created anew), and the networks in the way (a
    network we did not create holds a tenant's name). *wanted*: {tenant:
    {subnet, gateway}}."""
    mine = ours(networks, owner)
    names = dict((n.name, n) for n in networks)
    create, remove, problems = [], [], []
    for name, tenant in sorted(wanted.items()):
        have = mine.get(name)
        if have is None and name in names:
            problems.append('a Docker network named %s exists and is not ours (driver %s): '
                            'remove or rename it (docker network rm %s) to carry tenant %s'
                            % (name, names[name].driver, name, name))
            continue
        if have is not None and have.labels.get(NET_KEY) == net_label(tenant):
            continue
        if have is not None:
            remove.append(name)
        create.append(name)
    remove.extend(sorted(name for name in mine if name not in wanted))
    return create, sorted(remove), problems


def read_networks(runner):
    """[Network], every network dockerd has; CommandError when dockerd does
    not answer."""
    rc, out, err = runner.run(['docker', 'network', 'ls', '--no-trunc', '--format', '{{json .}}'])
    if rc != 0:
        raise CommandError('docker network ls failed (is dockerd running?): %s'
                           % (err.strip() or 'exit %d' % rc))
    try:
        return parse_ls(out)
    except ValueError as exc:
        raise CommandError('docker network ls: unreadable output: %s' % exc)


def containers_on(runner, names):
    """{network: [container name]} of the containers attached to *names*."""
    if not names:
        return {}
    rc, out, err = runner.run(['docker', 'network', 'inspect', '--format',
                               '{{json .Name}} {{json .Containers}}'] + list(names))
    if rc != 0:
        raise CommandError('docker network inspect %s failed: %s'
                           % (' '.join(names), err.strip() or 'exit %d' % rc))
    out_map = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        name_text, _sep, rest = line.partition(' ')
        containers = json.loads(rest) or {}
        out_map[json.loads(name_text)] = sorted(c.get('Name', cid[:12])
                                                for cid, c in containers.items())
    return out_map


def assess(runner, wanted, owner):
    """(create, remove, problems, busy): what ``judge`` says of the networks
    dockerd has, and {network: [container]} of the ones to remove that still
    hold containers. The preflight and the layer both read it;
    CommandError when dockerd does not answer."""
    create, remove, problems = judge(read_networks(runner), wanted, owner)
    busy = dict((name, names) for name, names in containers_on(runner, remove).items() if names)
    return create, remove, problems, busy


def busy_line(host, busy):
    """The refusal when networks a run must remove still hold containers."""
    return ('%s: cannot remove the Docker network(s) %s: containers are still on them (%s); '
            'stop them or disconnect them (docker network disconnect NETWORK CONTAINER) first'
            % (host, ', '.join(sorted(busy)),
               '; '.join('%s: %s' % (n, ', '.join(c)) for n, c in sorted(busy.items()))))
