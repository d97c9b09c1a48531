"""Input validation: every bad value is rejected with the option and value named."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.ip.model import (
    norm_address, norm_link, norm_namespace, norm_route, want_aggregate)

VETH = dict(name='ve1', kind='veth', peer='eth0')
VX = dict(name='vx100', kind='vxlan', id=100)


@pytest.mark.parametrize('item, field, value', [
    (dict(VETH, name='a' * 16), 'name', 'a' * 16),
    (dict(VETH, name='bad name'), 'name', 'bad name'),
    (dict(VETH, name='ve/1'), 'name', 've/1'),
    (dict(VETH, peer='ve1'), 'peer', 've1'),
    (dict(VETH, peer=None), 'peer', None),
    (dict(VETH, peer='x' * 16), 'peer', 'x' * 16),
    (dict(VETH, mtu=67), 'mtu', 67),
    (dict(VETH, mtu=65536), 'mtu', 65536),
    (dict(VETH, id=5), 'id', 5),
    (dict(VETH, netns='a b'), 'netns', 'a b'),
    (dict(VETH, peer_netns='../x'), 'peer_netns', '../x'),
    (dict(VX, id=0), 'id', 0),
    (dict(VX, id=16777216), 'id', 16777216),
    (dict(VX, id=None), 'id', None),
    (dict(VX, remote='10.0.0.300'), 'remote', '10.0.0.300'),
    (dict(VX, local='nope'), 'local', 'nope'),
    (dict(VX, dev='eth 0'), 'dev', 'eth 0'),
    (dict(VX, dstport=70000), 'dstport', 70000),
    (dict(VX, peer='eth0'), 'peer', 'eth0'),
    (dict(VX, tx_offload=False), 'tx_offload', False),
    (dict(name='x', kind='dummy'), 'kind', 'dummy'),
    (dict(VETH, address='02:00:00:00:00'), 'address', '02:00:00:00:00'),
    (dict(VETH, address='01:00:5e:00:00:01'), 'address', '01:00:5e:00:00:01'),
    (dict(VETH, address='ff:ff:ff:ff:ff:ff'), 'address', 'ff:ff:ff:ff:ff:ff'),
    (dict(VETH, address='00:00:00:00:00:00'), 'address', '00:00:00:00:00:00'),
    (dict(VETH, address='02-00-00-00-00-01'), 'address', '02-00-00-00-00-01'),
    (dict(VETH, address=2), 'address', 2),
    (dict(VETH, peer_address='02:00:00:00:00:0g'), 'peer_address', '02:00:00:00:00:0g'),
    (dict(VETH, address='02:00:00:00:00:01', peer_address='02:00:00:00:00:01'),
     'peer_address', '02:00:00:00:00:01'),
    (dict(VX, peer_address='02:00:00:00:00:01'), 'peer_address', '02:00:00:00:00:01'),
])
def test_bad_link_names_option_and_value(item, field, value):
    with pytest.raises(InputError) as err:
        norm_link(item)
    assert err.value.field == field
    assert err.value.value == value
    assert field in str(err.value)


def test_link_addresses_normalised_to_lowercase():
    link = norm_link(dict(VETH, address='02:AB:00:00:00:01', peer_address='02:ab:00:00:00:02'))
    assert (link['address'], link['peer_address']) == ('02:ab:00:00:00:01', '02:ab:00:00:00:02')
    assert norm_link(VETH)['peer_address'] is None


def test_link_defaults():
    link = norm_link(VX)
    assert (link['dstport'], link['state'], link['remote'], link['learning']) == (4789, 'up', None, None)
    assert norm_link(dict(name='gone', state='absent'))['kind'] is None


@pytest.mark.parametrize('item, field', [
    (dict(dev='eth0', address=['10.0.0.1']), 'address'),
    (dict(dev='eth0', address=['10.0.0.1/33']), 'address'),
    (dict(dev='eth0', address=['10.0.0.1/24', 'x/24']), 'address[1]'),
    (dict(dev='eth0' * 5, address=['10.0.0.1/24']), 'dev'),
    (dict(dev='eth0', address=['10.0.0.1/24'], netns='a;b'), 'netns'),
])
def test_bad_address(item, field):
    with pytest.raises(InputError) as err:
        norm_address(item)
    assert err.value.field == field


def test_address_normalised_and_sorted():
    group = norm_address(dict(dev='eth0', address=['2001:DB8::1/64', '10.0.0.2/24', '10.0.0.2/24']))
    assert group['addresses'] == ['10.0.0.2/24', '2001:db8::1/64']


@pytest.mark.parametrize('item, field', [
    (dict(dst='10.0.0.1/24', via='10.0.0.254'), 'dst'),
    (dict(dst='default'), 'via'),
    (dict(dst='default', via='10.0.0.256'), 'via'),
    (dict(dst='2001:db8::/64', via='10.0.0.1'), 'via'),
    (dict(dst='default', via='10.0.0.1', metric=-1), 'metric'),
    (dict(dst='default', dev='x' * 16), 'dev'),
])
def test_bad_route(item, field):
    with pytest.raises(InputError) as err:
        norm_route(item)
    assert err.value.field == field


@pytest.mark.parametrize('dst, via, out_dst, family', [
    ('default', '10.0.0.1', 'default', 4),
    ('0.0.0.0/0', '10.0.0.1', 'default', 4),
    ('default', 'fe80::1', 'default', 6),
    ('::/0', None, 'default', 6),
    ('10.1.2.3', None, '10.1.2.3/32', 4),
    ('2001:db8::/64', None, '2001:db8::/64', 6),
])
def test_route_normalised(dst, via, out_dst, family):
    route = norm_route(dict(dst=dst, via=via, dev='eth0'))
    assert (route['dst'], route['family']) == (out_dst, family)


@pytest.mark.parametrize('item, field', [
    (dict(name=''), 'name'),
    (dict(name='x' * 65), 'name'),
    (dict(name='ns', sysctls={'net ipv4': 1}), 'sysctls.net ipv4'),
    (dict(name='ns', sysctls={'net.ipv4.ip_forward': '1; reboot'}), 'sysctls.net.ipv4.ip_forward'),
])
def test_bad_namespace(item, field):
    with pytest.raises(InputError) as err:
        norm_namespace(item)
    assert err.value.field == field


def test_aggregate_paths_and_duplicates():
    with pytest.raises(InputError) as err:
        want_aggregate(dict(links=[VETH, dict(VX, mtu=20)]))
    assert err.value.field == 'links[1].mtu'
    with pytest.raises(InputError) as err:
        want_aggregate(dict(links=[VETH, dict(name='eth0', kind='veth', peer='x')]))
    assert 'listed twice' in str(err.value)
    with pytest.raises(InputError) as err:
        want_aggregate(dict(owner='a b'))
    assert err.value.field == 'owner'


def test_aggregate_groups_addresses_exact():
    want = want_aggregate(dict(addresses=[
        dict(dev='eth0', netns='n', address=['10.0.0.2/24']),
        dict(dev='eth0', netns='n', address=['10.0.0.1/24'])]))
    assert want['addresses'] == [dict(netns='n', dev='eth0', state='present', exact=True,
                                      addresses=['10.0.0.1/24', '10.0.0.2/24'])]
