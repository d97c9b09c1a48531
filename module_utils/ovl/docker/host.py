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

detach (Leave, DeleteEndpoint): the port and the veth, if they are there."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil

from ansible.module_utils.ovl.core.marks import OWNER_KEY, TENANT_KEY, WORKLOAD_KEY
from ansible.module_utils.ovl.core.runner import CommandError, Runner
from ansible.module_utils.ovl.docker.api import ActionError
from ansible.module_utils.ovl.ip.nswrite import WriteError, set_tx_checksum

WORKLOAD = 'docker'
ENDPOINT_KEY = 'ovl-endpoint'
SBIN = ('/usr/local/sbin', '/usr/sbin', '/sbin')


class Binaries(object):
    """``get_bin_path`` for the Runner, outside Ansible (PATH, then sbin)."""

    def get_bin_path(self, name, required=False):
        path = os.pathsep.join([os.environ.get('PATH', '')] + list(SBIN))
        return shutil.which(name, path=path)


class HostActions(object):
    """*db*: the OVSDB socket (None: ovs-vsctl's default)."""

    def __init__(self, db=None, runner=None):
        self.db = db
        self.runner = runner or Runner(Binaries())

    def vsctl(self, *args):
        return ['ovs-vsctl', '--timeout=10'] + (['--db=' + self.db] if self.db else []) + list(args)

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
        self.run(self.vsctl(
            '--', '--if-exists', 'del-port', config.bridge, port,
            '--', 'add-port', config.bridge, port, 'tag=%d' % tenant.tag,
            '--', 'set', 'Port', port,
            'external_ids:%s=%s' % (OWNER_KEY, config.owner),
            'external_ids:%s=%s' % (TENANT_KEY, tenant.name),
            'external_ids:%s=%s' % (WORKLOAD_KEY, WORKLOAD),
            'external_ids:%s=%s' % (ENDPOINT_KEY, record.get('endpoint', port))))

    def detach(self, record, config):
        port = record['port']
        self.run(self.vsctl('--', '--if-exists', 'del-port', config.bridge, port))
        if self.link_exists(port):
            self.run(['ip', 'link', 'del', port])
