"""nat_read: parse iptables-save text and nft -j JSON."""
import pytest

from ansible.module_utils.ovl.nat.model import FORWARD, SNAT
from ansible.module_utils.ovl.nat.read import iptables_have, nft_have, parse_iptables_save

from test_nat_samples import IPT_OURS, NFT_EMPTY, NFT_OURS


def test_parse_iptables_save_tables_chains_rules():
    tables = parse_iptables_save(IPT_OURS)
    assert sorted(tables) == ['filter', 'nat']
    assert 'FOREIGN' in tables['filter']['chains']
    assert tables['nat']['rules']['POSTROUTING'][1] == [
        '-s', '172.16.0.0/12', '-o', 'eth9', '-m', 'comment', '--comment', 'someone else', '-j', 'MASQUERADE']


def test_iptables_have():
    have = iptables_have(IPT_OURS)['chains']
    assert have[SNAT]['exists'] and have[SNAT]['jumps'] == 1
    assert [(r['comment'], r['terms']) for r in have[SNAT]['rules']] == [
        ('ovl:blue', (('saddr', '10.0.0.0/24'), ('oifname', 'qg0'), ('masquerade',))),
        ('ovl:x', (('saddr', '10.1.0.5/32'), ('oifname', 'qg0'), ('snat', '1.2.3.4'))),
    ]
    assert have[FORWARD]['jumps'] == 1 and len(have[FORWARD]['rules']) == 2


def test_iptables_have_empty():
    have = iptables_have('')['chains']
    assert have[SNAT] == dict(exists=False, rules=[], jumps=0)
    assert have[FORWARD] == dict(exists=False, rules=[], jumps=0)


def test_nft_have_only_table_ip_ovl():
    have = nft_have(NFT_OURS)
    assert have['table'] is True
    snat = have['chains'][SNAT]
    assert snat['exists'] and not have['chains'][FORWARD]['exists']
    assert [(r['comment'], r['handle']) for r in snat['rules']] == [('ovl:blue', 3), ('ovl:x', 4), (None, 5)]
    assert snat['rules'][1]['terms'] == (('saddr', '10.1.0.5/32'), ('oifname', 'qg0'), ('snat', '1.2.3.4'))


def test_nft_have_empty():
    have = nft_have(NFT_EMPTY)
    assert have['table'] is False
    assert have['chains'][SNAT] == dict(exists=False, rules=[], jumps=0)


@pytest.mark.parametrize('line', [
    '-A OVL-POSTROUTING -s 10.0.0.0/24 -o qg0 -m comment --comment ovl:blue -j MASQUERADE',
    '-A OVL-POSTROUTING -s 10.0.0.0/24 -m comment --comment "ovl:a b" -j MASQUERADE',
    '-A X -m comment --comment "say \\"hi\\"" -j RETURN',
    "-A X -m comment --comment \"it's\" -j RETURN",
    '-A X -m comment --comment a\\ b -j RETURN',
    '-A   X    -j   DROP  ',
])
def test_split_rule_is_shlex_split(line):
    import shlex
    from ansible.module_utils.ovl.nat.read import split_rule
    assert split_rule(line) == shlex.split(line)
