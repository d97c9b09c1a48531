"""Name rules: fixed names, VXLAN port names (stable, unique, <= 15), transit."""
import hashlib
import ipaddress

import pytest

from ansible.module_utils.ovl.core.validate import InputError, ifname
from ansible.module_utils.ovl.tenant.names import (
    endpoint_port, flow_port, gateway_leg, host_suffix, router_ns, transit, uplink_leg,
    kernel_device, tunnel_port)


@pytest.mark.parametrize('func, arg, name', [
    (endpoint_port, 'blue-web1', 'ove' + hashlib.sha1(b'blue-web1').hexdigest()[:10]),
    (router_ns, 'abcdefghij', 'ovr-abcdefghij'),
    (gateway_leg, 'blue', 'ovg-blue'),
    (uplink_leg, 'blue', 'ovu-blue'),
])
def test_fixed_names(func, arg, name):
    assert func(arg) == name
    assert ifname(name) == name


@pytest.mark.parametrize('vni, peer, name', [
    (100, '192.168.250.12', 'vx64-a8fa0c'),
    (1, '10.0.0.1', 'vx1-000001'),
    (16777215, '255.255.255.255', 'vxffffff-ffffff'),
    (200, '2001:db8::1:2', 'vxc8-010002'),
])
def test_tunnel_port_name(vni, peer, name):
    assert tunnel_port(vni, peer) == name
    assert len(name) <= 15


def test_vxlan_names_unique_for_500_tenants_and_many_peers():
    peers = [str(ipaddress.ip_address('10.1.0.0') + i * 37) for i in range(300)]
    names = set()
    for vni in range(16777215 - 500, 16777216):
        for peer in peers:
            name = tunnel_port(vni, peer)
            assert len(name) <= 15
            names.add(name)
    assert len(names) == 501 * 300


@pytest.mark.parametrize('func, args, name', [
    (kernel_device, (100,), 'vx64'),
    (kernel_device, (16777215,), 'vxffffff'),
    (flow_port, ('192.168.250.12',), 'vxf-a8fa0c'),
    (host_suffix, ('10.0.0.1',), '000001'),
])
def test_kernel_and_flow_names(func, args, name):
    assert func(*args) == name
    assert ifname(name) == name


def test_names_collide_exactly_when_the_low_24_bits_agree():
    """What the host-variable validation refuses (ovl.inventory.hostvars)."""
    assert tunnel_port(100, '10.0.0.1') == tunnel_port(100, '11.0.0.1')
    assert flow_port('10.0.0.1') == flow_port('11.0.0.1')
    assert tunnel_port(100, '10.0.0.1') != tunnel_port(100, '10.0.0.2')


@pytest.mark.parametrize('slot, result', [
    (1, ('169.254.0.4/30', '169.254.0.5', '169.254.0.6')),
    (2, ('169.254.0.8/30', '169.254.0.9', '169.254.0.10')),
    (4094, ('169.254.63.248/30', '169.254.63.249', '169.254.63.250')),
    (8191, ('169.254.127.252/30', '169.254.127.253', '169.254.127.254')),
])
def test_transit(slot, result):
    assert transit(slot) == result


@pytest.mark.parametrize('slot', [0, 8192, True, '1', None])
def test_transit_bad_slot(slot):
    with pytest.raises(InputError):
        transit(slot)


def test_nat_addresses_are_above_every_transit_and_keep_the_low_bits():
    from ansible.module_utils.ovl.tenant.names import nat_address
    assert nat_address('192.168.250.50') == '169.254.250.50'
    assert nat_address('10.1.2.3') == '169.254.130.3'       # 2.3 of a /17: 0x0203 | 0x8000
    assert nat_address('10.1.130.3') == '169.254.130.3'     # the same low 15 bits
    import ipaddress
    top = ipaddress.IPv4Address(transit(8191)[2])
    assert all(ipaddress.IPv4Address(nat_address(a)) > top for a in ('0.0.0.1', '10.0.0.0'))
