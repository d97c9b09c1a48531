# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Gratuitous ARP: an endpoint announces its address and Ethernet address.

When an endpoint is made (a new host, a rename, an address or MAC change),
its peers still hold the old location: the neighbour entries of the other
endpoints and routers (IP -> old MAC), the MAC tables of the bridges
(br-int's NORMAL learning, flow mode's learned br-tun flows, the kernel
VXLAN device's learned FDB entries: old MAC or same MAC -> old host). Until
they expire, traffic to the endpoint is lost (measured before this: 3.5-38 s
after the run). One broadcast ARP announcement from the endpoint (RFC 5227:
an ARP request with sender = target = its address) crosses the tenant's
tunnels and corrects every one of them: bridges learn the source, and Linux
overrides an existing neighbour entry on a gratuitous ARP at once
(``arp_process``: ``is_garp`` skips the lock time).

``announcement(mac, ip) -> bytes`` is pure; ``announce(netns, dev, ip)``
sends it from inside the namespace (setns; no process), with the
interface's own Ethernet address read from the bound socket.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import struct
import time

from ansible.module_utils.ovl.core.netns import NetnsMissing, entered

ETH_P_ARP = 0x0806
BROADCAST = b'\xff' * 6


def mac_bytes(mac):
    """'02:aa:..' -> 6 bytes (ValueError otherwise)."""
    parts = mac.split(':')
    if len(parts) != 6:
        raise ValueError('%r is not an Ethernet address' % (mac,))
    return bytes(bytearray(int(p, 16) for p in parts))


def announcement(mac, ip):
    """The Ethernet frame of an ARP announcement of *ip* at *mac* (6 bytes
    or text): broadcast, ARP request, sender = target = *ip*, target MAC
    zero; padded to the 60 bytes of a minimal frame."""
    hw = mac if isinstance(mac, bytes) and len(mac) == 6 else mac_bytes(mac)
    addr = socket.inet_aton(ip)
    arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, hw, addr, b'\x00' * 6, addr)
    frame = BROADCAST + hw + struct.pack('!H', ETH_P_ARP) + arp
    return frame + b'\x00' * (60 - len(frame))


class AnnounceError(Exception):
    pass


def _send(dev, ip):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    try:
        sock.bind((dev, ETH_P_ARP))
        hw = sock.getsockname()[4]
        sock.send(announcement(hw, ip))
        return ':'.join('%02x' % b for b in bytearray(hw))
    finally:
        sock.close()


def announce(netns, dev, ip):
    """Send one announcement of *ip* from *dev* in *netns* (None: the host);
    the MAC announced (text). AnnounceError names what failed."""
    try:
        with entered(netns):
            return _send(dev, ip)
    except (NetnsMissing, OSError, socket.error) as exc:
        raise AnnounceError('announcing %s on %s in namespace %s: %s'
                            % (ip, dev, netns or 'of the host', exc))


def announce_all(endpoints, rounds=2, interval=0.05, send=announce):
    """Announce every endpoint ({netns, dev, address}) *rounds* times, one
    round after the other (*interval* s between rounds, not per endpoint: a
    first run of 1000 endpoints stays ~1 ms each). Returns ([{netns, dev,
    address, mac}] sent, [error text])."""
    sent, errors = {}, []
    failed = set()
    for index in range(rounds):
        if index:
            time.sleep(interval)
        for item in endpoints:
            key = (item['netns'], item['dev'], item['address'])
            if key in failed:
                continue
            try:
                sent[key] = send(item['netns'], item['dev'], item['address'])
            except AnnounceError as exc:
                failed.add(key)
                errors.append(str(exc))
    done = [dict(netns=k[0], dev=k[1], address=k[2], mac=sent[k]) for k in sorted(
        sent, key=lambda k: (k[0] or '', k[1], k[2]))]
    return done, errors
