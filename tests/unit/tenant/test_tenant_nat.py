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
HOST_EMPTY = dict(netns=None, snat=[], block_inbound=[], forward_accept=[], dnat=[],
                  forward_dnat=[])


def router(name, subnet='10.0.0.0/24'):
    # local: the router's own addresses are guarded too (a SYN to its transit
    # address got a RST from the router's stack on real kernels, molecule/kvm)
    return dict(netns='ovr-' + name, block_inbound=[dict(in_interface='qg0', local=True)],
                dnat=[], forward_dnat=[],
                snat=[dict(source=subnet, out_interface='qg0', action='masquerade', id=name)])


def host(uplink, *pairs):
    return dict(netns=None,
                snat=[dict(source=net, out_interface=uplink, action='masquerade', id=name)
                      for name, net in pairs],
                block_inbound=[], dnat=[], forward_dnat=[],
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


def test_floating_address_and_published_port_both_nats():
    """blue-web1 has 192.168.250.50, blue-web2's TCP 80 is host1's 8080
    (host1: eth0, 10.0.0.1 in HOSTVARS; blue's tag 1: transit 169.254.0.4/30)."""
    from ansible.module_utils.ovl.tenant.model import Endpoint, Published
    web = tenant('blue', 100, snat=True, endpoints=[('w1', 'host1', '10.0.0.11'),
                                                   ('w2', 'host1', '10.0.0.12')])
    eps = (web.endpoints[0]._replace(floating_ip='192.168.250.50'),
           web.endpoints[1]._replace(publish=(Published('tcp', 80, 8080),)))
    assert all(isinstance(e, Endpoint) for e in eps)
    out = overlay_host_nat([web._replace(endpoints=eps)], 'host1', {'blue': 1}, HOSTVARS)
    host_ns, router_ns = out['namespaces']
    nat = '169.254.250.50'
    assert host_ns['dnat'] == [
        dict(id='fip:blue:w1', destination='192.168.250.50', to=nat, local=True),
        dict(id='pub:blue:w2:tcp:8080', destination=HOSTVARS['host1']['overlay_underlay_ip'],
             protocol='tcp', port=8080, to='169.254.0.6', local=True)]
    assert host_ns['forward_dnat'] == [
        dict(id='fip-in:blue:w1', destination=nat, out_interface='ovu-blue'),
        dict(id='pub-in:blue:w2:tcp:8080', destination='169.254.0.6', protocol='tcp',
             port=8080, out_interface='ovu-blue')]
    assert host_ns['snat'][:2] == [
        dict(id='fip-out:blue:w1', source=nat + '/32', out_interface='eth0', action='snat',
             to_source='192.168.250.50'),
        dict(id='hairpin:blue', source='169.254.0.0/16', out_interface='ovu-blue',
             action='masquerade')]
    assert router_ns['dnat'] == [
        dict(id='fip:w1', destination=nat, in_interface='qg0', to='10.0.0.11'),
        dict(id='pub:w2:tcp:8080', destination='169.254.0.6', protocol='tcp', port=8080,
             in_interface='qg0', to='10.0.0.12:80')]
    assert router_ns['forward_dnat'] == [
        dict(id='fip-in:w1', destination='10.0.0.11', in_interface='qg0'),
        dict(id='pub-in:w2:tcp:8080', destination='10.0.0.12', protocol='tcp', port=80,
             in_interface='qg0')]
    # the endpoint's own connections leave as its NAT address: before the masquerade
    assert [s['id'] for s in router_ns['snat']] == ['fip-out:w1', 'blue']
