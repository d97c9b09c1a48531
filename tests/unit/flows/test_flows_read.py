"""ovs_flows_read: dump-flows and dump-ports-desc parsers, argv."""
import pytest

from ansible.module_utils.ovl.flows.read import (
    dump_argv, missing_bridge, parse_flow_line, parse_flows, parse_ports, ports_argv)

DUMP = """NXST_FLOW reply (xid=0x4):
 cookie=0xf1c2a55b0403005, priority=1,in_port=2 actions=resubmit(,2)
 cookie=0xf1c34cee14d6877, priority=0 actions=drop
 cookie=0xf1c07baab32abd5, table=2, priority=1,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 actions=resubmit(,20)
 cookie=0xf1c800000000000, table=20, hard_timeout=300, priority=1,vlan_tci=0x0001/0x0fff,dl_dst=5a:05:cc:1c:21:b0 actions=load:0->NXM_OF_VLAN_TCI[],output:1
 cookie=0x1, duration=1.5s, table=4, n_packets=3, n_bytes=180, idle_age=0, priority=2,arp,tun_id=0x64,arp_tpa=10.0.0.1 actions=drop
 actions=drop
"""


@pytest.mark.parametrize('line, expected', [
    (' cookie=0xf1c2a55b0403005, priority=1,in_port=2 actions=resubmit(,2)',
     dict(cookie=0x0f1c2a55b0403005, table=0, priority=1, match='in_port=2',
          actions='resubmit(,2)')),
    (' cookie=0x1, duration=1.5s, table=4, n_packets=3, n_bytes=180, idle_age=0, '
     'priority=2,arp,tun_id=0x64,arp_tpa=10.0.0.1 actions=drop',
     dict(cookie=1, table=4, priority=2, match='arp,tun_id=0x64,arp_tpa=10.0.0.1',
          actions='drop')),
    ('actions=drop', dict(cookie=0, table=0, priority=32768, match='', actions='drop')),
    ('NXST_FLOW reply (xid=0x4):', None),
    ('', None),
])
def test_parse_flow_line(line, expected):
    assert parse_flow_line(line) == expected


def test_parse_flows_skips_headers():
    flows = parse_flows(DUMP)
    assert len(flows) == 6
    assert flows[3]['table'] == 20 and 'hard_timeout' not in flows[3]['match']


def test_parse_ports():
    text = """OFPST_PORT_DESC reply (xid=0x2):
 1(vxf-a8fd0c): addr:16:f5:60:88:f4:d0
     config:     0
 2(ovp-int): addr:1e:ba:99:75:32:15
 LOCAL(br-tun): addr:a2:ae:e6:07:65:43
"""
    assert parse_ports(text) == {'vxf-a8fd0c': 1, 'ovp-int': 2}


def test_argv():
    assert dump_argv('br-tun', 10) == [
        'ovs-ofctl', '--timeout=10', '--no-names', '--no-stats', 'dump-flows', 'br-tun',
        'cookie=0x0f1c000000000000/0xffff800000000000']
    assert ports_argv('unix:/x/br.mgmt') == ['ovs-ofctl', '--no-names', 'dump-ports-desc',
                                             'unix:/x/br.mgmt']


@pytest.mark.parametrize('err, missing', [
    ('ovs-ofctl: br-tun is not a bridge or a socket', True),
    ('ovs-ofctl: connecting to unix:/x/br.mgmt (No such file or directory)', True),
    ('ovs-ofctl: br-tun: failed to connect to socket (Broken pipe)', False),
])
def test_missing_bridge(err, missing):
    assert missing_bridge(err) is missing
