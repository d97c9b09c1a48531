"""nat_syntax: render canonical terms and parse both backends' output back."""
import pytest

from ansible.module_utils.ovl.nat.syntax import ipt_line, ipt_parse, ipt_tokens, nft_parse, nft_text

MASQ = ('ovl:blue', (('saddr', '10.0.0.0/24'), ('oifname', 'qg0'), ('masquerade',)))
SNAT = ('ovl:x', (('saddr', '10.1.0.5/32'), ('oifname', 'qg0'), ('snat', '1.2.3.4')))
RET = ('ovl:in', (('iifname', 'qg0'), ('ctstate', 'established,related'), ('return',)))
DROP = ('ovl:in', (('iifname', 'qg0'), ('ctstate', 'invalid,new'), ('drop',)))


@pytest.mark.parametrize('rule, line', [
    (MASQ, '-A C -s 10.0.0.0/24 -o qg0 -m comment --comment ovl:blue -j MASQUERADE'),
    (SNAT, '-A C -s 10.1.0.5/32 -o qg0 -m comment --comment ovl:x -j SNAT --to-source 1.2.3.4'),
    (RET, '-A C -i qg0 -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment ovl:in -j RETURN'),
    (DROP, '-A C -i qg0 -m conntrack --ctstate INVALID,NEW -m comment --comment ovl:in -j DROP'),
])
def test_iptables_render(rule, line):
    assert ipt_line('C', ipt_tokens(*rule)) == line


@pytest.mark.parametrize('tokens, rule', [
    # what iptables-save prints (normalised forms), parsed back
    (['-s', '10.0.0.0/24', '-o', 'qg0', '-m', 'comment', '--comment', 'ovl:blue', '-j', 'MASQUERADE'], MASQ),
    (['-s', '10.1.0.5', '-o', 'qg0', '-m', 'comment', '--comment', 'ovl:x', '-j', 'SNAT',
      '--to-source', '1.2.3.4'], SNAT),
    (['-i', 'qg0', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-m', 'comment',
      '--comment', 'ovl:in', '-j', 'RETURN'], RET),
    (['-o', 'qg0', '-s', '10.0.0.0/24', '-m', 'comment', '--comment', 'ovl:blue', '-j', 'MASQUERADE'], MASQ),
    (['-m', 'comment', '--comment', 'ovl', '-j', 'OVL-POSTROUTING'], ('ovl', (('jump', 'OVL-POSTROUTING'),))),
    (['-p', 'tcp', '--sport', '80', '-j', 'MASQUERADE'],
     (None, (('proto', 'tcp'), ('raw', '--sport 80 -j MASQUERADE')))),
])
def test_iptables_parse(tokens, rule):
    assert ipt_parse(tokens) == rule


def test_iptables_quote_foreign_comment():
    assert ipt_line('C', ['-m', 'comment', '--comment', 'a "b" c']) == \
        '-A C -m comment --comment "a \\"b\\" c"'


def _m(left, right, op='=='):
    return {'match': {'op': op, 'left': left, 'right': right}}


SADDR = {'payload': {'protocol': 'ip', 'field': 'saddr'}}


@pytest.mark.parametrize('expr, terms', [
    ([_m(SADDR, {'prefix': {'addr': '10.0.0.0', 'len': 24}}), _m({'meta': {'key': 'oifname'}}, 'qg0'),
      {'masquerade': None}], MASQ[1]),
    ([_m(SADDR, '10.1.0.5'), _m({'meta': {'key': 'oifname'}}, 'qg0'), {'snat': {'addr': '1.2.3.4'}}], SNAT[1]),
    ([_m({'meta': {'key': 'iifname'}}, 'qg0'), _m({'ct': {'key': 'state'}}, ['related', 'established'], 'in'),
      {'return': None}], RET[1]),
    ([_m({'meta': {'key': 'iifname'}}, 'qg0'), _m({'ct': {'key': 'state'}}, 'new'), {'drop': None}],
     (('iifname', 'qg0'), ('ctstate', 'new'), ('drop',))),
    ([{'counter': None}, {'accept': None}],
     (('raw', '{"counter": null}'), ('accept',))),
])
def test_nft_parse(expr, terms):
    assert nft_parse(expr) == terms


@pytest.mark.parametrize('rule, text', [
    (MASQ, 'ip saddr 10.0.0.0/24 oifname "qg0" masquerade comment "ovl:blue"'),
    (SNAT, 'ip saddr 10.1.0.5/32 oifname "qg0" snat to 1.2.3.4 comment "ovl:x"'),
    (DROP, 'iifname "qg0" ct state invalid,new drop comment "ovl:in"'),
])
def test_nft_render(rule, text):
    assert nft_text(*rule) == text
