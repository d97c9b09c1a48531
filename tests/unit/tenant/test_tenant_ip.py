"""ovl.tenant.ip.build_ip: the inventory -> ip_state input of one host."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.tenant.ip import build_ip
from ansible.module_utils.ovl.tenant.names import endpoint_mac, endpoint_port, interface_mac
from tenant_helpers import H3, HOSTVARS, NETDEV, example_inventory, facts, inventory, tenant

GREEN = tenant('green', 300, subnet='172.16.10.0/24', mtu=1400,
               endpoints=[('g1', 'host1', '172.16.10.11'), ('g2', 'host2', '172.16.10.12')])
BLUE = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11')])
EMPTY = dict(namespaces=[], links=[], addresses=[], routes=[])


def veth(name, peer, netns, mtu=1450, **extra):
    link = dict(name=name, kind='veth', peer=peer, peer_netns=netns, state='up')
    if mtu:
        link['mtu'] = mtu
    link.update(extra)
    return link


def router(tenant_name, slot_base, mtu=1450, gateway='10.0.0.1/24', **extra):
    """The router part of the output for transit network 169.254.<slot_base>/30."""
    net = '169.254.0.%d' % slot_base
    host_end, router_end = '169.254.0.%d' % (slot_base + 1), '169.254.0.%d' % (slot_base + 2)
    ns = 'ovr-' + tenant_name
    return dict(
        namespaces=[dict(name=ns, sysctls={'net.ipv4.ip_forward': 1})],
        links=[veth('ovg-' + tenant_name, 'qr0', ns, mtu, **extra),
               veth('ovu-' + tenant_name, 'qg0', ns, None, **extra)],
        addresses=[dict(dev='ovu-' + tenant_name, address=host_end + '/30'),
                   dict(netns=ns, dev='qg0', address=router_end + '/30'),
                   dict(netns=ns, dev='qr0', address=gateway)],
        routes=[dict(netns=ns, dst='default', via=host_end)],
        net=net)


def overlay_host_ip(tenants, host, tags, hostvars, tunnel_mode='port'):
    """build_ip's output with the veth ends' fixed addresses checked (an
    endpoint's eth0: endpoint_mac of owner and endpoint, the same on every
    host; a router's legs: interface_mac of owner, host, namespace, device)
    and then left out, so the tables below read as the topology they
    describe."""
    inv = inventory(tenants, hostvars, tunnel_mode)
    result = build_ip(inv, facts(inv, host), tags)
    for link in result['links']:
        if link['kind'] != 'veth':
            continue
        if link['peer'] == 'eth0':
            assert link.pop('peer_address') == endpoint_mac('ovl', link['peer_netns'])
        else:
            assert link.pop('peer_address') == interface_mac('ovl', host, link['peer_netns'],
                                                             link['peer'])
    return result


def test_example_inventory_host1():
    inv = example_inventory()
    result = build_ip(inv, facts(inv, 'host1'), {'blue': 1, 'red': 3, 'green': 2})
    assert [n['name'] for n in result['namespaces']] == [
        'blue-web1', 'green-app1', 'ovr-blue', 'ovr-red', 'red-web1']
    assert [l['name'] for l in result['links']] == [
        'ove342253d9b9', 'ovecb0aba4a73', 'ovef0e337d88c', 'ovg-blue', 'ovg-red', 'ovu-blue',
        'ovu-red']
    assert result['addresses'] == [
        dict(dev='ovu-blue', address='169.254.0.5/30'),
        dict(dev='ovu-red', address='169.254.0.13/30'),
        dict(netns='blue-web1', dev='eth0', address='10.0.0.11/24'),
        dict(netns='green-app1', dev='eth0', address='172.16.10.11/24'),
        dict(netns='ovr-blue', dev='qg0', address='169.254.0.6/30'),
        dict(netns='ovr-blue', dev='qr0', address='10.0.0.1/24'),
        dict(netns='ovr-red', dev='qg0', address='169.254.0.14/30'),
        dict(netns='ovr-red', dev='qr0', address='10.0.0.1/24'),
        dict(netns='red-web1', dev='eth0', address='10.0.0.11/24')]
    assert result['routes'] == [
        dict(netns='blue-web1', dst='default', via='10.0.0.1'),
        dict(netns='green-app1', dst='default', via='172.16.10.1'),
        dict(netns='ovr-blue', dst='default', via='169.254.0.5'),
        dict(netns='ovr-red', dst='default', via='169.254.0.13'),
        dict(netns='red-web1', dst='default', via='10.0.0.1')]


R1 = router('blue', 4)
R1_NETDEV = router('blue', 4, tx_offload=False)


@pytest.mark.parametrize('tenants, host, tags, hostvars, expected', [
    # endpoint only (no snat): namespace, veth with the tenant MTU, address, default route
    ([GREEN], 'host2', {}, HOSTVARS, dict(
        namespaces=[dict(name='g2')],
        links=[veth(endpoint_port('g2'), 'eth0', 'g2', 1400)],
        addresses=[dict(netns='g2', dev='eth0', address='172.16.10.12/24')],
        routes=[dict(netns='g2', dst='default', via='172.16.10.1')])),
    # snat: the router on transit slot 1 (169.254.0.4/30: host .5, router .6)
    ([BLUE], 'host1', {'blue': 1}, HOSTVARS, dict(
        namespaces=[dict(name='b1')] + R1['namespaces'],
        links=[veth(endpoint_port('b1'), 'eth0', 'b1')] + R1['links'],
        addresses=R1['addresses'][:1] + [dict(netns='b1', dev='eth0', address='10.0.0.11/24')]
        + R1['addresses'][1:],
        routes=[dict(netns='b1', dst='default', via='10.0.0.1')] + R1['routes'])),
    # netdev datapath: tx offload off on every veth
    ([BLUE], 'host1', {'blue': 1}, NETDEV, dict(
        namespaces=[dict(name='b1')] + R1['namespaces'],
        links=[veth(endpoint_port('b1'), 'eth0', 'b1', tx_offload=False)] + R1_NETDEV['links'],
        addresses=R1['addresses'][:1] + [dict(netns='b1', dev='eth0', address='10.0.0.11/24')]
        + R1['addresses'][1:],
        routes=[dict(netns='b1', dst='default', via='10.0.0.1')] + R1['routes'])),
    # a host without endpoints of the tenants: nothing (so pruning removes leftovers)
    ([BLUE], 'host2', {}, HOSTVARS, EMPTY),
    ([], 'host1', {}, HOSTVARS, EMPTY),
])
def test_table(tenants, host, tags, hostvars, expected):
    assert overlay_host_ip(tenants, host, tags, hostvars) == expected


def test_kernel_tunnel_mode_adds_one_vxlan_device_per_tenant():
    result = overlay_host_ip([GREEN], 'host1', {}, HOSTVARS, tunnel_mode='kernel')
    assert result['links'][-1] == dict(
        name='vx12c', kind='vxlan', id=300, local='192.168.250.11', dstport=4789,
        learning=True, mtu=1400, state='up', flood=['192.168.250.12'])


def test_kernel_flood_list_is_exactly_the_tenants_other_hosts():
    """Head-end replication: one device, flooding only to hosts carrying the tenant."""
    three = tenant('blue', 100, endpoints=[('b1', 'host1', '10.0.0.11'),
                                           ('b2', 'host2', '10.0.0.12'),
                                           ('b3', 'host3', '10.0.0.13')])
    two = tenant('red', 200, endpoints=[('r1', 'host1', '10.0.0.11'), ('r3', 'host3', '10.0.0.13')])
    alone = tenant('solo', 300, endpoints=[('s1', 'host1', '10.0.0.11')])
    links = overlay_host_ip([three, two, alone], 'host1', {}, H3, tunnel_mode='kernel')['links']
    vxlan = dict((l['name'], l['flood']) for l in links if l['kind'] == 'vxlan')
    assert vxlan == {'vx64': ['192.168.250.12', '192.168.250.13'], 'vxc8': ['192.168.250.13']}


def test_transit_follows_the_tag():
    result = overlay_host_ip([BLUE], 'host1', {'blue': 4094}, HOSTVARS)
    assert dict(netns='ovr-blue', dev='qg0', address='169.254.63.250/30') in result['addresses']


@pytest.mark.parametrize('tags, error, message', [
    ({}, KeyError, 'tenant blue has no host-local VLAN tag'),
    (None, KeyError, 'tenant blue has no host-local VLAN tag'),
    ({'blue': 0}, InputError, 'tenant_tags: 0 is not a transit slot'),
])
def test_errors(tags, error, message):
    with pytest.raises(error, match=message):
        overlay_host_ip([BLUE], 'host1', tags, HOSTVARS)


def test_every_namespace_end_has_a_fixed_unicast_address_unique_in_the_fleet():
    """Endpoints and routers on three hosts: every veth end inside a namespace
    gets an address, a locally administered unicast one, unique across hosts
    (the same gateway qr0 on every host differs too), the same on every build."""
    inv = example_inventory()
    seen = {}
    for host in inv.host_names():
        tags = dict((t.name, i + 1) for i, t in enumerate(inv.tenants_on(host)))
        first = build_ip(inv, facts(inv, host), tags)
        assert first == build_ip(inv, facts(inv, host), tags)
        for link in first['links']:
            if link['kind'] != 'veth':
                continue
            mac = link['peer_address']
            octet = int(mac[:2], 16)
            assert octet & 1 == 0 and octet & 2 == 2, mac
            assert mac not in seen, (mac, seen.get(mac), (host, link['peer_netns']))
            seen[mac] = (host, link['peer_netns'], link['peer'])
    assert len(seen) >= 8


@pytest.mark.parametrize('other', [
    ('ovl', 'host2', 'blue-web1', 'eth0'),
    ('own2', 'host1', 'blue-web1', 'eth0'),
    ('ovl', 'host1', 'blue-web2', 'eth0'),
    ('ovl', 'host1', 'blue-web1', 'qr0'),
])
def test_interface_mac_depends_on_owner_host_namespace_and_device(other):
    assert interface_mac('ovl', 'host1', 'blue-web1', 'eth0') != interface_mac(*other)
    assert interface_mac('ovl', 'host1', 'blue-web1', 'eth0') == \
        interface_mac('ovl', 'host1', 'blue-web1', 'eth0')


def test_an_endpoint_keeps_its_mac_when_it_moves_to_another_host():
    """Issue 20: the MAC follows the endpoint, not the host (moved, its peers'
    ARP entries stay right); the routers' legs stay per host."""
    def eth0_mac(host):
        inv = inventory([tenant('blue', 100, snat=True,
                                endpoints=[('blue-web1', host, '10.0.0.11')])])
        links = build_ip(inv, facts(inv, host), {'blue': 1})['links']
        return dict((l['peer'], l['peer_address']) for l in links if l['kind'] == 'veth')
    on1, on2 = eth0_mac('host1'), eth0_mac('host2')
    assert on1['eth0'] == on2['eth0'] == endpoint_mac('ovl', 'blue-web1')
    assert on1['qr0'] != on2['qr0'] and on1['qg0'] != on2['qg0']
