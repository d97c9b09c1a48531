#!/usr/bin/env python3
"""Packets for the overlay probes, with the Python standard library only, so
the verify needs nothing on a host beyond python3 and iproute2 (a stock
Debian host has no ping, arping or tcpdump):

- ``icmp_ping(dst, count, ...)``: ICMP echo over a raw socket, optionally
  with DF set (``IP_PMTUDISC_DO``): a packet above the route MTU is refused
  by the kernel with EMSGSIZE, which is what ``ping -M do`` shows as
  "message too long";
- ``arp_who_has(iface, target)``: one ARP request broadcast on *iface*.

Both run in the network namespace of the calling process
(``ip netns exec NS python3 ...``).
"""
import errno
import os
import select
import socket
import struct
import time

IP_MTU_DISCOVER, IP_PMTUDISC_DO = 10, 2
ICMP_ECHO, ICMP_ECHOREPLY = 8, 0


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def echo_request(ident, seq, size):
    payload = (b"ovl-probe" * (size // 9 + 1))[:size]
    head = struct.pack("!BBHHH", ICMP_ECHO, 0, 0, ident, seq)
    return struct.pack("!BBHHH", ICMP_ECHO, 0, checksum(head + payload), ident, seq) + payload


def icmp_ping(dst, count=3, interval=0.2, timeout=1.0, size=56, df=False, deadline=None):
    """{sent, received, error}: error is e.g. "message too long" when the
    kernel refused to send (DF and above the MTU)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    if df:
        sock.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
    ident = (os.getpid() ^ int(time.time() * 1000)) & 0xffff
    sent = received = 0
    error = None
    stop = time.time() + (deadline or count * (interval + timeout) + 1)
    try:
        for seq in range(1, count + 1):
            if time.time() >= stop:
                break
            try:
                sock.sendto(echo_request(ident, seq, size), (dst, 0))
                sent += 1
            except OSError as exc:
                error = "message too long" if exc.errno == errno.EMSGSIZE else os.strerror(exc.errno)
                break
            wait_until = min(time.time() + timeout, stop)
            while time.time() < wait_until:
                ready, _, _ = select.select([sock], [], [], max(0, wait_until - time.time()))
                if not ready:
                    break
                packet, addr = sock.recvfrom(65535)
                ihl = (packet[0] & 0x0f) * 4
                kind, _, _, rid, rseq = struct.unpack("!BBHHH", packet[ihl:ihl + 8])
                if kind == ICMP_ECHOREPLY and rid == ident and rseq == seq and addr[0] == dst:
                    received += 1
                    break
            if seq < count:
                time.sleep(interval)
    finally:
        sock.close()
    return {"sent": sent, "received": received, "error": error}


def mac_of(iface):
    with open("/sys/class/net/%s/address" % iface) as handle:
        return bytes(int(x, 16) for x in handle.read().strip().split(":"))


def ipv4_of(iface):
    """The first IPv4 address of *iface* (SIOCGIFADDR)."""
    import fcntl
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        raw = fcntl.ioctl(sock.fileno(), 0x8915, struct.pack("256s", iface.encode()[:15]))
    finally:
        sock.close()
    return raw[20:24]


def arp_who_has(iface, target, count=1):
    """Broadcast *count* ARP requests for *target* from *iface*."""
    mac, own = mac_of(iface), ipv4_of(iface)
    frame = (b"\xff" * 6 + mac + struct.pack("!H", 0x0806)
             + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + own + b"\0" * 6
             + socket.inet_aton(target))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    try:
        sock.bind((iface, 0))
        for _ in range(count):
            sock.send(frame)
            time.sleep(0.05)
    finally:
        sock.close()
    return count
