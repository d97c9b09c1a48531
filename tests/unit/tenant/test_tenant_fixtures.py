"""Every broken fixture under tests/data/tenants/<case>/ is refused with the
expected messages, and only those (one expected substring per line)."""
import os

import pytest

from tenant_helpers import BROKEN_DIR, load

CASES = sorted(d for d in os.listdir(BROKEN_DIR) if os.path.isdir(os.path.join(BROKEN_DIR, d)))


def expected(case):
    with open(os.path.join(BROKEN_DIR, case, 'expect.txt')) as handle:
        return [line for line in handle.read().splitlines() if line.strip()]


def test_there_are_enough_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize('case', CASES)
def test_broken_fixture_is_refused(case):
    tenants, errors = load(os.path.join(BROKEN_DIR, case))
    wanted = expected(case)
    assert tenants == []
    assert len(errors) == len(wanted), errors
    for substring in wanted:
        assert any(substring in error for error in errors), (substring, errors)
    for error in errors:
        assert '\n' not in error and 'Traceback' not in error
