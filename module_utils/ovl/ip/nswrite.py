# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""In-process writes of the per-device and per-namespace settings a plan
holds as ``ethtool -K``, ``sysctl -w`` and marker-file commands.

The plan keeps those argv lists (check mode and ``commands`` show them, and
they say exactly what is done); the executor (``ovl.ip.batch``) performs
them here instead of starting a process for each: inside the namespace the
executor entered with setns, ``ethtool -K DEV tx on|off`` is the
``ETHTOOL_SFEATURES`` ioctl on the same features ethtool's ``tx`` group
names, and ``sysctl -w KEY=VALUE`` a write to /proc/sys. So a host needs
neither ethtool nor procps, and a first run with hundreds of namespaces
starts no process per device or namespace for these.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import array
import errno
import fcntl
import os
import socket
import struct

SIOCETHTOOL = 0x8946
ETHTOOL_GSTRINGS, ETHTOOL_GSSET_INFO, ETHTOOL_SFEATURES = 0x1b, 0x37, 0x3b
ETH_SS_FEATURES, ETH_GSTRING_LEN = 4, 32
# the features `ethtool -K DEV tx on|off` switches (ethtool's "tx" group)
TX_FEATURES = ('tx-checksum-ipv4', 'tx-checksum-ip-generic', 'tx-checksum-ipv6',
               'tx-checksum-fcoe-crc', 'tx-checksum-sctp')


class WriteError(Exception):
    """An in-process write failed; ``str()`` says what and where."""


def _ioctl(dev, buf):
    address, _length = buf.buffer_info()
    request = struct.pack('16sP', dev.encode('utf-8')[:15], address)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        fcntl.ioctl(sock.fileno(), SIOCETHTOOL, request)
    finally:
        sock.close()


def feature_names(dev):
    """The kernel's netdev feature names, in bit order (ETH_SS_FEATURES)."""
    info = array.array('I', [ETHTOOL_GSSET_INFO, 0, 1 << ETH_SS_FEATURES, 0, 0])
    _ioctl(dev, info)
    count = info[4]
    raw = array.array('B', struct.pack('=III', ETHTOOL_GSTRINGS, ETH_SS_FEATURES, count)
                      + b'\0' * (count * ETH_GSTRING_LEN))
    _ioctl(dev, raw)
    data = raw.tobytes()[12:]
    return [data[i * ETH_GSTRING_LEN:(i + 1) * ETH_GSTRING_LEN].split(b'\0', 1)[0].decode()
            for i in range(count)]


def set_tx_checksum(dev, on):
    """``ethtool -K DEV tx on|off`` in the current network namespace."""
    try:
        names = feature_names(dev)
        bits = [names.index(name) for name in TX_FEATURES if name in names]
        blocks = [[0, 0] for _block in range((len(names) + 31) // 32)]
        for bit in bits:
            blocks[bit // 32][0] |= 1 << (bit % 32)
            if on:
                blocks[bit // 32][1] |= 1 << (bit % 32)
        words = [ETHTOOL_SFEATURES, len(blocks)] + [w for block in blocks for w in block]
        _ioctl(dev, array.array('I', words))
    except (IOError, OSError) as exc:
        raise WriteError('ethtool -K %s tx %s: %s'
                         % (dev, 'on' if on else 'off', os.strerror(exc.errno or errno.EIO)))


def write_sysctl(key, value):
    """``sysctl -w KEY=VALUE`` in the current network namespace."""
    try:
        with open('/proc/sys/' + key.replace('.', '/'), 'w') as handle:
            handle.write(value)
    except (IOError, OSError) as exc:
        raise WriteError('sysctl -w %s=%s: %s' % (key, value, exc.strerror or exc))


def touch(path):
    try:
        with open(path, 'a'):
            pass
    except (IOError, OSError) as exc:
        raise WriteError('touch %s: %s' % (path, exc.strerror or exc))


def make_dir(path):
    try:
        os.makedirs(path)
    except OSError as exc:
        if exc.errno != errno.EEXIST or not os.path.isdir(path):
            raise WriteError('mkdir -p %s: %s' % (path, exc.strerror or exc))


def remove(path):
    try:
        os.remove(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise WriteError('rm -f %s: %s' % (path, exc.strerror or exc))
