#!/usr/bin/env python3
"""Figures of molecule/kvm/bench.yml. Reads {runs: [[[round, kind], iperf3 -J], ...],
accel, tenant, mtu, src, dst, out} on stdin; prints the report and writes the
figures to `out` (JSON). Under TCG only the ratio is reported (the absolute
figures are in `out`, marked as emulation-bound). Exit 1 when a run failed."""
import json
import statistics
import sys


def main():
    d = json.load(sys.stdin)
    got = {"underlay": [], "overlay": []}
    for (rnd, kind), res in d["runs"]:
        if "error" in res:
            print("round %s %s: iperf3 error: %s" % (rnd, kind, res["error"]))
            return 1
        got[kind].append(round(res["end"]["sum_received"]["bits_per_second"] / 1e6, 1))
    med = {k: statistics.median(v) for k, v in got.items()}
    ratio = med["overlay"] / med["underlay"]
    accel = d["accel"].splitlines()[0] if d.get("accel") else "unknown"
    mtu = int(d["mtu"])
    limit = mtu / 1500.0
    lines = ["iperf3 TCP %s -> %s (tenant %s, MTU %d) vs the same guests' underlay (eth1, MTU 1500),"
             " %d rounds each" % (d["src"], d["dst"], d["tenant"], mtu, len(got["overlay"]))]
    if accel == "tcg":
        lines += [
            "  acceleration: TCG (no usable KVM here). QEMU emulates the guests' CPUs: both",
            "  throughputs are bound by the emulation, not by a link, and say nothing about real",
            "  hardware, so only their ratio is reported: the cost of the overlay path (veth,",
            "  namespace, kernel OVS datapath, VXLAN) against the plain path on the same emulated",
            "  CPUs. It is not comparable with the link limit (about %.3f at MTU 1500)." % limit,
            "  ratio overlay/underlay (medians): %.3f" % ratio,
        ]
    else:
        lines += [
            "  acceleration: %s" % accel,
            "  underlay: %s Mbit/s (median %.0f)" % (", ".join("%.0f" % x for x in got["underlay"]),
                                                    med["underlay"]),
            "  overlay:  %s Mbit/s (median %.0f)" % (", ".join("%.0f" % x for x in got["overlay"]),
                                                    med["overlay"]),
            "  ratio overlay/underlay (medians): %.3f; the physical limit at MTU 1500: about %.3f"
            % (ratio, limit),
        ]
    with open(d["out"], "w") as fh:
        json.dump({"accel": accel, "mbit": got, "median_mbit": med, "ratio": round(ratio, 3),
                   "limit": round(limit, 3), "tenant": d["tenant"], "src": d["src"], "dst": d["dst"],
                   "note": "TCG: absolute figures are emulation-bound" if accel == "tcg" else ""},
                  fh, indent=1)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
