"""`ip -j netns list`, and the `ip -j` oracle the rtnetlink reader is checked
against (samples taken from iproute2 6.1)."""
import json

import pytest

from ansible.module_utils.ovl.core.runner import CommandError
from ansible.module_utils.ovl.ip.read import parse_netns
from iproute_json import parse_addr_json, parse_routes

ADDR = json.dumps([
    {"ifindex": 1, "ifname": "lo", "flags": ["LOOPBACK", "UP"], "mtu": 65536,
     "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8, "scope": "host"}]},
    {"ifindex": 2, "link_index": 5, "link_netnsid": 0, "ifname": "eth0",
     "flags": ["BROADCAST", "UP"], "mtu": 1450, "linkinfo": {"info_kind": "veth"},
     "addr_info": [{"family": "inet", "local": "10.0.0.11", "prefixlen": 24, "scope": "global"},
                   {"family": "inet6", "local": "fe80::1", "prefixlen": 64, "scope": "link"},
                   {"family": "inet6", "local": "2001:DB8::1", "prefixlen": 64,
                    "scope": "global", "secondary": True}]},
    {"ifindex": 3, "link": "va", "ifname": "vb", "flags": ["BROADCAST"], "mtu": 1500,
     "ifalias": "ovl:ovl", "linkinfo": {"info_kind": "veth"}, "addr_info": []},
    {"ifindex": 4, "ifname": "vx5", "flags": ["BROADCAST", "UP"], "mtu": 1450,
     "linkinfo": {"info_kind": "vxlan", "info_data": {
         "id": 5, "remote": "10.1.1.2", "local": "10.1.1.1", "link": "vb", "port": 4789,
         "learning": False}}, "addr_info": []},
])


def test_parse_addr_json():
    links, addrs, secondary = parse_addr_json(ADDR)
    assert secondary == {('eth0', '2001:db8::1/64')}
    assert addrs == {'lo': [], 'eth0': ['10.0.0.11/24', '2001:db8::1/64'], 'vb': [], 'vx5': []}
    assert links['eth0']['other_ns'] and links['eth0']['link_index'] == 5
    assert links['eth0']['up'] and not links['vb']['up']
    assert (links['vb']['peer'], links['vb']['alias'], links['vb']['other_ns']) == ('va', 'ovl:ovl', False)
    vx = links['vx5']
    assert (vx['id'], vx['remote'], vx['local'], vx['dev'], vx['dstport'], vx['learning']) == \
        (5, '10.1.1.2', '10.1.1.1', 'vb', 4789, False)
    assert links['lo']['kind'] is None


def test_parse_routes():
    text = json.dumps([
        {"dst": "default", "gateway": "10.0.0.1", "dev": "eth0"},
        {"dst": "10.0.0.5", "dev": "eth0", "metric": 5},
        {"dst": "10.0.0.0/24", "dev": "eth0", "protocol": "kernel", "scope": "link"},
        {"type": "unreachable", "dst": "10.9.0.0/16"}])
    assert parse_routes(text, 4) == [
        dict(dst='default', family=4, via='10.0.0.1', dev='eth0', metric=0),
        dict(dst='10.0.0.5/32', family=4, via=None, dev='eth0', metric=5),
        dict(dst='10.0.0.0/24', family=4, via=None, dev='eth0', metric=0)]
    six = parse_routes('[{"dst":"2001:db8::/64","dev":"eth0","metric":256}]', 6)
    assert six == [dict(dst='2001:db8::/64', family=6, via=None, dev='eth0', metric=256)]


@pytest.mark.parametrize('text, names', [
    ('', set()), ('[]', set()), ('[{"name":"a"},{"name":"b","id":0}]', {'a', 'b'})])
def test_parse_netns(text, names):
    assert parse_netns(text) == names


def test_not_json_is_an_error():
    with pytest.raises(CommandError):
        parse_addr_json('1: lo: <LOOPBACK>')
