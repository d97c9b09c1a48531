#!/usr/bin/env python3
"""`outside` listener of the lab: stands for the internet in SNAT tests.

* TCP (default port 8080): every connection is recorded with its source
  address. A client may send one line first, e.g. `HELLO blue/blue-web1/abc`;
  it is recorded as `hello`. The reply is `<name>\n` (the listener's name).
  `GET /seen` answers with the records as JSON (HTTP/1.0).
* ICMP: every echo request received is recorded (raw socket; the kernel still
  answers the ping itself).

Records are JSON lines in the log (default /var/log/ovl-listener.log):
  {"t": 1700000000.1, "proto": "tcp", "src": "192.168.250.11", "sport": 40000,
   "hello": "blue/blue-web1/abc"}
  {"t": 1700000000.2, "proto": "icmp", "src": "192.168.250.12", "id": 7, "seq": 1}
"""
import argparse
import json
import os
import socket
import socketserver
import struct
import sys
import threading
import time

LOCK = threading.Lock()


def record(path, entry):
    entry = dict(entry, t=round(time.time(), 3))
    line = json.dumps(entry, sort_keys=True) + "\n"
    with LOCK, open(path, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()


def read_records(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return [json.loads(x) for x in fh if x.strip()]
    except FileNotFoundError:
        return []


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        srv = self.server
        src, sport = self.client_address[:2]
        self.request.settimeout(2.0)
        first = b""
        try:
            while b"\n" not in first and len(first) < 512:
                chunk = self.request.recv(512)
                if not chunk:
                    break
                first += chunk
        except (socket.timeout, OSError):
            pass
        line = first.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if line.startswith("GET /seen"):
            body = json.dumps(read_records(srv.log_path)).encode()
            hdr = ("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                   "Content-Length: %d\r\n\r\n" % len(body)).encode()
            self.request.sendall(hdr + body)
            return
        entry = {"proto": "tcp", "src": src, "sport": sport}
        if line.startswith("HELLO "):
            entry["hello"] = line[6:].strip()
        record(srv.log_path, entry)
        try:
            self.request.sendall((srv.name + "\n").encode())
        except OSError:
            pass


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def icmp_loop(log_path):
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    except OSError as exc:  # no CAP_NET_RAW: keep the TCP part working
        print("listener: no ICMP recording: %s" % exc, file=sys.stderr)
        return
    while True:
        data, addr = sock.recvfrom(65535)
        ihl = (data[0] & 0x0F) * 4
        if len(data) < ihl + 8:
            continue
        icmp_type, _code, _csum, ident, seq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if icmp_type == 8:  # echo request
            record(log_path, {"proto": "icmp", "src": addr[0], "id": ident, "seq": seq})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--bind", default="0.0.0.0")
    ap.add_argument("--log", default="/var/log/ovl-listener.log")
    ap.add_argument("--name", default=socket.gethostname())
    args = ap.parse_args()
    os.makedirs(os.path.dirname(args.log) or ".", exist_ok=True)
    open(args.log, "a", encoding="utf-8").close()
    threading.Thread(target=icmp_loop, args=(args.log,), daemon=True).start()
    srv = Server((args.bind, args.port), Handler)
    srv.log_path = args.log
    srv.name = args.name
    print("listener: %s on %s:%d, log %s" % (args.name, args.bind, args.port, args.log), flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
