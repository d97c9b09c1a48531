"""The verify's tunnel decoders (playbooks/verify/files/ovl_probe.py) on
hand-built frames: VXLAN, Geneve (with options) and GRE (with checksum and
key) give the type and the key, and the inner ICMP packet is found."""
import pathlib
import socket
import struct
import sys

FILES = pathlib.Path(__file__).resolve().parents[2] / "playbooks/verify/files"
sys.path.insert(0, str(FILES))
import ovl_probe  # noqa: E402

UDP = {4789: "vxlan", 6081: "geneve"}
IP = {47: "gre"}


def inner_icmp():
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 1, 0,
                     socket.inet_aton("10.0.0.11"), socket.inet_aton("10.0.0.12"))
    return eth + ip + b"\x08\x00\x00\x00\x00\x01\x00\x01"


def outer(proto, payload):
    eth = b"\xff" * 6 + b"\x02" * 6 + b"\x08\x00"
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0,
                     socket.inet_aton("192.168.0.11"), socket.inet_aton("192.168.0.12"))
    return eth + ip + payload


def udp(port, payload):
    return struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload


def check(frame, kind, key):
    found = ovl_probe.parse_tunnel(frame, UDP, IP)
    assert (found["type"], found["vni"]) == (kind, key)
    assert (found["inner_proto"], found["inner_src"], found["inner_dst"]) == (1, "10.0.0.11",
                                                                               "10.0.0.12")


def test_vxlan():
    header = b"\x08\x00\x00\x00" + (100).to_bytes(3, "big") + b"\x00"
    check(outer(17, udp(4789, header + inner_icmp())), "vxlan", 100)


def test_geneve_with_an_option():
    option = b"\x01\x02\x03\x01" + b"\xaa" * 4                   # one option, 8 bytes
    header = bytes([len(option) // 4, 0]) + b"\x65\x58" + (70000).to_bytes(3, "big") + b"\x00"
    check(outer(17, udp(6081, header + option + inner_icmp())), "geneve", 70000)


def test_gre_with_checksum_and_key():
    header = struct.pack("!HH", 0x8000 | 0x2000, 0x6558) + b"\x00" * 4 + struct.pack("!I", 16777215)
    check(outer(47, header + inner_icmp()), "gre", 16777215)


def test_other_traffic_is_not_a_tunnel():
    assert ovl_probe.parse_tunnel(outer(17, udp(53, b"\x00" * 20)), UDP, IP) is None
    assert ovl_probe.parse_tunnel(outer(6, b"\x00" * 40), UDP, IP) is None


def test_segments_inline_tag_offloaded_tag_and_untagged():
    """A physical network's frames: the VLAN id inline (as OVS sends them),
    taken off by the kernel (veth's VLAN offload: the tag is in the packet's
    auxiliary data), or none (flat); the inner ICMP is found in each."""
    plain = inner_icmp()
    tagged = plain[:12] + struct.pack("!HH", 0x8100, 101) + plain[12:]
    for frame, tag, want in ((tagged, None, ("vlan", 101)), (plain, 101, ("vlan", 101)),
                             (plain, None, ("flat", 0))):
        found = ovl_probe.parse_segment(frame, tag)
        assert (found["type"], found["vni"]) == want
        assert (found["inner_proto"], found["inner_src"]) == (1, "10.0.0.11")
