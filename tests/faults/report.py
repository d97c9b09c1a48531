"""The table of `make test-faults` for the README, from what the tests
recorded in .cache/faults/ (input.json: generated bad input; results.json:
the faults lab)."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.join(ROOT, '.cache', 'faults')


def load(name):
    path = os.path.join(CACHE, name)
    if not os.path.exists(path):
        sys.exit('%s missing: run make test-faults' % path)
    with open(path) as handle:
        return json.load(handle)


def main():
    inp, lab = load('input.json'), load('results.json')
    restart = lab.get('ovs_restart', {})
    rows = [
        ('generated bad inputs tried', inp['cases']),
        ('accepted / tracebacks / unclear / over 1 s', '%d / %d / %d / %d' % (
            inp['accepted'], inp['tracebacks'], inp['unclear'], inp['slow'])),
        ('tests on the 3-host lab, each injecting faults (or 54 broken inventories)', lab.get('faults', 0)),
        ('reach checks after each fault (pairs, isolation)', lab.get('reach_checks', 0)),
        ('objects of the project lost after the re-run', lab.get('objects_lost', 0)),
        ('foreign objects changed', lab.get('foreign_changed', 0)),
    ]
    for how, found in sorted(restart.items()):
        rows.append(('seconds of loss, OVS `%s` with traffic' % how, '%.1f (%s)' % (
            found['loss_s'], 'back without a run' if found['back_without_run']
            else 'back after site.yml, run %s s' % found['run_s'])))
    for name, found in sorted(lab.get('during', {}).items()):
        rows.append(('during a run: %s' % name, 'rc %s, re-run %s s, restored' % (
            found.get('faulted_rc'), found.get('rerun_s'))))
    print('| measure | result |\n|---|---|')
    for what, value in rows:
        print('| %s | %s |' % (what, value))


if __name__ == '__main__':
    main()
