"""Bad input is rejected before anything runs, naming option and value."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.ovs.model import normalize_bridge, normalize_port

GOOD = {'name': 'p1', 'bridge': 'br-int'}

BAD_PORTS = [
    ({'tag': 0}, "tag: 0 is outside 1-4094"),
    ({'tag': 4095}, "tag: 4095 is outside 1-4094"),
    ({'trunks': [1, 5000]}, "trunks[1]: 5000 is outside 1-4094"),
    ({'name': 'a-very-long-port-name'}, "name: 'a-very-long-port-name' is longer than 15"),
    ({'name': 'bad/name'}, "name: 'bad/name' has characters outside"),
    ({'bridge': 'br int'}, "bridge: 'br int' has characters outside"),
    ({'type': 'vxlan', 'remote_ip': '10.0.0.300', 'key': '5'}, "remote_ip: '10.0.0.300' is not an IP"),
    ({'type': 'vxlan', 'remote_ip': '10.0.0.3', 'key': '0'}, "key: '0' is outside 1-16777215"),
    ({'type': 'vxlan', 'remote_ip': '10.0.0.3', 'key': '16777216'}, "key: '16777216' is outside"),
    ({'type': 'vxlan', 'remote_ip': '10.0.0.3'}, "key: None is required"),
    ({'type': 'vxlan', 'key': '5'}, "remote_ip: None is required"),
    ({'type': 'vxlan', 'remote_ip': '10.0.0.3', 'key': '5', 'dst_port': 70000}, "dst_port: 70000"),
    ({'type': 'vxlan', 'remote_ip': '10.0.0.3', 'key': '5', 'local_ip': 'x'}, "local_ip: 'x'"),
    ({'type': 'patch', 'peer': 'p1'}, "peer: 'p1' is the port itself"),
    ({'type': 'lisp'}, "type: 'lisp' is not one of"),
    ({'type': 'gre', 'remote_ip': '10.0.0.2', 'key': '5', 'dst_port': 4789},
     'dst_port: 4789 is only for UDP tunnels (gre is not one)'),
    ({'vlan_mode': 'bogus'}, "vlan_mode: 'bogus' is not one of"),
    ({'mtu': 20}, "mtu: 20 is outside 68-65535"),
]


@pytest.mark.parametrize('extra, message', BAD_PORTS, ids=[m for _, m in BAD_PORTS])
def test_bad_port_input(extra, message):
    params = dict(GOOD, **extra)
    with pytest.raises(InputError) as err:
        normalize_port(params, '')
    assert message in str(err.value)


def test_field_path_prefix():
    with pytest.raises(InputError, match=r"ports\[3\]\.tag: 9999"):
        normalize_port(dict(GOOD, tag=9999), 'ports[3].')


@pytest.mark.parametrize('extra, expected', [
    ({'type': 'vxlan', 'remote_ip': '10.0.0.3', 'key': 100},
     {'remote_ip': '10.0.0.3', 'key': '100', 'dst_port': '4789'}),
    ({'type': 'vxlan', 'remote_ip': 'flow', 'key': 'flow', 'dst_port': 4790, 'local_ip': '10.0.0.1'},
     {'remote_ip': 'flow', 'key': 'flow', 'dst_port': '4790', 'local_ip': '10.0.0.1'}),
    ({'type': 'vxlan', 'options': {'remote_ip': '10.0.0.3', 'key': '7'}},
     {'remote_ip': '10.0.0.3', 'key': '7', 'dst_port': '4789'}),
    ({'type': 'patch', 'peer': 'p2'}, {'peer': 'p2'}),
])
def test_port_options(extra, expected):
    assert normalize_port(dict(GOOD, **extra))['options'] == expected


@pytest.mark.parametrize('extra, message', [
    ({'datapath_type': 'dpdk'}, "datapath_type: 'dpdk' is not one of system, netdev"),
    ({'fail_mode': 'open'}, "fail_mode: 'open' is not one of"),
    ({'name': 'x' * 16}, 'is longer than 15'),
])
def test_bad_bridge_input(extra, message):
    with pytest.raises(InputError) as err:
        normalize_bridge(dict({'name': 'br-int'}, **extra))
    assert message in str(err.value)
