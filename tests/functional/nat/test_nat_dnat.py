"""nat_state's dnat and forward_dnat entries against real iptables (nft and
legacy) and nftables, in a namespace made here: written once, read back
equal (a second run changes nothing), the forward accepts before the
blocks, the OUTPUT half only with local, foreign rules untouched, and
pruned to nothing."""
import pytest

import nat_state
from modrun import run_module
from test_nat_state import BACKENDS, add_foreign, foreign_intact, ours, variant  # noqa: F401 (fixture)

FLOATING = dict(id='fip-web1', destination='192.168.250.50', to='169.254.128.50', local=True)
PORT = dict(id='pub-web2-tcp-8080', destination='192.168.250.12', protocol='tcp', port=8080,
            to='169.254.0.6', local=True)
ROUTER_PORT = dict(id='pub-web2-tcp-8080', destination='169.254.0.6', protocol='tcp', port=8080,
                   in_interface='qg0', to='10.0.0.12:80')
ACCEPT = dict(id='pub-web2', destination='10.0.0.12', protocol='tcp', port=80,
              in_interface='qg0')


def run(ns, backend, dnat=(), accept=(), block=(), check=False):
    args = dict(backend=backend, prune=True,
                namespaces=[dict(netns=ns, dnat=list(dnat), forward_dnat=list(accept),
                                 block_inbound=list(block))])
    res = run_module(nat_state, args, check_mode=check, diff=True)
    assert not res['failed'], res.get('msg')
    return res


@pytest.mark.parametrize('backend', BACKENDS)
def test_dnat_entries_converge_and_prune(make_netns, variant, backend):
    backend = variant(backend)
    ns = make_netns('tdnat')
    add_foreign(ns)
    steps = [
        ('host', [FLOATING, PORT], [], []),
        ('router', [ROUTER_PORT], [ACCEPT], [dict(in_interface='qg0', local=True)]),
        ('port changed', [dict(ROUTER_PORT, to='10.0.0.12:81')], [dict(ACCEPT, port=81)],
         [dict(in_interface='qg0', local=True)]),
    ]
    for name, dnat, accept, block in steps:
        assert run(ns, backend, dnat, accept, block, check=True)['changed'] is True, name
        assert run(ns, backend, dnat, accept, block)['changed'] is True, name
        again = run(ns, backend, dnat, accept, block)
        assert again['changed'] is False and again['commands'] == [], (name, again['commands'])
        rules = ours(ns, backend)
        for item in dnat:
            assert sum('ovl:%s' % item['id'] in l for l in rules) == (2 if item.get('local') else 1)
        if accept:   # the published accept comes before the block's rules
            first_block = min(i for i, l in enumerate(rules) if 'ovl:in-qg0' in l)
            assert any('pub-web2' in l and 'accept' in l.lower() for l in rules[:first_block]), rules
        foreign_intact(ns)
    text = '\n'.join(ours(ns, backend))
    assert '10.0.0.12:81' in text and ('DNAT' in text or 'dnat' in text)
    assert ('--ctstate DNAT' in text) if backend == 'iptables' else ('ct status dnat' in text)
    run(ns, backend)
    assert [l for l in ours(ns, backend) if 'ovl:' in l] == []
    assert run(ns, backend)['changed'] is False
    foreign_intact(ns)
