"""Judge the published services (offered.yml) for matrix.py: every offer
reached from outside (landing in its endpoint, which sees outside's own
address) and from every endpoint (hairpin), what must stay closed refused,
and each host holding exactly the floating addresses, markers and offer
rules the model gives it. ``offered_rows(d, eps, row)`` adds the rows."""


def _line(r):
    return (r or {}).get("line") or ""


def _seen(r):
    r = r or {}
    return "%s %s" % (r.get("result", "not tried"), r.get("line") or r.get("error") or "")


def _offers(eps):
    return [e for e in eps.values() if e.get("floating_ip") or e.get("publish")]


def _host_ip(d, host):
    return d.get("hosts", {}).get(host)


def _pub_ip(d, e):
    """Where *e*'s ports are published: its host's address, with OVN its
    tenant router's (offered.yml, ``pub_at``)."""
    return ((d.get("offered") or {}).get("pub_at") or {}).get(e["name"]) or _host_ip(d, e["host"])


def _outside(d, eps, row):
    o = d.get("offered") or {}
    got, who, ports = o.get("outside") or {}, o.get("outside_ip"), o.get("ports") or {}
    server, peer, own = ports.get("server"), ports.get("peer"), ports.get("host")
    for e in _offers(eps):
        tok = "%s/%s" % (e["tenant"], e["name"])
        fip = e.get("floating_ip")
        if fip:
            r = got.get("%s:%s" % (fip, peer))
            row("offer-in", e["tenant"], "outside -> %s:%s (floating of %s)" % (fip, peer, e["name"]),
                "%s from %s" % (tok, who), _seen(r), _line(r) == "%s from %s" % (tok, who))
            r = got.get("%s:%s" % (fip, server))
            row("offer-in", e["tenant"], "outside -> %s:%s (any port)" % (fip, server), tok,
                _seen(r), _line(r) == tok)
            r = got.get("%s:%s" % (fip, own))
            host_tok = "host/%s" % e["host"]
            row("offer-closed", e["tenant"], "outside -> %s:%s (the host's own server)" % (fip, own),
                "not " + host_tok, _seen(r), not _line(r).startswith(host_tok))
            hip = _host_ip(d, e["host"])
            r = got.get("%s:%s" % (hip, own))
            row("offer-path", "-", "outside -> %s:%s (host %s's own server, control)"
                % (hip, own, e["host"]), host_tok, _seen(r), _line(r) == host_tok)
        for p in e.get("publish") or []:
            if p["proto"] != "tcp":
                continue
            hip = _pub_ip(d, e)
            r = got.get("%s:%s" % (hip, p["host_port"]))
            row("offer-in", e["tenant"], "outside -> %s:%s (%s:%s)" % (hip, p["host_port"],
                                                                    e["name"], p["port"]),
                "%s from %s" % (tok, who), _seen(r), _line(r) == "%s from %s" % (tok, who))
            r = got.get("%s:%s" % (hip, server))
            row("offer-closed", e["tenant"], "outside -> %s:%s (%s's unpublished port)"
                % (hip, server, e["name"]), "not " + tok, _seen(r), not _line(r).startswith(tok))


def _hairpin(d, eps, row):
    o = d.get("offered") or {}
    server = (o.get("ports") or {}).get("server")
    for src, got in sorted((o.get("hairpin") or {}).items()):
        s = eps.get(src) or {}
        for e in _offers(eps):
            tok = "%s/%s" % (e["tenant"], e["name"])
            targets = []
            if e.get("floating_ip"):
                targets.append(("%s:%s" % (e["floating_ip"], server), tok))
            for p in e.get("publish") or []:
                if p["proto"] == "tcp":
                    targets.append(("%s:%s" % (_pub_ip(d, e), p["host_port"]), tok + " from "))
            for target, want in targets:
                r = got.get(target)
                if s.get("snat"):
                    ok = _line(r) == want or (want.endswith(" from ") and _line(r).startswith(want))
                    row("offer-hairpin", s.get("tenant", "-"), "%s -> %s (%s)" % (src, target, e["name"]),
                        want.strip(), _seen(r), ok)
                else:          # no way out, so none back in either
                    row("offer-hairpin", s.get("tenant", "-"), "%s -> %s (%s)" % (src, target, e["name"]),
                        "no reach (tenant without SNAT)", _seen(r), (r or {}).get("result") != "connected")


def _state(d, eps, row):
    """With OVN (``ovn``) no host holds an offer: OVN's chassis answers for
    a floating address in its datapath, so the hosts' addresses, markers
    and NAT rules must hold none of them (nothing the ovs backend left)."""
    o = d.get("offered") or {}
    every_fip = set(e["floating_ip"] for e in _offers(eps) if e.get("floating_ip"))
    offers = [] if o.get("ovn") else _offers(eps)
    for host, st in sorted((o.get("state") or {}).items()):
        want_fip = sorted(e["floating_ip"] for e in offers if e.get("floating_ip") and e["host"] == host)
        held = sorted(a for a in st.get("addrs", {}) if a in every_fip or a in st.get("marks", []))
        row("offer-state", "-", "floating addresses on %s" % host, ", ".join(want_fip) or "none",
            ", ".join(held) or "none", held == want_fip)
        row("offer-state", "-", "floating markers on %s" % host, ", ".join(want_fip) or "none",
            ", ".join(st.get("marks", [])) or "none", st.get("marks", []) == want_fip)
        want_rules = {"@host": set()}
        for e in offers:
            if e["host"] != host:
                continue
            ns = "ovr-" + e["tenant"]
            want_rules.setdefault(ns, set())
            ids = [("fip", "")] if e.get("floating_ip") else []
            ids += [("pub", ":%s:%s" % (p["proto"], p["host_port"])) for p in e.get("publish") or []]
            for kind, key in ids:
                want_rules["@host"].add("%s:%s:%s%s" % (kind, e["tenant"], e["name"], key))
                want_rules[ns].add("%s:%s%s" % (kind, e["name"], key))
        for ns in sorted(set(want_rules) | set(st.get("rules", {}))):
            have = set(r for r in st.get("rules", {}).get(ns, [])
                       if r.split(":")[0] in ("fip", "pub"))
            want = want_rules.get(ns, set())
            row("offer-state", "-", "offer rules in %s on %s" % (ns, host), len(want),
                "%d%s" % (len(have), (" (extra: %s)" % ", ".join(sorted(have - want))) if have - want else
                          (" (missing: %s)" % ", ".join(sorted(want - have))) if want - have else ""),
                have == want)


def offered_rows(d, eps, row):
    if not d.get("offered"):
        return
    _outside(d, eps, row)
    _hairpin(d, eps, row)
    _state(d, eps, row)
