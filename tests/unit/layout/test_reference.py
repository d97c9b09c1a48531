"""docs/reference.md is generated (scripts/reference.py) from the schema, the
roles' argument specs, the modules' documentation and the code's constants:
it must be up to date, and every variable the validation knows must be
documented where it is generated from."""
import os
import subprocess
import sys

import pytest

from ansible.module_utils.ovl.inventory import hostvars

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, 'scripts'))
import reference  # noqa: E402


def test_docs_reference_is_up_to_date():
    with open(reference.OUT) as handle:
        assert handle.read() == reference.render(), 'run make reference'


@pytest.mark.parametrize('name', sorted(set(hostvars.HOST_VARS) | set(hostvars.PLAY_VARS)
                                        | set(hostvars.DEFAULTS)))
def test_every_variable_the_validation_knows_is_documented(name):
    assert name in reference.role_vars(), \
        '%s: add it to a role\'s meta/argument_specs.yml' % name


def test_documented_defaults_are_the_validations():
    documented = reference.role_vars()
    for name, default in hostvars.DEFAULTS.items():
        assert documented[name][0].get('default') == default, name


def test_the_check_fails_on_a_stale_file(tmp_path, monkeypatch):
    stale = tmp_path / 'reference.md'
    stale.write_text(reference.render().replace('| `vni` |', '| `vni_old` |'))
    monkeypatch.setattr(reference, 'OUT', str(stale))
    assert reference.main(['--check']) == 1
    stale.write_text(reference.render())
    assert reference.main(['--check']) == 0


def test_markup_becomes_markdown():
    assert reference.plain('Use C(eth0) with M(ip_state), see O(a.b)') == \
        'Use `eth0` with ip_state, see `a.b`'
