"""Generated bad input (hypothesis): mutations of a valid inventory (three
tenant files, three hosts, play variables) that must each be refused.

For every case: no exception escapes (no traceback), nothing is accepted,
every injected defect is reported with its file (or host) and its field, each
message is one line, and the load takes under a second. The numbers of cases
and results are written to .cache/faults/input.json for the README table.
"""
import json
import os
import time
import tracemalloc

from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils.ovl.tenant.inventory import find_schema, load_inventory
from ansible.module_utils.ovl.tenant.schema import load_schema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = load_schema(find_schema(os.path.join(ROOT, 'inventory', 'tenants')))
REPORT = os.path.join(ROOT, '.cache', 'faults', 'input.json')
COUNTS = {'cases': 0, 'accepted': 0, 'tracebacks': 0, 'unclear': 0, 'slow': 0}

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


def run_case(directory, tenants, hosts, play=None, raw=None, expect=()):
    """Load; assert the properties; *expect*: [(where, field)] that must be named."""
    write_inventory(directory, tenants, raw)
    COUNTS['cases'] += 1
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
    if inventory is not None:
        COUNTS['accepted'] += 1
    assert inventory is None and errors, 'accepted: %r' % (expect,)
    assert took < 1.0, took
    for line in errors:
        assert '\n' not in line and 'Traceback' not in line, line
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
    tracemalloc.start()        # the same load again, for its memory (tracing slows it down)
    try:
        load_inventory(str(tmp_path), hosts, SCHEMA, base_dir=str(tmp_path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, peak     # bounded memory, whatever the file


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


def test_zz_report():
    """Runs last in this file: the counts for the README."""
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, 'w') as handle:
        json.dump(COUNTS, handle, indent=1, sort_keys=True)
    assert COUNTS['cases'] >= 2000, COUNTS
    assert COUNTS['tracebacks'] == COUNTS['accepted'] == COUNTS['unclear'] == 0, COUNTS
