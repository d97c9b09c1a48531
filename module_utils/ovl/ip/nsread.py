# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""In-process reads inside network namespaces, for scale.

At hundreds of tenants, one process per veth end (``ethtool -k``) and per
router (``sysctl -n``) dominated a no-change run. Here the module process
enters each namespace with ``setns(2)`` (``ovl.core.netns.entered``) and reads:

- the TX checksum state of a device with the ``SIOCETHTOOL`` ioctl
  (``ETHTOOL_GTXCSUM``, the value ``ethtool -k`` shows as tx-checksumming);
- sysctls from ``/proc/sys`` (net sysctls are those of the reader's netns).

Nothing is written.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import array
import errno
import fcntl
import socket
import struct

SIOCETHTOOL = 0x8946
ETHTOOL_GTXCSUM = 0x00000016


def tx_checksum(dev):
    """True/False: TX checksum offload of *dev* in the current netns; None
    when the device does not exist or does not answer."""
    value = array.array('I', [ETHTOOL_GTXCSUM, 0])
    address, _length = value.buffer_info()
    request = struct.pack('16sP', dev.encode('utf-8')[:15], address)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        fcntl.ioctl(sock.fileno(), SIOCETHTOOL, request)
    except (IOError, OSError) as exc:
        if exc.errno in (errno.ENODEV, errno.EOPNOTSUPP, errno.ENXIO):
            return None
        raise
    finally:
        sock.close()
    return bool(value[1])


def sysctl(key):
    """The value of sysctl *key* (dotted) in the current netns, whitespace
    folded as ``sysctl -n`` prints it."""
    with open('/proc/sys/' + key.replace('.', '/')) as handle:
        return ' '.join(handle.read().split())
