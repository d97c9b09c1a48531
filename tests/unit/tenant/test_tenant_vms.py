"""VM endpoints and DHCP tenants (issue 22): validation with file, field and
value; the interface id; what a host with VMs is built from (its libvirt
network, its DHCP servers, the flows that keep DHCP off the tunnels); a
DHCP tenant without SNAT has a router with no way out."""
import pytest

from ansible.module_utils.ovl.tenant.endpoints import flattened, vm, vm_interfaces
from ansible.module_utils.ovl.tenant.gateway_arp import build_int_flows
from ansible.module_utils.ovl.tenant.host_state import host_state, preflight_args
from ansible.module_utils.ovl.tenant.model import Endpoint, Inventory

from tenant_helpers import H3, inventory, load, tenant, write

BLUE = ('name: blue\nvni: 100\nsubnet: 10.0.0.0/24\nsnat: true\ndhcp: true\nendpoints:\n'
        '  - {name: blue-web1, host: host1, ip: 10.0.0.11}\n'
        '  - {name: blue-vm1, host: host1, ip: 10.0.0.31, kind: vm, mac: "52:54:00:0B:00:31"}\n'
        '  - {name: blue-vm2, host: host2, ip: 10.0.0.32, kind: vm, mac: "52:54:00:0b:00:32"}\n')


def test_a_vm_endpoint_is_read_with_its_mac_in_lower_case_and_dhcp(tmp_path):
    write(tmp_path, 'blue.yml', BLUE)
    tenants, errors = load(str(tmp_path))
    assert errors == []
    blue = tenants[0]
    assert blue.dhcp is True
    vms = [ep for ep in blue.endpoints if ep.kind == 'vm']
    assert [(ep.name, ep.mac) for ep in vms] == [('blue-vm1', '52:54:00:0b:00:31'),
                                                 ('blue-vm2', '52:54:00:0b:00:32')]


@pytest.mark.parametrize('line, error', [
    ('{name: v, host: host1, ip: 10.0.0.40, kind: vm}',
     'blue.yml: endpoints[3].mac: None is required for an endpoint of kind vm'),
    ('{name: v, host: host1, ip: 10.0.0.40, kind: vm, mac: "01:00:5e:00:00:01"}',
     "blue.yml: endpoints[3].mac: '01:00:5e:00:00:01' is a multicast address"),
    ('{name: v, host: host1, ip: 10.0.0.40, kind: vm, mac: "00:00:00:00:00:00"}',
     "blue.yml: endpoints[3].mac: '00:00:00:00:00:00' is the all-zeros address"),
    ('{name: v, host: host1, ip: 10.0.0.40, kind: vm, mac: "52:54:00:0b:00:31"}',
     "blue.yml: endpoints[3].mac: '52:54:00:0b:00:31' is already used by endpoints[1]"),
    ('{name: v, host: host1, ip: 10.0.0.40, kind: vm, mac: "52:54:00:0b"}',
     "blue.yml: endpoints[3].mac: '52:54:00:0b' is not an Ethernet address"),
    ('{name: v, host: host1, ip: 10.0.0.40, mac: "52:54:00:0b:00:99"}',
     "blue.yml: endpoints[3].mac: '52:54:00:0b:00:99' is only for endpoints of kind vm"),
    ('{name: v, host: host1, ip: 10.0.0.40, kind: lxc}',
     "blue.yml: endpoints[3].kind: 'lxc' is not one of namespace, vm"),
])
def test_bad_vm_endpoints_are_refused_naming_file_field_and_value(tmp_path, line, error):
    write(tmp_path, 'blue.yml', BLUE + '  - %s\n' % line)
    tenants, errors = load(str(tmp_path))
    assert tenants is None or tenants == [] or errors
    assert any(e.startswith(error) for e in errors), errors


def test_a_mac_is_unique_across_tenants(tmp_path):
    write(tmp_path, 'blue.yml', BLUE)
    write(tmp_path, 'red.yml', 'name: red\nvni: 200\nsubnet: 10.0.0.0/24\nendpoints:\n'
          '  - {name: red-vm1, host: host2, ip: 10.0.0.31, kind: vm, mac: "52:54:00:0b:00:31"}\n')
    _tenants, errors = load(str(tmp_path))
    assert any(e.startswith("red.yml: endpoints[0].mac: '52:54:00:0b:00:31' is already the MAC "
                            'of blue-vm1 of tenant blue') for e in errors), errors


def test_dhcp_must_be_a_boolean(tmp_path):
    write(tmp_path, 'blue.yml', BLUE.replace('dhcp: true', 'dhcp: sometimes'))
    _tenants, errors = load(str(tmp_path))
    assert any(e.startswith("blue.yml: dhcp: 'sometimes'") for e in errors), errors


def test_the_interface_id_follows_tenant_and_endpoint_only():
    one = vm.iface_id('blue', 'blue-vm1')
    assert one == vm.iface_id('blue', 'blue-vm1')
    assert len(set([one, vm.iface_id('red', 'blue-vm1'), vm.iface_id('blue', 'blue-vm2')])) == 3
    assert len(one) == 36 and one.count('-') == 4


def blue(snat=True, dhcp=True):
    t = tenant('blue', 100, snat=snat, endpoints=[('blue-web1', 'host1', '10.0.0.11')])
    vms = (Endpoint('blue-vm1', 'host1', '10.0.0.31', 24, 'vm', '52:54:00:0b:00:31'),
           Endpoint('blue-vm2', 'host2', '10.0.0.32', 24, 'vm', '52:54:00:0b:00:32'))
    return t._replace(endpoints=tuple(sorted(t.endpoints + vms, key=lambda e: (e.name, e.host))),
                      dhcp=dhcp)


def red():
    return tenant('red', 200, snat=True, endpoints=[('red-web1', 'host1', '10.0.0.11')])


def test_a_host_with_vms_gets_its_libvirt_network_and_dhcp_server():
    inv = inventory([blue(), red()], hostvars=H3)
    state = host_state(inv, 'host1', {'blue': 1, 'red': 2})
    assert state['libvirt'] == dict(
        name='ovl', bridge='br-int', portgroups={'blue': 1, 'red': 2},
        vms={vm.iface_id('blue', 'blue-vm1'): 1}, mtus={vm.iface_id('blue', 'blue-vm1'): 1450})
    assert state['dhcp'] == [dict(
        tenant='blue', netns='ovr-blue', interface='qr0', subnet='10.0.0.0/24',
        address='10.0.0.1', router='10.0.0.1', mtu=1450,
        hosts=[dict(mac='52:54:00:0b:00:31', ip='10.0.0.31', name='blue-vm1')])]
    # nothing of the product's own for a VM on br-int: libvirt makes its port
    assert not [p for p in state['ovs']['ports'] if 'vm' in p['name']]
    args = preflight_args(inv, 'host1')
    assert args['libvirt_network'] == 'ovl'
    assert args['vm_interfaces'] == {vm.iface_id('blue', 'blue-vm1'): 'blue'}
    assert args['endpoint_tools'] == {'virsh': 'libvirt-clients', 'dnsmasq': 'dnsmasq-base'}


def test_a_host_without_vms_has_no_portgroups_no_server_and_asks_for_no_libvirt():
    inv = inventory([blue(), red()], hostvars=H3)
    inv = Inventory(inv.tenants + (tenant('green', 300, subnet='172.16.0.0/24', endpoints=[
        ('green-web1', 'host3', '172.16.0.11')]),), inv.hosts)
    state = host_state(inv, 'host3', {'green': 1})
    assert state['libvirt']['portgroups'] == {} and state['dhcp'] == []
    args = preflight_args(inv, 'host3')
    assert args['libvirt_network'] is None and args['endpoint_tools'] == {}


def test_a_dhcp_tenant_without_snat_has_a_router_without_a_way_out():
    inv = inventory([blue(snat=False)], hostvars=H3)
    state = host_state(inv, 'host1', {'blue': 1})
    assert state['dhcp'][0]['router'] is None
    links = [l['name'] for l in state['ip']['links']]
    assert 'ovg-blue' in links and 'ovu-blue' not in links
    assert [n for n in state['ip']['namespaces'] if n['name'] == 'ovr-blue'] == [
        dict(name='ovr-blue', sysctls={})]
    assert [ns for ns in state['nat']['namespaces'] if ns['netns']] == []
    assert state['forward'] is False
    assert preflight_args(inv, 'host1')['routers'] is False


@pytest.mark.parametrize('mode', ['port', 'kernel'])
def test_dhcp_never_crosses_a_tunnel(mode):
    inv = inventory([blue()], hostvars=H3, mode=mode)
    flows = build_int_flows(inv, inv.host('host1'))['flows']
    dhcp = [f['match'] for f in flows if f['match'].startswith('udp')]
    assert len(dhcp) == 2 and all(',tp_dst=6' in m for m in dhcp)
    assert build_int_flows(inventory([blue(dhcp=False)], hostvars=H3, mode=mode),
                           inv.host('host1'))['flows'] == [
        f for f in flows if not f['match'].startswith('udp')]


def test_dhcp_never_crosses_a_tunnel_in_flow_mode():
    inv = inventory([blue()], hostvars=H3, mode='flow')
    flows = host_state(inv, 'host1', {'blue': 1})['tun_flows']['flows']
    assert sorted(f['match'] for f in flows if f['match'].startswith('udp')) == [
        'udp,dl_vlan=1,tp_dst=67', 'udp,dl_vlan=1,tp_dst=68',
        'udp,tun_id=100,tp_dst=67', 'udp,tun_id=100,tp_dst=68']


def test_the_verify_sees_vms_with_mac_and_interface_id_and_no_namespace():
    inv = inventory([blue()], hostvars=H3)
    got = [e for e in flattened(inv) if e['kind'] == 'vm']
    assert [(e['name'], e['netns'], e['mac'], e['iface_id']) for e in got] == [
        ('blue-vm1', None, '52:54:00:0b:00:31', vm.iface_id('blue', 'blue-vm1')),
        ('blue-vm2', None, '52:54:00:0b:00:32', vm.iface_id('blue', 'blue-vm2'))]
    assert vm_interfaces(inv.tenants, 'host2') == {vm.iface_id('blue', 'blue-vm2'): 'blue'}


def test_with_ovn_a_vm_is_an_untagged_port_of_its_logical_port_and_ovn_answers_its_dhcp():
    inv = inventory([blue(), red()], hostvars=H3, backend='ovn', ovn_central='host1',
                    ovn_external_range='192.168.250.200-192.168.250.209',
                    ovn_external_gateway='192.168.250.254')
    state = host_state(inv, 'host1', {'blue': 1, 'red': 2}, {'underlay_prefixlen': 24})
    # no tags: libvirt binds the VM's port by its interfaceid, OVN switches it
    assert state['libvirt'] == dict(
        name='ovl', bridge='br-int', portgroups={'blue': None, 'red': None},
        vms={vm.iface_id('blue', 'blue-vm1'): None}, mtus={vm.iface_id('blue', 'blue-vm1'): 1450})
    # no dnsmasq: the layer only removes what the ovs backend left
    assert state['dhcp'] == []
    assert 'dnsmasq' not in preflight_args(inv, 'host1')['endpoint_tools']
    blue_nb = [t for t in state['ovn_nb']['tenants'] if t['name'] == 'blue'][0]
    assert blue_nb['dhcp'] is True and blue_nb['mtu'] == 1450
    assert sorted((p['endpoint'], p['kind']) for p in blue_nb['ports']) == [
        ('blue-vm1', 'vm'), ('blue-vm2', 'vm'), ('blue-web1', 'namespace')]
    vm1 = [p for p in blue_nb['ports'] if p['endpoint'] == 'blue-vm1'][0]
    assert vm1['name'] == vm.iface_id('blue', 'blue-vm1')
    assert vm1['address'] == '52:54:00:0b:00:31 10.0.0.31'
