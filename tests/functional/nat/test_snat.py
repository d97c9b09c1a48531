"""snat (per-rule module) against real iptables / nftables in a namespace made here."""
import pytest

import nat_state
import snat
from modrun import run_module
from test_nat_state import BACKENDS, add_foreign, dump, foreign_intact, ours, variant  # noqa: F401


def run(args, check=False):
    res = run_module(snat, args, check_mode=check, diff=True)
    assert not res['failed'], res.get('msg')
    return res


@pytest.mark.parametrize('backend', BACKENDS)
def test_snat_lifecycle(make_netns, variant, backend):
    backend = variant(backend)
    ns = make_netns('tsnat')
    add_foreign(ns)
    base = dict(id='blue', netns=ns, backend=backend, source='10.0.0.0/24', out_interface='qg0')
    other = dict(base, id='other', source='10.7.0.0/24')
    assert run(other)['changed'] is True                  # a neighbour rule of ours
    steps = [
        ('create', base),
        ('source', dict(base, source='10.0.0.0/16')),
        ('out_interface', dict(base, source='10.0.0.0/16', out_interface='qg1')),
        ('action', dict(base, action='snat', to_source='192.0.2.1')),
        ('to_source', dict(base, action='snat', to_source='192.0.2.2')),
        ('back to masquerade', base),
    ]
    for name, args in steps:
        before = dump(ns)
        res = run(args, check=True)
        assert res['changed'] is True and len(res['commands']) == 1, name
        assert dump(ns) == before, 'check mode wrote something at step %s' % name
        assert run(args)['changed'] is True, name
        assert run(args)['changed'] is False, name
        mine = [l for l in ours(ns, backend) if 'ovl:blue' in l]
        assert len(mine) == 1 and args['source'] in mine[0] and args['out_interface'] in mine[0], mine
        assert ('192.0.2' in mine[0]) == (args.get('action') == 'snat')
        assert any('ovl:other' in l and '10.7.0.0/24' in l for l in ours(ns, backend)), name
        foreign_intact(ns)
    before = dump(ns)
    absent = dict(id='blue', netns=ns, backend=backend, state='absent')
    assert run(absent, check=True)['changed'] is True
    assert dump(ns) == before
    assert run(absent)['changed'] is True
    assert run(absent)['changed'] is False
    assert not any('ovl:blue' in l for l in ours(ns, backend))
    assert any('ovl:other' in l for l in ours(ns, backend))
    foreign_intact(ns)


@pytest.mark.parametrize('backend', ['iptables', 'nft'])
def test_snat_and_nat_state_share_the_chain(make_netns, backend):
    """A per-rule call is an aggregate call with one entry: nat_state sees it as set."""
    ns = make_netns('tsnat')
    args = dict(id='blue', netns=ns, backend=backend, source='10.0.0.0/24', out_interface='qg0')
    run(args)
    res = run_module(nat_state, dict(backend=backend, prune=True, namespaces=[dict(
        netns=ns, snat=[dict(id='blue', source='10.0.0.0/24', out_interface='qg0')])]))
    assert res['changed'] is False, res


def test_snat_bad_netns_fails_with_message(make_netns):
    res = run_module(snat, dict(id='x', netns='tnat-does-not-exist', source='10.0.0.0/24',
                                out_interface='qg0'))
    assert res['failed'] and 'iptables-save' in res['msg'] and 'rc=' in res['msg']
