"""ovl.nat.policy against real nftables output, in a namespace made here: a
FORWARD policy of DROP set by iptables (iptables-nft: table ip filter, as
Docker sets it) is found for the nft backend and passed over for the
iptables backend (our jump is in that chain); a drop policy of another
table is found for both; our own table and accepting chains never are."""
from ansible.module_utils.ovl.nat.policy import READ_ARGV, dropping_forward_chains, forward_problems
from fixtures.netns import sh


def chains(ns):
    return sh(*READ_ARGV, ns=ns)


def test_dropping_forward_chains_read_from_a_real_ruleset(make_netns):
    ns = make_netns('tpol')
    assert dropping_forward_chains(chains(ns), 'nft') == []
    sh('iptables', '-P', 'FORWARD', 'DROP', ns=ns)
    sh('nft', 'add table ip ovl', ns=ns)
    sh('nft', 'add chain ip ovl forward { type filter hook forward priority filter; policy drop; }',
       ns=ns)
    sh('nft', 'add table inet guard', ns=ns)
    sh('nft', 'add chain inet guard pass { type filter hook forward priority 10; policy accept; }',
       ns=ns)
    text = chains(ns)
    assert dropping_forward_chains(text, 'nft') == [('ip', 'filter', 'FORWARD')]
    assert dropping_forward_chains(text, 'iptables') == []
    sh('nft', 'add chain inet guard block { type filter hook forward priority 20; policy drop; }',
       ns=ns)
    text = chains(ns)
    assert dropping_forward_chains(text, 'iptables') == [('inet', 'guard', 'block')]
    problems = forward_problems(dropping_forward_chains(text, 'nft'), 'nft')
    assert problems[1].startswith('nft table ip filter, chain FORWARD (hook forward) has policy '
                                  'drop') and 'overlay_nat_backend: iptables' in problems[1]
    assert 'overlay_nat_backend' not in problems[0]
