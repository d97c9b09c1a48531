"""Host and play variables: validated one by one, defaulted as the README
says (only null means unset), rules across hosts. Tables, no mocks."""
import pytest

from ansible.module_utils.ovl.inventory.hostvars import DEFAULTS, host_facts

BASE = {'h1': {'overlay_underlay_ip': '10.0.0.1'}, 'h2': {'overlay_underlay_ip': '10.0.0.2'}}


def check(h1=None, play=None, **extra_hosts):
    hosts = dict((k, dict(v)) for k, v in BASE.items())
    hosts['h1'].update(h1 or {})
    for name, values in extra_hosts.items():
        hosts[name] = values
    return host_facts(hosts, play)


def test_defaults_documented_in_the_readme():
    facts, errors = check()
    assert errors == []
    assert facts['h1'].as_dict() == dict(
        name='h1', underlay_ip='10.0.0.1', underlay_mtu=1500, underlay_interface=None,
        datapath_type='system', integration_bridge='br-int', tunnel_mode='port', tunnel_type='vxlan',
        nat_backend='iptables', owner='ovl', libvirt_network='ovl', backend='ovs', ovn_central=None,
        ovn_encap='geneve', ovn_external_range=None, ovn_external_gateway=None,
        bridge_mappings={})
    assert DEFAULTS['overlay_underlay_mtu'] == 1500


@pytest.mark.parametrize('var, value, normalised', [
    ('overlay_underlay_mtu', 9000, 9000),
    ('overlay_underlay_mtu', '9000', 9000),        # -e overlay_underlay_mtu=9000 is a string
    ('overlay_underlay_mtu', None, 1500),          # null: the default
    ('overlay_datapath_type', 'netdev', 'netdev'),
    ('overlay_underlay_interface', 'eth0', 'eth0'),
    ('overlay_underlay_interface', None, None),    # found by the host's preflight
    ('overlay_integration_bridge', 'br-ovl', 'br-ovl'),
    ('overlay_tunnel_mode', 'flow', 'flow'),
    ('overlay_nat_backend', 'nft', 'nft'),
    ('overlay_owner', 'team-a_1', 'team-a_1'),
])
def test_good_values(var, value, normalised):
    play = {var: value} if var == 'overlay_tunnel_mode' else None
    facts, errors = check({var: value}, play=play, h2={'overlay_underlay_ip': '10.0.0.2', var: value})
    assert errors == []
    assert facts['h1'].as_dict()[var[len('overlay_'):]] == normalised


@pytest.mark.parametrize('var, value, message', [
    # falsy values are values: refused, never silently the default
    ('overlay_underlay_mtu', 0, "h1: overlay_underlay_mtu: 0 is outside 68-65535"),
    ('overlay_underlay_mtu', 100, "h1: overlay_underlay_mtu: 100 is below 118"),
    ('overlay_underlay_mtu', 70000, "h1: overlay_underlay_mtu: 70000 is outside 68-65535"),
    ('overlay_underlay_mtu', True, "h1: overlay_underlay_mtu: True is not an integer"),
    ('overlay_underlay_mtu', '15 00', "h1: overlay_underlay_mtu: '15 00' is not an integer"),
    ('overlay_underlay_mtu', 1500.5, "h1: overlay_underlay_mtu: 1500.5 is not an integer"),
    ('overlay_datapath_type', False, "h1: overlay_datapath_type: False is not one of system, netdev"),
    ('overlay_datapath_type', 'dpdk', "h1: overlay_datapath_type: 'dpdk' is not one of system, netdev"),
    ('overlay_datapath_type', '', "h1: overlay_datapath_type: '' is not one of system, netdev"),
    ('overlay_underlay_interface', '', "h1: overlay_underlay_interface: '' is not an interface name"),
    ('overlay_underlay_interface', 'eth0\n', 'has characters outside [A-Za-z0-9_.-]'),
    ('overlay_underlay_interface', 'e' * 16, 'is longer than 15 characters'),
    ('overlay_underlay_interface', 'br-phy', 'is the bridge the uplink moves into'),
    ('overlay_underlay_interface', 'br-int', 'is the integration bridge'),
    ('overlay_integration_bridge', 'br-tun', 'is reserved for the bridges the project makes'),
    ('overlay_integration_bridge', 'br int', 'has characters outside'),
    ('overlay_integration_bridge', 7, "h1: overlay_integration_bridge: 7 is not an interface name"),
    ('overlay_tunnel_mode', 'gre', "h1: overlay_tunnel_mode: 'gre' is not one of port, kernel, flow"),
    ('overlay_nat_backend', 'pf', "h1: overlay_nat_backend: 'pf' is not one of iptables, nft"),
    ('overlay_owner', 'a.b', "h1: overlay_owner: 'a.b' is not an owner name"),
    ('overlay_owner', 'x' * 33, 'is not an owner name (1-32 of [A-Za-z0-9_-])'),
    ('overlay_owner', '', "h1: overlay_owner: '' is not an owner name"),
    ('overlay_underlay_ip', '10.0.0.1\n', "h1: overlay_underlay_ip: '10.0.0.1\\n' is not an IPv4"),
    ('overlay_underlay_ip', ' 10.0.0.1', 'is not an IPv4 address'),
    ('overlay_underlay_ip', '010.0.0.1', 'is not an IPv4 address'),
    ('overlay_underlay_ip', 167772161, 'is not an IPv4 address (quote it)'),
    ('overlay_underlay_ip', '2001:db8::1', 'is not an IPv4 address'),
    ('overlay_underlay_ip', '0.0.0.0', 'is unspecified address'),
    ('overlay_underlay_ip', '127.0.0.1', 'is a loopback address'),
    ('overlay_underlay_ip', '224.0.0.5', 'is a multicast address'),
    ('overlay_underlay_ip', '255.255.255.255', 'is the broadcast address'),
    ('overlay_underlay_ip', '240.0.0.1', 'is a reserved address'),
    ('overlay_underlay_ip', '169.254.0.5', "169.254.0.0/16 is the routers' transit range"),
])
def test_bad_values_name_host_variable_and_value(var, value, message):
    facts, errors = check({var: value})
    assert len(errors) == 1 and message in errors[0], errors
    assert 'h1' in facts   # still a host of overlay_hosts for the tenant checks


def test_every_bad_variable_of_a_host_is_reported():
    facts, errors = check({'overlay_underlay_mtu': 0, 'overlay_datapath_type': 'dpdk',
                           'overlay_owner': 'a b', 'overlay_nat_backend': 1})
    assert [e.split(':')[1].strip() for e in errors] == [
        'overlay_underlay_mtu', 'overlay_datapath_type', 'overlay_nat_backend', 'overlay_owner']
    assert facts['h1'].underlay_ip == '10.0.0.1' and facts['h1'].underlay_mtu is None


def test_missing_underlay_ip():
    facts, errors = check(h3={})
    assert errors == ["h3: overlay_underlay_ip: is required for every host of overlay_hosts "
                      "(the host's tunnel endpoint address)"]


def test_not_a_mapping():
    facts, errors = check(h3='10.0.0.3')
    assert errors == ["h3: its host variables are not a mapping ('10.0.0.3')"]
    assert 'h3' in facts


@pytest.mark.parametrize('extra, message', [
    ({'h3': {'overlay_underlay_ip': '10.0.0.1'}},
     "h3: overlay_underlay_ip: '10.0.0.1' is also the underlay address of h1"),
    ({'h3': {'overlay_underlay_ip': '11.0.0.1'}},
     "h3: overlay_underlay_ip: '11.0.0.1' gives the same tunnel port names as h1 (10.0.0.1): "
     "underlay addresses must differ in their last 24 bits"),
    ({'h3': {'overlay_underlay_ip': '10.0.0.3', 'overlay_tunnel_mode': 'flow'}},
     'overlay_tunnel_mode: hosts use different tunnel modes (flow on h3, port on h1); set one '
     'for all of overlay_hosts'),
])
def test_rules_across_hosts(extra, message):
    facts, errors = check(**extra)
    assert errors == [message]


def test_play_value_applies_where_a_host_sets_none():
    facts, errors = check(play={'overlay_tunnel_mode': 'kernel', 'overlay_owner': 'blue-team'},
                          h2={'overlay_underlay_ip': '10.0.0.2', 'overlay_owner': 'other'})
    assert errors == []
    assert (facts['h1'].tunnel_mode, facts['h1'].owner) == ('kernel', 'blue-team')
    assert (facts['h2'].tunnel_mode, facts['h2'].owner) == ('kernel', 'other')


def test_a_bad_play_value_is_reported_per_host():
    facts, errors = check(play={'overlay_tunnel_mode': 'vxlan'})
    assert errors == ["h1: overlay_tunnel_mode: 'vxlan' is not one of port, kernel, flow",
                      "h2: overlay_tunnel_mode: 'vxlan' is not one of port, kernel, flow"]


def test_hostvars_not_a_mapping():
    assert host_facts(['h1'], None) == ({}, ["overlay_hosts: the host variables are not a "
                                             "mapping (['h1'])"])
