# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The plugin's server: HTTP+JSON on a unix socket (a legacy plugin socket
under ``/run/docker/plugins/``, found by dockerd by its name), one request
at a time through ``ovl.docker.api``; the state written (atomically) after
every request that changed it, so a restarted plugin answers as before; the
host config re-read when its file changed. A request never ends the
server: a malformed one is answered ``{"Err": ...}``, an unexpected failure
too (HTTP 500), and logged."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import signal
import socket
import socketserver
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.docker import api
from ansible.module_utils.ovl.docker.config import load_config
from ansible.module_utils.ovl.docker.host import HostActions

SOCKET = '/run/docker/plugins/ovl.sock'
CONFIG = '/etc/ovl/docker-plugin.json'
STATE = '/var/lib/ovl/docker-plugin/state.json'

CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json'
MAX_BODY = 1 << 20


def read_json(path, default):
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return default


def write_json(path, data):
    """Write *data* to *path* atomically (a reader sees the old or the new file)."""
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    tmp = '%s.%d.tmp' % (path, os.getpid())
    with open(tmp, 'w') as handle:
        json.dump(data, handle, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Plugin(object):
    """The config, the state and the actions, behind one lock."""

    def __init__(self, config_path, state_path, actions, log=None):
        self.config_path, self.state_path, self.actions = config_path, state_path, actions
        self.log = log or (lambda text: sys.stderr.write(text + '\n'))
        self.lock = threading.Lock()
        self.config, self.config_stamp = None, None
        state = read_json(state_path, None)
        self.state = state if isinstance(state, dict) else api.empty_state()
        for key, value in api.empty_state().items():
            if not isinstance(self.state.get(key), dict):
                self.state[key] = value

    def current_config(self):
        """The config, re-read when its file changed; InputError when it is bad."""
        stat = os.stat(self.config_path)
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if stamp != self.config_stamp:
            self.config = load_config(read_json(self.config_path, {}))
            self.config_stamp = stamp
        return self.config

    def handle(self, path, raw):
        """(HTTP status, answer dict) of one request."""
        with self.lock:
            try:
                body = json.loads(raw.decode('utf-8')) if raw.strip() else {}
            except ValueError as exc:
                return 200, {'Err': '%s: the request is not JSON (%s)' % (path.lstrip('/'), exc)}
            try:
                config = self.current_config()
            except (OSError, ValueError, InputError) as exc:
                return 200, {'Err': 'the plugin\'s config %s cannot be used: %s'
                                    % (self.config_path, exc)}
            try:
                answer, changed = api.answer(path, body, config, self.state, self.actions)
                if changed:
                    write_json(self.state_path, self.state)
                return 200, answer
            except Exception as exc:        # never let one request end the plugin
                self.log('%s failed: %s\n%s' % (path, exc, traceback.format_exc()))
                return 500, {'Err': '%s: %s' % (path.lstrip('/'), exc)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    started = None

    def do_POST(self):
        self.started = time.monotonic()
        length = self.headers.get('Content-Length')
        try:
            size = int(length or 0)
        except ValueError:
            size = -1
        if size < 0 or size > MAX_BODY:
            self.close_connection = True
            return self.send(400, {'Err': 'Content-Length %r: not 0-%d' % (length, MAX_BODY)})
        raw = self.rfile.read(size) if size else b''
        status, answer = self.server.plugin.handle(self.path, raw)
        self.send(status, answer)

    def send(self, status, answer):
        data = json.dumps(answer).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', CONTENT_TYPE)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def address_string(self):
        return 'dockerd'

    def log_request(self, code='-', size='-'):
        """One line per request with the time it took to answer (the bench
        reads Join's)."""
        took = '' if self.started is None else ' %.1f ms' % ((time.monotonic() - self.started) * 1000)
        self.log_message('"%s" %s%s', self.requestline, code, took)

    def log_message(self, fmt, *args):
        self.server.plugin.log(fmt % args)


def inherited_socket(environ=None):
    """The listening socket systemd passed (socket activation:
    ``LISTEN_PID`` is this process, ``LISTEN_FDS`` >= 1, the first on fd 3),
    or None."""
    environ = os.environ if environ is None else environ
    try:
        if int(environ.get('LISTEN_PID', '0')) != os.getpid() or int(environ['LISTEN_FDS']) < 1:
            return None
    except (KeyError, ValueError):
        return None
    return socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=3)


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Serves *socket_path*, or the socket systemd handed over (*inherited*:
    then systemd owns the path, and dockerd's first request started us)."""
    daemon_threads = True

    def __init__(self, socket_path, plugin, inherited=None):
        self.plugin = plugin
        self.inherited = inherited
        if inherited is not None:
            socketserver.UnixStreamServer.__init__(self, socket_path, Handler,
                                                   bind_and_activate=False)
            self.socket.close()
            self.socket = inherited
            return
        if os.path.exists(socket_path):
            os.unlink(socket_path)      # a stale socket of an earlier run
        os.makedirs(os.path.dirname(socket_path) or '.', exist_ok=True)
        socketserver.UnixStreamServer.__init__(self, socket_path, Handler)


def main(argv=None):
    """``ovl-docker-plugin [--socket S] [--config C] [--state F] [--db DB]``:
    serve until SIGTERM or SIGINT. The socket's name is the driver's name
    (``ovl``: ``docker network create -d ovl --ipam-driver ovl``)."""
    parser = argparse.ArgumentParser(prog='ovl-docker-plugin', description=main.__doc__)
    parser.add_argument('--socket', default=SOCKET)
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--state', default=STATE)
    parser.add_argument('--db', default=None, help='OVSDB socket (default: ovs-vsctl\'s)')
    args = parser.parse_args(argv)
    plugin = Plugin(args.config, args.state, HostActions(db=args.db))
    try:
        plugin.current_config()
    except (OSError, ValueError, InputError) as exc:
        sys.stderr.write('ovl-docker-plugin: the config %s cannot be used: %s\n'
                         % (args.config, exc))
        return 2
    server = Server(args.socket, plugin, inherited_socket())

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    plugin.log('ovl-docker-plugin: serving %s (config %s, state %s)'
               % (args.socket, args.config, args.state))
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if server.inherited is None and os.path.exists(args.socket):
            os.unlink(args.socket)
    return 0
