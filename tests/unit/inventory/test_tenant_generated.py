"""Generated topologies (hypothesis): 2 to 8 hosts, random tenants on random
subsets of them. For every host and every tunnel mode the per-host desired
state must give each tenant a full mesh among exactly its hosts, no tunnel
to a host without it, split horizon (port mode: protected tunnels; kernel:
one device per tenant), flood lists equal to the tenant's peers, and a local
VLAN per tenant that stays put when unrelated tenants come and go."""
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils.ovl.core import tunnels as types
from ansible.module_utils.ovl.ovs.tags import allocate_tags
from ansible.module_utils.ovl.tenant.flows import build_flows
from ansible.module_utils.ovl.tenant.ip import build_ip
from ansible.module_utils.ovl.tenant.ovs import build_ovs
from ansible.module_utils.ovl.tenant.topology import peer_hosts
from tenant_helpers import inventory, tenant

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def topologies(draw, kinds=types.NAMES):
    count = draw(st.integers(2, 8))
    hosts = ['h%d' % i for i in range(1, count + 1)]
    hostvars = dict((h, {'overlay_underlay_ip': '10.%d.%d.%d' % (i, i * 7 % 256, i + 10)})
                    for i, h in enumerate(hosts, 1))
    tenants = []
    for index in range(draw(st.integers(0, 10))):
        carrying = draw(st.lists(st.sampled_from(hosts), min_size=1, max_size=count, unique=True))
        endpoints = []
        for host in carrying:
            for n in range(draw(st.integers(1, 2))):
                endpoints.append(('t%d-%s-%d' % (index, host, n), host,
                                  '10.0.0.%d' % (len(endpoints) + 2)))
        tenants.append(tenant('t%d' % index, draw(st.integers(1, 16777215)) if index else 16777215,
                              snat=draw(st.booleans()), endpoints=endpoints,
                              tunnel_type=draw(st.sampled_from(kinds))))
    vnis = set()
    unique = []
    for t in tenants:             # VNIs are unique across tenants (validated elsewhere)
        if t.vni not in vnis:
            vnis.add(t.vni)
            unique.append(t)
    return hostvars, unique


def tags_for(inv, host, state=None):
    names = [t.name for t in inv.tenants_on(host)]
    return allocate_tags(names, state or {'ports': {}, 'bridges': {}}, 'ovl', {'br-int'})


def carried(inv, host):
    return dict((t.name, t) for t in inv.tenants_on(host))


@SETTINGS
@given(topologies())
def test_port_mode_full_mesh_among_exactly_the_tenants_hosts(topology):
    hostvars, tenants = topology
    inv = inventory(tenants, hostvars, 'port')
    ip_of = dict((h.name, h.underlay_ip) for h in inv.hosts)
    seen = set()
    for facts in inv.hosts:
        tags = tags_for(inv, facts.name)
        ports = build_ovs(inv, facts, tags)['ports']
        tunnels = [p for p in ports if p['type'] in types.OVS_TYPES]
        mine = carried(inv, facts.name)
        want = set((t.name, ip_of[h]) for t in mine.values() for h in t.hosts if h != facts.name)
        assert set((p['tenant'], p['options']['remote_ip']) for p in tunnels) == want
        for p in tunnels:
            assert p['protected'] is True                         # split horizon
            assert p['options']['key'] == str(mine[p['tenant']].vni)
            assert p['type'] == types.get(mine[p['tenant']].tunnel_type).ovs_type
            assert p['tag'] == tags[p['tenant']]
            seen.add((facts.name, p['options']['remote_ip'], p['options']['key']))
    for facts_a, remote, key in seen:                             # every tunnel has its mirror
        back = [h.name for h in inv.hosts if h.underlay_ip == remote][0]
        assert (back, ip_of[facts_a], key) in seen


@SETTINGS
@given(topologies(kinds=('vxlan',)))     # kernel mode: VXLAN only (validated)
def test_kernel_mode_one_device_per_tenant_flooding_to_its_peers(topology):
    hostvars, tenants = topology
    inv = inventory(tenants, hostvars, 'kernel')
    ip_of = dict((h.name, h.underlay_ip) for h in inv.hosts)
    for facts in inv.hosts:
        tags = tags_for(inv, facts.name)
        devices = [l for l in build_ip(inv, facts, tags)['links'] if l['kind'] == 'vxlan']
        mine = carried(inv, facts.name)
        want = dict((t.vni, sorted(ip_of[h] for h in t.hosts if h != facts.name))
                    for t in mine.values() if len(t.hosts) > 1)
        assert dict((d['id'], d['flood']) for d in devices) == want
        names = [p['name'] for p in build_ovs(inv, facts, tags)['ports']]
        assert all(d['name'] in names for d in devices)          # each one port on br-int


@SETTINGS
@given(topologies())
def test_flow_mode_one_tunnel_per_peer_and_floods_to_carrying_peers(topology):
    hostvars, tenants = topology
    inv = inventory(tenants, hostvars, 'flow')
    for facts in inv.hosts:
        tags = tags_for(inv, facts.name)
        ports = build_ovs(inv, facts, tags)['ports']
        tunnels = dict(((p['options']['remote_ip'], p['type']), p['name']) for p in ports
                       if p['type'] in types.OVS_TYPES)
        assert sorted(set(ip for ip, _kind in tunnels)) == sorted(
            h.underlay_ip for h in peer_hosts(inv, facts.name))
        shared = set((inv.host(h).underlay_ip, types.get(t.tunnel_type).ovs_type)
                     for t in inv.tenants_on(facts.name) for h in t.hosts if h != facts.name)
        assert set(tunnels) == shared          # one port per peer and type in use, no other
        flows = build_flows(inv, facts, tags)['flows']
        for t in inv.tenants_on(facts.name):
            flood = [f for f in flows if f['table'] == 22 and f['match'] == 'dl_vlan=%d' % tags[t.name]]
            others = [inv.host(h).underlay_ip for h in t.hosts if h != facts.name]
            if not others:
                assert flood == []
                continue
            outputs = sorted(a[len('output:'):] for a in flood[0]['actions'].split(',')
                             if a.startswith('output:'))
            kind = types.get(t.tunnel_type).ovs_type
            assert outputs == sorted(tunnels[(ip, kind)] for ip in others)


@SETTINGS
@given(topologies(), st.data())
def test_local_vlan_stays_when_unrelated_tenants_come_and_go(topology, data):
    hostvars, tenants = topology
    inv = inventory(tenants, hostvars, 'port')
    host = data.draw(st.sampled_from([h.name for h in inv.hosts]))
    tags = tags_for(inv, host)
    state = {'bridges': {}, 'ports': dict(
        (p['name'], dict(bridge=p['bridge'], tag=p.get('tag'),
                         external_ids={'ovl-owner': 'ovl', 'ovl-tenant': p['tenant']}))
        for p in build_ovs(inv, inv.host(host), tags)['ports'] if p.get('tenant'))}
    names = sorted(tags)
    keep = data.draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    newcomers = ['new%d' % i for i in range(data.draw(st.integers(0, 3)))]
    again = allocate_tags(keep + newcomers, state, 'ovl', {'br-int'})
    for name in keep:
        assert again[name] == tags[name]
    assert len(set(again.values())) == len(again)
