"""nat_plan: pure planners, tables of (want, have) -> commands/stdin. No mocks."""
import pytest

from ansible.module_utils.ovl.nat.model import SNAT, make_want, state_want
from ansible.module_utils.ovl.nat.plan import merge, plan_iptables, plan_nft
from ansible.module_utils.ovl.nat.read import iptables_have, nft_have

from test_nat_samples import IPT_OURS, NFT_EMPTY, NFT_OURS

BLUE = dict(id='blue', source='10.0.0.0/24', out_interface='qg0')
X = dict(id='x', source='10.1.0.5/32', out_interface='qg0', action='snat', to_source='1.2.3.4')
R = lambda c, n: dict(comment=c, terms=(('n', n),))  # noqa: E731


@pytest.mark.parametrize('current, entries, remove, prune, expected', [
    # replace in place, keep foreign, append new
    ([R('f', 1), R('ovl:a', 1), R('ovl:b', 1)], [('ovl:a', [('ovl:a', (('n', 2),))]),
                                                 ('ovl:c', [('ovl:c', (('n', 3),))])], [], False,
     [R('f', 1), R('ovl:a', 2), R('ovl:b', 1), R('ovl:c', 3)]),
    # remove by comment (all rules carrying it)
    ([R('ovl:a', 1), R('ovl:b', 1), R('ovl:a', 2)], [], ['ovl:a'], False, [R('ovl:b', 1)]),
    # prune: exactly the listed, foreign rules in our chain go too
    ([R('f', 1), R('ovl:a', 1)], [('ovl:b', [('ovl:b', (('n', 1),)), ('ovl:b', (('n', 2),))])], [], True,
     [R('ovl:b', 1), R('ovl:b', 2)]),
    ([R('ovl:a', 1)], [], [], True, []),
    ([], [], [], False, []),
])
def test_merge(current, entries, remove, prune, expected):
    assert merge(current, entries, remove, prune) == expected


def _ns(prune=False, **spec):
    return state_want([dict(netns='ovr-blue', **spec)], prune=prune)[0]


IPT_NEW_BLUE = ('*nat\n:OVL-POSTROUTING - [0:0]\n'
                '-A OVL-POSTROUTING -s 10.0.0.0/24 -o qg0 -m comment --comment ovl:blue -j MASQUERADE\n'
                '-I POSTROUTING 1 -m comment --comment ovl -j OVL-POSTROUTING\nCOMMIT\n')
IPT_PRUNE_TO_X = ('*nat\n:OVL-POSTROUTING - [0:0]\n'
                  '-A OVL-POSTROUTING -s 10.1.0.5/32 -o qg0 -m comment --comment ovl:x -j SNAT --to-source 1.2.3.4\n'
                  'COMMIT\n*filter\n:OVL-FORWARD - [0:0]\nCOMMIT\n')
IPT_CHANGE_BLUE = ('*nat\n:OVL-POSTROUTING - [0:0]\n'
                   '-A OVL-POSTROUTING -s 10.0.0.0/16 -o qg0 -m comment --comment ovl:blue -j MASQUERADE\n'
                   '-A OVL-POSTROUTING -s 10.1.0.5/32 -o qg0 -m comment --comment ovl:x -j SNAT --to-source 1.2.3.4\n'
                   'COMMIT\n')
IPT_BLOCK_NEW = ('*filter\n:OVL-FORWARD - [0:0]\n'
                 '-A OVL-FORWARD -i qg0 -m conntrack --ctstate ESTABLISHED,RELATED -m comment --comment ovl:in-qg0 -j RETURN\n'
                 '-A OVL-FORWARD -i qg0 -m conntrack --ctstate INVALID,NEW -m comment --comment ovl:in-qg0 -j DROP\n'
                 '-I FORWARD 1 -m comment --comment ovl -j OVL-FORWARD\nCOMMIT\n')

# local=True: the same two rules in OVL-INPUT too (jumped to from INPUT)
IPT_BLOCK_LOCAL = IPT_BLOCK_NEW + IPT_BLOCK_NEW.replace('FORWARD', 'INPUT')
IPT_BLOCKED_LOCAL = ('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OVL-FORWARD - [0:0]\n'
                     ':OVL-INPUT - [0:0]\n'
                     '-A INPUT -m comment --comment ovl -j OVL-INPUT\n'
                     '-A FORWARD -m comment --comment ovl -j OVL-FORWARD\n'
                     '-A OVL-FORWARD -i qg0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment ovl:in-qg0 -j RETURN\n'
                     '-A OVL-FORWARD -i qg0 -m conntrack --ctstate INVALID,NEW -m comment --comment ovl:in-qg0 -j DROP\n'
                     '-A OVL-INPUT -i qg0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment ovl:in-qg0 -j RETURN\n'
                     '-A OVL-INPUT -i qg0 -m conntrack --ctstate INVALID,NEW -m comment --comment ovl:in-qg0 -j DROP\n'
                     'COMMIT\n')


@pytest.mark.parametrize('want, saved, stdin', [
    (_ns(snat=[BLUE]), '', IPT_NEW_BLUE),                                    # create chain + jump
    (_ns(snat=[BLUE]), IPT_OURS, None),                                      # already there
    (_ns(snat=[BLUE, X], block_inbound=[dict(in_interface='qg0')], prune=True), IPT_OURS, None),
    (_ns(snat=[X], prune=True), IPT_OURS, IPT_PRUNE_TO_X),                   # prune blue + block
    (_ns(snat=[dict(BLUE, source='10.0.0.0/16')]), IPT_OURS, IPT_CHANGE_BLUE),  # modify in place
    (_ns(block_inbound=[dict(in_interface='qg0')]), '', IPT_BLOCK_NEW),
    (_ns(block_inbound=[dict(in_interface='qg0', local=True)]), '', IPT_BLOCK_LOCAL),
    (_ns(block_inbound=[dict(in_interface='qg0', local=True)]), IPT_BLOCKED_LOCAL, None),  # in place
    (_ns(block_inbound=[dict(in_interface='qg0', local=True)]),                      # INPUT part missing
     '\n'.join(x for x in IPT_BLOCKED_LOCAL.splitlines() if 'OVL-INPUT' not in x) + '\n',
     IPT_BLOCK_LOCAL.split('COMMIT\n', 1)[1]),
    (_ns(block_inbound=[dict(in_interface='qg0')], prune=True), IPT_BLOCKED_LOCAL,  # local dropped
     '*filter\n:OVL-INPUT - [0:0]\nCOMMIT\n'),
    (make_want('ovr-blue', remove={SNAT: ['ovl:nothere']}), IPT_OURS, None),  # absent, already gone
    (make_want('ovr-blue', remove={SNAT: ['ovl:nothere']}), '', None),        # absent, no chain
    (_ns(prune=True), '', None),                                             # nothing, nothing there
])
def test_plan_iptables(want, saved, stdin):
    plan = plan_iptables(want, iptables_have(saved))
    assert plan['stdin'] == stdin
    expected = [['ip', 'netns', 'exec', 'ovr-blue', 'iptables-restore', '--noflush']] if stdin else []
    assert [s.argv for s in plan['steps']] == expected


def test_plan_iptables_remove_keeps_others_and_host_has_no_prefix():
    want = make_want(None, remove={SNAT: ['ovl:blue']})
    plan = plan_iptables(want, iptables_have(IPT_OURS))
    assert [s.argv for s in plan['steps']] == [['iptables-restore', '--noflush']]
    assert plan['stdin'] == ('*nat\n:OVL-POSTROUTING - [0:0]\n'
                             '-A OVL-POSTROUTING -s 10.1.0.5/32 -o qg0 -m comment --comment ovl:x -j SNAT --to-source 1.2.3.4\n'
                             'COMMIT\n')
    assert 'someone else' not in plan['stdin'] and 'FOREIGN' not in plan['stdin']
    assert plan['before'] != plan['after']


def test_plan_iptables_restores_missing_jump_only():
    saved = IPT_OURS.replace('-A POSTROUTING -m comment --comment ovl -j OVL-POSTROUTING\n', '')
    plan = plan_iptables(_ns(snat=[BLUE]), iptables_have(saved))
    assert plan['stdin'].splitlines()[-2:] == [
        '-I POSTROUTING 1 -m comment --comment ovl -j OVL-POSTROUTING', 'COMMIT']
    assert '-A OVL-POSTROUTING -s 10.1.0.5/32' in plan['stdin']  # chain is re-declared: keep x


NFT_CREATE = ('add table ip ovl\n'
              'add chain ip ovl postrouting { type nat hook postrouting priority srcnat; policy accept; }\n'
              'add rule ip ovl postrouting ip saddr 10.0.0.0/24 oifname "qg0" masquerade comment "ovl:blue"\n')
NFT_PATCH = ('delete rule ip ovl postrouting handle 3\n'
             'add rule ip ovl postrouting ip saddr 10.0.0.0/16 oifname "qg0" masquerade comment "ovl:blue"\n')
NFT_PRUNE = ('flush chain ip ovl postrouting\n'
             'add rule ip ovl postrouting ip saddr 10.1.0.5/32 oifname "qg0" snat to 1.2.3.4 comment "ovl:x"\n')
NFT_BLOCK = ('add chain ip ovl forward { type filter hook forward priority filter; policy accept; }\n'
             'add rule ip ovl forward iifname "qg0" ct state established,related return comment "ovl:in-qg0"\n'
             'add rule ip ovl forward iifname "qg0" ct state invalid,new drop comment "ovl:in-qg0"\n')


@pytest.mark.parametrize('want, listed, stdin', [
    (_ns(snat=[BLUE]), NFT_EMPTY, NFT_CREATE),
    (_ns(snat=[BLUE]), NFT_OURS, None),
    (_ns(snat=[X, BLUE]), NFT_OURS, None),                   # no prune: order is not ours to fix
    (_ns(snat=[dict(BLUE, source='10.0.0.0/16')]), NFT_OURS, NFT_PATCH),
    (_ns(snat=[X], prune=True), NFT_OURS, NFT_PRUNE),        # prune drops blue and the foreign rule
    (make_want('ovr-blue', remove={SNAT: ['ovl:blue', 'ovl:x']}), NFT_OURS,
     'delete rule ip ovl postrouting handle 3\ndelete rule ip ovl postrouting handle 4\n'),
    (_ns(block_inbound=[dict(in_interface='qg0')]), NFT_OURS, NFT_BLOCK),
    (_ns(block_inbound=[dict(in_interface='qg0', local=True)]), NFT_OURS,
     NFT_BLOCK + NFT_BLOCK.replace('forward', 'input')),
    (make_want('ovr-blue', remove={SNAT: ['ovl:blue']}), NFT_EMPTY, None),
])
def test_plan_nft(want, listed, stdin):
    plan = plan_nft(want, nft_have(listed))
    assert plan['stdin'] == stdin
    assert [s.argv for s in plan['steps']] == ([['ip', 'netns', 'exec', 'ovr-blue', 'nft', '-f', '-']] if stdin else [])


def test_plans_never_mention_foreign_objects():
    for plan in (plan_iptables(_ns(prune=True), iptables_have(IPT_OURS)),
                 plan_nft(_ns(prune=True), nft_have(NFT_OURS))):
        assert plan['stdin']
        for word in ('FOREIGN', 'someone else', '172.16', 'inet', ' POSTROUTING ', ' FORWARD '):
            assert word not in plan['stdin']


def test_our_chains_are_listed_once_and_every_backend_renders_each():
    from ansible.module_utils.ovl.nat.model import CHAINS, make_want
    from ansible.module_utils.ovl.nat.syntax import IPT_CHAINS, NFT_CHAINS
    assert sorted(IPT_CHAINS) == sorted(NFT_CHAINS) == sorted(CHAINS)
    want = make_want('ns')
    assert list(want['entries']) == list(want['remove']) == list(CHAINS)
