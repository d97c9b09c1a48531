"""The desired-state model: records survive the trip through Ansible (JSON)
unchanged, and the filter builds a host's state from the module's result."""
import json

import pytest

from overlay import (FilterModule, overlay_host_model, overlay_host_state, overlay_hostvars,
                     overlay_preflight_args)
from ansible.module_utils.ovl.tenant.host_state import host_state
from ansible.module_utils.ovl.tenant.model import Inventory
from tenant_helpers import H3, HOSTVARS, NETDEV, example_inventory, inventory, tenant


def test_inventory_round_trips_through_json():
    inv = example_inventory(NETDEV, 'flow')
    again = Inventory.from_result(json.loads(json.dumps(inv.as_result())))
    assert again == inv
    assert again.tenants[0].hosts == ('host1', 'host2')


def test_filters_registered():
    assert set(FilterModule().filters()) == {
        'overlay_hostvars', 'overlay_preflight_args', 'overlay_host_model', 'overlay_host_state',
        'overlay_drift_results', 'overlay_drift', 'overlay_layers', 'overlay_endpoints',
        'overlay_topology_dot', 'overlay_topology_text'}


def test_hostvars_filter_keeps_set_overlay_variables_only():
    hostvars = {'h1': {'overlay_underlay_ip': '10.0.0.1', 'overlay_tunnel_mode': 'flow',
                       'overlay_underlay_mtu': None, 'ansible_host': 'x'}, 'h2': {}}
    assert overlay_hostvars(hostvars, ['h2', 'h1']) == {
        'h1': {'overlay_underlay_ip': '10.0.0.1', 'overlay_tunnel_mode': 'flow'}, 'h2': {}}


def test_preflight_args_and_host_state_from_the_module_result():
    result = json.loads(json.dumps(example_inventory(NETDEV).as_result()))
    args = overlay_preflight_args(result, 'host1')
    assert args['tenants'] == ['blue', 'green', 'red'] and args['underlay_interface'] == 'eth0'
    state = overlay_host_state(result, 'host1', {'blue': 1, 'green': 2, 'red': 3},
                               {'underlay_interface': 'eth0', 'underlay_prefixlen': 24})
    assert set(state) == {'facts', 'ip', 'ovs', 'int_flows', 'tun_flows', 'underlay', 'nat',
                          'forward', 'announce', 'docker', 'libvirt', 'dhcp', 'floating',
                          'chassis', 'ovn_nb'}
    assert state['underlay'] == dict(address='192.168.250.11', dev='br-phy', from_dev='eth0',
                                     prefixlen=24)
    assert state['forward'] is True and state['tun_flows'] is None
    json.dumps(state)


def test_the_discovered_interface_fills_an_omitted_variable():
    hostvars = dict((h, {'overlay_underlay_ip': v['overlay_underlay_ip']}) for h, v in HOSTVARS.items())
    result = example_inventory(hostvars).as_result()
    assert result['hosts']['host1']['underlay_interface'] is None
    state = overlay_host_state(result, 'host1', {'blue': 1, 'green': 2, 'red': 3},
                               {'underlay_interface': 'enp3s0', 'underlay_prefixlen': 22})
    assert state['facts']['underlay_interface'] == 'enp3s0'
    assert state['nat']['namespaces'][0]['snat'][0]['out_interface'] == 'enp3s0'


SLICE_CASES = [
    (example_inventory(NETDEV, mode), host) for mode in ('port', 'kernel', 'flow')
    for host in ('host1', 'host2')
] + [
    # a tenant on host1 only, one on host2/host3 only, one on all three: every host
    # sees only its tenants, the state is the same as from the whole inventory
    (inventory([tenant('a', 10, endpoints=[('a1', 'host1', '10.0.0.11')], snat=True),
                tenant('b', 11, endpoints=[('b2', 'host2', '10.0.0.12'), ('b3', 'host3', '10.0.0.13')]),
                tenant('c', 12, endpoints=[('c1', 'host1', '10.0.0.11'), ('c2', 'host2', '10.0.0.12'),
                                           ('c3', 'host3', '10.0.0.13')], snat=True)], H3, mode), host)
    for mode in ('port', 'kernel', 'flow') for host in ('host1', 'host2', 'host3')
]


@pytest.mark.parametrize('inv, host', SLICE_CASES)
def test_a_hosts_model_builds_the_same_state_as_the_whole_inventory(inv, host):
    """overlay_apply builds the state on the host from overlay_host_model: it
    must be exactly the state of the whole inventory for that host."""
    whole = json.loads(json.dumps(inv.as_result()))
    part = json.loads(json.dumps(overlay_host_model(whole, host)))
    tenants = sorted(t.name for t in inv.tenants_on(host))
    assert sorted(t['name'] for t in part['tenants']) == tenants
    assert sorted(part['hosts']) == sorted(inv.host_names())
    tags = dict((name, i + 1) for i, name in enumerate(tenants))
    found = {'underlay_interface': 'eth0', 'underlay_prefixlen': 24}
    assert host_state(Inventory.from_result(part), host, tags, found) == \
        overlay_host_state(whole, host, tags, found)


def test_a_host_outside_the_inventory_has_no_model():
    with pytest.raises(Exception) as err:
        overlay_host_model(example_inventory().as_result(), 'host9')
    assert 'host9' in str(err.value)
