"""ovl.tenant.nat.build_nat: the inventory -> nat_state input of one host."""
import pytest

from ansible.module_utils.ovl.tenant.nat import build_nat
from tenant_helpers import HOSTVARS, NETDEV, example_tenants, facts, inventory, tenant

def overlay_host_nat(tenants, host, tags, hostvars, host_block_inbound=False, interface=None):
    inv = inventory(tenants, hostvars)
    return build_nat(inv, facts(inv, host, interface), tags, host_block_inbound)


BLUE = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11')])
RED = tenant('red', 200, snat=True, endpoints=[('r1', 'host1', '10.0.0.11'),
                                              ('r2', 'host2', '10.0.0.12')])
GREEN = tenant('green', 300, endpoints=[('g1', 'host1', '10.0.0.11')])
HOST_EMPTY = dict(netns=None, snat=[], block_inbound=[], forward_accept=[])


def router(name, subnet='10.0.0.0/24'):
    # local: the router's own addresses are guarded too (a SYN to its transit
    # address got a RST from the router's stack on real kernels, molecule/kvm)
    return dict(netns='ovr-' + name, block_inbound=[dict(in_interface='qg0', local=True)],
                snat=[dict(source=subnet, out_interface='qg0', action='masquerade', id=name)])


def host(uplink, *pairs):
    return dict(netns=None,
                snat=[dict(source=net, out_interface=uplink, action='masquerade', id=name)
                      for name, net in pairs],
                block_inbound=[],
                # the uplink leg's traffic accepted whatever the FORWARD policy
                forward_accept=[dict(id='fwd-' + name, in_interface='ovu-' + name,
                                     out_interface=uplink) for name, _net in pairs])


@pytest.mark.parametrize('tenants, name, tags, hostvars, namespaces', [
    (example_tenants(), 'host1', {'blue': 1, 'green': 2, 'red': 3}, HOSTVARS,
     [host('eth0', ('blue', '169.254.0.4/30'), ('red', '169.254.0.12/30')),
      router('blue'), router('red')]),
    # host2's uplink is ens3; blue has no endpoint there
    ([BLUE, RED], 'host2', {'red': 7}, HOSTVARS,
     [host('ens3', ('red', '169.254.0.28/30')), router('red')]),
    # netdev: the uplink is br-phy
    ([RED], 'host1', {'red': 1}, NETDEV, [host('br-phy', ('red', '169.254.0.4/30')),
                                          router('red')]),
    # no snat tenant here: the host entry stays, empty, so stale rules are pruned
    ([GREEN], 'host1', {}, HOSTVARS, [HOST_EMPTY]),
    ([], 'host2', {}, {'host2': {'overlay_underlay_ip': '10.0.0.2'}}, [HOST_EMPTY]),
])
def test_table(tenants, name, tags, hostvars, namespaces):
    assert overlay_host_nat(tenants, name, tags, hostvars) == dict(namespaces=namespaces)


def test_host_block_inbound_opt_in():
    result = overlay_host_nat([BLUE, RED], 'host1', {'blue': 1, 'red': 2}, HOSTVARS,
                              host_block_inbound=True)
    assert result['namespaces'][0]['block_inbound'] == [
        dict(id='in-blue', in_interface='eth0', out_interface='ovu-blue'),
        dict(id='in-red', in_interface='eth0', out_interface='ovu-red')]


def test_system_uplink_found_by_the_preflight():
    """overlay_underlay_interface omitted on a system host: the found interface."""
    out = overlay_host_nat([BLUE], 'host1', {'blue': 1}, {'host1': {'overlay_underlay_ip': '10.0.0.1'}},
                           interface='enp7s0')
    assert out['namespaces'][0]['snat'][0]['out_interface'] == 'enp7s0'


def test_a_missing_tag_is_a_defect_not_a_guess():
    with pytest.raises(KeyError, match='tenant blue has no host-local VLAN tag'):
        overlay_host_nat([BLUE], 'host1', {}, HOSTVARS)
