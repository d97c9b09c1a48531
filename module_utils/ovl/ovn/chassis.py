# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The ``chassis`` layer of ``overlay_apply`` (OVN backend): the keys of the
Open_vSwitch table's ``external_ids`` that make ovn-controller on this host
a chassis of the central's southbound database.

- ``ovn-remote`` (tcp:CENTRAL:6642), ``ovn-encap-type``, ``ovn-encap-ip``
  (the host's VTEP), ``ovn-bridge`` (the integration bridge),
  ``ovn-bridge-datapath-type`` and ``ovn-remote-probe-interval`` (60 s:
  ``PROBE_MS``) are set as the model says;
- ``ovn-bridge-mappings`` gets ``ovl-ext:br-phy`` (the routers' external
  network) added to the mappings the host already has, never replacing one;
- ``system-id`` (the chassis name) is set to the inventory host name only
  when the host has none: ovs-ctl and the Debian package give every host
  one, and the project does not rename a chassis it did not name;
- ``ovl-chassis`` = the owner marks the keys as the project's, and on the
  central ``ovl-central`` = the owner marks its OVN daemons as started for
  the project (``ovl.ovn.leave`` reads both when the fleet goes back to the
  ovs backend).
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.ovl.core.result import Driver, Plan
from ansible.module_utils.ovl.core.runner import CommandError, first_line
from ansible.module_utils.ovl.core.step import Step
from ansible.module_utils.ovl.ovs.read import datum
from ansible.module_utils.ovl.ovs.syntax import set_key
from ansible.module_utils.ovl.ovn.model import EXT_NETWORK

ARGUMENT_SPEC = dict(
    keys=dict(type='dict', required=True),
    system_id=dict(type='str', required=True),
    mapping=dict(type='str'),
    owner=dict(type='str', default='ovl'),
    central=dict(type='bool', default=False),
)
MARK = 'ovl-chassis'
CENTRAL_MARK = 'ovl-central'
# the keys chassis_keys sets (and ovl.ovn.leave removes)
KEYS = ('ovn-remote', 'ovn-encap-type', 'ovn-encap-ip', 'ovn-bridge', 'ovn-bridge-datapath-type',
        'ovn-remote-probe-interval')
SB_PORT = 6642
# ms between the probes of the chassis' southbound connection (and the SB
# server's of its clients, set with the connection): OVN's default, 5 s,
# dropped every chassis of the lab in a loop at T=500 (the SB server, busy
# with ovn-northd's first computation, missed a probe; each reconnect starts
# the full dump again and none finished). 60 s as Neutron's ML2/OVN sets it.
PROBE_MS = 60000


# the Open_vSwitch table's external_ids, where the chassis keys live
IDS_ARGV = ['ovs-vsctl', '--format=json', '--columns=external_ids', 'list', 'Open_vSwitch']


def parse_ids(out):
    """The external_ids of the Open_vSwitch row, from ``IDS_ARGV``'s output."""
    rows = json.loads(out)['data']
    return datum(rows[0][0]) if rows else {}


def chassis_keys(facts, central_ip, bridge_mapping):
    """The keys of a chassis with *facts* (HostFacts) whose central is at
    *central_ip*; *bridge_mapping*: the bridge of the external network."""
    values = ('tcp:%s:%d' % (central_ip, SB_PORT), facts.ovn_encap, facts.underlay_ip,
              facts.integration_bridge, facts.datapath_type, str(PROBE_MS))
    return dict(zip(KEYS, values)), '%s:%s' % (EXT_NETWORK, bridge_mapping)


def merged_mappings(have, mapping):
    """*have* (``net:br,net:br``) with *mapping* for its network, others kept."""
    net = mapping.split(':')[0]
    pairs = [p for p in (have or '').split(',') if p and p.split(':')[0] != net]
    return ','.join(pairs + [mapping])


def wanted(params, have):
    """The keys as they must be, given the host's *have*."""
    want = dict(params['keys'], **{MARK: params['owner']})
    if params.get('central'):
        want[CENTRAL_MARK] = params['owner']
    if params.get('mapping'):
        want['ovn-bridge-mappings'] = merged_mappings(have.get('ovn-bridge-mappings'),
                                                      params['mapping'])
    if not have.get('system-id'):
        want['system-id'] = params['system_id']
    return want


def plan(params, have):
    want = wanted(params, have)
    cols = [set_key('external_ids', k, v) for k, v in sorted(want.items()) if have.get(k) != v]
    if not cols:
        return []
    return [Step('run', 'ovs-vsctl', ['set', 'Open_vSwitch', '.'] + cols, obj='Open_vSwitch')]


class ChassisDriver(Driver):

    def normalize(self):
        return dict(self.params)

    def read(self, runner, want):
        rc, out, err = runner.run(IDS_ARGV)
        if rc != 0:
            if self.module.check_mode:    # a new host: OVS is started by the real run
                self.module.warn('chassis: Open vSwitch does not answer (%s); check mode plans '
                                 'against an empty Open_vSwitch table' % first_line(err))
                return {}
            raise CommandError('ovs-vsctl could not read the Open_vSwitch table (rc=%s): %s'
                               % (rc, first_line(err) or 'no output'))
        return parse_ids(out)

    def plan(self, want, have):
        return Plan(plan(want, have))

    def diff(self, want, have, plan):
        return have, dict(have, **wanted(want, have))

    def extra(self, want, have, plan):
        return dict(system_ids=[have.get('system-id') or want['system_id']])
