#!/usr/bin/env python3
"""Side by side: site.yml of other commits against this one, on the same lab,
in one invocation (wall times on this shared machine drift by 2x between days,
so figures of different days do not compare; the same lab at the same hour
does).

  .venv/bin/python bench/ab.py REF [REF...]     (BENCH_AB_T="10 500", BENCH_REPEAT=3)

For each T, every ref in turn (and the working tree as "this"): fresh lab
hosts, a first run, then BENCH_REPEAT no-change runs; each ref runs from a
git worktree of it under bench/.cache/ab/ with this checkout's .venv. Prints
one table and writes bench/out/ab.json."""
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lab import HOSTS, OUT, ROOT, ansible_env, lab, lab_fresh, playbook, prepare_host  # noqa: E402
from sitebench import write_inventory  # noqa: E402

CACHE = os.path.join(ROOT, 'bench', '.cache', 'ab')


def worktree(ref):
    """A checkout of *ref* (commit id) next to this one; 'this' is this one."""
    if ref == 'this':
        return ROOT, subprocess.check_output(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'],
                                             text=True).strip() + ' (this)'
    sha = subprocess.check_output(['git', '-C', ROOT, 'rev-parse', '--short', ref], text=True).strip()
    path = os.path.join(CACHE, sha)
    if not os.path.isdir(path):
        os.makedirs(CACHE, exist_ok=True)
        subprocess.check_call(['git', '-C', ROOT, 'worktree', 'add', '--detach', '-f', path, sha],
                              stdout=subprocess.DEVNULL)
    return path, sha


def main(refs):
    ts = [int(x) for x in os.environ.get('BENCH_AB_T', '10 500').split()]
    repeat = int(os.environ.get('BENCH_REPEAT', '3'))
    env = ansible_env()
    rows = []
    try:
        for t in ts:
            inv = write_inventory(t, 'port')
            for ref in list(refs) + ['this']:
                path, label = worktree(ref)
                env_ref = dict(env, ANSIBLE_CONFIG=os.path.join(path, 'ansible.cfg'))
                lab_fresh()
                for h in HOSTS:
                    prepare_host(h)
                for i, kind in enumerate(['first'] + ['nochange'] * repeat):
                    logf = os.path.join(OUT, 'ab-%s-%d-%s-%d.log' % (label.split()[0], t, kind, i))
                    secs, _c = playbook(os.path.join(path, 'site.yml'), inv, list(HOSTS), env_ref,
                                        logf, stats={})
                    rows.append(dict(ref=label, t=t, run=kind, secs=secs))
                    print('%-22s T=%-3d %-8s %7.2f s' % (label, t, kind, secs), flush=True)
    finally:
        lab('down')
    with open(os.path.join(OUT, 'ab.json'), 'w') as f:
        json.dump(rows, f, indent=1)
    print('\n| commit | T | first run s | no-change s (median of %d) |\n|---|---|---|---|' % repeat)
    for t in ts:
        for label in dict.fromkeys(r['ref'] for r in rows):
            sel = [r['secs'] for r in rows if r['ref'] == label and r['t'] == t]
            if sel:
                print('| %s | %d | %.2f | %.2f |' % (label, t, sel[0], statistics.median(sel[1:])))


if __name__ == '__main__':
    main(sys.argv[1:])
