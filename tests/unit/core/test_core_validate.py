"""Validators shared by every module: anchored at the very end of the value
(Python's `$` also matches before a final newline, which let `web1\n` and
`eth0\n` through; a newline in an ip -batch token would start a new command)."""
import re

import pytest

from ansible.module_utils.ovl.core import validate as v
from ansible.module_utils.ovl.ip import batch
from ansible.module_utils.ovl.nat import model as nat_model


def test_dollar_would_have_matched_before_a_final_newline():
    """The defect these tests guard against, shown once."""
    assert re.match(r'^[a-z0-9]+$', 'eth0\n')
    assert not re.match(r'^[a-z0-9]+\Z', 'eth0\n')


@pytest.mark.parametrize('check, value', [
    (v.ifname, 'eth0\n'), (v.netns_name, 'blue-web1\n'), (v.owner_name, 'ovl\n'),
    (nat_model.check_id, 'blue\n'),
])
def test_trailing_newline_refused(check, value):
    with pytest.raises(v.InputError):
        check(value, 'field')


def test_batch_token_with_a_newline_refused():
    with pytest.raises(Exception, match='refusing to put'):
        batch.batch_line(['link', 'set', 'eth0\n', 'up'])


@pytest.mark.parametrize('value', ['a.b', 'a b', '', 'x' * 33, 5, None])
def test_owner_rule_is_the_same_for_every_module(value):
    with pytest.raises(v.InputError, match='is not an owner name'):
        v.owner_name(value)
