"""The one faults lab for the whole session (tests/faults/lab.py): made,
converged and checked once; every test leaves it converged; the foreign
objects are compared after every test and at the end; results for the README
go to .cache/faults/results.json. OVL_FAULTS_KEEP=1 keeps the lab at the
end (to look at a failure; the next session removes it first)."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import HOSTS, Lab, have_tools, our_objects  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, '.cache', 'faults', 'results.json')


@pytest.fixture(scope='session')
def results():
    found = {}
    yield found
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, 'w') as handle:
        json.dump(found, handle, indent=1, sort_keys=True)


@pytest.fixture(scope='session')
def lab(tmp_path_factory, results):
    if not have_tools():
        pytest.skip('needs root, docker and the .venv (make lab-deps)')
    made = Lab(str(tmp_path_factory.mktemp('faults')))
    made.down()
    made.up()
    rc, out = made.site()
    assert rc == 0, out[-3000:]
    made.plant_foreign_on_br_int()
    made.baseline = made.foreign()
    made.ours = dict((h, set(our_objects(h))) for h in HOSTS)
    failures, checks = made.reach()
    assert failures == [], failures
    results['reach_checks'] = checks
    yield made
    if not os.environ.get('OVL_FAULTS_KEEP'):
        made.down()


@pytest.fixture
def converged(lab, results):
    """The lab as the test found it must come back: converged, reachable,
    every object of the project back (none lost), foreign objects byte for
    byte as planted. Each test using it injects one fault."""
    results['faults'] = results.get('faults', 0) + 1
    yield lab
    failures, _checks = lab.reach()
    assert failures == [], failures
    lost = sorted('%s %s' % (h, o) for h in HOSTS for o in lab.ours[h] - set(our_objects(h)))
    results['objects_lost'] = results.get('objects_lost', 0) + len(lost)
    assert lost == [], lost
    now = lab.foreign()
    changed = [h for h in HOSTS if now[h] != lab.baseline[h]]
    results.setdefault('foreign_changed', 0)
    results['foreign_changed'] += len(changed)
    assert changed == [], dict((h, (lab.baseline[h], now[h])) for h in changed)
