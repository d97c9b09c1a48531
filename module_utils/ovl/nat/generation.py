# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Skip the NAT read of a namespace whose ruleset has not changed since the
last read, on the kernel's word.

nf_tables counts every committed ruleset transaction of a network namespace
(its generation, ``NFT_MSG_GETGEN``), whoever makes it: ``nft``,
``iptables-nft``/``iptables-restore`` (the nf_tables variant), a daemon. A
namespace is known by its cookie (``SO_NETNS_COOKIE``: unique per boot, never
reused, unlike inode numbers). So (cookie, generation) names one exact
ruleset: when both are what they were at the last read, the parsed state of
that read is the state now, and the ``iptables-save``/``nft`` process for the
namespace is not needed (500 router namespaces: 500 processes per no-change
run before).

A read is kept only when the generation was the same before and after it
(no change raced it). A write bumps the generation, so the next run reads
again; nothing is ever invalidated by hand. Used only where the tool works on
nf_tables (``nft``; ``iptables`` when it is the nf_tables variant): the
legacy x_tables do not count generations. No cookie or generation (an old
kernel, no nf_tables) means no shortcut: the namespace is read.

The kept reads live in a file of the project (``/run/ovl/nat-reads.json``,
gone with a reboot); a file that cannot be read or parsed counts as empty.
"""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os
import socket
import struct
import tempfile

NETLINK_NETFILTER = 12
NFNL_SUBSYS_NFTABLES = 10
NFT_MSG_NEWGEN, NFT_MSG_GETGEN = 15, 16
NFTA_GEN_ID = 1
NLM_F_REQUEST = 0x1
NLMSG_ERROR = 2
SO_NETNS_COOKIE = 71
NLMSG = struct.Struct('=IHHII')
NFGENMSG = struct.Struct('=BBH')
RTATTR = struct.Struct('=HH')
VERSION = 1


def request(seq=1):
    """The NFT_MSG_GETGEN request (nfgenmsg: AF_UNSPEC, NFNETLINK_V0)."""
    body = NFGENMSG.pack(0, 0, 0)
    return NLMSG.pack(NLMSG.size + len(body), (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN,
                      NLM_F_REQUEST, seq, 0) + body


def parse_reply(data):
    """The generation id in the kernel's NFT_MSG_NEWGEN reply, or None (an
    error reply, a message of another kind, no NFTA_GEN_ID)."""
    if len(data) < NLMSG.size:
        return None
    length, kind, _flags, _seq, _pid = NLMSG.unpack_from(data)
    if kind != (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN or length > len(data):
        return None
    offset = NLMSG.size + NFGENMSG.size
    while offset + RTATTR.size <= length:
        alen, atype = RTATTR.unpack_from(data, offset)
        if alen < RTATTR.size:
            return None
        if atype & 0x3fff == NFTA_GEN_ID and alen >= RTATTR.size + 4:
            return struct.unpack('!I', data[offset + RTATTR.size:offset + RTATTR.size + 4])[0]
        offset += (alen + 3) & ~3
    return None


def current():
    """(namespace cookie, ruleset generation) of the network namespace this
    thread is in, or None when either cannot be had."""
    try:
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    except (OSError, socket.error):
        return None
    try:
        cookie = struct.unpack('=Q', sock.getsockopt(socket.SOL_SOCKET, SO_NETNS_COOKIE, 8))[0]
        sock.settimeout(2)
        sock.send(request())
        gen = parse_reply(sock.recv(65536))
    except (OSError, socket.error, struct.error):
        return None
    finally:
        sock.close()
    return None if gen is None else (cookie, gen)


def load(path):
    """{key: {cookie, gen, out}} kept at *path* (*out*: what the read printed);
    {} if there is nothing usable."""
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (IOError, OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get('version') != VERSION:
        return {}
    reads = data.get('reads')
    return reads if isinstance(reads, dict) else {}


def save(path, reads):
    """Write *reads* to *path* atomically (temporary file + rename), mode 0600."""
    directory = os.path.dirname(path)
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.nat-reads-')
        try:
            with os.fdopen(fd, 'w') as handle:
                json.dump(dict(version=VERSION, reads=reads), handle)
            os.rename(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (IOError, OSError) as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES):
            raise


def key(backend, netns):
    return '%s:%s' % (backend, netns or '')


def kept(reads, backend, netns, now):
    """What the read of (backend, netns) printed, when *now* (cookie, gen) is
    still what it was at that read; else None. The text is kept, not the
    parsed state: it is parsed again as a fresh read would be."""
    if now is None:
        return None
    entry = reads.get(key(backend, netns))
    if isinstance(entry, dict) and [entry.get('cookie'), entry.get('gen')] == list(now) \
            and isinstance(entry.get('out'), str):
        return entry['out']
    return None


def entry(now, out):
    return dict(cookie=now[0], gen=now[1], out=out)
