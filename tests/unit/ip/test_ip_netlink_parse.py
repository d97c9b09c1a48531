"""rtnetlink message parsing on hand-built bytes: attributes, vxlan data,
errors, and a dump the kernel flags as interrupted being read again."""
import struct

import pytest

from ansible.module_utils.ovl.ip import netlink as nl


def attr(kind, payload):
    length = 4 + len(payload)
    return struct.pack('=HH', length, kind) + payload + b'\0' * ((4 - length % 4) % 4)


def msg(kind, seq, body, flags=0):
    return struct.pack('=IHHII', 16 + len(body), kind, flags, seq, 0) + body


def link(index, name, flags=1, extra=b''):
    return nl.IFINFO.pack(0, 1, index, flags, 0) + attr(nl.IFLA_IFNAME, name + b'\0') + extra


def test_vxlan_link_fields():
    data = (attr(nl.VXLAN_ID, struct.pack('=I', 42)) + attr(nl.VXLAN_GROUP, bytes([10, 0, 0, 2]))
            + attr(nl.VXLAN_LINK, struct.pack('=I', 1)) + attr(nl.VXLAN_PORT, b'\x12\xb5')
            + attr(nl.VXLAN_LEARNING, b'\x00'))
    info = attr(nl.IFLA_INFO_KIND, b'vxlan\0') + attr(nl.IFLA_INFO_DATA | 0x8000, data)
    links = nl.parse_links([
        link(1, b'eth0', extra=attr(nl.IFLA_MTU, struct.pack('=I', 1500))),
        link(2, b'vx42', flags=0, extra=attr(nl.IFLA_LINKINFO | 0x8000, info)
             + attr(nl.IFLA_IFALIAS, b'ovl:x\0'))])
    vx = links['vx42']
    assert (vx['id'], vx['remote'], vx['dev'], vx['dstport'], vx['learning']) == \
        (42, '10.0.0.2', 'eth0', 4789, False)
    assert (vx['up'], vx['alias'], vx['kind'], links['eth0']['mtu']) == (False, 'ovl:x', 'vxlan', 1500)


def test_peer_in_this_namespace_by_name_in_another_by_index():
    here = link(3, b'va', extra=attr(nl.IFLA_LINK, struct.pack('=I', 4)))
    there = link(4, b'vb', extra=attr(nl.IFLA_LINK, struct.pack('=I', 9))
                 + attr(nl.IFLA_LINK_NETNSID, struct.pack('=i', 0)))
    links = nl.parse_links([here, there])
    assert (links['va']['peer'], links['va']['link_index'], links['va']['other_ns']) == ('vb', None, False)
    assert (links['vb']['peer'], links['vb']['link_index'], links['vb']['other_ns']) == (None, 9, True)


def test_addresses_scope_and_secondary():
    links = nl.parse_links([link(2, b'eth0')])
    v4 = nl.IFADDR.pack(2, 24, 0, 0, 2) + attr(nl.IFA_LOCAL, bytes([10, 0, 0, 1]))
    sec = nl.IFADDR.pack(2, 24, 1, 0, 2) + attr(nl.IFA_LOCAL, bytes([10, 0, 0, 2]))
    host = nl.IFADDR.pack(2, 8, 0, 254, 2) + attr(nl.IFA_LOCAL, bytes([127, 0, 0, 1]))
    addrs, secondary = nl.parse_addrs([sec, v4, host], links)
    assert addrs == {'eth0': ['10.0.0.1/24', '10.0.0.2/24']}
    assert secondary == {('eth0', '10.0.0.2/24')}


def test_routes_main_table_unicast_only():
    links = nl.parse_links([link(2, b'eth0')])
    oif = attr(nl.RTA_OIF, struct.pack('=I', 2))
    default = nl.RTMSG.pack(2, 0, 0, 0, 254, 3, 0, 1, 0) + oif + attr(
        nl.RTA_GATEWAY, bytes([10, 0, 0, 254]))
    host = nl.RTMSG.pack(2, 32, 0, 0, 254, 3, 0, 1, 0) + oif + attr(
        nl.RTA_DST, bytes([10, 9, 0, 5])) + attr(nl.RTA_PRIORITY, struct.pack('=I', 7))
    other_table = nl.RTMSG.pack(2, 16, 0, 0, 252, 3, 0, 1, 0) + attr(
        nl.RTA_TABLE, struct.pack('=I', 100)) + attr(nl.RTA_DST, bytes([10, 8, 0, 0]))
    unreachable = nl.RTMSG.pack(2, 16, 0, 0, 254, 3, 0, 7, 0) + attr(
        nl.RTA_DST, bytes([10, 7, 0, 0]))
    assert nl.parse_routes([default, host, other_table, unreachable], links) == [
        dict(dst='default', family=4, via='10.0.0.254', dev='eth0', metric=0),
        dict(dst='10.9.0.5/32', family=4, via=None, dev='eth0', metric=7)]


def test_route_detail_src_scope_proto_onlink():
    """With detail: preferred source, scope, protocol and onlink, what
    ip_move_address needs to carry a route; without, the same four keys as before."""
    links = nl.parse_links([link(2, b'eth0')])
    oif = attr(nl.RTA_OIF, struct.pack('=I', 2))
    # 10.60.0.0/16 dev eth0 proto static scope link src 192.168.250.11 metric 5
    src = nl.RTMSG.pack(2, 16, 0, 0, 254, 4, 253, 1, 0) + oif + attr(
        nl.RTA_DST, bytes([10, 60, 0, 0])) + attr(nl.RTA_PREFSRC, bytes([192, 168, 250, 11])) \
        + attr(nl.RTA_PRIORITY, struct.pack('=I', 5))
    # default via 172.31.0.1 dev eth0 proto dhcp onlink (table main given as an attribute)
    onlink = nl.RTMSG.pack(2, 0, 0, 0, 252, 16, 0, 1, nl.RTNH_F_ONLINK) + oif + attr(
        nl.RTA_TABLE, struct.pack('=I', 254)) + attr(nl.RTA_GATEWAY, bytes([172, 31, 0, 1]))
    # ::/0 via 2001:db8::1 dev eth0 metric 1024 src 2001:db8::11
    six = nl.RTMSG.pack(10, 0, 0, 0, 254, 3, 0, 1, 0) + oif + attr(
        nl.RTA_GATEWAY, bytes.fromhex('20010db8000000000000000000000001')) + attr(
        nl.RTA_PREFSRC, bytes.fromhex('20010db8000000000000000000000011')) + attr(
        nl.RTA_PRIORITY, struct.pack('=I', 1024))
    # another table: still left out with detail
    other = nl.RTMSG.pack(2, 0, 0, 0, 100, 3, 0, 1, 0) + oif + attr(
        nl.RTA_GATEWAY, bytes([10, 0, 0, 1]))
    assert nl.parse_routes([src, onlink, six, other], links, detail=True) == [
        dict(dst='10.60.0.0/16', family=4, via=None, dev='eth0', metric=5,
             src='192.168.250.11', scope=253, proto=4, onlink=False),
        dict(dst='default', family=4, via='172.31.0.1', dev='eth0', metric=0,
             src=None, scope=0, proto=16, onlink=True),
        dict(dst='default', family=6, via='2001:db8::1', dev='eth0', metric=1024,
             src='2001:db8::11', scope=0, proto=3, onlink=False)]
    assert nl.parse_routes([src, onlink, six, other], links) == [
        dict(dst='10.60.0.0/16', family=4, via=None, dev='eth0', metric=5),
        dict(dst='default', family=4, via='172.31.0.1', dev='eth0', metric=0),
        dict(dst='default', family=6, via='2001:db8::1', dev='eth0', metric=1024)]


def test_error_message_raises_with_its_reason():
    data = msg(nl.NLMSG_ERROR, 5, struct.pack('=i', -1) + b'\0' * 16)
    with pytest.raises(nl.NetlinkError, match='Operation not permitted'):
        nl.split_messages(data, 5)


def test_other_sequence_numbers_are_ignored():
    data = msg(nl.RTM_NEWLINK, 4, link(1, b'lo')) + msg(nl.RTM_NEWLINK, 5, link(2, b'x')) \
        + msg(nl.NLMSG_DONE, 5, b'\0\0\0\0')
    payloads, done, interrupted = nl.split_messages(data, 5)
    assert (len(payloads), done, interrupted) == (1, True, False)


class Replies(object):
    """A socket answering each request from a list of datagram lists."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.queue = []
        self.sent = 0

    def send(self, data):
        seq = struct.unpack_from('=IHHI', data)[3]
        self.sent += 1
        self.queue = [build(seq) for build in self.answers.pop(0)]

    def recv(self, size):
        return self.queue.pop(0)


def test_interrupted_dump_is_read_again():
    first = [lambda s: msg(nl.RTM_NEWLINK, s, link(1, b'lo'), flags=nl.NLM_F_DUMP_INTR),
             lambda s: msg(nl.NLMSG_DONE, s, b'\0\0\0\0')]
    second = [lambda s: msg(nl.RTM_NEWLINK, s, link(1, b'lo')) + msg(nl.NLMSG_DONE, s, b'\0' * 4)]
    dumper = nl.Dumper.__new__(nl.Dumper)
    dumper.sock, dumper.seq = Replies([first, second]), 0
    payloads = dumper.dump(nl.RTM_GETLINK, nl.IFINFO.pack(0, 0, 0, 0, 0))
    assert dumper.sock.sent == 2 and len(payloads) == 1


def neigh(index, mac, dst, family=nl.AF_BRIDGE):
    return (nl.NDMSG.pack(family, index, 0x80, 0x02, 0) + attr(nl.NDA_LLADDR, mac)
            + attr(nl.NDA_DST, bytes(dst)))


def test_flood_list_is_the_all_zeros_entries_of_vxlan_devices():
    links = {'vx64': dict(ifindex=7, kind='vxlan'), 'vx65': dict(ifindex=8, kind='vxlan'),
             'br0': dict(ifindex=9, kind='bridge')}
    zero = b'\0' * 6
    flood = nl.parse_flood([
        neigh(7, zero, [10, 0, 0, 3]), neigh(7, zero, [10, 0, 0, 2]),
        neigh(7, b'\x02\0\0\0\0\x01', [10, 0, 0, 4]),   # a learned/unicast entry: not flooding
        neigh(9, zero, [10, 0, 0, 5]),                    # not a vxlan device
        neigh(7, zero, [10, 0, 0, 6], family=nl.AF_INET),
    ], links)
    assert flood == {'vx64': ['10.0.0.2', '10.0.0.3'], 'vx65': []}
