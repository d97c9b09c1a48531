"""The YAML reader: duplicate keys, merge keys, error lines, and the limits
of a tenant file (issue 20: cycles, depth, values, bytes, each naming where)."""
import contextlib
import datetime
import os
import signal

import pytest
import yaml

from ansible.module_utils.ovl.inventory import yaml_file
from ansible.module_utils.ovl.inventory.yaml_file import (
    MAX_BYTES, MAX_DEPTH, MAX_NODES, key_text, load_file, load_text, node_size, value_text,
    yaml_text)


@pytest.mark.parametrize('text, data, error', [
    ('a: 1\nb: 2\n', {'a': 1, 'b': 2}, None),
    ('', None, None),
    ('a: 1\nb: 2\na: 3\n', None, "line 3: duplicate key 'a' (first defined on line 1)"),
    ('x:\n  - {k: 1, k: 2}\n', None, "line 2: duplicate key 'k' (first defined on line 2)"),
    ('a: &x {p: 1}\nb:\n  <<: *x\n  p: 2\n', {'a': {'p': 1}, 'b': {'p': 2}}, None),
    ('a: 1\n  b: 2\n', None, 'line 2: mapping values are not allowed here'),
    ('a: "x\n', None, 'line 2: found unexpected end of stream (while scanning a quoted scalar)'),
    ('a: !!python/object:os.system x\n', None, 'line 1: could not determine a constructor '
     "for the tag 'tag:yaml.org,2002:python/object:os.system'"),
    ('--- 1\n--- 2\n', None, 'line 2: but found another document (expected a single '
     'document in the stream)'),
])
def test_load_text(text, data, error):
    assert load_text(text) == (data, error)


def test_unreadable_and_binary(tmp_path):
    assert load_file(str(tmp_path / 'missing.yml'))[1] == 'cannot read file: No such file or directory'
    path = tmp_path / 'bin.yml'
    path.write_bytes(b'name: \xff\n')
    assert load_file(str(path)) == (None, 'is not UTF-8 text (byte 6)')


def test_fast_path_is_libyaml_and_also_refuses_duplicates():
    """The success path parses with libyaml where PyYAML has it (500 tenant
    files: 0.45 s -> 0.05 s); it must refuse duplicate keys just the same."""
    from ansible.module_utils.ovl.inventory.yaml_file import FastLoader
    if yaml.__with_libyaml__:
        assert issubclass(FastLoader, yaml.CSafeLoader)
    assert yaml.load('a: [1, {b: 2}]\n', Loader=FastLoader) == {'a': [1, {'b': 2}]}
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'b'"):
        yaml.load('a: 1\nc: {b: 1, b: 2}\n', Loader=FastLoader)


# --------------------------------------------------------------- limits (issue 20)

NOTE = ' (the limit of a tenant file; see "Limits of a tenant file" in the README)'
DEEP = 'is nested more than 20 levels deep' + NOTE
DEEP_ALIAS = 'is nested more than 20 levels deep once aliases are expanded' + NOTE
MANY = 'holds more than 50000 values' + NOTE
BOMB_TEXT = 'expands to more than 50000 values once aliases are expanded' + NOTE
BIG = ('is larger than 1024 KiB, the limit of a tenant file: refused before parsing '
       '(see "Limits of a tenant file" in the README)')


def loop(alias, anchor_line):
    return ('the alias *%s refers to a value that contains itself (anchor &%s on line %d)'
            % (alias, alias, anchor_line))


def bomb(width, levels, indent=''):
    """An alias bomb: *levels* lists of *width* aliases of the one before."""
    lines = ['l0: &l0 [%s]' % ', '.join(['x'] * width)]
    for level in range(1, levels):
        lines.append('l%d: &l%d [%s]' % (level, level, ', '.join(['*l%d' % (level - 1)] * width)))
    return ''.join(indent + line + '\n' for line in lines)


@contextlib.contextmanager
def deadline(seconds=2.0):
    """Fail, not hang, when the code under test loops (the node walk before
    issue 20 looped forever on a cycle, growing ~100 MiB/s)."""
    def expire(signum, frame):
        raise AssertionError('still running after %s s' % seconds)
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize('text, error', [
    # the three of the issue
    ('endpoints: &a [*a]\n', 'line 1: endpoints: ' + loop('a', 1)),
    ('gateway: &g [*g]\n', 'line 1: gateway: ' + loop('g', 1)),
    ('endpoints: [&e {name: a, host: host1, ip: 172.16.10.5, x: *e}]\n',
     'line 1: endpoints: ' + loop('e', 1)),
    # every depth: the document itself, a mapping value, a nested endpoint, a key
    ('&r [*r]\n', 'line 1: ' + loop('r', 1)),
    ('name: blue\nmtu: &m {a: {b: {c: *m}}}\n', 'line 2: mtu: ' + loop('m', 2)),
    ('name: blue\nendpoints:\n  - &e\n    name: a\n    x: {y: [*e]}\n',
     'line 5: endpoints: ' + loop('e', 3)),
    ('endpoints:\n  - &e {name: a, *e : 1}\n', 'line 2: endpoints: ' + loop('e', 2)),
    ('name: blue\n? &k [*k]\n: 1\n', 'line 2: ' + loop('k', 2)),     # a key: no field
    ('a: &a {<<: *a}\n', 'line 1: a: ' + loop('a', 1)),               # a merge key
    ('x: ' + '[' * 18 + '&d [*d]' + ']' * 18 + '\n', 'line 1: x: ' + loop('d', 1)),
    ('2001-01-01: &a [*a]\n', 'line 1: 2001-01-01: ' + loop('a', 1)),   # the key as written
    ('a: &x [1]\nb: &x [*x]\n', 'line 2: b: the anchor &x is defined twice (first on line 1)'),
])
def test_an_alias_inside_its_own_anchor_is_refused(text, error):
    with deadline():
        assert load_text(text) == (None, error)


@pytest.mark.parametrize('text, data', [
    ('a: &x 1\nb: [*x, *x]\n', {'a': 1, 'b': [1, 1]}),
    ('e: &e {name: a}\nendpoints: [*e, *e, {<<: *e, ip: x}]\n',
     {'e': {'name': 'a'}, 'endpoints': [{'name': 'a'}, {'name': 'a'}, {'name': 'a', 'ip': 'x'}]}),
    ('&a a: *a\n', {'a': 'a'}),
])
def test_shared_aliases_are_accepted(text, data):
    with deadline():
        assert load_text(text) == (data, None)


def flow(levels):
    """A top-level mapping and *levels* - 1 flow lists inside it."""
    return 'endpoints: ' + '[' * (levels - 1) + ']' * (levels - 1) + '\n'


def block(levels):
    return 'x:\n' + ''.join(' ' * (i + 1) + 'k%d:\n' % i for i in range(levels - 1))


def values(count):
    """A document of *count* values (the mapping, its key, the list, items)."""
    return 'x: [' + '1,' * (count - 3) + ']\n'


@pytest.mark.parametrize('text, error', [
    (flow(MAX_DEPTH), None),
    (flow(MAX_DEPTH + 1), 'line 1: endpoints: ' + DEEP),
    ('endpoints: ' + '[' * 100000 + ']' * 100000, 'line 1: endpoints: ' + DEEP),
    (block(MAX_DEPTH), None),
    (block(MAX_DEPTH + 1), 'line 21: x: ' + DEEP),
    ('- ' * MAX_DEPTH + 'x\n', None),                  # compact sequences on one line
    ('- ' * (MAX_DEPTH + 1) + 'x\n', 'line 1: ' + DEEP),
    ('- ' * 25000 + 'x\n', 'line 1: ' + DEEP),        # crashed the process before
    ("x: [it's, " + '[' * 3000 + ']' * 3000 + ']\n', 'line 1: x: ' + DEEP),   # a quote hid it
    ('x: &a [[[[[[[[[[1]]]]]]]]]]\ny: [[[[[[[[[*a]]]]]]]]]\n', None),
    ('x: &a [[[[[[[[[[1]]]]]]]]]]\ny: [[[[[[[[[[*a]]]]]]]]]]\n', 'line 2: y: ' + DEEP_ALIAS),
    (values(MAX_NODES), None),
    (values(MAX_NODES + 1), 'line 1: x: ' + MANY),
    # crossed at a later field: the field that holds the most is named, at its line
    ('a: 1\n' + values(MAX_NODES - 2) + 'b: 1\nc: 2\n', 'line 2: x: ' + MANY),
    (bomb(9, 6), 'line 5: l4: ' + BOMB_TEXT),
    ('name: blue\nendpoints:\n  - name: a\n' + bomb(9, 6, '    '), 'line 8: endpoints: ' + BOMB_TEXT),
])
def test_limits_name_line_and_field(text, error):
    with deadline():
        data, problem = load_text(text)
    assert problem == error
    assert (data is None) == (error is not None)


def test_alias_bomb_just_under_and_over_the_limit():
    # the mapping, two keys, l0 (a list of 115) and l1 (a list of 430 * l0):
    # 3 + 116 + 1 + 430 * 116 = 50000
    under = 'l0: &l0 [%s]\nl1: [%s]\n' % (', '.join(['x'] * 115), ', '.join(['*l0'] * 430))
    with deadline():
        assert load_text(under)[1] is None
        assert load_text(under.replace('*l0]', '*l0, *l0]'))[1] == 'line 2: l1: ' + BOMB_TEXT
    assert node_size(yaml.compose(under, Loader=yaml_file.FastLoader))[0] == MAX_NODES


def test_byte_limit_just_under_and_over(tmp_path):
    head = 'name: blue\n# '
    exact = head + 'x' * (MAX_BYTES - len(head) - 1) + '\n'
    assert len(exact) == MAX_BYTES
    assert load_text(exact) == ({'name': 'blue'}, None)
    assert load_text(exact + 'x') == (None, BIG)
    path = tmp_path / 'blue.yml'
    path.write_text(exact + '#' * 10 * 1024 * 1024)      # a comment of 10 MB, as in the issue
    assert load_file(str(path)) == (None, BIG)
    path.write_text(exact)
    assert load_file(str(path)) == ({'name': 'blue'}, None)


def test_a_large_file_gets_libyamls_own_message():
    """The pure-Python loader needs ~10 us per byte: above PURE_MAX_BYTES a
    broken file is reported with libyaml's message (its line too)."""
    text = 'x: [' + '1,' * yaml_file.PURE_MAX_BYTES + '\n'
    with deadline(1.0):
        problem = load_text(text)[1]
    assert problem.startswith('line 2: ')
    if yaml.__with_libyaml__:
        assert problem == 'line 2: did not find expected node content (while parsing a flow node)'


@pytest.mark.parametrize('loader', ['FastLoader', 'StrictLoader'])
@pytest.mark.parametrize('text, line', [
    ('endpoints: &a [*a]\n', 1), ('gateway: &g [*g]\n', 1),
    ('endpoints: [&e {name: a, host: host1, ip: 172.16.10.5, x: *e}]\n', 1),
    ('name: x\n? &k [*k]\n: 1\n', 2), ('x:\n  y: &a {b: {c: [*a]}}\n', 2),
])
def test_node_walk_stops_at_a_cycle(loader, text, line):
    """The second guard, on the composed graph (both loaders compose a cycle
    without recursing): it terminates, naming the node that contains itself."""
    with deadline():
        size, depth, node = node_size(yaml.compose(text, Loader=getattr(yaml_file, loader)))
    assert (size, depth) == (None, None) and node.start_mark.line + 1 == line
    assert yaml_file._cycle_text(node, text).startswith('line %d: a value that contains itself'
                                                        ' (anchor &' % line)


def test_node_walk_of_a_shared_graph():
    node = yaml.compose('a: &a [1, 2]\nb: [*a, *a, [*a]]\n', Loader=yaml_file.FastLoader)
    # the mapping, 2 keys, a (3), b: 1 + 3 + 3 + (1 + 3); b > [ ] > a > values
    assert node_size(node) == (1 + 2 + 3 + (1 + 3 + 3 + (1 + 3)), 4, None)


# --------------------------------------------------------------- keys and values as YAML text
@pytest.mark.parametrize('value, key, shown', [
    (datetime.date(2001, 1, 1), '2001-01-01', '2001-01-01'),
    (datetime.datetime(2001, 12, 14, 21, 59, 43), '2001-12-14 21:59:43', '2001-12-14 21:59:43'),
    (1.5, '1.5', '1.5'),
    (float('inf'), '.inf', '.inf'),
    (7, '7', '7'),
    (True, 'true', 'True'),          # a value: as the fixtures of tests/data/tenants say
    (None, 'null', 'None'),
    (b'xy', '!!binary eHk=', '!!binary eHk='),
    ((1, None, 'a'), "[1, null, 'a']", "[1, null, 'a']"),
    ({'a': None}, "{'a': null}", "{'a': null}"),
    ('name', 'name', "'name'"),
    ('-', "'-'", "'-'"),
    ('a b', "'a b'", "'a b'"),
    ('k' * 100, "'" + 'k' * 56 + '...', "'" + 'k' * 56 + '...'),
])
def test_keys_and_values_are_shown_as_yaml(value, key, shown):
    assert key_text(value) == key
    assert value_text(value) == shown


@pytest.mark.parametrize('text, error', [
    ('2001-01-01: 1\n2001-01-01: 2\n', 'line 2: duplicate key 2001-01-01 (first defined on line 1)'),
    ('1.5: 1\n1.5: 2\n', 'line 2: duplicate key 1.5 (first defined on line 1)'),
    ('true: 1\nyes: 2\n', 'line 2: duplicate key true (first defined on line 1)'),
    ('~: 1\nnull: 2\n', 'line 2: duplicate key null (first defined on line 1)'),
])
def test_duplicate_keys_are_shown_as_written(text, error):
    assert load_text(text) == (None, error)


def test_yaml_text_is_never_a_python_repr():
    for value in (datetime.date(2001, 1, 1), b'x', {1.5, 2}, [None, True], {'a': [b'']}):
        assert not any(word in yaml_text(value) for word in ('datetime', "b'", 'None', 'True'))


def test_the_readme_lists_every_limit():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    with open(os.path.join(root, 'README.md')) as handle:
        text = handle.read()
    section = text.split('#### Limits of a tenant file', 1)[1].split('\n#', 1)[0]
    for fact in ('%d MiB (%d bytes)' % (MAX_BYTES // 1024 // 1024, MAX_BYTES),
                 '%d levels' % MAX_DEPTH, '%d values' % MAX_NODES, BIG, BOMB_TEXT[:40],
                 'contains itself', 'comments included'):
        assert fact in section, fact
