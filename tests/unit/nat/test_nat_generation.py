"""ovl.nat.generation: the GETGEN request and reply on hand-built messages,
kept reads matched on (cookie, generation) only, a broken file reads as none."""
import struct

import pytest

from ansible.module_utils.ovl.nat import generation as g


def reply(gen, kind=(10 << 8) | 15, extra=b''):
    body = g.NFGENMSG.pack(0, 0, gen & 0xffff) + extra + struct.pack('=HH', 8, g.NFTA_GEN_ID) \
        + struct.pack('!I', gen)
    return g.NLMSG.pack(g.NLMSG.size + len(body), kind, 0, 1, 0) + body


def test_request_is_getgen():
    data = g.request(7)
    length, kind, flags, seq, _pid = g.NLMSG.unpack_from(data)
    assert (length, kind, flags, seq) == (len(data), (10 << 8) | 16, 1, 7)


@pytest.mark.parametrize('data, expected', [
    (reply(42), 42),
    (reply(70000), 70000),
    (reply(5, extra=struct.pack('=HH', 8, 2) + struct.pack('!I', 999)), 5),   # PROC_PID first
    (reply(42, kind=2), None),                                                # NLMSG_ERROR
    (reply(42)[:10], None),
    (b'', None),
])
def test_parse_reply(data, expected):
    assert g.parse_reply(data) == expected


def test_kept_only_for_the_same_cookie_and_generation(tmp_path):
    path = str(tmp_path / 'r.json')
    g.save(path, {g.key('iptables', 'ns1'): g.entry((11, 5), 'TEXT')})
    reads = g.load(path)
    assert g.kept(reads, 'iptables', 'ns1', (11, 5)) == 'TEXT'
    assert g.kept(reads, 'iptables', 'ns1', (11, 6)) is None      # the ruleset moved
    assert g.kept(reads, 'iptables', 'ns1', (12, 5)) is None      # another namespace
    assert g.kept(reads, 'nft', 'ns1', (11, 5)) is None           # another backend
    assert g.kept(reads, 'iptables', 'ns1', None) is None         # no generation now


@pytest.mark.parametrize('text', ['', '{', '[]', '{"version": 0, "reads": {}}',
                                  '{"version": 1, "reads": []}'])
def test_a_broken_file_keeps_nothing(tmp_path, text):
    path = tmp_path / 'r.json'
    path.write_text(text)
    assert g.load(str(path)) == {}
    assert g.load(str(tmp_path / 'missing.json')) == {}
