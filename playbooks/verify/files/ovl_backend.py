#!/usr/bin/env python3
"""What each backend left on this host (copied to each lab host; read only).

  python3 ovl_backend.py --owner ovl --bridge br-int

prints one JSON document {"ovn": [...], "ovs": [...]}: what of each backend
this host holds now, by the marks the product sets (not by its code):

- ovn: the chassis keys of the Open_vSwitch table (ovn-*, ovl-chassis,
  ovl-central), ports ovn-controller made (external_ids ovn-*), interface
  ids of our tenant ports (iface-id, ovn-installed), br-int's ct-zone-* and
  ovn-* keys and secure fail mode, live OVN daemons (pid files in
  /var/run/ovn);
- ovs: our ports with a VLAN tag, our tunnel ports (type vxlan, geneve,
  gre), br-tun, router namespaces (ovr-*), tenant NAT rules (comment ovl:T).

A host of one backend must hold nothing of the other (matrix.py, check
"backend").
"""
import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ovl_probe import run as probe_run  # noqa: E402  (copied next to this file)

TUNNEL_TYPES = ("vxlan", "geneve", "gre", "stt")


def run(argv):
    """stdout of *argv* ('' when it fails or the tool is missing: nothing of it)."""
    rc, out, _err = probe_run(argv, timeout=20)
    return out if rc == 0 else ""


def datum(value):
    """An OVSDB JSON value as Python (maps, sets, scalars)."""
    if isinstance(value, list) and value and value[0] == "map":
        return dict((k, datum(v)) for k, v in value[1])
    if isinstance(value, list) and value and value[0] == "set":
        return [datum(v) for v in value[1]]
    if isinstance(value, list) and value and value[0] == "uuid":
        return value[1]
    return value


def table(name, columns):
    text = run(["ovs-vsctl", "--format=json", "--columns=" + columns, "list", name])
    if not text:
        return []
    doc = json.loads(text)
    return [dict(zip(doc["headings"], [datum(v) for v in row])) for row in doc["data"]]


def alive(pidfile):
    try:
        with open(pidfile) as handle:
            return os.path.exists("/proc/%d" % int(handle.read().strip()))
    except (OSError, ValueError):
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--owner", default="ovl")
    ap.add_argument("--bridge", default="br-int")
    args = ap.parse_args()
    ovn, ovs = [], []
    for row in table("Open_vSwitch", "external_ids"):
        ovn += ["key " + k for k in sorted(row["external_ids"])
                if k.startswith("ovn-") or k in ("ovl-chassis", "ovl-central")]
    ifaces = dict((r["name"], r) for r in table("Interface", "name,type,external_ids"))
    for port in table("Port", "name,tag,external_ids"):
        ids, iface = port["external_ids"], ifaces.get(port["name"], {})
        if any(k.startswith("ovn-") for k in ids):
            ovn.append("port " + port["name"])
        if ids.get("ovl-owner") != args.owner:
            continue
        if ids.get("ovl-tenant") and any(k in iface.get("external_ids", {})
                                         for k in ("iface-id", "ovn-installed")):
            ovn.append("interface id on " + port["name"])
        if port["tag"] not in (None, []):
            ovs.append("tagged port " + port["name"])
        if iface.get("type") in TUNNEL_TYPES:
            ovs.append("tunnel " + port["name"])
    for br in table("Bridge", "name,fail_mode,external_ids"):
        if br["name"] == "br-tun":
            ovs.append("bridge br-tun")
        if br["name"] == args.bridge:
            keys = [k for k in br["external_ids"] if k.startswith(("ct-zone-", "ovn-"))]
            ovn += ["%s key %s" % (args.bridge, k) for k in sorted(keys)[:3]]
            if br["fail_mode"] == "secure":
                ovn.append("%s fail_mode secure" % args.bridge)
    ovn += ["daemon " + os.path.basename(p)[:-4] for p in sorted(glob.glob("/var/run/ovn/*.pid"))
            if alive(p)]
    netns = json.loads(run(["ip", "-j", "netns", "list"]) or "[]")
    ovs += ["netns " + n["name"] for n in netns if n["name"].startswith("ovr-")]
    for line in run(["iptables-save"]).splitlines() + run(["nft", "list", "ruleset"]).splitlines():
        if "ovl:" in line and not line.lstrip().startswith("#"):
            ovs.append("rule " + line.strip()[:60])
    print(json.dumps({"ovn": ovn, "ovs": sorted(set(ovs))}, sort_keys=True))


if __name__ == "__main__":
    main()
