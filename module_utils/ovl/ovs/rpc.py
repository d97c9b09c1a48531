# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""A small OVSDB client (RFC 7047: JSON-RPC on the database's unix socket),
for the long-running Docker plugin: one ``transact`` is one round trip whose
cost does not grow with the number of ports on the bridge, where every
``ovs-vsctl`` process first downloads the Bridge, Port and Interface tables
(measured: 10 ms per add-port at 1 port, 40 ms at 200).

Standard library only (the plugin runs outside Ansible). The modules keep
ovs-vsctl (``ovl.ovs.db``): one read and one transaction per run, where the
download is paid once."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket

DEFAULT_DB = 'unix:/var/run/openvswitch/db.sock'
DATABASE = 'Open_vSwitch'
CHUNK = 65536


class RpcError(Exception):
    """The database is not reachable, or it refused a transaction."""


def socket_path(db):
    """``unix:PATH`` (ovs-vsctl's ``--db`` form) or None (the default) -> PATH."""
    db = db or DEFAULT_DB
    if not db.startswith('unix:') or len(db) == len('unix:'):
        raise RpcError('OVSDB address %r: only unix:PATH is supported' % db)
    return db[len('unix:'):]


def op_errors(ops, results):
    """The errors of a transact answer, one line each ('' when it committed).
    The answer holds one result per operation, and one more when the commit
    itself failed (a constraint, a referential integrity error)."""
    lines = []
    for index, result in enumerate(results or []):
        if isinstance(result, dict) and result.get('error'):
            what = ops[index].get('op', '?') + ' ' + ops[index].get('table', '') \
                if index < len(ops) else 'commit'
            lines.append('%s: %s%s' % (what.strip(), result['error'],
                                       (' (%s)' % result['details']) if result.get('details') else ''))
    return '; '.join(lines)


class Connection(object):
    """One connection to ovsdb-server; ``with Connection(db) as c: c.transact(...)``."""

    def __init__(self, db=None, timeout=10.0):
        self.path = socket_path(db)
        self.timeout = timeout
        self.sock = None
        self.buf = b''
        self.next_id = 0
        self.decoder = json.JSONDecoder()

    def __enter__(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        try:
            self.sock.connect(self.path)
        except (OSError, socket.error) as exc:
            self.sock.close()
            raise RpcError('ovsdb-server is not reachable at %s: %s' % (self.path, exc))
        return self

    def __exit__(self, *exc):
        self.sock.close()
        return False

    def send(self, message):
        try:
            self.sock.sendall(json.dumps(message).encode('utf-8'))
        except (OSError, socket.error) as exc:
            raise RpcError('writing to ovsdb-server at %s: %s' % (self.path, exc))

    def receive(self):
        """The next whole JSON message on the stream."""
        while True:
            text = self.buf.decode('utf-8', 'replace').lstrip()
            if text:
                try:
                    message, end = self.decoder.raw_decode(text)
                except ValueError:
                    message = None
                if message is not None:
                    self.buf = text[end:].encode('utf-8')
                    return message
            try:
                chunk = self.sock.recv(CHUNK)
            except socket.timeout:
                raise RpcError('ovsdb-server at %s did not answer within %ss'
                               % (self.path, self.timeout))
            except (OSError, socket.error) as exc:
                raise RpcError('reading from ovsdb-server at %s: %s' % (self.path, exc))
            if not chunk:
                raise RpcError('ovsdb-server at %s closed the connection' % self.path)
            self.buf += chunk

    def request(self, method, params):
        self.next_id += 1
        ident = self.next_id
        self.send({'method': method, 'params': params, 'id': ident})
        while True:
            message = self.receive()
            if not isinstance(message, dict):
                raise RpcError('ovsdb-server sent %r' % (message,))
            if message.get('method') == 'echo':     # the server's keepalive
                self.send({'result': message.get('params'), 'error': None,
                           'id': message.get('id')})
                continue
            if message.get('id') != ident:
                continue                            # a notification: not ours
            if message.get('error'):
                raise RpcError('ovsdb-server refused %s: %s' % (method, message['error']))
            return message.get('result')

    def transact(self, *ops):
        """Every operation in ONE transaction; the results, or RpcError."""
        results = self.request('transact', [DATABASE] + list(ops))
        problem = op_errors(ops, results)
        if problem:
            raise RpcError('OVSDB transaction failed: ' + problem)
        return results


def uuid(value):
    return ['uuid', value]


def named(value):
    return ['named-uuid', value]


def ovs_set(values):
    return ['set', list(values)]


def ovs_map(pairs):
    return ['map', [[k, v] for k, v in sorted(pairs.items())]]
