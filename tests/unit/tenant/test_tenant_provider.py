"""Provider tenants (network_type vlan, flat; issue 25): validated from
real tenant files and host variables, then what a host gets of them (OVS
objects, br-int rules, no tunnels)."""
import pytest

from ansible.module_utils.ovl.tenant.endpoints import kind_of  # noqa: F401  (import check)
from ansible.module_utils.ovl.tenant.gateway_arp import build_int_flows
from ansible.module_utils.ovl.tenant.ovs import build_ovs
from ansible.module_utils.ovl.tenant.flows import build_flows
from ansible.module_utils.ovl.tenant.ip import build_ip
from ansible.module_utils.ovl.tenant.names import endpoint_port
from ansible.module_utils.ovl.tenant.topology import tunnels
from ansible.module_utils.ovl.inventory.hostvars import host_facts
from tenant_helpers import load, write

MAPPED = {
    'host1': {'overlay_underlay_ip': '192.168.250.11',
              'overlay_bridge_mappings': {'physnet1': 'eth1'}},
    'host2': {'overlay_underlay_ip': '192.168.250.12',
              'overlay_bridge_mappings': {'physnet1': {'interface': 'ens4', 'mtu': 9000},
                                          'lan': 'ens5'}},
    'host3': {'overlay_underlay_ip': '192.168.250.13'},
}
VLAN = """name: {name}
vni: {vni}
network_type: vlan
physical_network: physnet1
segmentation_id: {seg}
subnet: 10.0.0.0/24
snat: true
endpoints:
  - {{name: {name}-1, host: host1, ip: 10.0.0.11}}
  - {{name: {name}-2, host: host2, ip: 10.0.0.12}}
"""
OVERLAY = """name: blue
vni: 100
subnet: 10.0.0.0/24
endpoints:
  - {name: blue-1, host: host1, ip: 10.0.0.11}
  - {name: blue-2, host: host2, ip: 10.0.0.12}
"""
TAGS = {'blue': 1, 'red': 2, 'flat': 3, 'green': 4}


def loaded(tmp_path, files, hosts=MAPPED, play=None):
    for name, text in files.items():
        write(tmp_path, name + '.yml', text)
    return load(str(tmp_path), hosts=hosts, play=play)


def inventory_of(tmp_path, files, mode='port'):
    from ansible.module_utils.ovl.tenant.model import Inventory
    tenants, errors = loaded(tmp_path, files, play={'overlay_tunnel_mode': mode})
    assert errors == []
    facts, errs = host_facts(MAPPED, {'overlay_tunnel_mode': mode})
    assert errs == []
    return Inventory(tuple(sorted(tenants, key=lambda t: t.name)),
                     tuple(facts[n] for n in sorted(facts)))


def test_a_vlan_tenant_is_normalised(tmp_path):
    tenants, errors = loaded(tmp_path, {'red': VLAN.format(name='red', vni=200, seg=101)})
    assert errors == []
    red = tenants[0]
    assert (red.network_type, red.physical_network, red.segmentation_id) == ('vlan', 'physnet1', 101)
    assert red.provider and red.tunnel_type is None
    # the MTU of physnet1 on its hosts: 1500 (default) on host1, 9000 on host2
    assert red.mtu == 1500


def test_host_variable_mapping_is_normalised():
    facts, errors = host_facts(MAPPED)
    assert errors == []
    assert facts['host2'].bridge_mappings == {
        'physnet1': {'interface': 'ens4', 'mtu': 9000}, 'lan': {'interface': 'ens5', 'mtu': 1500}}
    assert facts['host3'].bridge_mappings == {}


@pytest.mark.parametrize('value, expected', [
    ('eth1', "h1: overlay_bridge_mappings: 'eth1' is not a mapping of physical network names"),
    ({'Phys': 'eth1'}, "h1: overlay_bridge_mappings: 'Phys' is not a physical network name"),
    ({'p1': 'eth1', 'p2': 'eth1'},
     "h1: overlay_bridge_mappings.p2: 'eth1' is already the interface of physical network p1"),
    ({'p1': 'eth0'}, "h1: overlay_bridge_mappings.p1: 'eth0' is the underlay interface"),
    ({'p1': 'br-phy'}, "h1: overlay_bridge_mappings.p1: 'br-phy' is a bridge the project makes"),
    ({'p1': {'interface': 'eth1', 'mtu': 40}}, "h1: overlay_bridge_mappings.p1.mtu: 40 is outside 68-65535"),
    ({'p1': {'interface': 'eth1', 'speed': 10}},
     "h1: overlay_bridge_mappings.p1: {'interface': 'eth1', 'speed': 10} has unknown keys speed"),
    ({'p1': 'has space'}, "h1: overlay_bridge_mappings.p1: 'has space'"),
])
def test_bad_mappings_name_host_variable_and_value(value, expected):
    _, errors = host_facts({'h1': {'overlay_underlay_ip': '10.0.0.1',
                                   'overlay_underlay_interface': 'eth0',
                                   'overlay_bridge_mappings': value}})
    assert len(errors) == 1 and errors[0].startswith(expected), errors


@pytest.mark.parametrize('text, expected', [
    (VLAN.format(name='red', vni=200, seg=101).replace('physical_network: physnet1\n', ''),
     'red.yml: physical_network: None is required with network_type vlan'),
    (VLAN.format(name='red', vni=200, seg=101).replace('segmentation_id: 101\n', ''),
     'red.yml: segmentation_id: None is required with network_type vlan'),
    (VLAN.format(name='red', vni=200, seg=5000),
     'red.yml: segmentation_id: 5000 is outside 1-4094'),
    (VLAN.format(name='red', vni=200, seg=101).replace('host: host2', 'host: host3'),
     "red.yml: physical_network: 'physnet1' is not mapped on host host3"),
    (VLAN.format(name='red', vni=200, seg=101).replace('network_type: vlan', 'network_type: flat'),
     'red.yml: segmentation_id: 101 is only for network_type vlan'),
    (VLAN.format(name='red', vni=200, seg=101).replace('network_type: vlan', 'network_type: gre'),
     "red.yml: physical_network: 'physnet1' is only for network_type vlan or flat"),
    (VLAN.format(name='red', vni=200, seg=101).replace('network_type: vlan',
                                                       'network_type: vlan\ntunnel_type: vxlan'),
     "red.yml: tunnel_type: 'vxlan' differs from network_type 'vlan'"),
    (VLAN.format(name='red', vni=200, seg=101) + 'mtu: 1600\n',
     'red.yml: mtu: 1600 is above 1500: the MTU 1500 of physical network physnet1 on host1'),
    (VLAN.format(name='red', vni=200, seg=101).replace('physnet1', 'Phys'),
     "red.yml: physical_network: 'Phys' is not a physical network name"),
])
def test_bad_provider_fields_name_file_field_and_value(tmp_path, text, expected):
    tenants, errors = loaded(tmp_path, {'red': text})
    assert tenants == []
    assert any(e.startswith(expected) for e in errors), errors


def test_one_vlan_id_and_one_flat_tenant_per_physical_network(tmp_path):
    flat = VLAN.format(name='flat', vni=300, seg=1).replace('network_type: vlan', 'network_type: flat')
    flat = flat.replace('segmentation_id: 1\n', '')
    tenants, errors = loaded(tmp_path, {
        'blue': VLAN.format(name='blue', vni=100, seg=101),
        'red': VLAN.format(name='red', vni=200, seg=101),
        'flat': flat, 'green': flat.replace('name: flat', 'name: green').replace(
            'flat-', 'green-').replace('vni: 300', 'vni: 400')})
    assert sorted(errors) == sorted([
        'red.yml: segmentation_id: 101 is already the VLAN of tenant blue (blue.yml) on physical '
        'network physnet1',
        "green.yml: physical_network: 'physnet1' already carries the flat tenant flat "
        '(flat.yml): a physical network carries at most one flat tenant'])


def test_the_same_vlan_id_on_another_physical_network_is_another_network(tmp_path):
    other = VLAN.format(name='red', vni=200, seg=101).replace('physnet1', 'lan').replace(
        'host: host1', 'host: host2').replace('red-2, host: host2', 'red-2, host: host2')
    tenants, errors = loaded(tmp_path, {'blue': VLAN.format(name='blue', vni=100, seg=101),
                                        'red': other.replace('red-1, host: host2',
                                                             'red-1, host: host2')})
    assert errors == []


def test_ovn_refuses_provider_tenants_by_name(tmp_path):
    tenants, errors = loaded(tmp_path, {'red': VLAN.format(name='red', vni=200, seg=101)},
                             play={'overlay_backend': 'ovn', 'overlay_ovn_central': 'host1',
                                   'overlay_ovn_external_range': '192.168.250.200-192.168.250.210',
                                   'overlay_ovn_external_gateway': '192.168.250.1'})
    assert any(e.startswith("red.yml: network_type: 'vlan' is not carried by overlay_backend ovn")
               for e in errors), errors


@pytest.mark.parametrize('mode', ['port', 'kernel', 'flow'])
def test_host_objects_of_a_vlan_and_a_flat_tenant(tmp_path, mode):
    flat = VLAN.format(name='flat', vni=300, seg=1).replace('network_type: vlan',
                                                            'network_type: flat')
    inv = inventory_of(tmp_path, {'red': VLAN.format(name='red', vni=200, seg=101),
                                  'flat': flat.replace('segmentation_id: 1\n', ''),
                                  'blue': OVERLAY}, mode)
    facts = inv.host('host2')
    built = build_ovs(inv, facts, TAGS)
    assert dict(name='brp-physnet1', datapath_type='system', fail_mode='standalone') \
        in built['bridges']
    ports = dict((p['name'], p) for p in built['ports'])
    assert ports['ens4'] == dict(name='ens4', bridge='brp-physnet1', type='system')
    assert ports['ovpi-red'] == dict(name='ovpi-red', bridge='br-int', type='patch', peer='ovpp-red',
                                     tenant='red', tag=2)
    assert ports['ovpp-red'] == dict(name='ovpp-red', bridge='brp-physnet1', type='patch',
                                     peer='ovpi-red', tag=101)
    assert ports['ovpp-flat'] == dict(name='ovpp-flat', bridge='brp-physnet1', type='patch',
                                      peer='ovpi-flat', vlan_mode='trunk', trunks=[0])
    assert ports[endpoint_port('red-2')]['tag'] == 2
    # ens5 (physical network lan) carries no tenant of host2: not taken
    assert 'ens5' not in ports and 'brp-lan' not in [b['name'] for b in built['bridges']]
    # tunnels for blue only, in every mode
    names = [t.name for t in tunnels(inv, 'host2', mode)]
    assert names and all(t.tenant is None or t.tenant.name == 'blue'
                         for t in tunnels(inv, 'host2', mode)), names
    if mode == 'flow':
        flows = build_flows(inv, facts, TAGS)['flows']
        assert not any('dl_vlan=2' in f['match'] or 'dl_vlan=3' in f['match'] for f in flows)
    if mode == 'kernel':
        links = [l['name'] for l in build_ip(inv, facts, TAGS)['links']]
        assert 'vx64' in links and 'vxc8' not in links and 'vx12c' not in links


@pytest.mark.parametrize('mode', ['port', 'flow'])
def test_gateway_arp_stays_local_on_the_provider_patch(tmp_path, mode):
    red = VLAN.format(name='red', vni=200, seg=101)
    inv = inventory_of(tmp_path, {'red': red.replace('snat: true', 'snat: true\ndhcp: true')},
                       mode)
    flows = build_int_flows(inv, inv.host('host1'))['flows']
    assert flows == [
        dict(table=0, priority=100, actions='drop', match='arp,in_port=ovpi-red,arp_spa=10.0.0.1'),
        dict(table=0, priority=100, actions='drop', match='arp,in_port=ovpi-red,arp_tpa=10.0.0.1'),
        dict(table=0, priority=100, actions='drop', match='udp,in_port=ovpi-red,tp_dst=67'),
        dict(table=0, priority=100, actions='drop', match='udp,in_port=ovpi-red,tp_dst=68')]


def test_a_host_without_provider_tenants_gets_no_provider_bridge(tmp_path):
    inv = inventory_of(tmp_path, {'blue': OVERLAY})
    built = build_ovs(inv, inv.host('host1'), TAGS)
    assert [b['name'] for b in built['bridges']] == ['br-int']
    assert not any(p['name'].startswith('ovp') for p in built['ports'])


# ------------------------------------------------------------------ mirroring

MIRRORED = VLAN.format(name='red', vni=200, seg=101) + 'mirror:\n  - {host: host2, interface: cap0}\n'


def test_a_mirrored_tenant_gets_its_capture_port_and_one_mirror_of_its_own_ports(tmp_path):
    inv = inventory_of(tmp_path, {'red': MIRRORED, 'blue': OVERLAY})
    built = build_ovs(inv, inv.host('host2'), TAGS)
    ports = dict((p['name'], p) for p in built['ports'])
    assert ports['cap0'] == dict(name='cap0', bridge='br-int', type='system')
    assert built['mirrors'] == [dict(name='ovl-red', bridge='br-int', output='cap0', ports=sorted(
        [endpoint_port('red-2'), 'ovg-red', 'ovpi-red']))]
    # blue's ports (endpoint, tunnel) are in no mirror; host1 has none
    assert 'mirrors' not in build_ovs(inv, inv.host('host1'), TAGS)


@pytest.mark.parametrize('mode, tunnel', [('port', 'vx64-a8fa0b'), ('kernel', 'vx64'),
                                          ('flow', None)])
def test_a_tunnelled_tenant_mirror_has_its_own_tunnels_never_a_shared_one(tmp_path, mode, tunnel):
    blue = OVERLAY + 'mirror:\n  - {host: host2, interface: cap0}\n'
    inv = inventory_of(tmp_path, {'blue': blue}, mode)
    mirror = build_ovs(inv, inv.host('host2'), TAGS)['mirrors'][0]
    assert (tunnel in mirror['ports']) if tunnel else not any(
        p.startswith(('vx', 'ovp-')) for p in mirror['ports']), mirror


@pytest.mark.parametrize('text, expected', [
    (MIRRORED.replace('host: host2, interface', 'host: host3, interface'),
     "red.yml: mirror[0].host: 'host3' does not carry the tenant (its hosts: host1, host2)"),
    (MIRRORED.replace('cap0', 'ovs-cap'),
     "red.yml: mirror[0].interface: 'ovs-cap' is a name the project gives its own devices"),
    (MIRRORED + '  - {host: host2, interface: cap1}\n',
     "red.yml: mirror[1].host: 'host2' is already mirrored by mirror[0]"),
    (MIRRORED.replace('cap0', 'cap 0'), "red.yml: mirror[0].interface: 'cap 0' is not an "
                                        "interface name"),
])
def test_bad_mirrors_name_file_field_and_value(tmp_path, text, expected):
    tenants, errors = loaded(tmp_path, {'red': text})
    assert any(e.startswith(expected) for e in errors), errors


def test_one_capture_interface_shows_one_tenant(tmp_path):
    blue = OVERLAY + 'mirror:\n  - {host: host2, interface: cap0}\n'
    _, errors = loaded(tmp_path, {'red': MIRRORED, 'blue': blue})
    assert errors == ["red.yml: mirror[0].interface: 'cap0' is already the capture interface of "
                      "tenant blue (blue.yml) on host2: a capture interface shows one tenant only"]


def test_ovn_refuses_mirror_by_name(tmp_path):
    blue = OVERLAY + 'mirror:\n  - {host: host2, interface: cap0}\n'
    _, errors = loaded(tmp_path, {'blue': blue},
                       play={'overlay_backend': 'ovn', 'overlay_ovn_central': 'host1'})
    assert any(e.startswith("blue.yml: mirror: [{'host': 'host2', 'interface': 'cap0'}] is not "
                            'carried by overlay_backend ovn') for e in errors), errors
