# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""What the plugin does on its host (``ovl.docker.api``'s actions): attach a
container's interface to the integration bridge with its tenant's VLAN,
detach it. Argv lists only.

attach (Join): a veth ``ovd<sha1[:10]>`` (host end, a port of br-int) <->
``ovt<sha1[:10]>`` (Docker moves it into the container and names it
``eth0``), at the tenant's MTU, the container's MAC on its end, TX checksum
offload off on both ends with the userspace datapath (TCP breaks
otherwise), then in ONE OVSDB transaction the port (any leftover of the
same endpoint deleted first: a Join after a crash or a host restart finds
it) with the tenant's tag and its marks (``external_ids``: ovl-tenant,
ovl-workload=docker, ovl-endpoint). A Join again (container restart,
dockerd or plugin restart) makes both anew.

wait_attached (ProgramExternalConnectivity, which dockerd sends after it
has moved the interface into the container and before the container
starts): until ovs-vswitchd has given the port an OpenFlow number. Join does
not wait: ovs-vswitchd's reconfiguration grows with the ports on the bridge
(measured: 1 ms at 1 port, 17 ms at 200, netdev), and runs meanwhile.

The OVSDB work is JSON-RPC on the database's socket (``ovl.ovs.rpc``), not
ovs-vsctl: its cost does not grow with the number of ports on the bridge.

detach (Leave, DeleteEndpoint): the port and the veth, if they are there."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.ovl.core.marks import OWNER_KEY, TENANT_KEY, WORKLOAD_KEY
from ansible.module_utils.ovl.core.runner import Binaries, CommandError, Runner
from ansible.module_utils.ovl.docker.api import ActionError
from ansible.module_utils.ovl.ip.nswrite import WriteError, set_tx_checksum
from ansible.module_utils.ovl.ovs import rpc

WORKLOAD = 'docker'
ENDPOINT_KEY = 'ovl-endpoint'
PLUG_WAIT_MS = 10000


class HostActions(object):
    """*db*: the OVSDB socket (None: ovs-vsctl's default)."""

    def __init__(self, db=None, runner=None):
        self.db = db
        self.runner = runner or Runner(Binaries())

    def link_exists(self, name):
        """In the current network namespace (``/sys`` may show another)."""
        return self.runner.run(['ip', 'link', 'show', 'dev', name])[0] == 0

    def run(self, argv):
        try:
            self.runner.check(argv)
        except CommandError as exc:
            raise ActionError(str(exc))

    @staticmethod
    def tx_off(dev):
        """``ethtool -K DEV tx off``, in-process (the host needs no ethtool)."""
        try:
            set_tx_checksum(dev, False)
        except WriteError as exc:
            raise ActionError(str(exc))

    def attach(self, record, tenant, config):
        port, peer = record['port'], record['peer']
        if self.link_exists(port):
            self.run(['ip', 'link', 'del', port])
        mtu = str(tenant.mtu)
        self.run(['ip', 'link', 'add', port, 'mtu', mtu, 'type', 'veth', 'peer', 'name', peer,
                  'mtu', mtu, 'address', record['mac']])
        try:
            self.plug(record, tenant, config)
        except ActionError:
            self.runner.run(['ip', 'link', 'del', port])    # no veth left behind
            raise

    def plug(self, record, tenant, config):
        port, peer = record['port'], record['peer']
        if config.netdev:
            for dev in (port, peer):
                self.tx_off(dev)
        self.run(['ip', 'link', 'set', port, 'up'])
        marks = {OWNER_KEY: config.owner, TENANT_KEY: tenant.name, WORKLOAD_KEY: WORKLOAD,
                 ENDPOINT_KEY: record.get('endpoint', port)}
        try:
            with rpc.Connection(self.db) as db:
                ops = unplug_ops(port_uuids(db, port))
                ops += [{'op': 'insert', 'table': 'Interface', 'row': {'name': port},
                         'uuid-name': 'iface'},
                        {'op': 'insert', 'table': 'Port', 'uuid-name': 'port',
                         'row': {'name': port, 'interfaces': rpc.named('iface'),
                                 'tag': tenant.tag, 'external_ids': rpc.ovs_map(marks)}},
                        {'op': 'mutate', 'table': 'Bridge',
                         'where': [['name', '==', config.bridge]],
                         'mutations': [['ports', 'insert', rpc.ovs_set([rpc.named('port')])]]}]
                if db.transact(*ops)[-1].get('count') != 1:
                    raise ActionError('bridge %s is not there: run site.yml on this host'
                                      % config.bridge)
        except rpc.RpcError as exc:
            raise ActionError('port %s on %s: %s' % (port, config.bridge, exc))

    def wait_attached(self, record, config):
        try:
            with rpc.Connection(self.db) as db:
                self.wait_plugged(db, record['port'])
        except rpc.RpcError as exc:
            raise ActionError('port %s on %s: %s' % (record['port'], config.bridge, exc))

    @staticmethod
    def wait_plugged(db, port):
        """Until ovs-vswitchd has given the interface an OpenFlow port (what
        ovs-vsctl's wait for cur_cfg gives, for this port alone); -1 is its
        refusal, with the reason in ``error``."""
        where = [['name', '==', port]]
        row = db.transact(
            {'op': 'wait', 'table': 'Interface', 'where': where, 'columns': ['ofport'],
             'until': '!=', 'rows': [{'ofport': rpc.ovs_set([])}], 'timeout': PLUG_WAIT_MS},
            {'op': 'select', 'table': 'Interface', 'where': where,
             'columns': ['ofport', 'error']})[1]['rows']
        if not row:
            raise ActionError('port %s went away before ovs-vswitchd added it' % port)
        row = row[0]
        if row['ofport'] == -1:
            raise ActionError('ovs-vswitchd did not add port %s: %s' % (port, row['error']))

    def detach(self, record, config):
        port = record['port']
        try:
            with rpc.Connection(self.db) as db:
                ops = unplug_ops(port_uuids(db, port))
                if ops:
                    db.transact(*ops)
        except rpc.RpcError as exc:
            raise ActionError('port %s on %s: %s' % (port, config.bridge, exc))
        if self.link_exists(port):
            self.run(['ip', 'link', 'del', port])


def port_uuids(db, name):
    rows = db.transact({'op': 'select', 'table': 'Port', 'where': [['name', '==', name]],
                        'columns': ['_uuid']})[0]['rows']
    return [row['_uuid'][1] for row in rows]


def unplug_ops(uuids):
    """Take the ports off whatever bridge holds them (OVSDB then drops the
    unreferenced Port and Interface rows)."""
    if not uuids:
        return []
    return [{'op': 'mutate', 'table': 'Bridge', 'where': [],
             'mutations': [['ports', 'delete', rpc.ovs_set(rpc.uuid(u) for u in uuids)]]}]
