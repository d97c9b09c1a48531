"""The Docker plugin's API (ovl.docker.api): a container's life as Docker
drives it (IPAM pool and address, network, endpoint, join, leave, delete),
tenants kept apart, and every bad request answered with an error naming the
request and the field, never an exception (generated requests)."""
import pytest
from hypothesis import given, settings, strategies as st

from ansible.module_utils.ovl.docker import api
from ansible.module_utils.ovl.docker.config import load_config

NET_BLUE, NET_RED = 'b' * 64, 'c' * 64
EP1, EP2 = '1' * 64, '2' * 64
CONFIG = load_config({'owner': 'ovl', 'bridge': 'br-int', 'netdev': True, 'tenants': {
    'blue': {'subnet': '10.0.0.0/24', 'gateway': '10.0.0.1', 'mtu': 1450, 'tag': 3,
             'range': '10.0.0.128/26', 'reserved': ['10.0.0.11']},
    'red': {'subnet': '10.0.0.0/24', 'gateway': '10.0.0.1', 'mtu': 1450, 'tag': 4}}})


class Actions(object):
    def __init__(self):
        self.calls = []

    def attach(self, record, tenant, config):
        self.calls.append(('attach', record['port'], tenant.tag))

    def detach(self, record, config):
        self.calls.append(('detach', record['port']))

    def wait_attached(self, record, config):
        self.calls.append(('wait', record['port']))


def ask(path, body, state, actions=None):
    return api.answer(path, body, CONFIG, state, actions or Actions())[0]


def network(state, net, tenant):
    pool = ask('/IpamDriver.RequestPool', {'Pool': '10.0.0.0/24', 'Options': {'tenant': tenant}},
               state)
    gw = ask('/IpamDriver.RequestAddress', {'PoolID': pool['PoolID'], 'Address': '10.0.0.1',
                                            'Options': {'RequestAddressType':
                                                        'com.docker.network.gateway'}}, state)
    assert gw == {'Address': '10.0.0.1/24', 'Data': {}}
    assert ask('/NetworkDriver.CreateNetwork', {
        'NetworkID': net, 'Options': {api.GENERIC: {'tenant': tenant}},
        'IPv4Data': [{'Pool': '10.0.0.0/24', 'Gateway': '10.0.0.1/24'}]}, state) == {}
    return pool['PoolID']


def test_a_container_joins_its_tenant_with_its_tag_gateway_and_mtu():
    state, actions = api.empty_state(), Actions()
    pool = network(state, NET_BLUE, 'blue')
    got = ask('/IpamDriver.RequestAddress', {'PoolID': pool}, state)
    assert got['Address'] == '10.0.0.129/24'          # the host's range, lowest free
    answer = ask('/NetworkDriver.CreateEndpoint', {'NetworkID': NET_BLUE, 'EndpointID': EP1,
                                                   'Interface': {'Address': got['Address']}},
                 state)
    mac = answer['Interface']['MacAddress']
    assert int(mac[:2], 16) & 3 == 2                   # locally administered unicast
    joined = ask('/NetworkDriver.Join', {'NetworkID': NET_BLUE, 'EndpointID': EP1,
                                         'SandboxKey': '/var/run/docker/netns/x'}, state, actions)
    port, peer = api.names(EP1)
    assert joined == {'InterfaceName': {'SrcName': peer, 'DstPrefix': 'eth'},
                      'Gateway': '10.0.0.1', 'StaticRoutes': []}
    assert actions.calls == [('attach', port, 3)]
    # dockerd moved the interface; before the container starts, the port is there
    assert ask('/NetworkDriver.ProgramExternalConnectivity', {
        'NetworkID': NET_BLUE, 'EndpointID': EP1, 'Options': {}}, state, actions) == {}
    assert actions.calls[-1] == ('wait', port)
    assert 'is on network' in ask('/NetworkDriver.ProgramExternalConnectivity', {
        'NetworkID': 'f' * 64, 'EndpointID': EP1}, state, actions)['Err']
    assert ask('/NetworkDriver.Leave', {'NetworkID': NET_BLUE, 'EndpointID': EP1}, state,
               actions) == {}
    assert ask('/NetworkDriver.DeleteEndpoint', {'NetworkID': NET_BLUE, 'EndpointID': EP1},
               state, actions) == {}
    assert actions.calls[-1] == ('detach', port)
    assert ask('/IpamDriver.ReleaseAddress', {'PoolID': pool, 'Address': '10.0.0.129'},
               state) == {}
    assert ask('/NetworkDriver.DeleteNetwork', {'NetworkID': NET_BLUE}, state) == {}
    assert state['networks'] == {} and state['endpoints'] == {}


def test_two_tenants_share_a_subnet_and_addresses_but_never_a_tag():
    state, actions = api.empty_state(), Actions()
    blue, red = network(state, NET_BLUE, 'blue'), network(state, NET_RED, 'red')
    for net, pool, ep in ((NET_BLUE, blue, EP1), (NET_RED, red, EP2)):
        got = ask('/IpamDriver.RequestAddress', {'PoolID': pool, 'Address': '10.0.0.21'}, state)
        assert got['Address'] == '10.0.0.21/24'
        ask('/NetworkDriver.CreateEndpoint', {'NetworkID': net, 'EndpointID': ep,
                                              'Interface': {'Address': got['Address']}}, state)
        ask('/NetworkDriver.Join', {'NetworkID': net, 'EndpointID': ep, 'SandboxKey': 'k'},
            state, actions)
    assert [c[2] for c in actions.calls] == [3, 4]


@pytest.mark.parametrize('body, error', [
    ({'PoolID': 'ovl/blue', 'Address': '10.0.0.1'}, 'is the gateway of tenant blue'),
    ({'PoolID': 'ovl/blue', 'Address': '10.0.0.11'}, "one of tenant blue's namespace endpoints"),
    ({'PoolID': 'ovl/blue', 'Address': '10.0.0.255'}, 'network or broadcast'),
    ({'PoolID': 'ovl/blue', 'Address': '10.9.0.5'}, "is not inside tenant blue's subnet"),
    ({'PoolID': 'ovl/blue', 'Address': 'ten'}, "Address: 'ten' is not an IPv4 address"),
    ({'PoolID': 'ovl/green'}, "PoolID: 'ovl/green' is not a pool of this plugin"),
])
def test_addresses_the_plugin_refuses(body, error):
    state = api.empty_state()
    network(state, NET_BLUE, 'blue')
    err = ask('/IpamDriver.RequestAddress', body, state)['Err']
    assert err.startswith('IpamDriver.RequestAddress: ') and error in err


def test_an_address_is_given_once_per_tenant():
    state = api.empty_state()
    pool = network(state, NET_BLUE, 'blue')
    ask('/IpamDriver.RequestAddress', {'PoolID': pool, 'Address': '10.0.0.21'}, state)
    again = ask('/IpamDriver.RequestAddress', {'PoolID': pool, 'Address': '10.0.0.21'}, state)
    assert 'already given' in again['Err']


@pytest.mark.parametrize('path, body, error', [
    ('/NetworkDriver.CreateNetwork', {'NetworkID': NET_BLUE},
     'Options.com.docker.network.generic.tenant: missing'),
    ('/NetworkDriver.CreateNetwork', {'NetworkID': NET_BLUE,
                                      'Options': {api.GENERIC: {'tenant': 'green'}}},
     "'green' is not a tenant of this host (known: blue, red)"),
    ('/NetworkDriver.CreateNetwork', {'NetworkID': NET_BLUE,
                                      'Options': {api.GENERIC: {'tenant': 'blue'}},
                                      'IPv4Data': [{'Pool': '10.1.0.0/24'}]},
     "IPv4Data[0].Pool: '10.1.0.0/24' is not the subnet of tenant blue"),
    ('/NetworkDriver.CreateNetwork', {'NetworkID': 'short',
                                      'Options': {api.GENERIC: {'tenant': 'blue'}}},
     "NetworkID: 'short' is not a Docker ID"),
    ('/NetworkDriver.CreateEndpoint', {'NetworkID': NET_RED, 'EndpointID': EP1},
     'is not a network of this plugin'),
    ('/NetworkDriver.Join', {'NetworkID': NET_BLUE, 'EndpointID': EP2, 'SandboxKey': 'k'},
     'is not an endpoint of this plugin'),
    ('/IpamDriver.RequestPool', {'Pool': '10.0.0.0/24', 'Options': {'tenant': 'blue'},
                                 'V6': True}, 'IPv6 pools are not served'),
    ('/NetworkDriver.Frobnicate', {}, 'NetworkDriver.Frobnicate: not a request of this plugin'),
    ('/NetworkDriver.Join', [], 'the request is not a JSON object'),
])
def test_requests_the_plugin_refuses(path, body, error):
    state = api.empty_state()
    err = ask(path, body, state)['Err']
    assert error in err and err.startswith(path.lstrip('/'))


def test_an_option_cannot_move_a_container_to_another_tenant():
    """The tenant is the network's; an endpoint's or join's options are not read."""
    state, actions = api.empty_state(), Actions()
    pool = network(state, NET_BLUE, 'blue')
    got = ask('/IpamDriver.RequestAddress', {'PoolID': pool}, state)
    ask('/NetworkDriver.CreateEndpoint', {'NetworkID': NET_BLUE, 'EndpointID': EP1,
                                          'Interface': {'Address': got['Address']},
                                          'Options': {api.GENERIC: {'tenant': 'red'},
                                                      'tenant': 'red'}}, state)
    ask('/NetworkDriver.Join', {'NetworkID': NET_BLUE, 'EndpointID': EP1, 'SandboxKey': 'k',
                                'Options': {'tenant': 'red'}}, state, actions)
    assert actions.calls == [('attach', api.names(EP1)[0], 3)]
    assert state['endpoints'][EP1]['tenant'] == 'blue'


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
KEYS = st.sampled_from(['NetworkID', 'EndpointID', 'PoolID', 'Address', 'Pool', 'SubPool',
                        'Options', 'Interface', 'IPv4Data', 'IPv6Data', 'SandboxKey', 'V6'])
BODIES = st.one_of(JSON, st.dictionaries(KEYS, JSON | st.just(NET_BLUE) | st.just(EP1)
                                         | st.just('10.0.0.21'), max_size=6))


@settings(max_examples=400, deadline=None)
@given(path=st.sampled_from(sorted(api.HANDLERS) + ['/x', '']), body=BODIES)
def test_generated_requests_get_an_answer_never_an_exception(path, body):
    state = api.empty_state()
    network(state, NET_BLUE, 'blue')
    got, _changed = api.answer(path, body, CONFIG, state, Actions())
    assert isinstance(got, dict)
    if 'Err' in got:
        assert got['Err'] and '\n' not in got['Err']


def test_a_containers_mac_follows_its_tenant_and_address_not_its_endpoint():
    """docker restart makes a new endpoint with the same --ip: the MAC stays,
    so the peers' ARP caches stay right (the molecule restarts failed on a new
    MAC before); the same address in another tenant gets another MAC."""
    from ansible.module_utils.ovl.docker.api import mac_of
    assert mac_of('ovl', 'blue', '10.0.0.21') == mac_of('ovl', 'blue', '10.0.0.21')
    assert mac_of('ovl', 'blue', '10.0.0.21').endswith(':0a:00:00:15')
    assert mac_of('ovl', 'blue', '10.0.0.21') != mac_of('ovl', 'red', '10.0.0.21')
    assert int(mac_of('ovl', 'blue', '10.0.0.21').split(':')[0], 16) & 0x03 == 0x02
