"""Every broken fixture under tests/data/tenants/<case>/ is refused with the
expected messages, and only those (one expected substring per line)."""
import json
import os

import pytest

from tenant_helpers import BROKEN_DIR, HOSTS, load

CASES = sorted(d for d in os.listdir(BROKEN_DIR) if os.path.isdir(os.path.join(BROKEN_DIR, d)))


def expected(case):
    with open(os.path.join(BROKEN_DIR, case, 'expect.txt')) as handle:
        return [line for line in handle.read().splitlines() if line.strip()]


def variables(case):
    """(hosts, play) of a case: HOSTS with hostvars.json merged (null unsets)."""
    hosts = dict((h, dict(v)) for h, v in HOSTS.items())
    play = None
    path = os.path.join(BROKEN_DIR, case, 'hostvars.json')
    if os.path.exists(path):
        with open(path) as handle:
            for host, values in json.load(handle).items():
                hosts.setdefault(host, {}).update(values)
    path = os.path.join(BROKEN_DIR, case, 'playvars.json')
    if os.path.exists(path):
        with open(path) as handle:
            play = json.load(handle)
    return hosts, play


def test_there_are_enough_cases():
    assert len(CASES) >= 50
    assert len([c for c in CASES if c.startswith(('hostvar', 'playvar'))]) >= 12


@pytest.mark.parametrize('case', CASES)
def test_broken_fixture_is_refused(case):
    hosts, play = variables(case)
    tenants, errors = load(os.path.join(BROKEN_DIR, case), hosts=hosts, play=play)
    wanted = expected(case)
    assert tenants == []
    assert len(errors) == len(wanted), errors
    for substring in wanted:
        assert any(substring in error for error in errors), (substring, errors)
    for error in errors:
        assert '\n' not in error and 'Traceback' not in error
