# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``boot`` layer of ``overlay_apply`` (last in the table): on a systemd
host, after every other layer converged, what brings the host back after a
reboot without a ``site.yml`` run:

- ``/var/lib/ovl/boot/params.json``: this run's parameters (the host's part
  of the model, its tags, its discovered facts);
- ``/usr/local/lib/ovl/boot.pyz``: the code that converges the layers
  (``ovl.host.bootrun``), a zipapp of the modules this very run loaded;
- ``ovl-boot.service``: a oneshot, enabled, after Open vSwitch and the
  network, before Docker and the plugin; it runs the file on the
  parameters at every boot.

A host without systemd gets nothing here (it needs a ``site.yml`` run after a
reboot). Nothing is started: the unit runs at the next boot."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

from ansible.module_utils.ovl.core import zipapp
from ansible.module_utils.ovl.core.files import read_text, write_file
from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.step import Step, changes
from ansible.module_utils.ovl.host import bootrun

PARAMS = '/var/lib/ovl/boot/params.json'
PYZ = '/usr/local/lib/ovl/boot.pyz'
UNIT_NAME = 'ovl-boot.service'
UNIT = '/etc/systemd/system/' + UNIT_NAME
SAVED = ('model', 'host', 'tenant_tags', 'discovered', 'owner', 'prune', 'ovs_timeout')
ARGUMENT_SPEC = dict(saved=dict(type='dict'))
MAIN = ('import sys\n'
        'from ansible.module_utils.ovl.host.bootrun import main\n'
        'sys.exit(main())\n')


def saved_of(params):
    """What the boot run needs of overlay_apply's *params*."""
    return dict((key, params.get(key)) for key in SAVED)


def unit_text(python):
    return '\n'.join([
        '# Written by the overlay (ovl) project: the host\'s tenant network at boot.',
        '[Unit]',
        'Description=Overlay (ovl): the tenant network as the last site.yml run left it',
        'Wants=openvswitch-switch.service network-online.target',
        'After=openvswitch-switch.service network-online.target',
        'Before=docker.service ovl-docker-plugin.service',
        '',
        '[Service]',
        'Type=oneshot',
        'RemainAfterExit=yes',
        'ExecStart=%s -I %s %s' % (python, PYZ, PARAMS),
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        ''])


def members():
    """{path: bytes} of ``ovl.host.bootrun`` and every module it imports
    (``zipapp.closure``: read from the sources, the same set on every run)."""
    names, packages = zipapp.closure([bootrun.__name__])
    return zipapp.module_members(names, packages, MAIN)


def payload(files=None):
    """The zipapp, carrying the digest of its members as its comment."""
    files = members() if files is None else files
    return zipapp.archive(files, comment=zipapp.members_digest(files))


def params_text(saved):
    return json.dumps(saved, sort_keys=True, indent=1) + '\n'


def plan_boot(want, have):
    """[Step]: pure."""
    if have is None:
        return []
    steps = []
    if have['params'] != want['params_text']:
        steps.append(Step('file.write', 'tee', [PARAMS], obj=PARAMS, stdin=want['params_text']))
    if have['pyz'] != have['payload_digest']:
        steps.append(Step('file.write', 'tee', [PYZ], obj=PYZ,
                          detail='sha256:' + have['payload_digest'],
                          stdin=payload(have['members'])))
    unit = unit_text(have['python'])
    if have['unit'] != unit:
        steps.append(Step('file.write', 'tee', [UNIT], obj=UNIT, stdin=unit))
        steps.append(Step('run', 'systemctl', ['daemon-reload']))
    if not have['enabled'] or have['unit'] != unit:
        steps.append(Step('run', 'systemctl', ['enable', UNIT_NAME], obj=UNIT_NAME))
    return steps


class BootDriver(Driver):
    """Params: ``saved`` (overlay_apply's model parameters of this run)."""

    def normalize(self):
        saved = self.params.get('saved')
        return dict(saved=saved, params_text=params_text(saved) if saved else None)

    def read(self, runner, want):
        """None where there is nothing to do: no saved parameters, or no systemd."""
        if not want['saved'] or not os.path.isdir('/run/systemd/system'):
            return None
        files = members()
        return dict(params=read_text(PARAMS), pyz=zipapp.comment_of(PYZ), unit=read_text(UNIT),
                    enabled=runner.run(['systemctl', 'is-enabled', UNIT_NAME])[0] == 0,
                    python='/usr/bin/python3' if os.path.exists('/usr/bin/python3')
                    else sys.executable,
                    members=files, payload_digest=zipapp.members_digest(files))

    def plan(self, want, have):
        return Plan(plan_boot(want, have))

    def diff(self, want, have, plan):
        """The tenants (and their tags) the boot run would converge, before
        and after: the whole model would drown a diff at hundreds of tenants."""
        if have is None:
            return {}, {}
        return ({'tenant_tags': _tags_of(have['params'])},
                {'tenant_tags': want['saved'].get('tenant_tags')})

    def extra(self, want, have, plan):
        return dict(changes=changes(plan.steps))

    def local(self, item):
        if item.op == 'file.write':
            mode = {PYZ: 0o755, PARAMS: 0o600}.get(item.obj, 0o644)
            return lambda: write_file(item.obj, item.stdin, mode)
        return None


def _tags_of(text):
    try:
        return (json.loads(text or '{}') or {}).get('tenant_tags')
    except (ValueError, AttributeError):
        return None
