#!/usr/bin/env python3
"""Hand-made overlay for the lab (test fixture, NOT the product).

Builds, with plain ovs-vsctl/ovs-ofctl/ip/iptables commands run through
`docker exec`, what site.yml is meant to build, so the verify probes can be
proven on real packets before (and independently of) the roles:

  manual_net.py apply  --prefix ovl-demo --tenants DIR   # converge (adds + prunes)
  manual_net.py break-vni --prefix ovl-demo --host host2  # swap VNIs of two tenants on one host
  manual_net.py break-snat --prefix ovl-demo --tenant blue
  manual_net.py --dry-run apply ...                       # print the commands

Layout per host (names from docs/design.md): br-phy (netdev) holds eth0 and the
underlay address; br-int (netdev); per tenant a local VLAN tag, VXLAN ports
vx<vni>-<peer>, endpoint namespaces (veth ove<sha1[:10]> <-> eth0, tx offload off);
per SNAT tenant a router namespace ovr-<t> (qr0 gateway leg on br-int, qg0
uplink leg to the host over a 169.254/30 transit) with MASQUERADE, and a host
MASQUERADE of 169.254.0.0/16 out of br-phy (double NAT).
"""
import argparse
import glob
import hashlib
import ipaddress
import json
import os
import subprocess
import sys

import yaml

HOSTS = {"host1": 11, "host2": 12}
DRY = False


def sh(container, argv, check=True):
    full = ["docker", "exec", container] + argv
    if DRY:
        print(" ".join(full))
        return ""
    p = subprocess.run(full, capture_output=True, text=True, check=False)
    if check and p.returncode != 0:
        sys.exit("FAILED (%d): %s\n%s" % (p.returncode, " ".join(full), p.stderr))
    return p.stdout


def veth_name(ep):
    return "ove" + hashlib.sha1(ep.encode()).hexdigest()[:10]


def gw_mac(vni):
    return "02:0f:1c:%02x:%02x:%02x" % ((vni >> 16) & 255, (vni >> 8) & 255, vni & 255)


def cookie(vni):
    return "0x%08x" % (0x0f1c0000 | (vni & 0xffff))


def load(tdir):
    tenants = []
    for f in sorted(glob.glob(os.path.join(tdir, "*.yml"))):
        with open(f, encoding="utf-8") as fh:
            t = yaml.safe_load(fh)
        net = ipaddress.ip_network(t["subnet"])
        t.setdefault("gateway", str(net.network_address + 1))
        t.setdefault("snat", False)
        t.setdefault("mtu", 1450)
        t["prefixlen"] = net.prefixlen
        tenants.append(t)
    return tenants


def base(c, ip):
    sh(c, ["/usr/share/openvswitch/scripts/ovs-ctl", "start", "--system-id=random"])
    sh(c, ["ovs-vsctl", "--may-exist", "add-br", "br-phy", "--", "set", "bridge", "br-phy",
           "datapath_type=netdev"])
    sh(c, ["ovs-vsctl", "--may-exist", "add-port", "br-phy", "eth0"])
    sh(c, ["ip", "addr", "flush", "dev", "eth0"])
    sh(c, ["ip", "addr", "replace", ip + "/24", "dev", "br-phy"])
    sh(c, ["ip", "link", "set", "br-phy", "up"])
    sh(c, ["ovs-vsctl", "--may-exist", "add-br", "br-int", "--", "set", "bridge", "br-int",
           "datapath_type=netdev"])
    sh(c, ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
    rule = ["POSTROUTING", "-s", "169.254.0.0/16", "-o", "br-phy", "-j", "MASQUERADE",
            "-m", "comment", "--comment", "ovl:host"]
    if not DRY and subprocess.run(["docker", "exec", c, "iptables", "-t", "nat", "-C"] + rule,
                                  capture_output=True, check=False).returncode == 0:
        return
    sh(c, ["iptables", "-t", "nat", "-A"] + rule)


def ns_list(c):
    if DRY:
        return []
    return [x.split()[0] for x in sh(c, ["ip", "netns", "list"]).splitlines() if x.strip()]


def prune(c, tenants, host):
    """Remove objects of tenants no longer listed (marks: external_ids, names)."""
    keep = {t["name"] for t in tenants}
    keep_ns = {e["name"] for t in tenants for e in t["endpoints"] if e["host"] == host}
    keep_ns |= {"ovr-" + t["name"] for t in tenants if t["snat"]}
    if not DRY:
        ports = json.loads(sh(c, ["ovs-vsctl", "--format=json", "--columns=name,external_ids",
                                  "list", "Port"]))
        for name, ext in ports["data"]:
            ext = dict(ext[1])
            if "ovl-tenant" in ext and ext["ovl-tenant"] not in keep:
                if name.startswith("vx"):
                    vni = int(name[2:].split("-")[0])
                    sh(c, ["ovs-ofctl", "del-flows", "br-int", "cookie=%s/-1" % cookie(vni)])
                sh(c, ["ovs-vsctl", "--if-exists", "del-port", name])
                sh(c, ["ip", "link", "del", name], check=False)
    for ns in ns_list(c):
        if ns not in keep_ns and (ns.startswith("ovr-") or "-" in ns):
            sh(c, ["ip", "netns", "del", ns])
    # host links of removed routers vanish with their namespace (veth pairs)


def tenant(c, t, tag, host, peers):
    vni = t["vni"]
    local = [e for e in t["endpoints"] if e["host"] == host]
    ext = ["external_ids:ovl-owner=ovl", "external_ids:ovl-tenant=" + t["name"]]
    for i, peer in enumerate(peers, 1):
        port = "vx%d-%d" % (vni, i)
        sh(c, ["ovs-vsctl", "--may-exist", "add-port", "br-int", port, "tag=%d" % tag, "--",
               "set", "interface", port, "type=vxlan", "options:key=%d" % vni,
               "options:remote_ip=" + peer, "--", "set", "port", port] + ext)
    for e in local:
        ns, dev = e["name"], veth_name(e["name"])
        if ns not in ns_list(c):
            sh(c, ["ip", "netns", "add", ns])
            sh(c, ["ip", "link", "add", dev, "mtu", str(t["mtu"]), "type", "veth", "peer", "name",
                   "eth0", "netns", ns])
        sh(c, ["ip", "link", "set", dev, "up"])
        sh(c, ["ethtool", "-K", dev, "tx", "off"])
        n = ["ip", "netns", "exec", ns]
        sh(c, n + ["ethtool", "-K", "eth0", "tx", "off"])
        sh(c, n + ["ip", "link", "set", "lo", "up"])
        sh(c, n + ["ip", "link", "set", "eth0", "mtu", str(t["mtu"]), "up"])
        sh(c, n + ["ip", "addr", "replace", "%s/%d" % (e["ip"], t["prefixlen"]), "dev", "eth0"])
        sh(c, n + ["ip", "route", "replace", "default", "via", t["gateway"]])
        sh(c, ["ovs-vsctl", "--may-exist", "add-port", "br-int", dev, "tag=%d" % tag, "--",
               "set", "port", dev] + ext)
    if not t["snat"]:
        return
    r = "ovr-" + t["name"]
    n = ["ip", "netns", "exec", r]
    ovg, ovu = "ovg-" + t["name"], "ovu-" + t["name"]
    transit = ipaddress.ip_network("169.254.0.0/16").network_address + 4 * tag
    hip, rip = str(transit + 1), str(transit + 2)
    if r not in ns_list(c):
        sh(c, ["ip", "netns", "add", r])
        sh(c, ["ip", "link", "add", ovg, "mtu", str(t["mtu"]), "type", "veth", "peer", "name",
               "qr0", "netns", r])
        sh(c, ["ip", "link", "add", ovu, "type", "veth", "peer", "name", "qg0", "netns", r])
    for dev in (ovg, ovu):
        sh(c, ["ip", "link", "set", dev, "up"])
        sh(c, ["ethtool", "-K", dev, "tx", "off"])
    sh(c, ["ip", "addr", "replace", hip + "/30", "dev", ovu])
    for dev in ("qr0", "qg0"):
        sh(c, n + ["ethtool", "-K", dev, "tx", "off"])
    sh(c, n + ["ip", "link", "set", "lo", "up"])
    sh(c, n + ["ip", "link", "set", "qr0", "address", gw_mac(vni), "mtu", str(t["mtu"]), "up"])
    sh(c, n + ["ip", "link", "set", "qg0", "up"])
    sh(c, n + ["ip", "addr", "replace", "%s/%d" % (t["gateway"], t["prefixlen"]), "dev", "qr0"])
    sh(c, n + ["ip", "addr", "replace", rip + "/30", "dev", "qg0"])
    sh(c, n + ["ip", "route", "replace", "default", "via", hip])
    sh(c, n + ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
    sh(c, n + ["iptables", "-t", "nat", "-F", "POSTROUTING"])
    sh(c, n + ["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", t["subnet"], "-o", "qg0",
               "-j", "MASQUERADE", "-m", "comment", "--comment", "ovl:" + t["name"]])
    sh(c, n + ["iptables", "-F", "FORWARD"])
    sh(c, n + ["iptables", "-F", "INPUT"])
    for chain in ("FORWARD", "INPUT"):
        sh(c, n + ["iptables", "-A", chain, "-i", "qg0", "-m", "conntrack", "--ctstate",
                   "NEW,INVALID", "-j", "DROP", "-m", "comment", "--comment",
                   "ovl:%s-inbound" % t["name"]])
    sh(c, ["ovs-vsctl", "--may-exist", "add-port", "br-int", ovg, "tag=%d" % tag, "--",
           "set", "port", ovg] + ext)
    # The gateway exists on every host with the same MAC: keep it host-local.
    for i, _ in enumerate(peers, 1):
        port = "vx%d-%d" % (vni, i)
        sh(c, ["ovs-ofctl", "add-flow", "br-int",
               "cookie=%s,priority=100,in_port=%s,dl_src=%s,actions=drop" % (cookie(vni), port, gw_mac(vni))])
        sh(c, ["ovs-ofctl", "add-flow", "br-int",
               "cookie=%s,priority=100,arp,in_port=%s,arp_tpa=%s,actions=drop"
               % (cookie(vni), port, t["gateway"])])


def cmd_apply(a):
    tenants = load(a.tenants)
    sub = a.subnet.rsplit(".", 1)[0]
    for host, last in HOSTS.items():
        c = "%s-%s" % (a.prefix, host)
        base(c, "%s.%d" % (sub, last))
        prune(c, tenants, host)
        # Stable tags: VNI order is enough for a fixture.
        for t in tenants:
            hosts = {e["host"] for e in t["endpoints"]}
            if host not in hosts:
                continue
            peers = ["%s.%d" % (sub, HOSTS[h]) for h in sorted(hosts) if h != host]
            tenant(c, t, t["vni"] // 100, host, peers)


def cmd_break_vni(a):
    c = "%s-%s" % (a.prefix, a.host)
    sh(c, ["ovs-vsctl", "set", "interface", "vx%d-1" % a.vni_a, "options:key=%d" % a.vni_b, "--",
           "set", "interface", "vx%d-1" % a.vni_b, "options:key=%d" % a.vni_a])


def cmd_break_snat(a):
    for host in HOSTS:
        c = "%s-%s" % (a.prefix, host)
        sh(c, ["ip", "netns", "exec", "ovr-" + a.tenant, "iptables", "-t", "nat", "-F",
               "POSTROUTING"], check=False)


def main():
    global DRY
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    sp = ap.add_subparsers(dest="cmd", required=True)
    p = sp.add_parser("apply")
    p.add_argument("--tenants", required=True)
    p.set_defaults(fn=cmd_apply)
    p = sp.add_parser("break-vni")
    p.add_argument("--host", default="host2")
    p.add_argument("--vni-a", type=int, default=100)
    p.add_argument("--vni-b", type=int, default=200)
    p.set_defaults(fn=cmd_break_vni)
    p = sp.add_parser("break-snat")
    p.add_argument("--tenant", default="blue")
    p.set_defaults(fn=cmd_break_snat)
    for p in sp.choices.values():
        p.add_argument("--prefix", default=os.environ.get("LAB_PREFIX", "ovl-demo"))
        p.add_argument("--subnet", default=os.environ.get("LAB_SUBNET", "192.168.250.0/24"))
    a = ap.parse_args()
    DRY = a.dry_run
    a.fn(a)


if __name__ == "__main__":
    main()
