"""Inputs the generated bad-input run (tests/faults/test_input_fuzz.py)
found accepted or unclearly reported, kept as fixed cases; and the cases of
issue 20 (found by hand and by the generator once it drew alias graphs)."""
import signal

import pytest

from tenant_helpers import HOSTS, SCHEMA, load_inventory

BASE = 'name: blue\nvni: 100\nsubnet: 10.0.0.0/24\n'
EP = '  - name: a\n    host: host1\n    ip: 10.0.0.5\n'
ALLOWED = ' (allowed here: containers, dhcp, endpoints, gateway, mirror, mtu, name, network_type, physical_network, rate_limit, segmentation_id, snat, subnet, tunnel_type, vni)'
LIMIT = ' (the limit of a tenant file; see "Limits of a tenant file" in the README)'


def loop(alias, line):
    return ('the alias *%s refers to a value that contains itself (anchor &%s on line %d)'
            % (alias, alias, line))


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


def _expire(signum, frame):
    raise AssertionError('the load was still running after 2 s')


BOMB = ''.join('  l%d: &l%d [%s]\n' % (i, i, ', '.join(['*l%d' % (i - 1) if i else 'x'] * 9))
               for i in range(6))
DEEP = 'is nested more than 20 levels deep' + LIMIT
ISSUE_20 = [
    # 1. recursive aliases: the node walk looped, ~100 MiB/s, and the run ended
    # after ~45 s with "Module failed", naming no file
    ('cycle-list', BASE + 'endpoints: &a [*a]\n', 'line 4: endpoints: ' + loop('a', 4)),
    ('cycle-gateway', BASE + 'gateway: &g [*g]\n', 'line 4: gateway: ' + loop('g', 4)),
    ('cycle-mapping', BASE + 'endpoints: [&e {name: a, host: host1, ip: 172.16.10.5, x: *e}]\n',
     'line 4: endpoints: ' + loop('e', 4)),
    # 2. limits, with line and field (and the README)
    ('deep-flow', BASE + 'endpoints: ' + '[' * 1000 + ']' * 1000 + '\n',
     'line 4: endpoints: ' + DEEP),
    ('bomb', BASE + 'endpoints:\n' + BOMB,
     'line 9: endpoints: expands to more than 50000 values once aliases are expanded' + LIMIT),
    ('bytes', BASE + '# ' + 'x' * 10 * 1024 * 1024 + '\n',
     'is larger than 1024 KiB, the limit of a tenant file: refused before parsing '
     '(see "Limits of a tenant file" in the README)'),
    # found on the way: nesting the check on the text did not see (compact
    # sequences crashed the process; a quote in a plain scalar hid brackets)
    ('compact-sequences', '- ' * 25000 + 'x\n', 'line 1: ' + DEEP),
    ('quote-hid-brackets', BASE + "endpoints: [it's, " + '[' * 3000 + ']' * 3000 + ']\n',
     'line 4: endpoints: ' + DEEP),
    # 3. a date-like key (or any key that is not a string) as written
    ('date-key', BASE + '2001-01-01: x\nendpoints:\n' + EP, '2001-01-01: unknown key' + ALLOWED),
    ('date-key-in-endpoint', BASE + 'endpoints:\n' + EP + '    2001-01-01: x\n',
     'endpoints[0].2001-01-01: unknown key (allowed here: floating_ip, host, ip, kind, mac, name, publish, rate_limit)'),
    ('float-key', BASE + '1.5: x\n', '1.5: unknown key' + ALLOWED),
    ('bool-key', BASE + 'true: x\n', 'true: unknown key' + ALLOWED),
    ('null-key', BASE + '~: x\n', 'null: unknown key' + ALLOWED),
    ('datetime-key', BASE + '2001-12-14 21:59:43: x\n',
     '2001-12-14 21:59:43: unknown key' + ALLOWED),
    ('duplicate-date-key', BASE + '2001-01-01: x\n2001-01-01: y\n',
     'line 5: duplicate key 2001-01-01 (first defined on line 4)'),
    ('date-value', 'name: blue\nvni: 2001-01-01\nsubnet: 10.0.0.0/24\n',
     'vni: 2001-01-01 is not an integer'),
    ('binary-value', 'name: !!binary eHk=\nvni: 1\nsubnet: 10.0.0.0/24\n',
     'name: !!binary eHk= is not a string'),
    ('date-file', '2001-01-01\n', 'the file holds a date, expected a mapping'),
]


@pytest.mark.parametrize('text, message', [pytest.param(text, 'blue.yml: ' + message, id=name)
                                           for name, text, message in ISSUE_20])
def test_issue_20(tmp_path, text, message):
    (tmp_path / 'blue.yml').write_text(text)
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        inventory, errors = load_inventory(str(tmp_path), HOSTS, SCHEMA, base_dir=str(tmp_path))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert inventory is None
    assert any(e.startswith(message) for e in errors), errors
