#!/usr/bin/env python3
"""Run a Molecule command and time each action of its sequence.

    timed.py --table FILE [--log FILE] [--accel FILE] -- molecule test -s kvm

The output passes through unchanged (and into --log). Molecule logs
"<scenario> ➜ <action>: Executing" and "...: Executed: <result>" for every
action; each pair is one phase, named by the scenario's test_sequence entry
it belongs to (e.g. "side_effect reboot.yml"). The table of phases, the total
and the acceleration the lab used (--accel: the lab's accel file) are printed
at the end and written to --table. Exit status: the command's.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|\x1b\]8;;[^\x1b]*\x1b\\")
EVENT = re.compile(r"^(?:INFO|WARNING|ERROR)\s+(\S+) \u279c (\S+): (Executing|Executed)(?:: (.*))?$")


def sequence_of(scenario_dir):
    try:
        import yaml  # the venv's PyYAML (Molecule needs it)
        with open(os.path.join(scenario_dir, "molecule.yml")) as fh:
            return list(yaml.safe_load(fh)["scenario"]["test_sequence"])
    except (OSError, KeyError, TypeError, ImportError):
        return []


def read_accel(path):
    """First line of the lab's accel file (kvm or tcg), or None."""
    try:
        with open(path) as fh:
            return fh.readline().strip() or None
    except (OSError, TypeError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", required=True)
    ap.add_argument("--log")
    ap.add_argument("--accel")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    seq = sequence_of(os.path.dirname(os.path.abspath(__file__)))
    used = [False] * len(seq)
    phases, open_phase = [], None
    for path in (args.log, args.table):
        if path:  # a fresh clone has no .cache yet
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    log = open(args.log, "w") if args.log else None
    accel = "unknown"
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1,
                            text=True, errors="replace")
    for line in proc.stdout:
        now = time.monotonic()
        sys.stdout.write(line)
        sys.stdout.flush()
        if log:
            log.write("[%7.1f] %s" % (now - t0, ANSI.sub("", line)))
        m = EVENT.match(ANSI.sub("", line).strip())
        if not m:
            continue
        _, action, what, result = m.groups()
        if what == "Executing":
            label = action
            for i, entry in enumerate(seq):
                if not used[i] and entry.split()[0] == action:
                    used[i] = True
                    label = entry
                    break
            open_phase = [label, now, None]
        elif open_phase is not None:
            accel = read_accel(args.accel) or accel  # the lab's run directory goes with destroy
            phases.append((open_phase[0], now - open_phase[1], (result or "").strip()))
            open_phase = None
    rc = proc.wait()
    total = time.monotonic() - t0
    accel = read_accel(args.accel) or accel
    rows = ["%-34s %7.1f s  %s" % (label, secs, result) for label, secs, result in phases
            if not result.endswith("disabled")]
    rows.append("%-34s %7.1f s  rc=%d  (acceleration: %s)" % ("total", total, rc, accel))
    text = "phases of `%s`:\n%s\n" % (" ".join(cmd[1:] if cmd else cmd), "\n".join(rows))
    print(text, end="")
    with open(args.table, "w") as fh:
        fh.write(text)
    if log:
        log.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
