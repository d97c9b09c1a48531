"""The topology picture (ovl.report.topology_view): the DOT holds a cluster per
host, every endpoint, a tunnel box exactly per tenant per pair of hosts that
both carry it, a router exactly where a SNAT tenant has an endpoint; drift
rows mark the objects they name; the text form of the example inventory;
real `dot` renders it (skipped without Graphviz)."""
import itertools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from overlay import FilterModule, overlay_topology_dot, overlay_topology_text
from ansible.module_utils.ovl.report.drift import drift_rows
from ansible.module_utils.ovl.tenant.names import endpoint_port, host_suffix
from ansible.module_utils.ovl.report.topology_view import (
    DRIFT, NAMED, colours, drift_marks, shared_subnets, topology_dot, topology_text, tunnel_pairs)
from tenant_helpers import H3, NETDEV, example_inventory, inventory, tenant

IP = {'host1': '192.168.250.11', 'host2': '192.168.250.12', 'host3': '192.168.250.13'}


# --- a small reader of the DOT this module writes (one statement per line) ---------------

NODE = re.compile(r'^\s*"([^"]+)" \[(.*)\];$')
EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\];$')
ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(dot):
    """({node id: attrs}, [(tail, head, attrs)], {cluster name: attrs})."""
    nodes, edges = {}, []
    for line in dot.splitlines():
        edge = EDGE.match(line)
        if edge:
            edges.append((edge.group(1), edge.group(2), dict(ATTR.findall(edge.group(3)))))
            continue
        node = NODE.match(line)
        if node:
            nodes[node.group(1)] = dict(ATTR.findall(node.group(2)))
    clusters = dict((name, dict(ATTR.findall(attrs))) for name, attrs in re.findall(
        r'subgraph "(cluster_[^"]+)" \{\n(.*)\n', dot))
    return nodes, edges, clusters


def of_kind(nodes, kind):
    return set(tuple(n.split(':')[1:]) for n in nodes if n.split(':')[0] == kind)


# --- inventories -------------------------------------------------------------------------

def three_hosts(mode='port'):
    """blue on 3 hosts, red on host1+host3 (same subnet as blue), green alone
    on host2 (one host: no tunnel), web on host2+host3 without SNAT, gre."""
    return inventory([
        tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11'),
                                                   ('b2', 'host2', '10.0.0.12'),
                                                   ('b3', 'host3', '10.0.0.13'),
                                                   ('b4', 'host3', '10.0.0.14')]),
        tenant('red', 200, snat=True, endpoints=[('r1', 'host1', '10.0.0.11'),
                                                  ('r3', 'host3', '10.0.0.13')]),
        tenant('green', 300, '172.16.0.0/24', snat=True,
               endpoints=[('g2', 'host2', '172.16.0.12')]),
        tenant('web', 400, '10.9.0.0/24', endpoints=[('w2', 'host2', '10.9.0.12'),
                                                      ('w3', 'host3', '10.9.0.13')],
               tunnel_type='gre'),
    ], H3, mode)


INVENTORIES = [
    ('example', example_inventory()),
    ('example-netdev-flow', example_inventory(NETDEV, 'flow')),
    ('three-hosts', three_hosts()),
    ('three-hosts-kernel', three_hosts('kernel')),
    ('one-empty-host', inventory([tenant('solo', 7, snat=True,
                                         endpoints=[('s1', 'host1', '10.0.0.5')])], H3)),
]
IDS = [name for name, _inv in INVENTORIES]


def expected_pairs(inv):
    """Independently of ovl.tenant.topology: every pair of a tenant's hosts."""
    out = set()
    for t in inv.tenants:
        hosts = sorted(set(ep.host for ep in t.endpoints))
        out.update((t.name, a, b) for a, b in itertools.combinations(hosts, 2))
    return out


@pytest.mark.parametrize('inv', [i for _n, i in INVENTORIES], ids=IDS)
def test_a_cluster_per_host_and_every_endpoint(inv):
    nodes, _edges, clusters = parse(topology_dot(inv))
    assert set(c for c in clusters if c.startswith('cluster_host_')) == set(
        'cluster_host_' + h for h in inv.host_names())
    for facts in inv.hosts:
        assert clusters['cluster_host_' + facts.name]['label'] == (
            '%s  (underlay %s)\\ndatapath %s, tunnel mode %s' % (
                facts.name, facts.underlay_ip, facts.datapath_type, facts.tunnel_mode))
        assert nodes['vtep:' + facts.name]['label'].startswith('VTEP ' + facts.underlay_ip)
    want = set((ep.host, ep.name) for t in inv.tenants for ep in t.endpoints)
    assert of_kind(nodes, 'endpoint') == want
    for t in inv.tenants:
        assert set('cluster_tenant_%s_%s' % (h, t.name) for h in t.hosts) <= set(clusters)
        for ep in t.endpoints:
            assert nodes['endpoint:%s:%s' % (ep.host, ep.name)]['label'] == '%s\\n%s' % (
                ep.name, ep.ip)


@pytest.mark.parametrize('inv', [i for _n, i in INVENTORIES], ids=IDS)
def test_a_tunnel_exactly_per_pair_of_hosts_carrying_the_tenant(inv):
    nodes, edges, _clusters = parse(topology_dot(inv))
    assert of_kind(nodes, 'tunnel') == expected_pairs(inv)
    assert set(tunnel_pairs(inv)) == expected_pairs(inv)
    for name, a, b in expected_pairs(inv):
        tid = 'tunnel:%s:%s:%s' % (name, a, b)
        t = [x for x in inv.tenants if x.name == name][0]
        assert nodes[tid]['label'].startswith('%s %s VNI %d' % (name, t.tunnel_type.upper(), t.vni))
        assert sorted(h for tail, h, _a in edges if tail == tid) == ['vtep:' + a, 'vtep:' + b]


def test_a_one_host_tenant_has_no_tunnel():
    inv = three_hosts()
    nodes, edges, _clusters = parse(topology_dot(inv))
    assert not [n for n in nodes if n.startswith('tunnel:green:')]
    # nor a line from its host's VTEP: it has nothing to tunnel
    assert not [e for e in edges if e[0] == 'vtep:host2' and e[1] == 'endpoint:host2:g2']
    assert 'green      vxlan VNI 300: none (one host)' in topology_text(inv)


@pytest.mark.parametrize('inv', [i for _n, i in INVENTORIES], ids=IDS)
def test_a_router_where_a_snat_tenant_has_an_endpoint_and_nowhere_else(inv):
    nodes, edges, _clusters = parse(topology_dot(inv))
    want = set((ep.host, t.name) for t in inv.tenants if t.snat for ep in t.endpoints)
    assert of_kind(nodes, 'router') == want
    assert set((t, h) for t, h, _a in edges if h == 'outside') == set(
        ('router:%s:%s' % hw, 'outside') for hw in want)
    no_snat = set((ep.host, t.name) for t in inv.tenants if not t.snat for ep in t.endpoints)
    assert of_kind(nodes, 'norouter') == no_snat
    for host, name in want:
        t = [x for x in inv.tenants if x.name == name][0]
        assert nodes['router:%s:%s' % (host, name)]['label'] == (
            'router ovr-%s\\ngateway %s\\nSNAT -> %s' % (name, t.gateway, IP[host]))


def test_tenants_that_share_a_subnet_are_told_apart():
    inv = three_hosts()
    assert [(s, [t.name for t in ts]) for s, ts in shared_subnets(inv)] == [
        ('10.0.0.0/24', ['blue', 'red'])]
    dot = topology_dot(inv)
    assert 'blue and red both use 10.0.0.0/24: isolated (blue vxlan VNI 100, red vxlan VNI 200)' in dot
    colour = colours(inv)
    assert len(set(colour.values())) == len(inv.tenants)
    assert (colour['blue'], colour['red'], colour['green']) == (
        NAMED['blue'], NAMED['red'], NAMED['green'])      # a tenant named after a colour is in it
    assert DRIFT not in colour.values()


def test_twelve_tenants_twelve_colours():
    inv = inventory([tenant('t%02d' % i, i + 1, '10.%d.0.0/24' % i,
                            endpoints=[('e%d' % i, 'host1', '10.%d.0.5' % i)]) for i in range(12)],
                    H3)
    assert len(set(colours(inv).values())) == 12


# --- drift marks -------------------------------------------------------------------------

EX = example_inventory()


def port_missing(peer):
    return {'ovs': {'changed': True, 'diff': {
        'before': {'ports': {'vx64-' + host_suffix(IP[peer]): None}},
        'after': {'ports': {'vx64-' + host_suffix(IP[peer]): {'type': 'vxlan'}}}}}}


DRIFT_CASES = [
    ('endpoint namespace missing', EX, {'host2': {'ip': {'changed': True, 'changes': [
        ['netns.add', None, 'red-web2', None],
        ['addr.add', 'red-web2', 'eth0', '10.0.0.12/24']]}}},
     {('endpoint', 'host2', 'red-web2'): 'MISSING'}),
    ('extra address on an endpoint', EX, {'host1': {'ip': {'changed': True, 'changes': [
        ['addr.del', 'blue-web1', 'eth0', '10.0.0.99/24']]}}},
     {('endpoint', 'host1', 'blue-web1'): 'DRIFTED: extra address'}),
    ('endpoint port tag', EX, {'host1': {'ovs': {'changed': True, 'diff': {
        'before': {'ports': {endpoint_port('green-app1'): {'tag': 9}}},
        'after': {'ports': {endpoint_port('green-app1'): {'tag': 2}}}}}}},
     {('endpoint', 'host1', 'green-app1'): 'DRIFTED: different tag'}),
    ('router NAT rule missing', EX, {'host2': {'nat': {'changed': True, 'diff': {
        'before': '# netns ovr-blue\n',
        'after': '# netns ovr-blue\n-A OVL-POSTROUTING -s 10.0.0.0/24 -j MASQUERADE\n'}}}},
     {('router', 'host2', 'blue'): 'DRIFTED: missing nat'}),
    ('router gateway leg', EX, {'host1': {'ip': {'changed': True, 'changes': [
        ['link.del', None, 'ovg-red', None], ['link.add', None, 'ovg-red', None]]}}},
     {('router', 'host1', 'red'): 'DRIFTED: different link'}),
    ('port-mode tunnel missing', EX, {'host1': port_missing('host2')},
     {('tunnel', 'blue', 'host1', 'host2'): 'MISSING (on host1)'}),
    ('kernel flood entry missing', example_inventory(mode='kernel'),
     {'host2': {'ip': {'changed': True, 'changes': [
         ['fdb.append', None, 'vx12c', IP['host1']]]}}},
     {('tunnel', 'green', 'host1', 'host2'): 'MISSING (on host2)'}),
    ('kernel flood entry to one of two peers', three_hosts('kernel'),
     {'host1': {'ip': {'changed': True, 'changes': [
         ['fdb.del', None, 'vx64', IP['host3']]]}}},
     {('tunnel', 'blue', 'host1', 'host3'): 'DRIFTED: extra tunnel (on host1)'}),
    ('kernel device missing: every peer of the tenant', three_hosts('kernel'),
     {'host1': {'ip': {'changed': True, 'changes': [
         ['link.add', None, 'vx64', None]]}}},
     {('tunnel', 'blue', 'host1', 'host2'): 'MISSING (on host1)',
      ('tunnel', 'blue', 'host1', 'host3'): 'MISSING (on host1)'}),
    ('flow-mode port missing: every tenant shared with the peer', example_inventory(
        mode='flow'), {'host1': {'ovs': {'changed': True, 'diff': {
            'before': {'ports': {}},
            'after': {'ports': {'vxf-' + host_suffix(IP['host2']): {'type': 'vxlan'}}}}}}},
     {('tunnel', t, 'host1', 'host2'): 'MISSING (on host1)' for t in ('blue', 'green', 'red')}),
    ('extra namespace of a removed tenant', EX, {'host1': {'ip': {'changed': True, 'changes': [
        ['netns.del', None, 'ovr-gone', None]]}}},
     {('extra', 'host1'): None}),
    ('shared object', EX, {'host1': {'forward': {'changed': True}}}, {('host', 'host1'): None}),
    ('host not read', EX, {'host2': {'failed': True, 'msg': 'the preflight did not finish'}},
     {('unknown', 'host2'): None}),
]


@pytest.mark.parametrize('inv, results, want', [c[1:] for c in DRIFT_CASES],
                         ids=[c[0] for c in DRIFT_CASES])
def test_drift_rows_mark_the_objects_they_name(inv, results, want):
    rows = drift_rows(inv, results)
    assert rows
    assert set(drift_marks(inv, rows)) == set(want)
    nodes, edges, _clusters = parse(topology_dot(inv, rows))
    for key, words in want.items():
        if key[0] in ('endpoint', 'router'):
            node = nodes[':'.join(key)]
        elif key[0] == 'tunnel':
            node = nodes['tunnel:%s:%s:%s' % key[1:]]
            assert all(a['color'] == DRIFT and a['style'] == 'dashed'
                       for t, _h, a in edges if t == 'tunnel:%s:%s:%s' % key[1:])
        elif key[0] in ('extra', 'host'):
            node = nodes['%s:%s' % ('shared' if key[0] == 'host' else 'extra', key[1])]
            words = rows[0]['object']
        else:
            assert 'NOT READ: the preflight did not finish' in topology_dot(inv, rows)
            continue
        assert node['color'] == DRIFT and 'dashed' in node['style']
        assert words.replace('\n', '\\n') in node['label']
    # everything else is drawn plainly
    marked = set(':'.join(k) for k in want if k[0] in ('endpoint', 'router'))
    marked.update('tunnel:%s:%s:%s' % k[1:] for k in want if k[0] == 'tunnel')
    for nid, attrs in nodes.items():
        if nid.split(':')[0] in ('endpoint', 'router', 'tunnel') and nid not in marked:
            assert attrs.get('color') != DRIFT, nid


def test_no_drift_is_said_and_nothing_is_marked():
    nodes, _edges, _clusters = parse(topology_dot(EX, []))
    assert not [n for n, a in nodes.items() if a.get('color') == DRIFT]
    text = topology_text(EX, [])
    assert text.count('[live: as the inventory says]') == 2
    assert text.endswith('Drift: none found')


def test_a_host_not_read_under_limit_is_said():
    text = topology_text(EX, [], read=['host1'])
    assert 'host2  underlay 192.168.250.12, datapath system, tunnel mode port, bridge br-int  ' \
           '[not read in this run]' in text
    assert text.endswith('Drift: none found; not read: host2')


def test_the_text_marks_drift_and_lists_extra_objects():
    rows = drift_rows(EX, {
        'host1': dict(port_missing('host2'), ip={'changed': True, 'changes': [
            ['netns.del', None, 'ovr-gone', None]]}),
        'host2': {'ip': {'changed': True, 'changes': [['netns.add', None, 'red-web2', None]]}}})
    text = topology_text(EX, rows)
    assert '    endpoint red-web2        10.0.0.12  [MISSING]' in text
    assert '  blue       vxlan VNI 100: host1 <-> host2  [MISSING (on host1)]' in text
    assert ('  extra (ours, in no tenant of the inventory; site.yml removes them):\n'
            '    extra namespace ovr-gone') in text
    assert '[live: 2 difference(s)]' in text and '[live: 1 difference(s)]' in text
    assert text.endswith('Drift: 3 difference(s) on host1, host2 (playbooks/drift.yml lists '
                         'them; site.yml repairs them)')


# --- the text of the example inventory, and the filters --------------------------------

EXAMPLE_TEXT = '''\
Overlay topology: 2 host(s), 3 tenant(s); inventory view (no host read)

host1  underlay 192.168.250.11, datapath system, tunnel mode port, bridge br-int
  blue       vxlan VNI 100, 10.0.0.0/24, SNAT to the outside
    endpoint blue-web1       10.0.0.11
    router   ovr-blue        gateway 10.0.0.1, SNAT -> 192.168.250.11 -> outside
  green      vxlan VNI 300, 172.16.10.0/24, no SNAT: no way out
    endpoint green-app1      172.16.10.11
  red        vxlan VNI 200, 10.0.0.0/24, SNAT to the outside
    endpoint red-web1        10.0.0.11
    router   ovr-red         gateway 10.0.0.1, SNAT -> 192.168.250.11 -> outside

host2  underlay 192.168.250.12, datapath system, tunnel mode port, bridge br-int
  blue       vxlan VNI 100, 10.0.0.0/24, SNAT to the outside
    endpoint blue-web2       10.0.0.12
    router   ovr-blue        gateway 10.0.0.1, SNAT -> 192.168.250.12 -> outside
  green      vxlan VNI 300, 172.16.10.0/24, no SNAT: no way out
    endpoint green-app2      172.16.10.12
  red        vxlan VNI 200, 10.0.0.0/24, SNAT to the outside
    endpoint red-web2        10.0.0.12
    router   ovr-red         gateway 10.0.0.1, SNAT -> 192.168.250.12 -> outside

Tunnels (one per pair of hosts that both carry the tenant):
  blue       vxlan VNI 100: host1 <-> host2
  green      vxlan VNI 300: host1 <-> host2
  red        vxlan VNI 200: host1 <-> host2

Shared subnets (isolated by VNI or VLAN: separate tunnels or segments, VLANs and routers):
  10.0.0.0/24: blue (vxlan VNI 100), red (vxlan VNI 200)'''


def test_the_text_of_the_example_inventory():
    assert topology_text(EX) == EXAMPLE_TEXT


def test_the_filters_take_the_module_result():
    result = json.loads(json.dumps(EX.as_result()))
    assert overlay_topology_text(result) == EXAMPLE_TEXT
    assert overlay_topology_dot(result) == topology_dot(EX)
    rows = drift_rows(EX, {'host1': {'forward': {'changed': True}}})
    assert overlay_topology_dot(result, rows, ['host1', 'host2']) == topology_dot(EX, rows)
    filters = FilterModule().filters()
    assert filters['overlay_topology_dot'] is overlay_topology_dot
    assert filters['overlay_topology_text'] is overlay_topology_text


# --- real Graphviz -----------------------------------------------------------------------

DOT = shutil.which('dot')


@pytest.mark.skipif(DOT is None, reason='Graphviz dot is not installed (Debian: graphviz)')
@pytest.mark.parametrize('inv, rows', [
    (EX, None),
    (three_hosts(), None),
    (EX, drift_rows(EX, {'host1': dict(port_missing('host2'), forward={'changed': True}),
                         'host2': {'failed': True, 'msg': 'unreachable <&> "x"'}})),
], ids=['example', 'three-hosts', 'example-live'])
def test_dot_renders_it_and_the_svg_is_xml(tmp_path, inv, rows):
    src = tmp_path / 'topology.dot'
    src.write_text(topology_dot(inv, rows))
    for fmt in ('svg', 'png'):
        proc = subprocess.run([DOT, '-T' + fmt, str(src), '-o', str(tmp_path / ('t.' + fmt))],
                              capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0 and 'Warning' not in proc.stderr, proc.stderr
    assert (tmp_path / 't.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    root = ET.parse(str(tmp_path / 't.svg')).getroot()
    ids = set(el.get('id') for el in root.iter() if el.get('id'))
    want = set('endpoint:%s:%s' % (ep.host, ep.name) for t in inv.tenants for ep in t.endpoints)
    want.update('tunnel:%s:%s:%s' % p for p in expected_pairs(inv))
    want.update(['outside', 'legend'])
    assert want <= ids, sorted(want - ids)
    texts = ' '.join(el.text or '' for el in root.iter() if el.tag.endswith('text'))
    assert 'outside (the internet)' in texts
