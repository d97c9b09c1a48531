"""ovl.tenant.ovs.build_ovs: the inventory -> ovs_state input of one host."""
import pytest

from ansible.module_utils.ovl.tenant.names import endpoint_port
from ansible.module_utils.ovl.tenant.ovs import build_ovs
from tenant_helpers import H3, HOSTVARS, NETDEV, example_inventory, facts, inventory, tenant

BLUE3 = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11'),
                                                 ('b2', 'host2', '10.0.0.12'),
                                                 ('b3', 'host3', '10.0.0.13')])
GREEN12 = tenant('green', 300, endpoints=[('g1', 'host1', '10.0.0.11'),
                                          ('g2', 'host2', '10.0.0.12')])
ONLY2 = tenant('pink', 400, snat=True, endpoints=[('p2', 'host2', '10.0.0.12')])
INT = dict(name='br-int', datapath_type='system', fail_mode='standalone')
TAGS = {'blue': 1, 'green': 2, 'pink': 3, 'red': 4}


def vx(name, tenant_name, vni, remote, local='192.168.250.11'):
    """Port mode: a tagged, protected OVS VXLAN port (split horizon)."""
    return dict(name=name, bridge='br-int', type='vxlan', tenant=tenant_name,
                tag=TAGS[tenant_name], protected=True,
                options=dict(remote_ip=remote, key=str(vni), dst_port='4789', local_ip=local))


def port(name, tenant_name, bridge='br-int'):
    return dict(name=name, bridge=bridge, type='system', tenant=tenant_name, tag=TAGS[tenant_name])


def ovs(inv, host, tags=TAGS, interface=None):
    return build_ovs(inv, facts(inv, host, interface), tags)


def test_example_inventory_host1():
    inv = example_inventory()
    assert ovs(inv, 'host1') == dict(
        bridges=[INT],
        ports=[port(endpoint_port('red-web1'), 'red'),      # ove342253d9b9
               port(endpoint_port('blue-web1'), 'blue'),    # ovecb0aba4a73
               port(endpoint_port('green-app1'), 'green'),  # ovef0e337d88c
               port('ovg-blue', 'blue'),
               port('ovg-red', 'red'),
               vx('vx12c-a8fa0c', 'green', 300, '192.168.250.12'),
               vx('vx64-a8fa0c', 'blue', 100, '192.168.250.12'),
               vx('vxc8-a8fa0c', 'red', 200, '192.168.250.12')])


@pytest.mark.parametrize('tenants, host, hostvars, mode, ports', [
    # a tenant with endpoints on three hosts: one tunnel per other host
    ([BLUE3], 'host1', H3, 'port',
     [port(endpoint_port('b1'), 'blue'), port('ovg-blue', 'blue'),
      vx('vx64-a8fa0c', 'blue', 100, '192.168.250.12'),
      vx('vx64-a8fa0d', 'blue', 100, '192.168.250.13')]),
    # tunnels only to hosts carrying the tenant (host3 has none of green)
    ([GREEN12], 'host2', H3, 'port',
     [port(endpoint_port('g2'), 'green'),
      vx('vx12c-a8fa0b', 'green', 300, '192.168.250.11', local='192.168.250.12')]),
    # a host without the tenant gets nothing of it
    ([ONLY2, GREEN12], 'host3', H3, 'port', []),
    ([ONLY2], 'host1', H3, 'port', []),
    # no snat: no router leg; a tenant alone on its host: no tunnel
    ([ONLY2], 'host2', H3, 'port', [port(endpoint_port('p2'), 'pink'), port('ovg-pink', 'pink')]),
    # kernel mode: ONE kernel vxlan device per tenant (its peers are in its flood list)
    ([BLUE3], 'host1', H3, 'kernel',
     [port(endpoint_port('b1'), 'blue'), port('ovg-blue', 'blue'), port('vx64', 'blue')]),
    ([GREEN12], 'host1', HOSTVARS, 'kernel', [port(endpoint_port('g1'), 'green'),
                                             port('vx12c', 'green')]),
    ([ONLY2], 'host2', H3, 'kernel', [port(endpoint_port('p2'), 'pink'), port('ovg-pink', 'pink')]),
])
def test_ports(tenants, host, hostvars, mode, ports):
    assert ovs(inventory(tenants, hostvars, mode), host) == dict(bridges=[INT], ports=ports)


def test_every_port_mode_tunnel_is_protected():
    """Split horizon: NORMAL never forwards between two protected ports."""
    out = ovs(inventory([BLUE3, GREEN12], H3, 'port'), 'host1')
    tunnels = [p for p in out['ports'] if p['type'] == 'vxlan']
    assert len(tunnels) == 3 and all(p['protected'] for p in tunnels)
    assert not [p for p in out['ports'] if p['type'] != 'vxlan' and p.get('protected')]


def test_netdev_adds_br_phy_with_the_uplink():
    out = ovs(inventory([GREEN12], NETDEV), 'host2')
    assert out['bridges'] == [
        dict(name='br-int', datapath_type='netdev', fail_mode='standalone'),
        dict(name='br-phy', datapath_type='netdev', fail_mode='standalone')]
    assert out['ports'][-1] == dict(name='ens3', bridge='br-phy', type='system')


def test_netdev_uplink_found_by_the_preflight():
    """overlay_underlay_interface omitted: the interface the preflight found."""
    hostvars = {'host1': {'overlay_underlay_ip': '10.1.0.1', 'overlay_datapath_type': 'netdev'},
                'host2': {'overlay_underlay_ip': '10.1.0.2'}}
    out = ovs(inventory([GREEN12], hostvars), 'host1', interface='enp1s0')
    assert dict(name='enp1s0', bridge='br-phy', type='system') in out['ports']


def test_limit_does_not_change_tunnels():
    """The result depends only on the whole inventory, never on which hosts the play runs on."""
    full = ovs(inventory([BLUE3], H3), 'host1')
    assert [p['name'] for p in full['ports'] if p['type'] == 'vxlan'] == [
        'vx64-a8fa0c', 'vx64-a8fa0d']


def test_deterministic_whatever_the_input_order():
    inv = example_inventory()
    reverse = inv._replace(tenants=inv.tenants[::-1])
    assert ovs(reverse, 'host2') == ovs(inv, 'host2')


def test_a_missing_tag_is_a_defect_not_a_guess():
    with pytest.raises(KeyError, match='tenant green has no host-local VLAN tag'):
        ovs(inventory([GREEN12]), 'host1', tags={})


TEAL = tenant('teal', 100, tunnel_type='geneve', endpoints=[('t1', 'host1', '10.0.0.11'),
                                                              ('t2', 'host2', '10.0.0.12')])
AMBER = tenant('amber', 300, tunnel_type='gre', endpoints=[('a1', 'host1', '10.0.0.11'),
                                                             ('a2', 'host2', '10.0.0.12')])


def test_port_mode_geneve_and_gre_ports_from_the_table():
    tags = {'teal': 1, 'amber': 2}
    out = build_ovs(inventory([TEAL, AMBER]), facts(inventory([TEAL, AMBER]), 'host1'), tags)
    tunnels = dict((p['name'], p) for p in out['ports'] if p['type'] != 'system')
    assert tunnels['gn64-a8fa0c']['type'] == 'geneve' and tunnels['gn64-a8fa0c']['protected']
    assert tunnels['gn64-a8fa0c']['options'] == dict(remote_ip='192.168.250.12', key='100',
                                                    dst_port='6081', local_ip='192.168.250.11')
    assert tunnels['gr12c-a8fa0c']['type'] == 'gre'
    assert tunnels['gr12c-a8fa0c']['options'] == dict(remote_ip='192.168.250.12', key='300',
                                                     local_ip='192.168.250.11')   # no UDP port


def test_flow_mode_one_port_per_peer_and_type():
    inv = inventory([TEAL, AMBER, GREEN12], mode='flow')
    out = build_ovs(inv, facts(inv, 'host1'), {'teal': 1, 'amber': 2, 'green': 3})
    assert sorted((p['name'], p['type']) for p in out['ports'] if p['bridge'] == 'br-tun'
                  and p['type'] != 'patch') == [
        ('gnf-a8fa0c', 'geneve'), ('grf-a8fa0c', 'gre'), ('vxf-a8fa0c', 'vxlan')]
