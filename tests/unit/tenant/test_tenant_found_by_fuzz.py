"""Inputs the generated bad-input run (tests/faults/test_input_fuzz.py)
found accepted or unclearly reported, kept as fixed cases."""
import pytest

from tenant_helpers import HOSTS, SCHEMA, load_inventory

BASE = 'name: blue\nvni: 100\nsubnet: 10.0.0.0/24\n'


@pytest.mark.parametrize('text, message', [
    # JSON Schema counts 1.0 as an integer; in a YAML file it is a float
    ('name: blue\nvni: 1.0\nsubnet: 10.0.0.0/24\n', 'blue.yml: vni: 1.0 is not an integer'),
    (BASE + 'mtu: 1400.0\n', 'blue.yml: mtu: 1400.0 is not an integer'),
    # a key with no letter or digit is shown quoted, not as a bare "-:"
    (BASE + '"-": 1\n', "blue.yml: '-': unknown key"),
    (BASE + '_: 1\n', "blue.yml: '_': unknown key"),
])
def test_found_by_the_generated_run(tmp_path, text, message):
    (tmp_path / 'blue.yml').write_text(text)
    inventory, errors = load_inventory(str(tmp_path), HOSTS, SCHEMA, base_dir=str(tmp_path))
    assert inventory is None
    assert any(e.startswith(message) for e in errors), errors
