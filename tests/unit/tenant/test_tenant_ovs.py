"""overlay_host_ovs: tenant inventory -> ovs_state input of one host."""
import pytest
from ansible.errors import AnsibleFilterError

from overlay import FilterModule, overlay_host_ovs
from tenant_helpers import HOSTVARS, NETDEV, example_tenants, tenant
from ansible.module_utils.ovl.tenant.names import endpoint_port

H3 = dict(HOSTVARS, host3={'overlay_underlay_ip': '192.168.250.13'})
BLUE3 = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11'),
                                                 ('b2', 'host2', '10.0.0.12'),
                                                 ('b3', 'host3', '10.0.0.13')])
GREEN12 = tenant('green', 300, endpoints=[('g1', 'host1', '10.0.0.11'),
                                          ('g2', 'host2', '10.0.0.12')])
ONLY2 = tenant('pink', 400, snat=True, endpoints=[('p2', 'host2', '10.0.0.12')])
INT = dict(name='br-int', datapath_type='system', fail_mode='standalone')


def vx(name, tenant_name, vni, remote, local='192.168.250.11'):
    return dict(name=name, bridge='br-int', type='vxlan', tenant=tenant_name,
                options=dict(remote_ip=remote, key=str(vni), dst_port='4789', local_ip=local))


def port(name, tenant_name, bridge='br-int'):
    return dict(name=name, bridge=bridge, type='system', tenant=tenant_name)


def test_registered():
    assert FilterModule().filters()['overlay_host_ovs'] is overlay_host_ovs


def test_example_inventory_host1():
    assert overlay_host_ovs(example_tenants(), 'host1', HOSTVARS) == dict(
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
    # kernel tunnel mode: the vxlan device is an ordinary port
    ([GREEN12], 'host1', HOSTVARS, 'kernel',
     [port(endpoint_port('g1'), 'green'), port('vx12c-a8fa0c', 'green')]),
])
def test_ports(tenants, host, hostvars, mode, ports):
    result = overlay_host_ovs(tenants, host, hostvars, tunnel_mode=mode)
    assert result == dict(bridges=[INT], ports=ports)


def test_netdev_adds_br_phy_with_the_uplink():
    result = overlay_host_ovs([GREEN12], 'host2', NETDEV)
    assert result['bridges'] == [
        dict(name='br-int', datapath_type='netdev', fail_mode='standalone'),
        dict(name='br-phy', datapath_type='netdev', fail_mode='standalone')]
    assert result['ports'][-1] == dict(name='ens3', bridge='br-phy', type='system')


def test_limit_does_not_change_tunnels():
    """The filter sees every host's vars: the result depends only on them and
    the whole inventory, never on which hosts the play runs on."""
    full = overlay_host_ovs([BLUE3], 'host1', H3)
    assert [p['name'] for p in full['ports'] if p['type'] == 'vxlan'] == [
        'vx64-a8fa0c', 'vx64-a8fa0d']


def test_deterministic_whatever_the_input_order():
    tenants = example_tenants()
    assert overlay_host_ovs(tenants[::-1], 'host2', HOSTVARS) == \
        overlay_host_ovs(tenants, 'host2', HOSTVARS)


@pytest.mark.parametrize('tenants, host, hostvars, mode, message', [
    ([GREEN12], 'host9', HOSTVARS, 'port', "host: 'host9' is not in overlay_hosts"),
    ([BLUE3], 'host1', HOSTVARS, 'port', "host: 'host3' is not in overlay_hosts"),
    ([GREEN12], 'host1', dict(HOSTVARS, host2={}), 'port',
     'host2: overlay_underlay_ip: None is required'),
    ([GREEN12], 'host1', HOSTVARS, 'gre', "tunnel_mode: 'gre' is not one of port, kernel, flow"),
    ([GREEN12], 'host1', {'host1': {'overlay_underlay_ip': '10.0.0.1',
                                    'overlay_datapath_type': 'netdev'},
                          'host2': {'overlay_underlay_ip': '10.0.0.2'}}, 'port',
     'overlay_underlay_interface: None is required with overlay_datapath_type netdev'),
    ([GREEN12], 'host1', dict(HOSTVARS, host1=dict(HOSTVARS['host1'],
                                                   overlay_datapath_type='dpdk')), 'port',
     "host1: overlay_datapath_type: 'dpdk' is not one of system, netdev"),
])
def test_errors(tenants, host, hostvars, mode, message):
    with pytest.raises(AnsibleFilterError, match=message):
        overlay_host_ovs(tenants, host, hostvars, tunnel_mode=mode)
