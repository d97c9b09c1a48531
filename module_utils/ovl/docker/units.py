# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The plugin's systemd units: a socket unit that listens on the plugin's
socket before ``docker.service`` starts (socket activation), so dockerd
finds the driver at boot and containers on its networks, ``--restart
always`` ones too, come back; and the service it starts (also started at
boot on its own, after Open vSwitch)."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

UNIT_DIR = '/etc/systemd/system'
NAME = 'ovl-docker-plugin'
SOCKET_UNIT = NAME + '.socket'
SERVICE_UNIT = NAME + '.service'


def socket_unit(socket_path):
    return '\n'.join([
        '# Written by the overlay (ovl) project: the Docker network plugin\'s socket.',
        '[Unit]',
        'Description=Docker network and IPAM plugin of the overlay (socket)',
        'Before=docker.service',
        '',
        '[Socket]',
        'ListenStream=%s' % socket_path,
        'SocketMode=0660',
        '',
        '[Install]',
        'WantedBy=sockets.target',
        ''])


def service_unit(argv):
    return '\n'.join([
        '# Written by the overlay (ovl) project: the Docker network plugin.',
        '[Unit]',
        'Description=Docker network and IPAM plugin of the overlay',
        'Requires=%s' % SOCKET_UNIT,
        'After=%s openvswitch-switch.service' % SOCKET_UNIT,
        'Wants=openvswitch-switch.service',
        'Before=docker.service',
        '',
        '[Service]',
        'ExecStart=%s' % ' '.join(argv),
        'Restart=on-failure',
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        'Also=%s' % SOCKET_UNIT,
        ''])


def units(argv, socket_path):
    """{path: text} of both units."""
    return {'%s/%s' % (UNIT_DIR, SOCKET_UNIT): socket_unit(socket_path),
            '%s/%s' % (UNIT_DIR, SERVICE_UNIT): service_unit(argv)}
