"""ovl.tenant.flows.build_flows and build_ovs in flow mode: one tunnel per peer,
VLAN<->VNI per tenant, flooding only to the peers carrying the tenant."""
import pytest

from ansible.module_utils.ovl.tenant.flows import build_flows
from ansible.module_utils.ovl.tenant.ovs import build_ovs
from tenant_helpers import H3, HOSTVARS, NETDEV, example_inventory, facts, inventory, tenant
BLUE3 = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11'),
                                                 ('b2', 'host2', '10.0.0.12'),
                                                 ('b3', 'host3', '10.0.0.13')])
GREEN12 = tenant('green', 300, endpoints=[('g1', 'host1', '10.0.0.11'),
                                          ('g2', 'host2', '10.0.0.12')])
PINK13 = tenant('pink', 400, endpoints=[('p1', 'host1', '10.0.0.11'),
                                        ('p3', 'host3', '10.0.0.13')])
ONLY2 = tenant('solo', 500, endpoints=[('s2', 'host2', '10.0.0.12')])
TAGS = {'blue': 1, 'green': 2, 'pink': 3, 'solo': 4, 'red': 5}


def overlay_host_flows(tenants, host, tags, hostvars):
    inv = inventory(tenants, hostvars, 'flow')
    return build_flows(inv, facts(inv, host), tags)


def overlay_host_ovs(tenants, host, hostvars, mode, inv=None):
    inv = inv or inventory(tenants, hostvars, mode)
    return build_ovs(inv, facts(inv, host), TAGS)


def flows_of(tenants, host, tags=TAGS, hostvars=H3):
    return overlay_host_flows(tenants, host, tags, hostvars)['flows']


def find(flows, table, match):
    return [f for f in flows if f['table'] == table and f['match'] == match]


def test_ovs_objects_one_tunnel_per_peer_not_per_tenant():
    out = overlay_host_ovs([BLUE3, GREEN12, PINK13], 'host1', H3, 'flow')
    tun = dict(name='br-tun', datapath_type='system', fail_mode='secure')
    assert tun in out['bridges']
    vxlan = [p for p in out['ports'] if p['type'] == 'vxlan']
    assert vxlan == [
        dict(name='vxf-a8fa0c', bridge='br-tun', type='vxlan',
             options=dict(remote_ip='192.168.250.12', key='flow', dst_port='4789',
                          local_ip='192.168.250.11')),
        dict(name='vxf-a8fa0d', bridge='br-tun', type='vxlan',
             options=dict(remote_ip='192.168.250.13', key='flow', dst_port='4789',
                          local_ip='192.168.250.11'))]
    patches = [p for p in out['ports'] if p['type'] == 'patch']
    assert patches == [dict(name='ovp-tun', bridge='br-int', type='patch', peer='ovp-int'),
                       dict(name='ovp-int', bridge='br-tun', type='patch', peer='ovp-tun')]
    assert not [p for p in out['ports'] if p['bridge'] == 'br-tun' and p.get('tenant')]


def test_port_mode_unchanged_by_flow_mode():
    out = overlay_host_ovs([BLUE3], 'host1', H3, 'port')
    assert [b['name'] for b in out['bridges']] == ['br-int']
    assert not [p for p in out['ports'] if p['bridge'] == 'br-tun' or p['type'] == 'patch']


def test_netdev_bridge_types():
    out = overlay_host_ovs(None, 'host1', None, None, inv=example_inventory(NETDEV, 'flow'))
    assert [(b['name'], b['datapath_type'], b['fail_mode']) for b in out['bridges']] == [
        ('br-int', 'netdev', 'standalone'), ('br-phy', 'netdev', 'standalone'),
        ('br-tun', 'netdev', 'secure')]


@pytest.mark.parametrize('host, table, match, actions', [
    # egress flood only to the peers that carry the tenant
    ('host1', 22, 'dl_vlan=1', 'strip_vlan,set_tunnel:100,output:vxf-a8fa0c,output:vxf-a8fa0d'),
    ('host1', 22, 'dl_vlan=2', 'strip_vlan,set_tunnel:300,output:vxf-a8fa0c'),
    ('host1', 22, 'dl_vlan=3', 'strip_vlan,set_tunnel:400,output:vxf-a8fa0d'),
    ('host3', 22, 'dl_vlan=3', 'strip_vlan,set_tunnel:400,output:vxf-a8fa0b'),
    # ingress VNI -> local tag
    ('host1', 4, 'tun_id=100', 'mod_vlan_vid:1,resubmit(,10)'),
    ('host1', 4, 'tun_id=400', 'mod_vlan_vid:3,resubmit(,10)'),
    ('host1', 0, 'in_port=vxf-a8fa0d', 'resubmit(,4)'),
    ('host1', 0, 'in_port=ovp-int', 'resubmit(,2)'),
    ('host1', 0, '', 'drop'),
    ('host1', 20, '', 'resubmit(,22)'),
    # gateway ARP stays local for SNAT tenants
    ('host1', 2, 'arp,dl_vlan=1,arp_tpa=10.0.0.1', 'drop'),
    ('host1', 4, 'arp,tun_id=100,arp_spa=10.0.0.1', 'drop'),
])
def test_flow_table(host, table, match, actions):
    got = find(flows_of([BLUE3, GREEN12, PINK13, ONLY2], host), table, match)
    assert [f['actions'] for f in got] == [actions]


@pytest.mark.parametrize('host, absent', [
    ('host1', [(4, 'tun_id=500'), (22, 'dl_vlan=4')]),       # solo is not on host1
    ('host3', [(4, 'tun_id=300'), (22, 'dl_vlan=2')]),                 # green not on host3
    ('host1', [(2, 'arp,dl_vlan=2,arp_tpa=10.0.0.1')]),      # green has no SNAT
])
def test_no_flows_for_tenants_or_peers_not_here(host, absent):
    flows = flows_of([BLUE3, GREEN12, PINK13, ONLY2], host)
    for table, match in absent:
        assert find(flows, table, match) == []


def test_tenant_only_here_has_ingress_but_no_flood():
    flows = flows_of([ONLY2], 'host2')
    assert find(flows, 4, 'tun_id=500') and not find(flows, 22, 'dl_vlan=4')
    assert not [f for f in flows if f['match'].startswith('in_port=vxf')]


def test_example_inventory_host1():
    inv = example_inventory(mode='flow')
    out = build_flows(inv, facts(inv, 'host1'), {'blue': 1, 'red': 2, 'green': 3})
    assert out['bridge'] == 'br-tun'
    floods = [f for f in out['flows'] if f['table'] == 22 and f['priority'] == 1]
    assert [f['actions'] for f in floods] == [
        'strip_vlan,set_tunnel:100,output:vxf-a8fa0c',
        'strip_vlan,set_tunnel:200,output:vxf-a8fa0c',
        'strip_vlan,set_tunnel:300,output:vxf-a8fa0c']
    keys = [(f['table'], f['priority'], f['match']) for f in out['flows']]
    assert len(keys) == len(set(keys)) and keys == sorted(keys, key=lambda k: (k[0], -k[1], k[2]))


def test_a_missing_tag_is_a_defect_not_a_guess():
    with pytest.raises(KeyError, match='tenant blue has no host-local VLAN tag'):
        overlay_host_flows([BLUE3], 'host1', {}, H3)


def test_flood_goes_to_the_peer_port_of_the_tenants_type():
    teal = tenant('teal', 600, tunnel_type='geneve', endpoints=[('t1', 'host1', '10.0.0.11'),
                                                                  ('t3', 'host3', '10.0.0.13')])
    flows = flows_of([BLUE3, teal], 'host1', tags=dict(TAGS, teal=6))
    assert [f['actions'] for f in find(flows, 22, 'dl_vlan=6')] == [
        'strip_vlan,set_tunnel:600,output:gnf-a8fa0d']
    assert find(flows, 0, 'in_port=gnf-a8fa0d') and find(flows, 0, 'in_port=vxf-a8fa0d')
