#!/usr/bin/env python3
"""Evaluate the overlay probe results and print a tenant-by-tenant matrix.

Input (stdin): JSON with keys
  tenants   [{name, vni, subnet, snat, mtu, endpoints: [{name, host, ip}]}]
  endpoints [{name, mtu, type}]               (optional: defaults the verify computed)
  hosts     {host: underlay_ip}
  info      {endpoint: {mac, ...}}            (ovl_probe.py info)
  probe     {src_endpoint: {dst_endpoint: {...}}} (ovl_probe.py probe)
  wire      {src_endpoint: {...}}             (ovl_probe.py tunnel: frames per "type:key")
  arp       {sender_endpoint: seen_on: {endpoint: [frames]}} -> see below
  arpcap    {endpoint: [frames]}              (ovl_probe.py arpwatch, all hosts merged)
  snat      {endpoint: {result, reply}}       (ovl_probe.py connect)
  seen      [listener records]                (outside log)
  inbound   {host: {targets: {ip: {result}}}} (ovl_probe.py inbound, from outside)
  mtu       {endpoint: {dst, at_rc, over_rc, over_err}}
  storm     {host: {seconds, packets: {bridge: n}, misplaced: [{mac, endpoint, port}]}}
  removed   [{name, vni, endpoints: [names]}] + leftovers {host: {...}}
Output (stdout): the matrix, then a line `ROWS-JSON: [...]` with every check
{check, tenant, subject, expected, seen, ok} for the Ansible asserts.
"""
import hashlib
import json
import re
import sys

ROWS = []
STORM_BOUND = 200     # packets through one bridge's flows at rest, in the window


def row(check, tenant, subject, expected, seen, ok):
    ROWS.append({"check": check, "tenant": tenant, "subject": subject,
                 "expected": expected, "seen": seen, "ok": bool(ok)})


def main():
    d = json.load(sys.stdin)
    tenants = d["tenants"]
    eps = {e["name"]: dict(e, tenant=t["name"], vni=t["vni"], snat=bool(t.get("snat")),
                           mtu=t.get("mtu", 1450), type=t.get("tunnel_type", "vxlan"))
           for t in tenants for e in t.get("endpoints", [])}
    for e in d.get("endpoints", []):      # the verify's own defaults (MTU by tunnel type)
        if e["name"] in eps:
            eps[e["name"]].update(mtu=e.get("mtu", eps[e["name"]]["mtu"]),
                                  type=e.get("type", eps[e["name"]]["type"]))
    info = d.get("info", {})
    token = {n: "%s/%s" % (e["tenant"], n) for n, e in eps.items()}

    # (a) reachability matrix: ping (proved by neighbour MAC) and TCP token + 1 MiB
    cells = {}
    for src, res in sorted(d.get("probe", {}).items()):
        for dst, r in sorted(res.items()):
            if src not in eps or dst not in eps:
                continue
            same = eps[src]["tenant"] == eps[dst]["tenant"]
            mac = (info.get(dst) or {}).get("mac")
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
            cells[(src, dst)] = "ok" if ok else "XX"
            row("reach", eps[src]["tenant"], "%s -> %s" % (src, dst), exp, seen, ok)

    # (b) the tenant's tunnel type and key (VNI) on the underlay during a cross-host ping
    for src, r in sorted(d.get("wire", {}).items()):
        vni = "%s:%s" % (eps[src]["type"], eps[src]["vni"])
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
    for ep, r in sorted(d.get("snat", {}).items()):
        e = eps[ep]
        srcs = sorted({x["src"] for x in recs if x.get("hello") == r.get("hello")})
        if e["snat"]:
            want = hosts.get(e["host"])
            ok = r.get("result") == "connected" and srcs == [want]
            row("snat", e["tenant"], ep, "reach outside as " + str(want),
                "%s, outside saw %s" % (r.get("result"), srcs or "nothing"), ok)
        else:
            ok = r.get("result") != "connected" and not srcs
            row("snat", e["tenant"], ep, "no reach outside",
                "%s, outside saw %s" % (r.get("result"), srcs or "nothing"), ok)
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
                if dict(ext[1]).get("ovl-tenant") == t["name"]:
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
            row("pruned", t["name"], host, "nothing left", ", ".join(left) or "nothing left",
                not left)

    # ---------------------------------------------------------------- print
    names = [n for t in tenants for n in (e["name"] for e in t.get("endpoints", []))]
    print("Reachability (row = source, column = target; ok = as expected, XX = wrong;")
    print("  same tenant must reach by ping AND 1 MiB TCP with the right token, others must not)")
    w = max([len(n) for n in names] + [6])
    print(" " * (w + 1) + " ".join(n[:w].rjust(w) for n in names))
    for s in names:
        line = [("-" if s == t else cells.get((s, t), "?")).rjust(w) for t in names]
        print(s.ljust(w + 1) + " ".join(line))
    print()
    print("Per tenant:")
    checks = sorted({r["check"] for r in ROWS})
    tn = sorted({r["tenant"] for r in ROWS})
    print("  %-10s" % "tenant" + "".join("%-11s" % c for c in checks))
    for t in tn:
        cells2 = []
        for c in checks:
            rs = [r for r in ROWS if r["tenant"] == t and r["check"] == c]
            cells2.append("-" if not rs else "%d/%d %s" % (sum(r["ok"] for r in rs), len(rs),
                                                             "ok" if all(r["ok"] for r in rs) else "FAIL"))
        print("  %-10s" % t + "".join("%-11s" % x for x in cells2))
    print()
    print("%-10s %-8s %-34s %-34s %s" % ("check", "tenant", "subject", "expected", "seen"))
    for r in ROWS:
        print("%-10s %-8s %-34s %-34s %s%s" % (r["check"], r["tenant"], r["subject"][:34],
                                             r["expected"][:34], "" if r["ok"] else "FAIL: ",
                                             r["seen"]))
    bad = [r for r in ROWS if not r["ok"]]
    print()
    print("RESULT: %d checks, %d failed" % (len(ROWS), len(bad)))
    print("ROWS-JSON: " + json.dumps(ROWS))


if __name__ == "__main__":
    main()
