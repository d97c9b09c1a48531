# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``ovn_leave`` layer of ``overlay_apply`` (ovs backend): a host that
the project made an OVN chassis (the chassis layer's mark, ``MARK``) or
central (``CENTRAL_MARK``) stops being one, so that a fleet switches from
``overlay_backend: ovn`` back to ``ovs`` with site.yml alone. It runs first,
before the ovs layer takes br-int back. Nothing to do (one ovs-vsctl read)
on a host without the marks.

In this order, each step only when there is something to undo:

1. central: our NB rows are removed (``ovl.ovn.plan`` towards no tenants,
   one transaction; rows of others stay);
2. ovn-controller stops gracefully and no longer starts at boot
   (``systemctl disable --now ovn-host``, or ``ovn-ctl stop_controller``):
   it removes its chassis from the southbound database and its tunnel
   ports from br-int;
3. br-int's flows, all ovn-controller's, give way to the one a standalone
   bridge has (``priority=0,actions=NORMAL``; the ovs backend's own flows
   follow in the int_flows layer);
4. one OVSDB transaction removes what OVN left in OVSDB: ports it made
   (``ovn-*`` marks: tunnels, patch ports), br-int's ``ct-zone-*`` and
   ``ovn-*`` keys and ``other_config`` it set, ``iface-id`` and
   ``ovn-installed`` of our endpoint ports, the chassis keys we set (our
   ``ovl-ext`` entry of ``ovn-bridge-mappings``, others kept) and ``MARK``;
5. central, once no chassis but its own is left in the southbound database
   (the other hosts leave in the same run, in parallel: a second run
   finishes it): ovn-northd and its databases stop and no longer start at
   boot, and ``CENTRAL_MARK`` goes.

The packages stay installed (as the preflight leaves OVS), and so do
``system-id`` and ``hostname``, which ovs-ctl sets.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.ovl.core.files import pid_alive
from ansible.module_utils.ovl.core.marks import OWNER_KEY, TENANT_KEY
from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.runner import CommandError, first_line
from ansible.module_utils.ovl.core.step import Step, changes
from ansible.module_utils.ovl.ovs.read import base_argv, parse_state, read_argv
from ansible.module_utils.ovl.ovs.syntax import set_key
from ansible.module_utils.ovl.ovn import model, read
from ansible.module_utils.ovl.ovn import plan as planner
from ansible.module_utils.ovl.ovn.chassis import CENTRAL_MARK, IDS_ARGV, KEYS, MARK, parse_ids
from ansible.module_utils.ovl.ovn.model import EXT_NETWORK

ARGUMENT_SPEC = dict(
    owner=dict(type='str', default='ovl'),
    bridge=dict(type='str', default='br-int'),
    systemd=dict(type='bool'),
    timeout=dict(type='int', default=30),
)
OVN_RUNDIR = '/var/run/ovn'
OVN_CTL = '/usr/share/ovn/scripts/ovn-ctl'
# what ovn-controller writes into OVSDB while it runs
PORT_MARKS = ('ovn-chassis-id', 'ovn-localnet-port', 'ovn-l2gateway-port',
              'ovn-l3gateway-port', 'ovn-logical-patch-port', 'ovn-patch-port')
IFACE_KEYS = ('iface-id', 'ovn-installed', 'ovn-installed-ts')
BRIDGE_KEY_PREFIXES = ('ct-zone-', 'ovn-')
BRIDGE_OTHER = ('disable-in-band', 'hwaddr')
STANDALONE_FLOWS = 'priority=0,actions=NORMAL\n'


def marked(ids, owner):
    """(chassis, central): the host is our chassis / our central by its
    marks (``central_of`` also takes a chassis of ours running ovn-northd)."""
    return ids.get(MARK) == owner, ids.get(CENTRAL_MARK) == owner


def mappings_without_ours(have):
    """``ovn-bridge-mappings`` without our network's entry ('' when none is left)."""
    return ','.join(p for p in (have or '').split(',')
                    if p and p.split(':')[0] != EXT_NETWORK)


def ids_after(ids, central_stays):
    """The Open_vSwitch external_ids once the chassis keys we set are gone:
    ours out of ``ovn-bridge-mappings`` (others kept), ``CENTRAL_MARK`` too
    unless the central stays for now."""
    after = dict((k, v) for k, v in ids.items() if k not in KEYS + (MARK,))
    if 'ovn-bridge-mappings' in after:
        kept = mappings_without_ours(after['ovn-bridge-mappings'])
        if kept:
            after['ovn-bridge-mappings'] = kept
        else:
            del after['ovn-bridge-mappings']
    if not central_stays:
        after.pop(CENTRAL_MARK, None)
    return after


def ovsdb_leftovers(ids, state, bridge, owner, central_stays):
    """The ovs-vsctl sub-commands (one transaction) that remove what OVN and
    our chassis keys left in OVSDB (step 4)."""
    cmds = []
    for name, port in sorted(state['ports'].items()):
        if any(k in port['external_ids'] for k in PORT_MARKS):
            cmds.append(['--if-exists', 'del-port', port['bridge'], name])
        elif port['external_ids'].get(OWNER_KEY) == owner and port['external_ids'].get(TENANT_KEY):
            cmds += [['remove', 'Interface', name, 'external_ids', key] for key in IFACE_KEYS
                     if key in (port.get('interface_external_ids') or {})]
    have = state['bridges'].get(bridge)
    if have is not None:
        cmds += [['remove', 'Bridge', bridge, 'external_ids', key]
                 for key in sorted(have['external_ids']) if key.startswith(BRIDGE_KEY_PREFIXES)]
        cmds += [['remove', 'Bridge', bridge, 'other_config', key]
                 for key in BRIDGE_OTHER if key in have['other_config']]
    after = ids_after(ids, central_stays)
    cmds += [['set', 'Open_vSwitch', '.', set_key('external_ids', k, v)]
             for k, v in sorted(after.items()) if ids.get(k) != v]
    cmds += [['remove', 'Open_vSwitch', '.', 'external_ids', k] for k in sorted(ids)
             if k not in after]
    return cmds


def central_of(params, have):
    """(central, stays) of a host with our marks: it is our central (its
    mark, or it runs ovn-northd: centrals made before the mark existed), and
    it stays up this run (other chassis still use it)."""
    central = marked(have['ids'], params['owner'])[1] or have['northd']
    return central, bool(central and have['other_chassis'])


def stop_argv(daemon, systemd):
    """Stop *daemon* ('controller' or 'northd': with its databases) now and
    at boot."""
    if systemd:
        return ['systemctl', 'disable', '--now', 'ovn-host' if daemon == 'controller'
                else 'ovn-central']
    return [OVN_CTL, 'stop_' + daemon, '--no-monitor']


def plan(params, have):
    """[Step] from *have* (``OvnLeaveDriver.read``)."""
    owner, bridge = params['owner'], params['bridge']
    ids = have['ids']
    chassis, central = marked(ids, owner)
    if not (chassis or central):
        return []
    central, central_stays = central_of(params, have)
    steps = []
    if have.get('nb') is not None:
        cmds = planner.plan(model.desired(dict(tenants=[], owner=owner, next_hop=None),
                                          {}, None, None), have['nb'])
        if cmds:
            steps.append(Step('run', 'ovn-nbctl', planner.argv(cmds, None, params['timeout'])[1:],
                              obj='OVN_Northbound'))
    if have['controller']:
        argv = stop_argv('controller', have['systemd'])
        steps.append(Step('service.stop', argv[0], argv[1:], obj='ovn-controller'))
    if chassis and bridge in have['state']['bridges']:
        steps.append(Step('run', 'ovs-ofctl', ['replace-flows', bridge, '-'], obj=bridge,
                          detail='standalone: NORMAL', stdin=STANDALONE_FLOWS))
    cmds = ovsdb_leftovers(ids, have['state'], bridge, owner, central_stays)
    if cmds:
        argv = base_argv(timeout=params['timeout'])
        for cmd in cmds:
            argv += ['--'] + cmd
        steps.append(Step('run', argv[0], argv[1:], obj='Open_vSwitch'))
    if central and not central_stays and have['northd']:
        argv = stop_argv('northd', have['systemd'])
        steps.append(Step('service.stop', argv[0], argv[1:], obj='ovn-northd'))
    return steps


class OvnLeaveDriver(Driver):
    """Params: ``owner``, ``bridge`` (the integration bridge), ``systemd``
    (None: whether /run/systemd/system exists), ``timeout``."""

    def normalize(self):
        return dict(self.params)

    def _json(self, runner, argv, what):
        rc, out, err = runner.run(argv)
        if rc != 0:
            raise CommandError('ovn_leave: %s failed (rc=%s): %s'
                               % (what, rc, first_line(err) or 'no output'))
        return out

    def read(self, runner, want):
        owner = want['owner']
        rc, out, _err = runner.run(IDS_ARGV)
        if rc != 0:     # no OVS answering: nothing of OVN can be left in it
            return dict(ids={})
        ids = parse_ids(out)
        if not any(marked(ids, owner)):
            return dict(ids=ids)
        systemd = want['systemd'] if want.get('systemd') is not None else os.path.isdir(
            '/run/systemd/system')
        have = dict(ids=ids, systemd=systemd, nb=None, other_chassis=[],
                    state=parse_state(self._json(runner, read_argv(), 'reading OVSDB')),
                    controller=pid_alive(os.path.join(OVN_RUNDIR, 'ovn-controller.pid')),
                    northd=pid_alive(os.path.join(OVN_RUNDIR, 'ovn-northd.pid')))
        if have['northd']:
            have['nb'] = read.parse(self._json(runner, read.read_argv(), 'reading the OVN NB'),
                                    owner)
            sb = json.loads(self._json(runner, ['ovn-sbctl', '--format=json', '--columns=name',
                                                'list', 'Chassis'], 'reading the OVN SB'))
            own = ids.get('system-id')
            have['other_chassis'] = sorted(r[0] for r in sb['data'] if r[0] != own)
        return have

    def plan(self, want, have):
        return Plan(plan(want, have), waiting=have.get('other_chassis') or [])

    def diff(self, want, have, plan):
        if not any(marked(have['ids'], want['owner'])):
            return have['ids'], have['ids']
        return have['ids'], ids_after(have['ids'], central_of(want, have)[1])

    def extra(self, want, have, plan):
        if plan.waiting:
            self.module.warn('ovn_leave: the OVN central stays up while chassis %s still use '
                             'it; the next site.yml stops it' % ', '.join(plan.waiting))
        return dict(waiting=plan.waiting, changes=changes(plan.steps))
