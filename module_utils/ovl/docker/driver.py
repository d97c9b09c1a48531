# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``docker`` layer of ``overlay_apply``: on a host that runs tenants'
containers, the plugin installed (one file, from this module's own payload:
``ovl.docker.package``), its config written, the plugin started (systemd:
socket and service units, enabled; otherwise a detached process), and one
Docker network per tenant, named as the tenant, created; a tenant that
left the host has its network removed. A host that never ran containers
costs one stat.

A network that still holds containers is not removed: the run refuses with
the containers' names (the preflight refuses first, before any write).
When the last tenant leaves, the plugin stays installed with no tenants
(it refuses every request), and our networks are gone.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

from ansible.module_utils.ovl.core.files import read_text, write_file
from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.core.step import Step, changes
from ansible.module_utils.ovl.docker import daemon, networks, package, server, units
from ansible.module_utils.ovl.docker.config import load_config

PYZ = '/usr/local/lib/ovl/docker-plugin.pyz'
ARGUMENT_SPEC = dict(
    config=dict(type='dict'),
    owner=dict(type='str', default='ovl'),
    host=dict(type='str', default='this host'),
)
CONFIG = server.CONFIG
SOCKET = server.SOCKET
STATE = server.STATE


def plugin_argv(python):
    return [python, '-I', PYZ, '--socket', SOCKET, '--config', CONFIG, '--state', STATE]


def config_text(config):
    return json.dumps(config, sort_keys=True, indent=1) + '\n'


def plan_docker(want, have):
    """[Step]: pure. Files, then the plugin (re)started, then the networks."""
    if have is None:
        return []
    steps = []
    new_code = have['pyz'] != have['payload_digest']
    if new_code:
        steps.append(Step('file.write', 'tee', [PYZ], obj=PYZ,
                          detail='sha256:' + have['payload_digest'], stdin=have['payload']))
    if have['config'] != want['config_text']:
        steps.append(Step('file.write', 'tee', [CONFIG], obj=CONFIG, stdin=want['config_text']))
    argv = plugin_argv(have['python'])
    if have['systemd']:
        steps.extend(_systemd_steps(argv, have, new_code))
    else:
        if have['pid'] is not None and new_code:
            steps.append(Step('service.stop', 'kill', ['-TERM', str(have['pid'])],
                              obj=units.NAME, detail='new code'))
        if have['pid'] is None or new_code:
            steps.append(Step('service.start', argv[0], argv[1:], obj=units.NAME))
    for name in have['remove']:
        steps.append(Step('network.del', 'docker', ['network', 'rm', name], obj=name))
    for name in have['create']:
        steps.append(Step('network.add', 'docker',
                          networks.create_argv(name, want['tenants'][name], want['owner'])[1:],
                          obj=name, detail=networks.net_label(want['tenants'][name])))
    return steps


def _systemd_steps(argv, have, new_code):
    steps = []
    wanted = units.units(argv, SOCKET)
    changed = [path for path, text in sorted(wanted.items()) if have['units'].get(path) != text]
    for path in changed:
        steps.append(Step('file.write', 'tee', [path], obj=path, stdin=wanted[path]))
    if changed:
        steps.append(Step('run', 'systemctl', ['daemon-reload']))
    if (new_code or changed) and have['service_active']:
        steps.append(Step('service.stop', 'systemctl', ['restart', units.SERVICE_UNIT],
                          obj=units.NAME, detail='new code'))
    if not (have['enabled'] and have['socket_active']):
        steps.append(Step('service.start', 'systemctl',
                          ['enable', '--now', units.SOCKET_UNIT, units.SERVICE_UNIT],
                          obj=units.NAME))
    return steps


def _systemctl(runner, verb, *names):
    """True when ``systemctl VERB NAMES`` says yes (rc 0)."""
    return runner.run(['systemctl', verb] + list(names))[0] == 0


class DockerDriver(Driver):
    """Params: ``config`` (the plugin's config for this host, or None),
    ``owner``, ``host``."""

    def normalize(self):
        config = self.params.get('config')
        owner = self.params['owner']
        if config is None:
            config = dict(owner=owner, tenants={})
        load_config(config)             # InputError naming the field
        return dict(config=config, config_text=config_text(config),
                    tenants=config.get('tenants') or {},
                    owner=owner, wanted=self.params.get('config') is not None)

    def read(self, runner, want):
        """None on a host that never ran containers (one stat); otherwise
        the files, the plugin's process or units, the networks, and the
        plugin this module carries (``payload``)."""
        installed = read_text(CONFIG)
        if installed is None and not want['wanted']:
            return None
        payload = package.build()
        have = dict(config=installed, pyz=_digest_of(PYZ), systemd=os.path.isdir('/run/systemd/system'),
                    python='/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable,
                    payload=payload, payload_digest=package.digest(payload))
        argv = plugin_argv(have['python'])
        if have['systemd']:
            have['units'] = dict((path, read_text(path)) for path in units.units(argv, SOCKET))
            have['enabled'] = _systemctl(runner, 'is-enabled', units.SOCKET_UNIT, units.SERVICE_UNIT)
            have['socket_active'] = _systemctl(runner, 'is-active', units.SOCKET_UNIT)
            have['service_active'] = _systemctl(runner, 'is-active', units.SERVICE_UNIT)
        else:
            have['pid'] = daemon.running_pid(daemon.PIDFILE, PYZ)
        if not runner.module.get_bin_path('docker'):
            raise CommandError('%s: docker is not installed (the host runs containers of %s)'
                               % (self.params['host'], ', '.join(sorted(want['tenants']))
                                  or 'no tenant'))
        create, remove, problems, busy = networks.assess(runner, want['tenants'], want['owner'])
        if problems:
            raise CommandError('%s: %s' % (self.params['host'], '; '.join(problems)))
        if busy:
            raise CommandError(networks.busy_line(self.params['host'], busy))
        have.update(create=create, remove=remove, workloads=live_workloads(STATE))
        return have

    def plan(self, want, have):
        return Plan(plan_docker(want, have))

    def diff(self, want, have, plan):
        if have is None:
            return {}, {}
        return ({'config': have['config'] or '', 'networks': sorted(have['remove'])},
                {'config': want['config_text'], 'networks': sorted(have['create'])})

    def extra(self, want, have, plan):
        return dict(changes=changes(plan.steps),
                    workloads=(have or {}).get('workloads') or [])

    def local(self, item):
        if item.op == 'file.write':
            mode = 0o755 if item.obj == PYZ else 0o644
            return lambda: write_file(item.obj, item.stdin, mode)
        if item.op == 'service.start' and item.tool != 'systemctl':
            return lambda: daemon.start(item.here, daemon.PIDFILE, daemon.LOG, SOCKET)
        if item.op == 'service.stop' and item.tool == 'kill':
            return lambda: daemon.stop(daemon.PIDFILE, PYZ)
        return None


def live_workloads(state_path, sys_net='/sys/class/net'):
    """[[port, tenant, address]] of the containers the plugin attached whose
    br-int port is there (the container runs): the drift report lists them
    as workloads, not as drift."""
    try:
        with open(state_path) as handle:
            endpoints = (json.load(handle) or {}).get('endpoints') or {}
    except (IOError, OSError, ValueError):
        return []
    return sorted([r.get('port'), r.get('tenant'), (r.get('address') or '').split('/')[0]]
                  for r in endpoints.values()
                  if isinstance(r, dict) and r.get('port')
                  and os.path.exists(os.path.join(sys_net, r['port'])))


def _digest_of(path):
    """``package.digest`` of the installed file, None when there is none."""
    try:
        with open(path, 'rb') as handle:
            return package.digest(handle.read())
    except (IOError, OSError):
        return None
