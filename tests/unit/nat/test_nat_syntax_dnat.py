"""DNAT terms in both backends (issue 23, started): rendered as iptables
tokens and nft text, and parsed back from what iptables-save and nft -j
printed for those rules on this machine (2026-12-05)."""
import json

import pytest

from ansible.module_utils.ovl.nat.model import canon
from ansible.module_utils.ovl.nat.syntax import ipt_parse, ipt_tokens, nft_parse, nft_text

PORT = canon((('daddr', '192.168.250.50/32'), ('proto', 'tcp'), ('dport', 8080),
              ('dnat', '169.254.128.5:80')))
ALL_UDP = canon((('daddr', '192.168.250.50/32'), ('proto', 'udp'), ('dnat', '169.254.128.6')))
# iptables-save -t nat (iptables 1.8.9, nf_tables)
IPT = {PORT: '-d 192.168.250.50/32 -p tcp -m tcp --dport 8080 -m comment --comment ovl:x '
             '-j DNAT --to-destination 169.254.128.5:80',
       ALL_UDP: '-d 192.168.250.50/32 -p udp -m comment --comment ovl:x -j DNAT '
                '--to-destination 169.254.128.6'}
# nft -j list table (nftables 1.0.6)
NFT = {PORT: '[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, '
             '"right": "192.168.250.50"}}, {"match": {"op": "==", "left": {"payload": '
             '{"protocol": "tcp", "field": "dport"}}, "right": 8080}}, {"dnat": {"addr": '
             '"169.254.128.5", "port": 80}}]',
       ALL_UDP: '[{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": '
                '"daddr"}}, "right": "192.168.250.50"}}, {"match": {"op": "==", "left": {"meta": '
                '{"key": "l4proto"}}, "right": "udp"}}, {"dnat": {"addr": "169.254.128.6"}}]'}


@pytest.mark.parametrize('terms', [PORT, ALL_UDP])
def test_iptables_renders_and_parses_back(terms):
    assert ipt_parse(IPT[terms].split()) == ('ovl:x', terms)
    assert ipt_parse(ipt_tokens('ovl:x', terms)) == ('ovl:x', terms)


@pytest.mark.parametrize('terms', [PORT, ALL_UDP])
def test_nft_renders_and_parses_back(terms):
    assert nft_parse(json.loads(NFT[terms])) == terms
    assert nft_text('ovl:x', PORT) == ('ip daddr 192.168.250.50/32 tcp dport 8080 dnat to '
                                       '169.254.128.5:80 comment "ovl:x"')


ACCEPT = canon((('iifname', 'qg0'), ('daddr', '10.0.0.12/32'), ('proto', 'tcp'), ('dport', 80),
                ('ctstate', 'dnat'), ('accept',)))
# nft -j list ruleset (nftables 1.0.6) of: iifname "qg0" ip daddr 10.0.0.12 tcp dport 80 ct status dnat accept
ACCEPT_NFT = ('[{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "qg0"}}, '
              '{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, '
              '"right": "10.0.0.12"}}, {"match": {"op": "==", "left": {"payload": {"protocol": '
              '"tcp", "field": "dport"}}, "right": 80}}, {"match": {"op": "in", "left": {"ct": '
              '{"key": "status"}}, "right": "dnat"}}, {"accept": null}]')
ACCEPT_IPT = ('-d 10.0.0.12/32 -i qg0 -p tcp -m tcp --dport 80 -m conntrack --ctstate DNAT '
              '-m comment --comment ovl:x -j ACCEPT')


def test_forward_accept_of_translated_connections_in_both_backends():
    assert nft_parse(json.loads(ACCEPT_NFT)) == ACCEPT
    assert 'ct status dnat accept' in nft_text('ovl:x', ACCEPT)
    assert ipt_parse(ACCEPT_IPT.split()) == ('ovl:x', ACCEPT)
    assert ipt_parse(ipt_tokens('ovl:x', ACCEPT)) == ('ovl:x', ACCEPT)
