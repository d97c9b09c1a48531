"""Generated bad input (hypothesis): mutations of a valid inventory (three
tenant files, three hosts, play variables) that must each be refused.

For every case: no exception escapes (no traceback), nothing is accepted,
every injected defect is reported with its file (or host) and its field, every
message names its file (or host) and a field or a line (or is about the file as
a whole: empty, not a mapping, not UTF-8, over the byte limit), each message is
one line, and the load takes under a second. Alias graphs and the limits of a
tenant file (issue 20) are generated too: an alias inside its own anchor at
every depth (a list item, a mapping value, a nested endpoint, a mapping key;
flow and block style), alias bombs, nesting, values, big scalars and comments
just under and just over each limit, each load also bounded in memory
(tracemalloc); and shared anchors in a valid file, which must be accepted.
The numbers of cases and results are written to .cache/faults/input.json for
the README table.
"""
import json
import os
import re
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from ansible.module_utils.ovl.inventory.load import find_schema, load_inventory
from ansible.module_utils.ovl.inventory.schema import load_schema
from ansible.module_utils.ovl.inventory.yaml_file import MAX_BYTES, MAX_DEPTH, MAX_NODES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = load_schema(find_schema(os.path.join(ROOT, 'inventory', 'tenants')))
REPORT = os.path.join(ROOT, '.cache', 'faults', 'input.json')
COUNTS = {'cases': 0, 'accepted': 0, 'tracebacks': 0, 'unclear': 0, 'slow': 0,
          'valid': 0, 'refused_valid': 0, 'peak_kib': 0}

HOSTS = {'host1': {'overlay_underlay_ip': '192.168.9.11'},
         'host2': {'overlay_underlay_ip': '192.168.9.12'},
         'host3': {'overlay_underlay_ip': '192.168.9.13', 'overlay_underlay_mtu': 1400}}
TENANTS = {
    'blue': {'name': 'blue', 'vni': 100, 'subnet': '10.0.0.0/24', 'snat': True,
             'endpoints': [{'name': 'blue-a', 'host': 'host1', 'ip': '10.0.0.11'},
                           {'name': 'blue-b', 'host': 'host2', 'ip': '10.0.0.12'}]},
    'red': {'name': 'red', 'vni': 200, 'subnet': '10.0.0.0/24', 'gateway': '10.0.0.254',
            'endpoints': [{'name': 'red-a', 'host': 'host1', 'ip': '10.0.0.11'},
                          {'name': 'red-c', 'host': 'host3', 'ip': '10.0.0.13'}]},
    'green': {'name': 'green', 'vni': 70000, 'subnet': '172.16.0.0/16', 'mtu': 1300,
              'tunnel_type': 'gre',
              'endpoints': [{'name': 'green-b', 'host': 'host2', 'ip': '172.16.1.2'}]},
}
# In CI (CI=true) the cases are the same on every run, so a red CI is a
# change of the code, not of the draw; elsewhere every run draws new ones
# (that is how the float VNI and the bare '-' key were found; both are now
# fixed cases in tests/unit/tenant/test_tenant_found_by_fuzz.py).
SETTINGS = dict(deadline=None, derandomize=os.environ.get('CI') == 'true',
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# --------------------------------------------------------------- bad values
JUNK = st.one_of(st.integers(-10, 10 ** 9), st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: '.' in json.dumps(f) and 'e' not in json.dumps(f)), st.booleans(),
                 st.none(), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
META = st.sampled_from([' ', ';', '$(', '`', '"', "'", '\\', '\n', '\t', '|', '&', '*', '/',
                        '\u00e9', '\u2028', '\x00'])


def spoiled(base):
    """A string that is *base* with something a name may not hold."""
    return st.builds(lambda head, bad, tail: head + bad + tail,
                     st.sampled_from([base, base[:3], '']), META, st.sampled_from(['', 'x', base]))


BAD = {
    'name': st.one_of(JUNK, spoiled('blue'), st.text('abcdefghij', min_size=11, max_size=20),
                      st.sampled_from(['Blue', '1blue', '-x', '', 'blue_x'])),
    'vni': st.one_of(st.integers(max_value=0), st.integers(min_value=16777216),
                     st.text(max_size=5), st.booleans(), st.none(), st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: '.' in json.dumps(f) and 'e' not in json.dumps(f))),
    'subnet': st.one_of(JUNK, st.sampled_from([
        '10.0.0.0/33', '10.0.0.5/24', '300.1.1.0/24', 'abc', '10.0.0.0/24\n', ' 10.0.0.0/24',
        '169.254.5.0/24', '169.0.0.0/8', '224.1.0.0/16', '127.0.0.0/8', '0.0.0.0/8',
        '240.0.0.0/8', '10.0.0.0/31', '10.0.0.0', '10.0.0.0/24/1', '::/64'])),
    'gateway': st.one_of(JUNK, st.sampled_from([
        '10.9.0.1', '10.0.0.0', '10.0.0.255', 'x', '10.0.0.1\n', '10.0.0.11', '10.0.0.1/24'])),
    'snat': st.one_of(st.integers(), st.text(max_size=4), st.none(), st.lists(st.booleans())),
    'mtu': st.one_of(st.integers(max_value=67), st.integers(min_value=65536),
                     st.integers(1459, 65535), st.text(max_size=4), st.booleans()),
    'tunnel_type': st.one_of(JUNK, st.sampled_from(['lisp', 'VXLAN', 'vxlan ', '', 'gre\n'])),
    'endpoints': st.one_of(st.integers(), st.text(max_size=5), st.booleans(),
                           st.dictionaries(st.text(max_size=3), st.integers(), min_size=1),
                           st.lists(st.one_of(st.integers(), st.text(max_size=3)), min_size=1,
                                    max_size=3)),
}
ENDPOINT_BAD = {
    'name': st.one_of(JUNK, spoiled('web1'), st.text('abc', min_size=16, max_size=20),
                      st.sampled_from(['ovr-x', '', '.', '..'])),
    'host': st.one_of(JUNK, st.sampled_from(['host9', 'HOST1', 'host1\n', '', 'host 1'])),
    # invalid for every tenant here (duplicates of another endpoint: below)
    'ip': st.one_of(JUNK, st.sampled_from(['10.0.0.0', '10.0.0.255', '10.9.9.9', 'x',
                                           '10.0.0.12\n', ' 10.0.0.12', '10.0.0.300'])),
}
HOSTVAR_BAD = {
    'overlay_underlay_ip': st.one_of(JUNK, st.sampled_from([
        '0.0.0.0', '127.0.0.1', '224.0.0.1', '255.255.255.255', '169.254.1.1', '240.0.0.1',
        '192.168.9.12', '10.168.9.11', 'x', '192.168.9.11\n', '::1', '192.168.009.11'])),
    'overlay_underlay_mtu': st.one_of(st.integers(max_value=117), st.integers(min_value=65536),
                                      st.booleans(), st.sampled_from(['x', '', '15 00', 'nine'])),
    'overlay_underlay_interface': st.one_of(spoiled('eth0'), st.sampled_from(
        ['', 'e' * 16, 'br-phy', '.', 'eth 0']), st.integers(), st.booleans()),
    'overlay_datapath_type': st.one_of(st.booleans(), st.integers(), st.sampled_from(
        ['', 'dpdk', 'System', 'netdev '])),
    'overlay_integration_bridge': st.one_of(spoiled('br-int'), st.sampled_from(
        ['br-tun', 'br-phy', '', 'b' * 16]), st.integers()),
    'overlay_tunnel_mode': st.one_of(st.booleans(), st.integers(), st.sampled_from(
        ['', 'gre', 'Port', 'flow '])),
    'overlay_tunnel_type': st.one_of(st.booleans(), st.sampled_from(['', 'lisp', 'GRE'])),
    'overlay_nat_backend': st.one_of(st.booleans(), st.integers(), st.sampled_from(
        ['', 'pf', 'nftables'])),
    'overlay_owner': st.one_of(spoiled('ovl'), st.sampled_from(['', 'a.b', 'x' * 33]),
                               st.integers()),
}


# --------------------------------------------------------------- running one case
def write_inventory(directory, tenants, raw=None):
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    for name, doc in tenants.items():
        with open(os.path.join(directory, name + '.yml'), 'w', encoding='utf-8') as handle:
            json.dump(doc, handle, ensure_ascii=False)      # JSON is YAML
    for name, data in (raw or {}).items():
        with open(os.path.join(directory, name), 'wb') as handle:
            handle.write(data)


WHOLE_FILE = ('the file ', 'is larger than ', 'is not UTF-8 text', 'cannot read file',
              '(')      # '(12 more errors in this file not shown)'
REASON = ('is ', 'are ', 'has ', 'holds ', 'expands ', 'contains ', 'found ', 'expected ',
          'did not ', 'the ', 'a ', 'an ')      # a message that starts with what, not where
LINE = re.compile(r'^line \d+: ')


def names_where(line):
    """Whether an error line names its file or host and then a field or a
    line ('blue.yml: line 3: ...', 'blue.yml: endpoints[0].ip: ...'), or
    speaks of the file as a whole (empty, not a mapping, over the byte limit)."""
    where, _, rest = line.partition(': ')
    if not where or not rest:
        return False
    if rest.startswith(WHOLE_FILE) or LINE.match(rest):
        return True
    return ': ' in rest and not rest.startswith(REASON)


def timed_load(directory, hosts, play=None):
    start = time.time()
    try:
        inventory, errors = load_inventory(directory, hosts, SCHEMA, base_dir=directory,
                                           play=play)
    except Exception:   # noqa: BLE001  (counted, then raised: a traceback is a failure)
        COUNTS['tracebacks'] += 1
        raise
    took = time.time() - start
    if took > 1.0:
        COUNTS['slow'] += 1
    for line in errors:
        assert '\n' not in line and 'Traceback' not in line, line
    return inventory, errors, took


def peak_memory(directory, hosts):
    """The same load again, for its memory (tracing slows it down)."""
    tracemalloc.start()
    try:
        load_inventory(directory, hosts, SCHEMA, base_dir=directory)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    COUNTS['peak_kib'] = max(COUNTS['peak_kib'], peak // 1024)
    assert peak < 64 * 1024 * 1024, peak     # bounded memory, whatever the file
    return peak


def run_case(directory, tenants, hosts, play=None, raw=None, expect=()):
    """Load; assert the properties; *expect*: [(where, field)] that must be named."""
    write_inventory(directory, tenants, raw)
    COUNTS['cases'] += 1
    inventory, errors, took = timed_load(directory, hosts, play)
    if inventory is not None:
        COUNTS['accepted'] += 1
    assert inventory is None and errors, 'accepted: %r' % (expect,)
    assert took < 1.0, took
    unclear = [line for line in errors if not names_where(line)]
    if unclear:
        COUNTS['unclear'] += 1
    assert not unclear, 'names no field and no line: %r' % unclear
    for where, field in expect:
        hits = [e for e in errors if e.startswith(where + ': ') and
                (field is None or (': ' + field) in (': ' + e.split(': ', 1)[1])
                 or e.startswith(where + ': line '))]   # a file YAML cannot read: its line
        if not hits:
            COUNTS['unclear'] += 1
        assert hits, 'no error names %s %s in %r' % (where, field, errors)
    return errors


def fresh():
    return json.loads(json.dumps(TENANTS)), json.loads(json.dumps(HOSTS))


@settings(max_examples=1100, **SETTINGS)
@given(st.data())
def test_one_bad_field_of_a_tenant_file(tmp_path, data):
    tenants, hosts = fresh()
    name = data.draw(st.sampled_from(sorted(tenants)))
    doc = tenants[name]
    if data.draw(st.booleans()):
        field = data.draw(st.sampled_from(sorted(BAD)))
        value = data.draw(BAD[field])
        doc[field] = value
        where = field
        if field == 'gateway' and value == '10.0.0.11' and name != 'green':
            where = None     # the endpoint at that address is the one reported
        elif field in ('vni', 'name') and value in (100, 200, 70000, 'blue', 'red', 'green'):
            where = None     # a duplicate: reported on the later file of the two
    else:
        index = data.draw(st.integers(0, len(doc['endpoints']) - 1))
        field = data.draw(st.sampled_from(sorted(ENDPOINT_BAD) + ['duplicate-ip']))
        if field == 'duplicate-ip' and len(doc['endpoints']) > 1:
            doc['endpoints'][index]['ip'] = doc['endpoints'][1 - index]['ip']
            where = 'endpoints['      # reported on the later of the two
        else:
            field = 'name' if field == 'duplicate-ip' else field
            doc['endpoints'][index][field] = data.draw(ENDPOINT_BAD[field])
            where = 'endpoints[%d]' % index
    if where is None:
        run_case(str(tmp_path), tenants, hosts)
    else:
        run_case(str(tmp_path), tenants, hosts, expect=[(name + '.yml', where)])


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def test_unknown_keys_of_any_type(tmp_path, data):
    tenants, hosts = fresh()
    name = data.draw(st.sampled_from(sorted(tenants)))
    keys = data.draw(st.lists(st.one_of(st.text(min_size=1, max_size=8), st.integers()),
                              min_size=1, max_size=4, unique_by=str))
    keys = [k for k in keys if k not in TENANTS[name] and k not in (
        'gateway', 'snat', 'mtu', 'tunnel_type', 'endpoints')] or ['colour']
    raw = None
    if any(not isinstance(k, str) for k in keys):
        # JSON keys are strings: write YAML by hand so the key types survive
        dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
        body = ''.join('%s: %s\n' % (dump(k), dump(v)) for k, v in
                       TENANTS[name].items()) + ''.join('%s: 1\n' % k if isinstance(k, int)
                                                        else '%s: 1\n' % dump(k)
                                                        for k in keys)
        raw = {name + '.yml': body.encode('utf-8')}
        del tenants[name]
    else:
        for key in keys:
            tenants[name][key] = 1
    label = keys[0] if isinstance(keys[0], str) and keys[0].replace('-', '').replace('_', '')\
        .isalnum() and keys[0].isascii() else repr(keys[0])
    run_case(str(tmp_path), tenants, hosts, raw=raw, expect=[(name + '.yml', label)])


WHOLE_FILES = st.sampled_from([
    b'', b'   \n# only a comment\n', b'- a\n- b\n', b'42\n', b'"text"\n', b'null\n',
    b'name: [blue\n', b'name: blue\n\tvni: 1\n', b'a: 1\na: 2\n', b'\xff\xfe\x00x',
    b'{' * 5000 + b'}' * 5000, b'[' * 200000, b'x: ' + b'a' * 300000,
    b'---\nname: a\n---\nname: b\n', b'!!python/object:os.system ls\n',
    b'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    b'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'
    b'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
    b''.join(b' ' * i + b'k%d:\n' % i for i in range(120)),
    b'name: blue\nvni: 100\nsubnet: 10.0.0.0/24\n' + b''.join(b'k%d: 1\n' % i
                                                               for i in range(20000)),
])


@settings(max_examples=150, **SETTINGS)
@given(st.data())
def test_files_that_are_not_tenant_documents(tmp_path, data):
    tenants, hosts = fresh()
    content = data.draw(WHOLE_FILES)
    name = data.draw(st.sampled_from(['blue', 'zz']))
    tenants.pop(name, None)
    run_case(str(tmp_path), tenants, hosts, raw={name + '.yml': content},
             expect=[(name + '.yml', None)])
    peak_memory(str(tmp_path), hosts)


@settings(max_examples=150, **SETTINGS)
@given(st.data())
def test_conflicts_across_files(tmp_path, data):
    tenants, hosts = fresh()
    kind = data.draw(st.sampled_from(['vni', 'name', 'endpoint', 'file']))
    if kind == 'vni':
        tenants['red']['vni'] = 100                    # blue.yml keeps it (sorted first)
        expect = [('red.yml', 'vni')]
    elif kind == 'name':
        tenants['zz'] = dict(tenants['red'], vni=5)    # zz.yml says name: red
        expect = [('zz.yml', 'name')]
    elif kind == 'endpoint':
        tenants['red']['endpoints'][0]['name'] = 'blue-a'   # both on host1
        expect = [('red.yml', 'endpoints[0].name')]
    else:
        tenants['other'] = tenants.pop('red')
        expect = [('other.yml', 'name')]
    run_case(str(tmp_path), tenants, hosts, expect=expect)


@settings(max_examples=600, **SETTINGS)
@given(st.data())
def test_bad_host_and_play_variables(tmp_path, data):
    tenants, hosts = fresh()
    var = data.draw(st.sampled_from(sorted(HOSTVAR_BAD)))
    value = data.draw(HOSTVAR_BAD[var])
    host = data.draw(st.sampled_from(sorted(hosts)))
    if var == 'overlay_underlay_ip' and value == '192.168.9.12' and host == 'host2':
        host = 'host3'      # host2's own address is no error on host2; on host3 it is
    if var == 'overlay_underlay_ip' and value == '10.168.9.11' and host == 'host1':
        host = 'host2'      # valid on host1 (no other host ends in 168.9.11); on host2 it collides
    as_play = var in ('overlay_tunnel_mode', 'overlay_tunnel_type', 'overlay_nat_backend',
                      'overlay_owner') and data.draw(st.booleans())
    play = {var: value} if as_play else None
    if not as_play:
        hosts[host][var] = value
    expect = [(host, var)]
    if var == 'overlay_underlay_ip' and value == '192.168.9.12' and host != 'host2':
        expect = [(max(host, 'host2'), var)]     # the later of two hosts with one address
    if var == 'overlay_underlay_ip' and value == '10.168.9.11' and host != 'host1':
        expect = [(max(host, 'host1'), var)]
    run_case(str(tmp_path), tenants, hosts, play=play, expect=expect)


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def test_independent_errors_are_all_reported_at_once(tmp_path, data):
    """A bad value in two files and one bad host variable: all three named."""
    tenants, hosts = fresh()
    first, second = data.draw(st.sampled_from([('blue', 'red'), ('red', 'green'),
                                                 ('blue', 'green')]))
    f1 = data.draw(st.sampled_from(['snat', 'mtu', 'tunnel_type', 'endpoints']))
    tenants[first][f1] = data.draw(BAD[f1])
    index = data.draw(st.integers(0, len(tenants[second]['endpoints']) - 1))
    f2 = data.draw(st.sampled_from(['name', 'host']))
    tenants[second]['endpoints'][index][f2] = data.draw(ENDPOINT_BAD[f2])
    var = data.draw(st.sampled_from(['overlay_underlay_mtu', 'overlay_datapath_type',
                                     'overlay_owner']))
    hosts['host2'][var] = data.draw(HOSTVAR_BAD[var])
    run_case(str(tmp_path), tenants, hosts, expect=[
        (first + '.yml', f1), (second + '.yml', 'endpoints[%d]' % index), ('host2', var)])


# --------------------------------------------------------------- alias graphs and limits (issue 20)
LIMIT = ' (the limit of a tenant file; see "Limits of a tenant file" in the README)'
TOO_BIG = ('is larger than %d KiB, the limit of a tenant file: refused before parsing (see '
           '"Limits of a tenant file" in the README)' % (MAX_BYTES // 1024))
DEEP, DEEP_ALIAS = 'is nested more than %d levels deep' % MAX_DEPTH, ' once aliases are expanded'
BOMB = 'expands to more than %d values once aliases are expanded' % MAX_NODES
MANY = 'holds more than %d values' % MAX_NODES


class Raw(str):
    """YAML text written into a generated file as it is; *line*: where its
    first line landed (1-based), *lines*: how many lines it has."""
    line = None

    @property
    def lines(self):
        return range(self.line, self.line + self.count('\n') + 1)


def emit(doc, block):
    """*doc* as YAML text: in flow style on one line, or in block style (keys
    and scalars as JSON, which is YAML); a Raw goes in as it is, as a value or
    as a key (flow: '? raw : value'; block: '? raw' then ': value')."""
    if not block:
        return _flow(doc, [1]) + '\n'
    lines = []
    _mapping(doc, 0, '', lines)
    return '\n'.join(lines) + '\n'


def _flow(value, line):
    if isinstance(value, Raw):
        value.line = line[0]
        return value
    if isinstance(value, dict):
        return '{%s}' % ', '.join(
            ('? %s : %s' if isinstance(k, Raw) else '%s: %s') % (_flow(k, line), _flow(v, line))
            for k, v in value.items())
    if isinstance(value, list):
        return '[%s]' % ', '.join(_flow(v, line) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _place(head, raw, indent, lines):
    raw.line = len(lines) + 1
    first, *rest = raw.split('\n')
    lines.append(head + first)
    lines.extend(' ' * indent + part for part in rest)


def _mapping(mapping, indent, lead, lines):
    for index, (key, value) in enumerate(mapping.items()):
        pad = lead if index == 0 else ' ' * indent
        if isinstance(key, Raw):
            _place(pad + '? ', key, indent + 2, lines)
            _value(value, ' ' * indent + ':', indent, lines)
        else:
            _value(value, pad + json.dumps(key, ensure_ascii=False) + ':', indent, lines)


def _value(value, head, indent, lines):
    if isinstance(value, Raw):
        _place(head + ' ', value, indent + 2, lines)
    elif isinstance(value, dict) and value:
        lines.append(head)
        _mapping(value, indent + 2, ' ' * (indent + 2), lines)
    elif isinstance(value, list) and value:
        lines.append(head)
        for item in value:
            if isinstance(item, dict) and item:
                _mapping(item, indent + 4, ' ' * (indent + 2) + '- ', lines)
            else:
                _value(item, ' ' * (indent + 2) + '-', indent + 2, lines)
    else:
        lines.append(head + ' ' + json.dumps(value, ensure_ascii=False))


# where a generated value goes: (kind, top-level field named, collections around it)
SITES = [('value', 'endpoints', 1), ('value', 'gateway', 1), ('value', 'mtu', 1),
         ('value', 'colour', 1), ('item', 'endpoints', 2), ('endpoint', 'endpoints', 3),
         ('key', None, 1), ('endpoint-key', 'endpoints', 3)]


def put(doc, site, raw, data):
    """*doc* with *raw* at *site*; the field the refusal must name."""
    kind, field, _ = site
    if kind == 'value':
        doc[field] = raw
    elif kind == 'item':
        doc['endpoints'].append(raw)
    elif kind == 'key':
        doc[raw] = 1
    else:
        endpoint = doc['endpoints'][data.draw(st.integers(0, len(doc['endpoints']) - 1))]
        if kind == 'endpoint':
            endpoint[data.draw(st.sampled_from(['name', 'ip', 'extra']))] = raw
        else:
            endpoint[raw] = 1
    return field


def nest(kinds, leaf, block):
    """One collection per kind ('[' or '{'), each inside the one before,
    *leaf* innermost: flow text, or block text (mappings 'kN:', lists '-')."""
    if not block:
        for kind in reversed(kinds):
            leaf = '[%s]' % leaf if kind == '[' else '{k: %s}' % leaf
        return leaf
    lines = []
    for depth, kind in enumerate(kinds):
        lines.append(' ' * (2 * depth) + ('k%d:' % depth if kind == '{' else '-'))
    return '\n'.join(lines + [' ' * (2 * len(kinds)) + leaf])


def expect_line(errors, name, field, lines, reason):
    """The one refusal: '<name>.yml: line N: <field>: <reason>', N in *lines*."""
    head = '%s.yml: line ' % name
    tail = ': %s%s' % (field + ': ' if field else '', reason)
    hits = [e for e in errors if e.startswith(head) and e.endswith(tail)
            and e[len(head):-len(tail)].isdigit() and int(e[len(head):-len(tail)]) in lines]
    if not hits:
        COUNTS['unclear'] += 1
    assert hits, 'no %s%s on a line of %s in %r' % (head, tail, list(lines), errors)


KINDS = st.lists(st.sampled_from('[{'), max_size=MAX_DEPTH)


@settings(max_examples=400, **SETTINGS)
@given(st.data())
def test_an_alias_inside_its_own_anchor(tmp_path, data):
    """At every depth and place (a list item, a mapping value, a mapping key;
    in a top-level field, an endpoint, a key), flow and block style: refused,
    naming the file, the line of the alias, the field, the anchor and its line;
    never a hang (the node walk before looped, ~100 MiB/s)."""
    tenants, hosts = fresh()
    name = data.draw(st.sampled_from(sorted(tenants)))
    site = data.draw(st.sampled_from(SITES))
    block = data.draw(st.booleans()) and site[0] != 'key'     # '? ' + a block value
    kinds = data.draw(KINDS)[:MAX_DEPTH - site[2] - 2]          # the cycle, not the depth
    anchor = data.draw(st.sampled_from(['a', 'loop', 'e-1', 'x_2', 'ep']))
    leaf = data.draw(st.sampled_from(['[*%s]', '{v: *%s}', '{? *%s : 1}', '*%s'])) % anchor
    if leaf.startswith('*') and not kinds:
        leaf = '[%s]' % leaf                  # '&a *a' is an alias with an anchor: no YAML
    if block:
        raw = Raw('&%s\n%s' % (anchor, nest(kinds, leaf, True)) if kinds else
                  '&%s %s' % (anchor, leaf))
    else:
        raw = Raw('&%s %s' % (anchor, nest(kinds, leaf, False)))
    event('%s %s, %s, depth %s' % (site[0], 'block' if block else 'flow', leaf[:2],
                                   '0-4' if len(kinds) < 5 else '5+'))
    field = put(tenants[name], site, raw, data)
    text = emit(tenants.pop(name), block)
    errors = run_case(str(tmp_path), tenants, hosts, raw={name + '.yml': text.encode()})
    expect_line(errors, name, field, [raw.lines[-1]],
                'the alias *%s refers to a value that contains itself (anchor &%s on line %d)'
                % (anchor, anchor, raw.line))
    peak_memory(str(tmp_path), hosts)


@settings(max_examples=200, **SETTINGS)
@given(st.data())
def test_alias_bombs_and_deep_aliases(tmp_path, data):
    """Shared anchors that expand past the value limit (wide or deep, flow or
    block) or past the nesting limit: refused with line and field, at once."""
    tenants, hosts = fresh()
    name = data.draw(st.sampled_from(sorted(tenants)))
    site = data.draw(st.sampled_from(SITES))
    block = data.draw(st.booleans()) and site[0] != 'key'
    width = data.draw(st.integers(4, 60))
    levels, size, total = 1, width + 1, width + 1      # the values of each level, expanded
    while total <= MAX_NODES:
        levels, size = levels + 1, size * width + 1
        total += size
    levels += data.draw(st.integers(0, 1))
    items = ['&b0 [%s]' % ', '.join(['x'] * width)] + [
        '&b%d [%s]' % (i, ', '.join(['*b%d' % (i - 1)] * width)) for i in range(1, levels)]
    deep = data.draw(st.booleans()) and site[0] in ('value', 'item', 'endpoint')
    if deep:      # a deep anchor, then an alias of it nested deeper still
        inner = MAX_DEPTH - site[2] - 2        # the anchor: just under the limit
        over = data.draw(st.integers(2, 4))     # its alias, 2-4 lists deeper: over it
        items = ['&d %s' % nest(['['] * inner, '1', False),
                 nest(['['] * over, '*d', False)]
    raw = Raw(''.join('\n- ' + item for item in items) if block else
              '[%s]' % ', '.join(items))
    event('%s %s %s' % ('deep alias' if deep else 'bomb', site[0], 'block' if block else 'flow'))
    field = put(tenants[name], site, raw, data)
    text = emit(tenants.pop(name), block)
    errors = run_case(str(tmp_path), tenants, hosts, raw={name + '.yml': text.encode()})
    if deep:
        expect_line(errors, name, field, raw.lines, DEEP + DEEP_ALIAS + LIMIT)
    else:
        expect_line(errors, name, field, raw.lines, BOMB + LIMIT)
    peak_memory(str(tmp_path), hosts)


@settings(max_examples=200, **SETTINGS)
@given(st.data())
def test_nesting_just_under_and_over_the_limit(tmp_path, data):
    """Nesting in flow and block style at every site, up to the limit (refused
    by the schema, naming the field; never by the limit) and past it (refused
    by the limit, naming line and field)."""
    tenants, hosts = fresh()
    name = data.draw(st.sampled_from(sorted(tenants)))
    site = data.draw(st.sampled_from(SITES))
    block = data.draw(st.booleans()) and site[0] != 'key'
    over = data.draw(st.sampled_from([0, 0, 1, 2, 1000]))
    count = MAX_DEPTH - site[2] + over
    kinds = data.draw(st.lists(st.sampled_from('[{'), min_size=count, max_size=count))
    raw = Raw('\n' + nest(kinds, '1', True) if block and over < 1000 else
              nest(kinds, '1', False))
    event('limit%+d %s %s' % (over, site[0], 'block' if block and over < 1000 else 'flow'))
    field = put(tenants[name], site, raw, data)
    text = emit(tenants.pop(name), block)
    errors = run_case(str(tmp_path), tenants, hosts, raw={name + '.yml': text.encode()})
    if over:
        expect_line(errors, name, field, raw.lines, DEEP + LIMIT)
    else:
        assert not any(DEEP in e for e in errors), errors
        if site[0] in ('value', 'item', 'endpoint'):   # a collection as a key: unhashable
            assert any(e.startswith('%s.yml: %s' % (name, field)) for e in errors), errors
    peak_memory(str(tmp_path), hosts)


def count_values(value):
    """What the reader counts: each mapping, list, key and scalar once."""
    if isinstance(value, dict):
        return 1 + sum(1 + count_values(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(count_values(v) for v in value)
    return 1


@pytest.mark.parametrize('kind, over', [(kind, over) for kind in ('values', 'scalar', 'comment')
                                         for over in (0, 1, 999)] + [('huge comment', 1)])
@settings(max_examples=3, **SETTINGS)
@given(data=st.data())
def test_values_bytes_and_comments_just_under_and_over(tmp_path, kind, over, data):
    """Exactly at each limit and past it: 50000 values (a flat list in a
    field), the bytes of a file (a big scalar, a big comment; a 10 MB
    comment). At a limit the reader takes the file (a comment leaves it
    valid: it is accepted; a field too big is refused by the schema, naming
    it); past it the refusal names the limit, the line and the field."""
    tenants, hosts = fresh()
    name = data.draw(st.sampled_from(sorted(tenants)))
    doc = tenants.pop(name)
    block = data.draw(st.booleans())
    field = data.draw(st.sampled_from(['endpoints', 'colour', 'name']))
    if kind == 'values':
        doc[field] = None           # one value; a list of n items is 1 + n
        items = MAX_NODES - count_values(doc) + over
        doc[field] = Raw('[%s]' % ','.join(['1'] * items))
        text = emit(doc, block)
    elif kind == 'scalar':
        doc[field] = ''
        size = len(emit(doc, block).encode())
        doc[field] = 'a' * (MAX_BYTES - size + over)
        text = emit(doc, block)
    else:
        text = emit(doc, block) + '# '
        size = 10 * 1024 * 1024 if kind == 'huge comment' else MAX_BYTES - len(text) - 1 + over
        text += 'x' * size + '\n'
    event('%s, %s' % (field, 'block' if block else 'flow'))
    if kind in ('scalar', 'comment'):
        assert len(text.encode()) == MAX_BYTES + over
    write_inventory(str(tmp_path), tenants, {name + '.yml': text.encode()})
    if kind == 'comment' and not over:      # a valid file exactly at the byte limit
        COUNTS['valid'] += 1
        inventory, errors, took = timed_load(str(tmp_path), hosts)
        if inventory is None:
            COUNTS['refused_valid'] += 1
        assert inventory is not None and took < 1.0, (errors, took)
    else:
        errors = run_case(str(tmp_path), tenants, hosts, raw={name + '.yml': text.encode()})
        if kind == 'values' and over:
            expect_line(errors, name, field, [doc[field].line], MANY + LIMIT)
        elif over:
            assert '%s.yml: %s' % (name, TOO_BIG) in errors, errors
        else:
            assert not any('limit of a tenant file' in e for e in errors), errors
            assert any(e.startswith('%s.yml: %s' % (name, field)) for e in errors), errors
    peak_memory(str(tmp_path), hosts)


EXTRA_IP = {'blue': '10.0.0.%d', 'red': '10.0.0.%d', 'green': '172.16.2.%d'}


@settings(max_examples=150, **SETTINGS)
@given(st.data())
def test_shared_anchors_in_a_valid_file_are_accepted(tmp_path, data):
    """A valid tenant file written with anchors, aliases and merge keys (one
    host anchored and aliased by up to 40 more endpoints, the first endpoint
    merged into others): accepted, the same inventory as without them."""
    tenants, hosts = fresh()
    name = data.draw(st.sampled_from(sorted(tenants)))
    doc = tenants[name]
    first = doc['endpoints'][0]
    doc['endpoints'] += [{'name': '%s-x%d' % (name, i), 'host': first['host'],
                          'ip': EXTRA_IP[name] % (100 + i)}
                         for i in range(data.draw(st.integers(0, 40)))]
    write_inventory(str(tmp_path), tenants)
    plain, errors = load_inventory(str(tmp_path), hosts, SCHEMA, base_dir=str(tmp_path))
    assert plain is not None, errors
    lines = ['%s: %s' % (k, json.dumps(v)) for k, v in doc.items() if k != 'endpoints']
    lines += ['endpoints:', '  - &first', '    name: %s' % first['name'],
              '    host: &h %s' % first['host'], '    ip: %s' % first['ip']]
    for ep in doc['endpoints'][1:]:
        same = ep['host'] == first['host']
        merge = data.draw(st.booleans())
        lines += ['  - <<: *first', '    name: %s' % ep['name']] if merge else \
            ['  - name: %s' % ep['name']]
        if not (merge and same and data.draw(st.booleans())):      # else merged from *first
            lines.append('    host: %s' % ('*h' if same and data.draw(st.booleans())
                                           else ep['host']))
        lines.append('    ip: %s' % ep['ip'])
    text = '\n'.join(lines) + '\n'
    tenants.pop(name)
    write_inventory(str(tmp_path), tenants, {name + '.yml': text.encode()})
    COUNTS['valid'] += 1
    inventory, errors, took = timed_load(str(tmp_path), hosts)
    if inventory is None:
        COUNTS['refused_valid'] += 1
    assert inventory == plain and not errors and took < 1.0, (text, errors)
    peak_memory(str(tmp_path), hosts)


def test_zz_report():
    """Runs last in this file: the counts for the README."""
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, 'w') as handle:
        json.dump(COUNTS, handle, indent=1, sort_keys=True)
    assert COUNTS['cases'] >= 2000, COUNTS
    assert COUNTS['tracebacks'] == COUNTS['accepted'] == COUNTS['unclear'] == 0, COUNTS
    assert COUNTS['refused_valid'] == 0 and COUNTS['slow'] == 0, COUNTS
