#!/usr/bin/env python3
"""Evaluate the overlay probe results and print a tenant-by-tenant matrix.

Input (stdin): JSON with keys
  tenants   [{name, vni, subnet, snat, mtu, tunnel_type, endpoints: [{name, host, ip}]}]
            (the validated model, overlay_tenants: every default resolved there)
  endpoints [{name, host, ...}]               (the tenants' endpoints, flattened)
  hosts     {host: underlay_ip}
  info      {endpoint: {mac, ...}}            (ovl_probe.py info)
  probe     {src_endpoint: {dst_endpoint: {...}}} (ovl_probe.py probe)
  wire      {src_endpoint: {...}}             (ovl_probe.py tunnel: frames per "type:key")
  mirror    {host/tenant: {iface, probes, macs: {src_mac: {icmp, tcp, other}}}} (ovl_probe.py mirror)
  rate      {endpoint/direction: {tenant, peer, limit: {max_kbps, burst_kbit}, bps, error}} (rate.yml)
  arp       {sender_endpoint: seen_on: {endpoint: [frames]}} -> see below
  arpcap    {endpoint: [frames]}              (ovl_probe.py arpwatch, all hosts merged)
  snat      {endpoint: {result, reply}}       (ovl_probe.py connect)
  ovn_range the OVN routers' address range (overlay_backend ovn), else absent
  inbound_ovn {tenant: ovl_probe.py inbound through its OVN router}; ovn_snat_tenants
  seen      [listener records]                (outside log)
  inbound   {host: {targets: {ip: {result}}}} (ovl_probe.py inbound, from outside)
  mtu       {endpoint: {dst, at_rc, over_rc, over_err}}
  storm     {host: {seconds, packets: {bridge: n}, misplaced: [{mac, endpoint, port}]}}
  removed   [{name, vni, endpoints: [names]}] + leftovers {host: {...}}
  backend   the model's (ovs|ovn); backend_found {host: {ovn: [..], ovs: [..]}}
            (ovl_backend.py): a host holds nothing of the other backend
Output (stdout): the page a person reads (who reaches whom as measured,
reached / isolated with unexpected cells marked; one line per tenant with its
checks per kind; what failed, in full; the total), then a line
`ROWS-JSON: [...]` with every check {check, tenant, subject, expected, seen,
ok} for the Ansible asserts. `--full PATH` writes every check as a table,
`--page PATH` the page (make demo prints it).
"""
import hashlib
import ipaddress
import json
import os
import re
import sys

from offered import offered_rows  # noqa: E402 (next to this file)

ROWS = []
RATE_TOLERANCE = 0.15  # a measured rate limit within 15 % of the setting (issue 25)
TCP_HEADERS = 52       # IPv4 20 + TCP 20 + timestamps 12: an MTU-sized segment's payload is MTU - 52
ETHERNET_HEADER = 14   # what the meter and htb count beyond the MTU
STORM_BOUND = 200     # packets through one bridge's flows at rest, in the window



def in_range(addr, span):
    """*addr* lies in ``FIRST-LAST``."""
    first, last = (ipaddress.IPv4Address(a) for a in span.split("-"))
    try:
        return first <= ipaddress.IPv4Address(addr) <= last
    except ValueError:
        return False

def row(check, tenant, subject, expected, seen, ok):
    ROWS.append({"check": check, "tenant": tenant, "subject": subject,
                 "expected": expected, "seen": seen, "ok": bool(ok)})


def wire_of(t):
    """How the tenant's frames look between hosts: its tunnel type and VNI,
    or its provider type and VLAN id (vlan) or 0 (flat, untagged)."""
    if t.get("physical_network"):
        return {"type": t["network_type"], "key": t.get("segmentation_id") or 0}
    return {"type": t["tunnel_type"], "key": t["vni"]}


def main():
    d = json.load(sys.stdin)
    tenants = d["tenants"]
    # the validated model (overlay_tenants): every default is resolved there;
    # "endpoints" (overlay_endpoints) also holds the workloads (containers)
    eps = {e["name"]: dict(e, tenant=t["name"], vni=t["vni"], snat=bool(t["snat"]),
                           mtu=t["mtu"], type=t["tunnel_type"], wire=wire_of(t))
           for t in tenants for e in t["endpoints"]}
    by_name = {t["name"]: t for t in tenants}
    for e in d.get("endpoints") or []:
        if e["name"] not in eps:          # a workload: shown with its tenant's endpoints
            eps[e["name"]] = dict(e, snat=bool(e["snat"]))
            by_name[e["tenant"]]["endpoints"] = list(by_name[e["tenant"]]["endpoints"]) + [
                {"name": e["name"], "host": e["host"], "ip": e["ip"], "kind": e.get("kind")}]
    info = d.get("info", {})
    token = {n: "%s/%s" % (e["tenant"], n) for n, e in eps.items()}

    # (a) reachability matrix: ping (proved by neighbour MAC) and TCP token + 1 MiB
    cells = {}
    for src, res in sorted(d.get("probe", {}).items()):
        for dst, r in sorted(res.items()):
            if src not in eps or dst not in eps:
                continue
            same = eps[src]["tenant"] == eps[dst]["tenant"]
            # a VM has no namespace on its host: its MAC is the tenant file's
            mac = (info.get(dst) or {}).get("mac") or eps[dst].get("mac")
            ping_hit = r.get("ping") == "ok" and r.get("neigh_mac") == mac
            tcp_hit = r.get("tcp") == "ok" and r.get("token") == token[dst] \
                and r.get("bytes", 0) >= 1048576
            if same:
                ok = ping_hit and tcp_hit
                seen = "ping %s, tcp %s" % ("ok" if ping_hit else r.get("ping"),
                                            "%s %dB" % (r.get("token"), r.get("bytes", 0))
                                            if r.get("tcp") == "ok" else r.get("error", "fail"))
                exp = "ping+tcp(1MiB) reach " + dst
            else:
                ok = not ping_hit and not tcp_hit
                if ping_hit or tcp_hit:
                    seen = "REACHED %s (ping=%s tcp=%s)" % (dst, ping_hit, tcp_hit)
                elif r.get("tcp") == "ok":
                    seen = "no; %s answered instead" % r.get("token")
                else:
                    seen = "no (%s)" % (r.get("error") or "no reply")
                exp = "no reach"
            reached = (ping_hit and tcp_hit) if same else (ping_hit or tcp_hit)
            partial = (ping_hit or tcp_hit) and not reached
            cells[(src, dst)] = ("partial" if partial else "reached" if reached
                                 else "isolated") + ("" if ok else "!!")
            row("reach", eps[src]["tenant"], "%s -> %s" % (src, dst), exp, seen, ok)

    # (b) the tenant's tunnel type and key (VNI) on the underlay during a cross-host ping;
    # a provider tenant's VLAN id (vlan) or no tag (flat, key 0) on its physical network
    for src, r in sorted(d.get("wire", {}).items()):
        vni = "%s:%s" % (eps[src]["wire"]["type"], eps[src]["wire"]["key"])
        vnis = r.get("vnis", {})
        icmp = r.get("icmp_vnis", {})
        # The ping's frames (inner ICMP) must all carry the tenant's type and
        # VNI. Other keys may show non-ICMP background (ARP refresh of other
        # tenants' neighbours); they are reported, an ICMP frame in them fails.
        ok = r.get("ping") == "ok" and icmp.get(vni, 0) > 0 and set(icmp) == {vni}
        other = {k: v for k, v in vnis.items() if k != vni}
        row("wire-key", eps[src]["tenant"], "%s -> %s" % (src, r.get("dst")),
            "ICMP only in " + vni,
            "ping %s, ICMP in VNIs %s%s" % (r.get("ping"), icmp or "none",
                                           ", other non-ICMP %s" % other if other else ""), ok)

    # (c) ARP broadcast stays in its tenant
    caps = d.get("arpcap", {})
    senders = d.get("arp_senders", {})
    for snd in sorted(senders):
        mac = (info.get(snd) or {}).get("mac")
        for cap, frames in sorted(caps.items()):
            if cap == snd or cap not in eps or not isinstance(frames, list):
                continue
            hit = any(f.get("src_mac") == mac and f.get("oper") == 1 for f in frames)
            same = eps[cap]["tenant"] == eps[snd]["tenant"]
            row("arp-bcast", eps[snd]["tenant"], "%s => %s" % (snd, cap),
                "seen" if same else "not seen", "seen" if hit else "not seen", hit == same)
        for cap, frames in sorted(caps.items()):
            if not isinstance(frames, list):
                row("arp-bcast", "-", "capture " + cap, "capture ran", str(frames), False)

    # (d) SNAT to outside, source = host underlay address; no inbound
    recs = d.get("seen", [])
    if isinstance(recs, str):
        recs = [json.loads(x) for x in recs.splitlines() if x.strip().startswith("{")]
    hosts = d.get("hosts", {})
    seen_by = {}
    for ep, r in d.get("snat", {}).items():
        seen_by[ep] = sorted({x["src"] for x in recs if x.get("hello") == r.get("hello")})
    for ep, r in sorted(d.get("snat", {}).items()):
        e = eps[ep]
        srcs = seen_by[ep]
        if e["snat"] and d.get("ovn_range") and not e.get("floating_ip"):
            # OVN: the tenant router's address, from the range, the same for
            # every endpoint of the tenant without a floating address, no
            # other tenant's
            want = "one address of %s, its tenant's own" % d["ovn_range"]
            routed = dict((p, ss) for p, ss in seen_by.items() if not eps[p].get("floating_ip"))
            mine = {s for p, ss in routed.items() if eps[p]["tenant"] == e["tenant"] for s in ss}
            others = {s for p, ss in routed.items() if eps[p]["tenant"] != e["tenant"] for s in ss}
            ok = (r.get("result") == "connected" and len(srcs) == 1 and len(mine) == 1
                  and in_range(srcs[0], d["ovn_range"]) and not mine & others)
            row("snat", e["tenant"], ep, "reach outside as " + want,
                "%s, outside saw %s" % (r.get("result"), srcs or "nothing"), ok)
        elif e["snat"]:      # as its floating address when it has one
            want = e.get("floating_ip") or hosts.get(e["host"])
            ok = r.get("result") == "connected" and srcs == [want]
            row("snat", e["tenant"], ep, "reach outside as " + str(want),
                "%s, outside saw %s" % (r.get("result"), srcs or "nothing"), ok)
        else:
            ok = r.get("result") != "connected" and not srcs
            row("snat", e["tenant"], ep, "no reach outside",
                "%s, outside saw %s" % (r.get("result"), srcs or "nothing"), ok)
    offered_rows(d, eps, row)
    for host, r in sorted(d.get("inbound", {}).items()):
        hop = "via %s from %s" % (r.get("via"), r["source"]) if r.get("source") else "on-link"
        if "control" in r:
            c = r["control"]
            row("inbound-path", "-", "outside -> %s (host %s, %s)" % (c.get("ip"), host, hop),
                "reached (refused)", c.get("result") + (" " + c["error"] if c.get("error") else ""),
                c.get("result") in ("refused", "connected"))
        for ip, t in sorted(r.get("targets", {}).items()):
            blocked = t.get("result") in ("timeout", "unreachable")
            row("inbound", "-", "outside -> %s via %s" % (ip, host), "blocked",
                t.get("result") + (" " + t["error"] if t.get("error") else ""), blocked)

    # OVN: through each SNAT tenant's router address from the underlay
    for tenant in d.get("ovn_snat_tenants", []):
        r = d.get("inbound_ovn", {}).get(tenant)
        if r is None:
            row("inbound", tenant, "underlay -> %s's endpoints via its router" % tenant,
                "probed", "not probed: its router address was not seen outside", False)
            continue
        c = r.get("control", {})
        row("inbound-path", tenant, "underlay -> %s (control)" % c.get("ip"), "reached (refused)",
            str(c.get("result")), c.get("result") in ("refused", "connected"))
        for ip, t in sorted(r.get("targets", {}).items()):
            row("inbound", tenant, "underlay -> %s via router %s" % (ip, r.get("via")), "blocked",
                t.get("result") + (" " + t["error"] if t.get("error") else ""),
                t.get("result") in ("timeout", "unreachable"))

    # (d2) the host's own routes, kept across the underlay move
    for host, r in sorted(d.get("routes", {}).items()):
        have = r.get("have") or []
        for w in r.get("want") or []:
            hits = [h for h in have if h.get("dst") == w.get("dst")
                    and h.get("gateway") == w.get("gateway")
                    and ("metric" not in w or h.get("metric") == w["metric"])]
            want = "%s via %s%s" % (w.get("dst"), w.get("gateway"),
                                    " metric %s" % w["metric"] if "metric" in w else "")
            row("host-route", "-", "%s: %s" % (host, want), "present",
                "on " + ", ".join(sorted(h.get("dev", "?") for h in hits)) if hits else "missing",
                bool(hits))

    # (e) MTU with DF across hosts
    for ep, r in sorted(d.get("mtu", {}).items()):
        e = eps[ep]
        at_ok = r.get("at_rc") == 0
        over_err = r.get("over_err", "")
        over_ok = r.get("over_rc") != 0 and bool(
            re.search(r"message too long|frag needed|Frag needed", over_err))
        row("mtu", e["tenant"], "%s -> %s" % (ep, r.get("dst")),
            "DF %d passes, %d refused" % (e["mtu"], e["mtu"] + 1),
            "%d: %s, %d: %s" % (e["mtu"], "pass" if at_ok else "FAIL",
                                e["mtu"] + 1, "refused" if over_ok else "NOT refused (%s)"
                                % (over_err.strip()[-60:] or r.get("over_rc"))),
            at_ok and over_ok)

    # (h) port mirroring: the capture interface of a mirrored tenant holds its ICMP
    # and TCP, and no frame whose source is another tenant's endpoint
    owner_of = {}
    for name, e in eps.items():
        mac = (info.get(name) or {}).get("mac") or e.get("mac")
        if mac:
            owner_of[mac.lower()] = (e["tenant"], name)
    for key, r in sorted(d.get("mirror", {}).items()):
        tenant = r.get("tenant")
        mine = {"icmp": 0, "tcp": 0}
        foreign = {}
        for mac, counts in r.get("macs", {}).items():
            who = owner_of.get(mac.lower())
            if who is None:
                continue                       # a router leg, the host's own: not an endpoint
            if who[0] == tenant:
                for proto in mine:
                    mine[proto] += counts.get(proto, 0)
            else:
                foreign[who[1]] = sum(counts.values())
        ok = mine["icmp"] > 0 and mine["tcp"] > 0 and not foreign
        row("mirror", tenant, "%s on %s" % (key.split("/")[0], r.get("iface")),
            "%s's ICMP and TCP, no other tenant's frame" % tenant,
            "%s: icmp %d, tcp %d; other tenants' endpoints: %s" % (
                tenant, mine["icmp"], mine["tcp"],
                ", ".join("%s (%d)" % kv for kv in sorted(foreign.items())) or "none"), ok)

    # (i) rate limits: each measured rate within RATE_TOLERANCE of the endpoint's
    # limit; the meter and htb count Ethernet frames, iperf3 TCP payload: the
    # payload iperf3 can see is the limit times payload/frame at the tenant MTU
    for key, r in sorted(d.get("rate", {}).items()):
        name, direction = key.rsplit("/", 1)
        mtu = r.get("mtu") or 1500
        kbps = r["limit"]["max_kbps"] * (mtu - TCP_HEADERS) / float(mtu + ETHERNET_HEADER)
        seen = r.get("bps")
        ok = seen is not None and abs(seen / 1000.0 - kbps) <= RATE_TOLERANCE * kbps
        row("rate", r.get("tenant"), "%s %s (%s %s)" % (
            name, direction, "to" if direction == "egress" else "from", r.get("peer")),
            "%.2f Mbit/s +-%d %% (%.1f of frames)" % (
                kbps / 1000.0, RATE_TOLERANCE * 100, r["limit"]["max_kbps"] / 1000.0),
            "%.2f Mbit/s" % (seen / 1e6) if seen is not None else "no measure: %s" % r.get("error"),
            ok)

    # (g) no storm at rest, no local endpoint MAC learned on a tunnel port
    for host, r in sorted(d.get("storm", {}).items()):
        for bridge, count in sorted(r.get("packets", {}).items()):
            row("storm", "-", "%s %s, %ss at rest" % (host, bridge, r.get("seconds")),
                "< %d packets" % STORM_BOUND, "%d packets" % count, count < STORM_BOUND)
        wrong = ["%s on %s" % (m["endpoint"], m["port"]) for m in r.get("misplaced", [])]
        row("storm", "-", "%s local MACs" % host, "none learned on a tunnel",
            ", ".join(wrong) or "none on a tunnel", not wrong)

    # (f) leftovers of removed tenants (names from docs/design.md)
    for t in d.get("removed", []):
        t = dict(t, endpoints=[e["name"] if isinstance(e, dict) else e
                               for e in t.get("endpoints", [])])
        t["links"] = ["ove" + hashlib.sha1(n.encode()).hexdigest()[:10] for n in t["endpoints"]]
        t["links"] += ["ovg-" + t["name"], "ovu-" + t["name"], "vx%x" % t["vni"]]
        for host, st in sorted(d.get("leftovers", {}).items()):
            left = []
            for name, ext in st.get("ports", []):
                if dict(ext[1]).get("ovl-tenant") == t["name"] or name in (
                        "ovpi-" + t["name"], "ovpp-" + t["name"]):   # its physical network patch
                    left.append("port " + name)
            for name, typ, opts in st.get("interfaces", []):
                if dict(opts[1]).get("key") == str(t["vni"]):   # a tunnel of any type
                    left.append("tunnel " + name)
            for ns in st.get("netns", []):
                if ns == "ovr-" + t["name"] or ns in t.get("endpoints", []):
                    left.append("netns " + ns)
            for line in st.get("iptables", "").splitlines() + st.get("nft", "").splitlines():
                if re.search(r"ovl:%s\b" % re.escape(t["name"]), line):
                    left.append("rule " + line.strip()[:60])
            vx = "0x%x" % t["vni"]
            for line in st.get("flows", "").splitlines():
                if re.search(r"tun_id=%s\b|%s->tun_id" % (vx, vx), line):
                    left.append("flow " + line.strip()[-60:])
            for link in st.get("links", []):
                if link in t.get("links", []):
                    left.append("link " + link)
            for line in st.get("docker_networks", []):     # "NAME DRIVER"
                if line.split()[:2] == [t["name"], "ovl"]:
                    left.append("docker network " + t["name"])
            for ids in st.get("nb", []):                  # OVN NB rows: [[key, value], ...]
                if dict(ids).get("ovl-tenant") == t["name"]:
                    left.append("NB row " + dict(ids).get("ovl-key", t["name"]))
            row("pruned", t["name"], host, "nothing left", ", ".join(left) or "nothing left",
                not left)

    # (g) nothing of the other backend (a fleet that switched backends)
    other = {"ovs": "ovn", "ovn": "ovs"}.get(d.get("backend"))
    for host, found in sorted(d.get("backend_found", {}).items()):
        left = found.get(other, [])
        row("backend", "-", host, "nothing of the %s backend" % other,
            ", ".join(left[:6]) + (" (+%d)" % (len(left) - 6) if len(left) > 6 else "")
            or "nothing", not left)

    return tenants, cells


def page(tenants, cells, full_path=None):
    """The compact page: who reaches whom, one line per tenant with its checks
    per kind, the failures in full, the total (lines)."""
    names = [e["name"] for t in tenants for e in t.get("endpoints", [])]
    w = max([len(n) for n in names] + [10])
    out = ["Reach (row -> column): reached / isolated, as measured (ping AND 1 MiB TCP",
           "with the target's token); !! marks a cell that is not as expected", ""]
    out.append(" " * (w + 1) + " ".join(n[:w].ljust(w) for n in names))
    # a VM (no namespace on its host) is a column only: probed, not probing
    sources = [n for n in names if any(key[0] == n for key in cells)]
    for src in sources:
        out.append(src[:w].ljust(w + 1) + " ".join(
            ("-" if src == dst else cells.get((src, dst), "?")).ljust(w) for dst in names))
    checks = sorted({r["check"] for r in ROWS})
    out += ["", "Checks per tenant (passed/total; '-' = host-level checks):"]
    order = [t["name"] for t in tenants]
    order += sorted({r["tenant"] for r in ROWS} - set(order) - {"-"}) + ["-"]
    for t in order:       # the tenants, removed ones (pruning), host-level checks
        parts = []
        for c in checks:
            rs = [r for r in ROWS if r["tenant"] == t and r["check"] == c]
            if rs:
                good = sum(r["ok"] for r in rs)
                parts.append("%s %d/%d%s" % (c, good, len(rs), "" if good == len(rs) else "!!"))
        if parts:
            out.append("  %-10s %s" % (t, "  ".join(parts)))
    rates = [r for r in ROWS if r["check"] == "rate"]
    if rates:             # measures, worth seeing when they pass too
        out += ["", "Rate limits (iperf3 TCP payload; expected within 15 %):"]
        out += ["  %s: %s, expected %s" % (r["subject"], r["seen"], r["expected"]) for r in rates]
    bad = [r for r in ROWS if not r["ok"]]
    if bad:
        out += ["", "Not as expected:"]
        out += ["  %s | %s | %s | expected %s | seen %s" % (
            r["check"], r["tenant"], r["subject"], r["expected"], r["seen"]) for r in bad]
    out += ["", "RESULT: %d checks, %d failed" % (len(ROWS), len(bad))]
    if full_path:
        out.append("full table: %s" % full_path)
    return out


def full_table():
    lines = ["%-12s %-8s %-40s %-36s %s" % ("check", "tenant", "subject", "expected", "seen")]
    for r in ROWS:
        lines.append("%-12s %-8s %-40s %-36s %s%s" % (
            r["check"], r["tenant"], r["subject"], r["expected"], "" if r["ok"] else "FAIL: ",
            r["seen"]))
    bad = [r for r in ROWS if not r["ok"]]
    return lines + ["", "RESULT: %d checks, %d failed" % (len(ROWS), len(bad))]


def write(path, lines):
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory)
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def cli(argv):
    """matrix.py [--full PATH] [--page PATH] < input: the page on stdout (also
    into --page), every check into --full, then the ROWS-JSON line."""
    args = dict(zip(argv[::2], argv[1::2]))
    tenants, cells = main()
    lines = page(tenants, cells, args.get("--full"))
    if args.get("--full"):
        write(args["--full"], full_table())
    if args.get("--page"):
        write(args["--page"], lines)
    print("\n".join(lines))
    print("ROWS-JSON: " + json.dumps(ROWS))


if __name__ == "__main__":
    cli(sys.argv[1:])
