"""Unit tests of playbooks/verify/files/matrix.py: the evaluator must fail on
the broken cases (cross-tenant reach, wrong token, foreign VNI, leaked ARP,
missing SNAT, inbound reach, MTU not enforced, leftovers, a storm at rest or
an endpoint MAC learned on a tunnel)."""
import json
import pathlib
import subprocess
import sys

import pytest

MATRIX = pathlib.Path(__file__).resolve().parents[2] / "playbooks/verify/files/matrix.py"
MiB = 1048576

TENANTS = [
    {"name": "blue", "vni": 100, "subnet": "10.0.0.0/24", "snat": True, "mtu": 1450, "tunnel_type": "vxlan",
     "endpoints": [{"name": "b1", "host": "h1", "ip": "10.0.0.11"},
                   {"name": "b2", "host": "h2", "ip": "10.0.0.12"}]},
    {"name": "red", "vni": 200, "subnet": "10.0.0.0/24", "snat": False, "mtu": 1450, "tunnel_type": "vxlan",
     "endpoints": [{"name": "r2", "host": "h2", "ip": "10.0.0.12"}]},
]
INFO = {"b1": {"mac": "aa:00:00:00:00:01"}, "b2": {"mac": "aa:00:00:00:00:02"},
        "r2": {"mac": "bb:00:00:00:00:02"}}


def good():
    ok = lambda tok, mac: {"ping": "ok", "neigh_mac": mac, "tcp": "ok", "token": tok, "bytes": MiB}
    return {
        "tenants": TENANTS, "hosts": {"h1": "192.168.0.11", "h2": "192.168.0.12"}, "info": INFO,
        "probe": {"b1": {"b2": ok("blue/b2", INFO["b2"]["mac"]),
                         "r2": ok("blue/b2", INFO["b2"]["mac"])}},
        "wire": {"b1": {"ping": "ok", "vnis": {"vxlan:100": 6}, "icmp_vnis": {"vxlan:100": 6},
                        "dst": "b2"}},
        "arpcap": {"b2": [{"src_mac": INFO["b1"]["mac"], "oper": 1}], "r2": []},
        "arp_senders": {"b1": "h1"},
        "snat": {"b1": {"result": "connected", "hello": "blue/b1/n"},
                 "r2": {"result": "timeout", "hello": "red/r2/n"}},
        "seen": json.dumps({"proto": "tcp", "src": "192.168.0.11", "hello": "blue/b1/n"}),
        "inbound": {"h1": {"via": "100.64.0.254", "source": "100.64.0.101",
                           "control": {"ip": "192.168.0.11", "result": "refused"},
                           "targets": {"10.0.0.11": {"result": "timeout"}}}},
        "routes": {"h1": {"want": [{"dst": "default", "gateway": "192.168.0.254"},
                                   {"dst": "198.18.0.0/15", "gateway": "192.168.0.254",
                                    "metric": 50}],
                          "have": [{"dst": "default", "gateway": "192.168.0.254",
                                    "dev": "br-phy"},
                                   {"dst": "198.18.0.0/15", "gateway": "192.168.0.254",
                                    "dev": "br-phy", "metric": 50}]}},
        "mtu": {"b1": {"dst": "b2", "at_rc": 0, "over_rc": 1,
                       "over_err": "ping: local error: message too long, mtu=1450"}},
        "removed": [{"name": "old", "vni": 500, "endpoints": [{"name": "o1"}]}],
        "leftovers": {"h1": {"ports": [], "interfaces": [], "netns": ["b1"], "iptables": "",
                             "links": [], "flows": ""}},
        "storm": {"h1": {"seconds": 5, "packets": {"br-int": 12, "br-phy": 40}, "misplaced": []}},
    }


def page(doc):
    p = subprocess.run([sys.executable, str(MATRIX)], input=json.dumps(doc), text=True,
                       capture_output=True, check=True)
    return [x for x in p.stdout.splitlines() if not x.startswith("ROWS-JSON: ")]


def test_the_page_says_what_happened_and_marks_the_unexpected():
    lines = page(good())
    b1 = [x.split() for x in lines if x.startswith("b1 ")][0]
    assert b1 == ["b1", "-", "reached", "isolated"]
    assert "  old        pruned 1/1" in lines and lines[-1] == "RESULT: 16 checks, 0 failed"
    doc = good()       # blue reaches red (same address): the cell says so, marked
    doc["probe"]["b1"]["r2"] = {"ping": "ok", "neigh_mac": "bb:00:00:00:00:02", "tcp": "ok",
                                "token": "red/r2", "bytes": MiB}
    lines = page(doc)
    b1 = [x.split() for x in lines if x.startswith("b1 ")][0]
    assert b1 == ["b1", "-", "reached", "reached!!"]
    assert any(x.startswith("  blue ") and "reach 1/2!!" in x for x in lines)
    assert "Not as expected:" in lines and lines[-1] == "RESULT: 16 checks, 1 failed"


def test_the_full_table_goes_to_a_file(tmp_path):
    full = tmp_path / "verify" / "full.txt"
    p = subprocess.run([sys.executable, str(MATRIX), "--full", str(full), "--page",
                        str(tmp_path / "page.txt")], input=json.dumps(good()), text=True,
                       capture_output=True, check=True)
    assert "full table: %s" % full in p.stdout
    text = full.read_text().splitlines()
    assert len(text) == 16 + 3 and text[-1] == "RESULT: 16 checks, 0 failed"
    assert (tmp_path / "page.txt").read_text().splitlines()[-1] == "full table: %s" % full


def evaluate(doc):
    p = subprocess.run([sys.executable, str(MATRIX)], input=json.dumps(doc), text=True,
                       capture_output=True, check=True)
    line = [x for x in p.stdout.splitlines() if x.startswith("ROWS-JSON: ")][0]
    return json.loads(line[len("ROWS-JSON: "):])


def test_background_arp_in_other_vni_is_not_a_leak():
    doc = good()
    doc["wire"]["b1"]["vnis"] = {"vxlan:100": 6, "vxlan:200": 1}
    assert all(r["ok"] for r in evaluate(doc))


def test_good_network_passes():
    rows = evaluate(good())
    assert rows and all(r["ok"] for r in rows), [r for r in rows if not r["ok"]]


def _break(path, value):
    def f(d):
        cur = d
        for k in path[:-1]:
            cur = cur[k]
        cur[path[-1]] = value
    return f


@pytest.mark.parametrize("check,mutate", [
    ("reach", _break(["probe", "b1", "r2"], {"ping": "ok", "neigh_mac": "bb:00:00:00:00:02",
                                              "tcp": "ok", "token": "red/r2", "bytes": MiB})),
    ("reach", _break(["probe", "b1", "b2"], {"ping": "ok", "neigh_mac": "aa:00:00:00:00:02",
                                              "tcp": "ok", "token": "blue/b2", "bytes": 1000})),
    ("reach", _break(["probe", "b1", "b2"], {"ping": "ok", "neigh_mac": "aa:00:00:00:00:02",
                                              "tcp": "ok", "token": "red/r2", "bytes": MiB})),
    ("wire-key", _break(["wire", "b1", "icmp_vnis"], {"vxlan:100": 4, "vxlan:200": 2})),
    ("wire-key", _break(["wire", "b1", "icmp_vnis"], {"vxlan:200": 6})),
    ("wire-key", _break(["wire", "b1", "icmp_vnis"], {"geneve:100": 6})),   # right VNI, wrong type
    ("wire-key", _break(["wire", "b1", "ping"], "fail")),
    ("arp-bcast", _break(["arpcap", "r2"], [{"src_mac": "aa:00:00:00:00:01", "oper": 1}])),
    ("arp-bcast", _break(["arpcap", "b2"], [])),
    ("snat", _break(["seen"], json.dumps({"proto": "tcp", "src": "10.0.0.11", "hello": "blue/b1/n"}))),
    ("snat", _break(["snat", "r2"], {"result": "connected", "hello": "red/r2/n"})),
    ("inbound", _break(["inbound", "h1", "targets", "10.0.0.11"], {"result": "refused"})),
    # the path from outside does not reach the host: a "blocked" proves nothing
    ("inbound-path", _break(["inbound", "h1", "control"], {"ip": "192.168.0.11",
                                                           "result": "timeout"})),
    # the host lost its default route, or a route's metric changed
    ("host-route", _break(["routes", "h1", "have"], [{"dst": "198.18.0.0/15", "metric": 50,
                                                      "gateway": "192.168.0.254"}])),
    ("host-route", _break(["routes", "h1", "have"], [
        {"dst": "default", "gateway": "192.168.0.254"},
        {"dst": "198.18.0.0/15", "gateway": "192.168.0.254", "metric": 0}])),
    ("mtu", _break(["mtu", "b1", "over_rc"], 0)),
    ("pruned", _break(["leftovers", "h1", "netns"], ["o1"])),
    ("pruned", _break(["leftovers", "h1", "flows"], "cookie=0x1, tun_id=0x1f4 actions=drop")),
    ("pruned", _break(["leftovers", "h1", "links"], ["vx1f4"])),    # kernel mode device
    # a broadcast loop: ~35,000 pps through NORMAL, and the host's own MAC on a tunnel
    ("storm", _break(["storm", "h1", "packets", "br-int"], 175000)),
    ("storm", _break(["storm", "h1", "misplaced"], [{"mac": "aa:00:00:00:00:01", "endpoint": "b1",
                                                    "port": "vx64-a8fa0c", "bridge": "br-int"}])),
])
def test_broken_network_fails(check, mutate):
    doc = good()
    mutate(doc)
    bad = [r for r in evaluate(doc) if not r["ok"]]
    assert bad and {r["check"] for r in bad} == {check}


def test_a_host_holding_anything_of_the_other_backend_fails():
    doc = dict(good(), backend="ovn", backend_found={
        "h1": {"ovn": ["key ovn-remote"], "ovs": []}, "h2": {"ovn": [], "ovs": []}})
    assert all(r["ok"] for r in evaluate(doc))
    doc["backend_found"]["h2"]["ovs"] = ["netns ovr-blue"]
    bad = [r for r in evaluate(doc) if not r["ok"]]
    assert [(r["check"], r["subject"], r["seen"]) for r in bad] == [
        ("backend", "h2", "netns ovr-blue")]
    doc = dict(doc, backend="ovs")          # the same host on the ovs backend: h1's OVN key
    bad = [r for r in evaluate(doc) if not r["ok"]]
    assert [(r["check"], r["subject"]) for r in bad] == [("backend", "h1")]


def _ovn_with_floating(b2_src):
    doc = good()
    tenants = json.loads(json.dumps(TENANTS))
    tenants[0]["endpoints"][1]["floating_ip"] = "192.168.0.50"
    doc.update(tenants=tenants, ovn_range="192.168.0.200-192.168.0.209")
    doc["snat"]["b2"] = {"result": "connected", "hello": "blue/b2/n"}
    doc["seen"] = "\n".join(json.dumps(x) for x in (
        {"proto": "tcp", "src": "192.168.0.200", "hello": "blue/b1/n"},
        {"proto": "tcp", "src": b2_src, "hello": "blue/b2/n"}))
    return doc


def test_with_ovn_an_endpoint_with_a_floating_address_leaves_as_it():
    rows = [r for r in evaluate(_ovn_with_floating("192.168.0.50")) if r["check"] == "snat"]
    assert rows and all(r["ok"] for r in rows), rows
    # leaving as its router's address instead is wrong
    bad = [r for r in evaluate(_ovn_with_floating("192.168.0.200")) if not r["ok"]]
    assert [(r["check"], r["subject"]) for r in bad] == [("snat", "b2")]


def _ovn_published(pub_at):
    doc = good()
    tenants = json.loads(json.dumps(TENANTS))
    tenants[0]["endpoints"][1]["publish"] = [{"proto": "tcp", "port": 80, "host_port": 8080}]
    doc.update(tenants=tenants)
    doc["offered"] = {
        "outside_ip": "100.64.0.100", "ovn": True, "pub_at": pub_at, "hairpin": {},
        "state": {"h2": {"addrs": {}, "marks": [], "rules": {}}},
        "ports": {"server": 18080, "peer": 18081, "host": 18082},
        "outside": {"192.168.0.200:8080": {"result": "connected", "line": "blue/b2 from 100.64.0.100"},
                    "192.168.0.200:18080": {"result": "refused"}}}
    return doc


def test_with_ovn_a_published_port_is_tried_on_its_router_address():
    rows = [r for r in evaluate(_ovn_published({"b2": "192.168.0.200"}))
            if r["check"].startswith("offer")]
    assert len(rows) == 5 and all(r["ok"] for r in rows), rows     # in, closed, 3 of state
    # judged on the host's address instead (where OVN publishes nothing): not reached
    bad = [r for r in evaluate(_ovn_published({})) if not r["ok"]]
    assert [(r["check"], r["subject"]) for r in bad] == [
        ("offer-in", "outside -> 192.168.0.12:8080 (b2:80)")]
