#!/usr/bin/env python3
"""Side by side: site.yml of other commits against this one, on the same lab,
in one invocation (wall times on this shared machine drift by 2x between days,
so figures of different days do not compare; the same lab at the same hour
does).

  .venv/bin/python bench/ab.py REF [REF...]
      (BENCH_AB_T="10 500", BENCH_REPEAT=3, BENCH_AB_OVS_N="200", BENCH_AB_OVS_REPEAT=3)

For each T, every ref in turn (and the working tree as "this"): fresh lab
hosts, a first run, then BENCH_REPEAT no-change runs; each ref runs from a
git worktree of it under bench/.cache/ab/ with this checkout's .venv. Then
ovs_state alone (bench/ovsbench.py: one bridge, N tagged internal ports and
N VXLAN ports, one task) for each N of BENCH_AB_OVS_N, each ref in turn:
BENCH_AB_OVS_REPEAT times a first run and a no-change run. Prints one table
per part and writes bench/out/ab.json."""
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ovsbench  # noqa: E402
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
        ovs_rows = ovs_state(refs, env)
    finally:
        lab('down')
    with open(os.path.join(OUT, 'ab.json'), 'w') as f:
        json.dump(dict(site=rows, ovs_state=ovs_rows), f, indent=1)
    print('\n| commit | N | ovs_state first run s | no-change s (medians of %d) |\n|---|---|---|---|'
          % int(os.environ.get('BENCH_AB_OVS_REPEAT', '3')))
    for n in sorted(set(r['n'] for r in ovs_rows)):
        for label in dict.fromkeys(r['ref'] for r in ovs_rows):
            first = [r['secs'] for r in ovs_rows if (r['ref'], r['n'], r['run']) == (label, n, 'first')]
            again = [r['secs'] for r in ovs_rows
                     if (r['ref'], r['n'], r['run']) == (label, n, 'nochange')]
            print('| %s | %d | %.2f | %.2f |' % (label, n, statistics.median(first),
                                                statistics.median(again)))
    if ts:
        print('\n| commit | T | first run s | no-change s (median of %d) |\n|---|---|---|---|'
              % repeat)
    for t in ts:
        for label in dict.fromkeys(r['ref'] for r in rows):
            sel = [r['secs'] for r in rows if r['ref'] == label and r['t'] == t]
            if sel:
                print('| %s | %d | %.2f | %.2f |' % (label, t, sel[0], statistics.median(sel[1:])))


def ovs_state(refs, env):
    """ovs_state alone, each ref from its worktree (rows {ref, n, run, secs})."""
    ns = [int(x) for x in os.environ.get('BENCH_AB_OVS_N', '200').split()]
    repeat = int(os.environ.get('BENCH_AB_OVS_REPEAT', '3'))
    rows = []
    lab_fresh()
    for h in HOSTS:
        prepare_host(h)
    inv = ovsbench.inventory()
    for n in ns:
        play = ovsbench.playbooks(n)['ovs_state']
        for ref in list(refs) + ['this']:
            path, label = worktree(ref)
            env_ref = dict(env, ANSIBLE_CONFIG=os.path.join(path, 'ansible.cfg'))
            for r in range(repeat):
                ovsbench.delete_bridge()
                for kind in ('first', 'nochange'):
                    logf = os.path.join(OUT, 'ab-ovs-%s-%d-%s-%d.log' % (label.split()[0], n, kind, r))
                    secs, _c = playbook(play, inv, [ovsbench.HOST], env_ref, logf)
                    ovsbench.check_state(n)
                    rows.append(dict(ref=label, n=n, run=kind, secs=secs))
                    print('%-22s ovs_state N=%-3d %-8s %6.2f s' % (label, n, kind, secs), flush=True)
            ovsbench.delete_bridge()
    return rows


if __name__ == '__main__':
    main(sys.argv[1:])
