#!/usr/bin/env python3
"""Probe helper for the overlay verification (copied to each lab host).

Runs on the host or inside a namespace (`ip netns exec NS python3 ovl_probe.py ...`).
Every sub-command is bounded (timeouts) and prints one JSON document.

  info NS...                      eth0 MAC/MTU/addresses of endpoint namespaces
  ping --dst IP [--size N --df]   ICMP echo from this netns (exit 0 when answered)
  uplink --ip IP                  the interface holding IP (br-phy: its uplink port)
  storm --seconds S --local-macs JSON
                                  packets through each bridge's flows in S seconds,
                                  and local endpoint MACs learned on tunnel ports
  serve --token T ...             background TCP server: token line + N bytes
  stop PIDFILE...                 stop servers started by `serve`
  probe --spec JSON               from this netns: ping + TCP to every target
  tunnel --iface IF --ns NS --dst IP --types JSON
                                  capture tunnel frames (VXLAN, ...) on IF while NS
                                  pings DST; counts frames per type:key
                                  (--segments: IF is a physical network, frames
                                  counted as vlan:ID or flat:0)
  mirror --iface IF --probes JSON  capture on a mirror's output IF while the probes
                                  ({ns, dst, port}) ping and fetch; frames per source MAC
  arpcap --iface IF --seconds S   capture ARP frames (run inside a namespace)
  arpwatch --ns NS... --seconds S --ready FILE
                                  arpcap in several namespaces at once
  arpsend --subnet CIDR           ARP who-has for an unused address (run in a netns)
  nsaddrs --prefix ovr-           IPv4 addresses inside matching namespaces
  connect --host H --port P       TCP client (e.g. to the outside listener)
  inbound --via GW --route CIDR... --target IP... [--source A] [--control IP]
                                  from this host: temporary routes via GW,
                                  try TCP to every target (from A), and to
                                  the control (must answer), remove the routes
"""
import argparse
import errno
import glob
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovl_probe_pkt as pkt  # noqa: E402  (copied next to this file)

ETH_P_ALL = 0x0003
ETH_P_ARP = 0x0806
ME = os.path.abspath(__file__)


def out(doc):
    print(json.dumps(doc, sort_keys=True))


def run(argv, timeout=10):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as exc:
        return 124, exc.stdout or "", "timeout after %ss" % timeout
    except FileNotFoundError as exc:     # a tool the host does not have (nft on a stock host)
        return 127, "", str(exc)


# --------------------------------------------------------------- info
def cmd_info(args):
    res = {}
    for ns in args.ns:
        rc, so, se = run(["ip", "netns", "exec", ns, "ip", "-j", "addr", "show", "dev", args.dev])
        if rc != 0:
            res[ns] = {"present": False, "error": se.strip()}
            continue
        link = (json.loads(so) or [{}])[0]
        res[ns] = {"present": True, "mac": link.get("address"), "mtu": link.get("mtu"),
                   "addrs": ["%s/%s" % (a["local"], a["prefixlen"])
                             for a in link.get("addr_info", []) if a.get("family") == "inet"]}
    out(res)


# --------------------------------------------------------------- serve/stop
def serve_forever(sock, token, nbytes, lifetime, peer=False):
    deadline = time.time() + lifetime
    payload = b"\0" * 65536

    def handle(conn, addr):
        try:
            conn.settimeout(10)
            line = "%s from %s" % (token, addr[0]) if peer else token
            conn.sendall((line + "\n").encode())
            left = nbytes
            while left > 0:
                n = min(left, len(payload))
                conn.sendall(payload[:n])
                left -= n
        except OSError:
            pass
        finally:
            conn.close()

    sock.settimeout(1.0)
    while time.time() < deadline:
        try:
            conn, addr = sock.accept()
        except socket.timeout:
            continue
        threading.Thread(target=handle, args=(conn, addr), daemon=True).start()


def cmd_serve(args):
    if args.pidfile and os.path.exists(args.pidfile):  # a server of an earlier run
        cmd_stop(argparse.Namespace(pidfile=[args.pidfile]), quiet=True)
        time.sleep(0.3)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", args.port))
    sock.listen(64)
    if args.daemon:
        if os.fork():
            out({"serving": args.token, "port": args.port})
            sys.stdout.flush()
            os._exit(0)
        os.setsid()
        if os.fork():
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
    if args.pidfile:
        os.makedirs(os.path.dirname(args.pidfile), exist_ok=True)
        with open(args.pidfile, "w", encoding="utf-8") as fh:
            fh.write(str(os.getpid()))
    try:
        serve_forever(sock, args.token, args.bytes, args.lifetime, args.peer)
    finally:
        if args.pidfile:
            try:
                os.unlink(args.pidfile)
            except OSError:
                pass


def cmd_stop(args, quiet=False):
    res = {}
    for pf in [f for p in args.pidfile for f in (sorted(glob.glob(p)) or [p])]:
        try:
            with open(pf, encoding="utf-8") as fh:
                pid = int(fh.read().strip())
            os.kill(pid, signal.SIGTERM)
            res[pf] = "stopped %d" % pid
            os.unlink(pf)
        except (OSError, ValueError) as exc:
            res[pf] = "not running (%s)" % exc.__class__.__name__
    if not quiet:
        out(res)


# --------------------------------------------------------------- probe
def tcp_fetch(ip, port, timeout, deadline_s):
    """Connect, read token line + payload. Returns dict."""
    t0 = time.time()
    try:
        s = socket.create_connection((ip, port), timeout=timeout)
    except OSError as exc:
        return {"tcp": "fail", "error": errno.errorcode.get(exc.errno, str(exc)) if exc.errno else str(exc)}
    s.settimeout(timeout)
    buf = b""
    total = 0
    token = None
    try:
        while time.time() - t0 < deadline_s:
            chunk = s.recv(65536)
            if not chunk:
                break
            if token is None:
                buf += chunk
                if b"\n" in buf:
                    line, rest = buf.split(b"\n", 1)
                    token = line.decode("utf-8", "replace")
                    total += len(rest)
                    buf = b""
            else:
                total += len(chunk)
    except OSError as exc:
        return {"tcp": "fail", "token": token, "bytes": total,
                "error": "after %d bytes: %s" % (total, exc)}
    finally:
        s.close()
    return {"tcp": "ok", "token": token, "bytes": total, "seconds": round(time.time() - t0, 3)}


def neigh_mac(ip, dev="eth0"):
    rc, so, _ = run(["ip", "-j", "neigh", "show", ip, "dev", dev], timeout=5)
    if rc != 0:
        return None
    for n in json.loads(so or "[]"):
        if n.get("lladdr") and "FAILED" not in n.get("state", []):
            return n["lladdr"]
    return None


def cmd_probe(args):
    spec = json.loads(args.spec)
    port = spec.get("port", 18080)
    res = {}
    lock = threading.Lock()

    def one(t):
        # ping and TCP run at the same time: a blocked target costs ~3 s, not 7
        echo = {}
        ping = threading.Thread(target=lambda: echo.update(pkt.icmp_ping(t["ip"], deadline=3)))
        ping.start()
        tcp = tcp_fetch(t["ip"], port, spec.get("timeout", 3), spec.get("deadline", 20))
        ping.join(8)
        r = {"ping": "ok" if echo.get("received") else "fail", "ip": t["ip"]}
        r.update(tcp)
        r["neigh_mac"] = neigh_mac(t["ip"])
        with lock:
            res[t["name"]] = r

    threads = [threading.Thread(target=one, args=(t,)) for t in spec["targets"]]
    for th in threads:
        th.start()
    for th in threads:
        th.join(40)
    out(res)


# --------------------------------------------------------------- captures
def _inner(frame, inner, info):
    """Add the inner Ethernet/IPv4 summary found at offset *inner*."""
    if len(frame) >= inner + 14:
        info["inner_src_mac"] = ":".join("%02x" % b for b in frame[inner + 6:inner + 12])
        itype = struct.unpack("!H", frame[inner + 12:inner + 14])[0]
        info["inner_type"] = "0x%04x" % itype
        ip = inner + 14
        if itype == 0x0800 and len(frame) >= ip + 20:
            info["inner_proto"] = frame[ip + 9]
            info["inner_src"] = socket.inet_ntoa(frame[ip + 12:ip + 16])
            info["inner_dst"] = socket.inet_ntoa(frame[ip + 16:ip + 20])
    return info


def decode_vxlan(frame, off):
    """VXLAN header at *off* (after UDP): flags, 24-bit VNI; inner Ethernet after 8."""
    vni = int.from_bytes(frame[off + 4:off + 7], "big") if frame[off] & 0x08 else None
    return vni, off + 8


def decode_geneve(frame, off):
    """Geneve (RFC 8926): ver/option length (4-byte words), flags, protocol,
    24-bit VNI, reserved, then the options; inner Ethernet after them."""
    optlen = (frame[off] & 0x3f) * 4
    return int.from_bytes(frame[off + 4:off + 7], "big"), off + 8 + optlen


def decode_gre(frame, off):
    """GRE (RFC 2784/2890): flags C (checksum), K (key), S (sequence), then the
    protocol; the optional fields follow in that order. The key is the VNI."""
    flags = struct.unpack("!H", frame[off:off + 2])[0]
    pos, key = off + 4, None
    if flags & 0x8000:
        pos += 4
    if flags & 0x2000:
        key = struct.unpack("!I", frame[pos:pos + 4])[0]
        pos += 4
    if flags & 0x1000:
        pos += 4
    return key, pos


# name -> decoder(frame, offset of the tunnel header) -> (key, offset of the inner frame)
DECODERS = {"vxlan": decode_vxlan, "geneve": decode_geneve, "gre": decode_gre}


def parse_tunnel(frame, udp_types, ip_types):
    """Ethernet/IPv4 frame of a tunnel type of the table -> {type, vni, ...} or None.
    *udp_types*: {UDP destination port: type name}; *ip_types*: {IP protocol: type name}."""
    if len(frame) < 14 + 20 + 8:
        return None
    off = 12
    etype = struct.unpack("!H", frame[off:off + 2])[0]
    off += 2
    while etype == 0x8100 and len(frame) >= off + 4:
        etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
        off += 4
    if etype != 0x0800:
        return None
    ihl = (frame[off] & 0x0F) * 4
    proto = frame[off + 9]
    info = {"outer_src": socket.inet_ntoa(frame[off + 12:off + 16]),
            "outer_dst": socket.inet_ntoa(frame[off + 16:off + 20])}
    body = off + ihl
    if proto == 17 and len(frame) >= body + 8:
        kind = udp_types.get(struct.unpack("!H", frame[body + 2:body + 4])[0])
        body += 8
    else:
        kind = ip_types.get(proto)
    if kind not in DECODERS or len(frame) < body + 8:
        return None
    key, inner = DECODERS[kind](frame, body)
    info.update(type=kind, vni=key)
    return _inner(frame, inner, info)


SOL_PACKET, PACKET_AUXDATA, TP_STATUS_VLAN_VALID = 263, 8, 0x10


def _receive(s):
    """(frame, address, the 802.1Q tag the kernel took off it or None): a
    device with VLAN receive offload (veth) strips the tag into the packet's
    auxiliary data; frames sent through it keep theirs inline."""
    frame, ancillary, _flags, addr = s.recvmsg(65535, socket.CMSG_SPACE(32))
    tag = None
    for level, kind, data in ancillary:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(data) >= 20:
            status, _len, _snap, _mac, _net, tci = struct.unpack("IIIHHH", data[:18])
            if status & TP_STATUS_VLAN_VALID:
                tag = tci & 0x0fff
    return frame, addr, tag


def capture(iface, seconds, parse, stop=None, ready=None, stop_file=None):
    """Frames on *iface* for *seconds*, each given to parse(frame, tag) (tag:
    the 802.1Q VLAN the kernel took off it, else None); the non-None results."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    s.settimeout(0.2)
    if ready:
        ready()
    found = []

    def keep(frame, addr, tag):
        r = parse(frame, tag)
        if r is not None:
            r["dir"] = "out" if addr[2] == socket.PACKET_OUTGOING else "in"
            found.append(r)

    end = time.time() + seconds
    while time.time() < end and not (stop and stop.is_set()):
        if stop_file and os.path.exists(stop_file):
            time.sleep(0.5)  # frames still in flight
            break
        try:
            keep(*_receive(s))
        except socket.timeout:
            continue
    # drain what is already queued
    s.setblocking(False)
    while True:
        try:
            keep(*_receive(s))
        except OSError:
            break
    s.close()
    return found


def parse_segment(frame, tag):
    """A frame on a physical network -> {type: vlan, vni: its VLAN id} or
    {type: flat, vni: 0} (untagged), with the inner summary; None for a
    frame too short to be Ethernet."""
    if len(frame) < 14:
        return None
    if tag is None and struct.unpack("!H", frame[12:14])[0] == 0x8100 and len(frame) >= 18:
        tag = struct.unpack("!H", frame[14:16])[0] & 0x0fff
        frame = frame[:12] + frame[16:]          # the inner summary reads it untagged
    info = {"type": "vlan", "vni": tag} if tag else {"type": "flat", "vni": 0}
    return _inner(frame, 0, info)


def cmd_tunnel(args):
    types = json.loads(args.types)
    udp_types = dict((t["udp_port"], t["name"]) for t in types if t.get("udp_port"))
    ip_types = dict((t["ip_proto"], t["name"]) for t in types if t.get("ip_proto"))
    stop = threading.Event()
    got = {}
    started = threading.Event()

    def cap():
        parse = (parse_segment if args.segments
                 else lambda f, _tag: parse_tunnel(f, udp_types, ip_types))
        got["frames"] = capture(args.iface, args.seconds, parse, stop, started.set)

    th = threading.Thread(target=cap)
    th.start()
    started.wait(5)
    argv = ["ip", "netns", "exec", args.ns, sys.executable, ME, "ping", "--dst", args.dst,
            "--count", str(args.count)]
    rc, so, se = run(argv, timeout=args.seconds)
    time.sleep(0.5)
    stop.set()
    th.join(args.seconds + 5)
    frames = got.get("frames", [])
    vnis = {}
    icmp = {}
    for f in frames:
        key = "%s:%s" % (f["type"], f["vni"])
        vnis[key] = vnis.get(key, 0) + 1
        if f.get("inner_proto") == 1:
            icmp[key] = icmp.get(key, 0) + 1
    out({"ping": "ok" if rc == 0 else "fail", "ping_rc": rc, "frames": len(frames),
         "vnis": vnis, "icmp_vnis": icmp, "sample": frames[:6]})


def parse_l4(frame, tag):
    """A frame -> {src_mac, proto: icmp/tcp/other} (802.1Q inline or not)."""
    if len(frame) < 14:
        return None
    off = 12
    etype = struct.unpack("!H", frame[off:off + 2])[0]
    if etype == 0x8100 and len(frame) >= 18:
        off += 4
        etype = struct.unpack("!H", frame[off:off + 2])[0]
    proto = "other"
    if etype == 0x0800 and len(frame) >= off + 2 + 20:
        proto = {1: "icmp", 6: "tcp"}.get(frame[off + 2 + 9], "other")
    return {"src_mac": ":".join("%02x" % b for b in frame[6:12]), "proto": proto}


def cmd_mirror(args):
    """Capture on IF (a mirror's output port) while the probes run: each
    {ns, dst, port} pings dst from ns and, with a port, fetches its token
    over TCP; frames counted per source MAC and protocol."""
    probes = json.loads(args.probes)
    stop, started, got = threading.Event(), threading.Event(), {}

    def cap():
        got["frames"] = capture(args.iface, args.seconds, parse_l4, stop, started.set)

    th = threading.Thread(target=cap)
    th.start()
    started.wait(5)
    done = []
    for p in probes:
        rc, _o, _e = run(["ip", "netns", "exec", p["ns"], sys.executable, ME, "ping", "--dst",
                          p["dst"], "--count", "2"], timeout=10)
        item = dict(p, ping="ok" if rc == 0 else "fail")
        if p.get("port"):
            target = "%s:%s" % (p["dst"], p["port"])
            rc, so, _e = run(["ip", "netns", "exec", p["ns"], sys.executable, ME, "fetch",
                              "--target", target], timeout=15)
            try:
                line = json.loads(so).get(target, {}).get("line")
            except ValueError:
                line = None
            item["tcp"] = line or "fail"
        done.append(item)
    time.sleep(0.5)
    stop.set()
    th.join(args.seconds + 5)
    macs = {}
    for f in got.get("frames", []):
        counts = macs.setdefault(f["src_mac"], {})
        counts[f["proto"]] = counts.get(f["proto"], 0) + 1
    out({"iface": args.iface, "probes": done, "macs": macs})


def parse_arp(frame):
    if len(frame) < 42:
        return None
    off = 12
    etype = struct.unpack("!H", frame[off:off + 2])[0]
    off += 2
    if etype == 0x8100:
        etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
        off += 4
    if etype != ETH_P_ARP:
        return None
    oper = struct.unpack("!H", frame[off + 6:off + 8])[0]
    return {"src_mac": ":".join("%02x" % b for b in frame[6:12]),
            "oper": oper,
            "sender_ip": socket.inet_ntoa(frame[off + 14:off + 18]),
            "target_ip": socket.inet_ntoa(frame[off + 24:off + 28])}


def cmd_arpcap(args):
    frames = capture(args.iface, args.seconds, lambda f, _tag: parse_arp(f),
                     stop_file=args.stop_file,
                     ready=lambda: (sys.stderr.write("READY\n"), sys.stderr.flush()))
    out(frames)


def cmd_arpwatch(args):
    procs = {}
    for ns in args.ns:
        procs[ns] = subprocess.Popen(
            ["ip", "netns", "exec", ns, sys.executable, ME, "arpcap", "--iface", args.iface,
             "--seconds", str(args.seconds)] + (["--stop-file", args.stop_file] if args.stop_file else []),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for ns, p in procs.items():  # wait until each capture socket is bound
        line = p.stderr.readline()
        if "READY" not in line:
            sys.stderr.write("%s: capture did not start: %s\n" % (ns, line))
    if args.ready:
        with open(args.ready, "w", encoding="utf-8") as fh:
            fh.write("ready\n")
    res = {}
    for ns, p in procs.items():
        try:
            so, se = p.communicate(timeout=args.seconds + 10)
            res[ns] = json.loads(so) if p.returncode == 0 else {"error": se.strip()}
        except (subprocess.TimeoutExpired, ValueError) as exc:
            p.kill()
            res[ns] = {"error": str(exc)}
    out(res)


def cmd_arpsend(args):
    import ipaddress
    net = ipaddress.ip_network(args.subnet, strict=False)
    target = str(net.broadcast_address - 1) if net.prefixlen < 31 else str(net.network_address)
    try:
        pkt.arp_who_has(args.iface, target, args.count)
        rc = 0
    except OSError as exc:
        rc = exc.errno or 1
    out({"target": target, "rc": rc})


def cmd_ping(args):
    res = pkt.icmp_ping(args.dst, count=args.count, size=args.size, df=args.df,
                        timeout=args.timeout)
    if res["error"]:
        sys.stderr.write("ping: %s\n" % res["error"])
    out(res)
    sys.exit(0 if res["received"] else 1)


def ovs_json(*argv):
    rc, so, se = run(["ovs-vsctl", "--format=json"] + list(argv))
    if rc != 0:
        raise SystemExit("ovs-vsctl %s: %s" % (" ".join(argv), se.strip()))
    doc = json.loads(so)
    return [dict(zip(doc["headings"], row)) for row in doc["data"]]


def cmd_uplink(args):
    """The underlay interface: the one holding the address, or with the
    netdev datapath (address on br-phy) the system port of br-phy."""
    rc, so, _ = run(["ip", "-j", "-4", "addr"])
    holder = [l["ifname"] for l in json.loads(so or "[]")
              for a in l.get("addr_info", []) if a.get("local") == args.ip]
    name = holder[0] if holder else None
    if name == "br-phy":
        ports = run(["ovs-vsctl", "list-ports", "br-phy"])[1].split()
        types = dict((r["name"], r["type"]) for r in ovs_json("--columns=name,type", "list",
                                                               "Interface"))
        system = [p for p in ports if types.get(p, "") in ("", "system")]
        name = system[0] if system else None
    out({"uplink": name})


def flow_packets(bridge):
    rc, so, _ = run(["ovs-ofctl", "dump-flows", bridge])
    return sum(int(m) for m in __import__("re").findall(r"n_packets=(\d+)", so)) if rc == 0 else 0


def cmd_storm(args):
    """With no traffic: packets through each bridge's flows over a window,
    and where OVS learned this host's own endpoint MACs."""
    bridges = run(["ovs-vsctl", "list-br"])[1].split()
    before = dict((b, flow_packets(b)) for b in bridges)
    time.sleep(args.seconds)
    after = dict((b, flow_packets(b)) for b in bridges)
    ofports = [(r["name"], r["ofport"]) for r in ovs_json("--columns=name,ofport", "list",
                                                          "Interface")
               if isinstance(r["ofport"], int)]
    local = json.loads(args.local_macs)
    misplaced = []
    for bridge in bridges:
        # OpenFlow port numbers are per bridge: map only this bridge's ports
        mine = set(run(["ovs-vsctl", "list-ports", bridge])[1].split())
        names = dict((number, name) for name, number in ofports if name in mine)
        rc, so, _ = run(["ovs-appctl", "fdb/show", bridge])
        for line in so.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 3 or fields[2] not in local:
                continue
            port = names.get(int(fields[0])) if fields[0].isdigit() else fields[0]
            # toward another host: a tunnel, br-tun's patch, a physical network's
            # patch on br-int, or a physical network's interface on its bridge
            tunnel = port is not None and (port.startswith(("vx", "ovpi-")) or port == "ovp-tun"
                                           or (bridge.startswith("brp-")
                                               and not port.startswith("ovpp-")))
            if tunnel:
                misplaced.append({"bridge": bridge, "mac": fields[2], "endpoint": local[fields[2]],
                                  "port": port})
    out({"seconds": args.seconds, "packets": dict((b, after[b] - before[b]) for b in bridges),
         "misplaced": misplaced})


def cmd_nsaddrs(args):
    res = {}
    rc, so, _ = run(["ip", "-j", "netns", "list"])
    names = [n["name"] for n in json.loads(so or "[]")] if rc == 0 else []
    for ns in sorted(names):
        if not ns.startswith(args.prefix):
            continue
        rc, so, _ = run(["ip", "netns", "exec", ns, "ip", "-j", "addr"])
        res[ns] = [a["local"] for link in json.loads(so or "[]") if link.get("ifname") != "lo"
                   for a in link.get("addr_info", []) if a.get("family") == "inet"]
    out(res)


# --------------------------------------------------------------- connect/inbound
def tcp_try(ip, port, timeout, hello=None, source=None):
    try:
        s = socket.create_connection((ip, port), timeout=timeout,
                                     source_address=(source, 0) if source else None)
    except socket.timeout:
        return {"result": "timeout"}
    except OSError as exc:
        name = errno.errorcode.get(exc.errno, str(exc))
        return {"result": "refused" if exc.errno == errno.ECONNREFUSED else "unreachable",
                "error": name}
    try:
        s.settimeout(timeout)
        if hello:
            s.sendall(("HELLO %s\n" % hello).encode())
        reply = b""
        try:
            while b"\n" not in reply:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            pass
        return {"result": "connected", "reply": reply.decode("utf-8", "replace").strip()}
    finally:
        s.close()


def cmd_fetch(args):
    """The first line each target (IP:PORT) answers, all at once:
    {target: {result, line}} (the server's token, and with --peer the
    address it saw the connection come from)."""
    res, lock = {}, threading.Lock()

    def one(target):
        ip, port = target.rsplit(":", 1)
        r = tcp_try(ip, int(port), args.timeout, source=args.source)
        if "reply" in r:
            r["line"] = r.pop("reply").split("\n")[0].strip("\0").strip()
        with lock:
            res[target] = r

    threads = [threading.Thread(target=one, args=(t,)) for t in args.target]
    for th in threads:
        th.start()
    for th in threads:
        th.join(args.timeout + 5)
    out(res)


OFFER_RE = re.compile(r"ovl:((?:fip|pub):[A-Za-z0-9_.:-]*[A-Za-z0-9_])")


def cmd_offers(args):
    """What holds the host's published services: its /32 IPv4 addresses,
    the marker files of the floating layer, and the offer rules (comments
    ovl:fip:... / ovl:pub:...) of our NAT chains in the host namespace and
    in every router namespace, with either backend."""
    rc, so, _ = run(["ip", "-j", "-4", "addr"])
    addrs = {}
    for link in json.loads(so or "[]") if rc == 0 else []:
        for a in link.get("addr_info", []):
            if a.get("prefixlen") == 32:
                addrs[a["local"]] = link.get("ifname")
    try:
        marks = sorted(n for n in os.listdir(args.mark_dir) if not n.startswith("."))
    except OSError:
        marks = []
    rc, so, _ = run(["ip", "-j", "netns", "list"])
    names = [n["name"] for n in json.loads(so or "[]")] if rc == 0 else []
    rules = {}
    for ns in [None] + sorted(n for n in names if n.startswith("ovr-")):
        pre = ["ip", "netns", "exec", ns] if ns else []
        text = ""
        # the offer rules of ours are DNATs (ovl:fip:..., ovl:pub:...): the nat table
        for argv in (["iptables-save", "-t", "nat"], ["nft", "list", "table", "ip", "ovl"]):
            rc, so, _ = run(pre + argv)
            text += so if rc == 0 else ""
        rules[ns or "@host"] = sorted(set(OFFER_RE.findall(text)))
    out({"addrs": addrs, "marks": marks, "rules": rules})


def cmd_connect(args):
    out(tcp_try(args.host, args.port, args.timeout, args.hello))


def cmd_inbound(args):
    added = []
    res = {"via": args.via, "source": args.source, "routes": args.route, "targets": {}}
    try:
        for cidr in args.route:
            rc, _, se = run(["ip", "route", "replace", cidr, "via", args.via], timeout=5)
            if rc != 0:
                res.setdefault("route_errors", []).append("%s: %s" % (cidr, se.strip()))
            else:
                added.append(cidr)
        lock = threading.Lock()

        def one(ip):
            r = tcp_try(ip, args.port, args.timeout, source=args.source)
            with lock:
                res["targets"][ip] = r

        if args.control:
            res["control"] = dict(tcp_try(args.control, args.port, args.timeout,
                                          source=args.source), ip=args.control)

        threads = [threading.Thread(target=one, args=(ip,)) for ip in args.target]
        for th in threads:
            th.start()
        for th in threads:
            th.join(args.timeout + 5)
    finally:
        for cidr in added:
            run(["ip", "route", "del", cidr, "via", args.via], timeout=5)
    out(res)


def main():
    ap = argparse.ArgumentParser(description="overlay verification probes")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("info")
    p.add_argument("ns", nargs="*")
    p.add_argument("--dev", default="eth0")
    p.set_defaults(fn=cmd_info)
    p = sub.add_parser("serve")
    p.add_argument("--port", type=int, default=18080)
    p.add_argument("--token", required=True)
    p.add_argument("--bytes", type=int, default=1048576)
    p.add_argument("--lifetime", type=int, default=900)
    p.add_argument("--pidfile")
    p.add_argument("--daemon", action="store_true")
    p.add_argument("--peer", action="store_true",
                   help="answer '<token> from <client address>' (what the server saw)")
    p.set_defaults(fn=cmd_serve)
    p = sub.add_parser("offers")
    p.add_argument("--mark-dir", default="/run/ovl/floating")
    p.set_defaults(fn=cmd_offers)
    p = sub.add_parser("fetch")
    p.add_argument("--target", nargs="+", required=True, help="IP:PORT ...")
    p.add_argument("--source")
    p.add_argument("--timeout", type=float, default=3.0)
    p.set_defaults(fn=cmd_fetch)
    p = sub.add_parser("stop")
    p.add_argument("pidfile", nargs="*")
    p.set_defaults(fn=cmd_stop)
    p = sub.add_parser("probe")
    p.add_argument("--spec", required=True)
    p.set_defaults(fn=cmd_probe)
    p = sub.add_parser("tunnel")
    p.add_argument("--types", default='[{"name": "vxlan", "udp_port": 4789}]',
                   help="JSON list of {name, udp_port or ip_proto}: the tunnel types to decode")
    p.add_argument("--iface", default="eth0")
    p.add_argument("--ns", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--segments", action="store_true",
                   help="IF is a physical network: count frames by VLAN (vlan:ID, flat:0)")
    p.set_defaults(fn=cmd_tunnel)
    p = sub.add_parser("mirror")
    p.add_argument("--iface", required=True)
    p.add_argument("--probes", required=True, help="JSON list of {ns, dst, port or null}")
    p.add_argument("--seconds", type=int, default=60)
    p.set_defaults(fn=cmd_mirror)
    p = sub.add_parser("arpcap")
    p.add_argument("--iface", default="eth0")
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--stop-file")
    p.set_defaults(fn=cmd_arpcap)
    p = sub.add_parser("arpwatch")
    p.add_argument("--ns", nargs="+", required=True)
    p.add_argument("--iface", default="eth0")
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--ready")
    p.add_argument("--stop-file")
    p.set_defaults(fn=cmd_arpwatch)
    p = sub.add_parser("arpsend")
    p.add_argument("--subnet", required=True)
    p.add_argument("--iface", default="eth0")
    p.add_argument("--count", type=int, default=1)
    p.set_defaults(fn=cmd_arpsend)
    p = sub.add_parser("ping")
    p.add_argument("--dst", required=True)
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--size", type=int, default=56)
    p.add_argument("--timeout", type=float, default=1.0)
    p.add_argument("--df", action="store_true")
    p.set_defaults(fn=cmd_ping)
    p = sub.add_parser("uplink")
    p.add_argument("--ip", required=True)
    p.set_defaults(fn=cmd_uplink)
    p = sub.add_parser("storm")
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--local-macs", default="{}")
    p.set_defaults(fn=cmd_storm)
    p = sub.add_parser("nsaddrs")
    p.add_argument("--prefix", default="ovr-")
    p.set_defaults(fn=cmd_nsaddrs)
    p = sub.add_parser("connect")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--hello")
    p.add_argument("--timeout", type=float, default=3)
    p.set_defaults(fn=cmd_connect)
    p = sub.add_parser("inbound")
    p.add_argument("--via", required=True)
    p.add_argument("--route", nargs="*", default=[])
    p.add_argument("--target", nargs="+", required=True)
    p.add_argument("--source", help="the source address to send from")
    p.add_argument("--control", help="an address that must answer (refused or connected): "
                   "the path works, so a blocked target is blocked by the host")
    p.add_argument("--port", type=int, default=18080)
    p.add_argument("--timeout", type=float, default=3)
    p.set_defaults(fn=cmd_inbound)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
