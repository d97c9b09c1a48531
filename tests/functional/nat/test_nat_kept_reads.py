"""Kept NAT reads (ovl.nat.generation) on real namespaces: the nf_tables
generation moves with every change, by anyone; a no-change run after a kept
read starts no read process; a rule changed by hand is read and repaired;
the legacy iptables (no generation) always reads."""
import os

import pytest

import nat_state
from ansible.module_utils.ovl.core.netns import entered
from ansible.module_utils.ovl.nat import generation
from fixtures.netns import sh
from modrun import run_module


def now_in(ns):
    with entered(ns):
        return generation.current()


def test_generation_moves_with_every_change_by_anyone(make_netns):
    a, b = make_netns('tkg'), make_netns('tkg')
    first = now_in(a)
    assert first is not None and now_in(b)[0] != first[0]          # cookies differ
    assert now_in(a) == first                                       # reading changes nothing
    sh('iptables', '-t', 'nat', '-N', 'X', ns=a)
    second = now_in(a)
    assert second[0] == first[0] and second[1] != first[1]
    sh('nft', 'add', 'table', 'ip', 'other', ns=a)
    assert now_in(a)[1] != second[1]
    assert now_in(b) is not None and now_in(b)[1] == now_in(b)[1]


def reads(result):
    return [a for a in result['_argv'] if os.path.basename(a[-1]) in ('iptables-save', 'nft')
            or 'iptables-save' in a or ('nft' in a and '-j' in a)]


@pytest.mark.parametrize('backend', ['iptables', 'nft'])
def test_a_kept_read_saves_the_process_and_a_hand_change_is_still_repaired(make_netns, tmp_path,
                                                                           backend):
    ns = make_netns('tkr')
    keep = str(tmp_path / 'reads.json')
    args = dict(backend=backend, prune=True, keep_reads=keep, namespaces=[dict(
        netns=ns, snat=[dict(id='blue', source='10.0.0.0/24', out_interface='qg0')],
        block_inbound=[dict(in_interface='qg0')])])
    first = run_module(nat_state, args)
    assert first['changed'] and not first['failed'], first.get('msg')
    second = run_module(nat_state, args)                # the write moved the generation: read
    assert second['changed'] is False and len(reads(second)) == 1
    third = run_module(nat_state, args)                 # nothing moved since: no read at all
    assert third['changed'] is False and reads(third) == [] and third['_argv'] == []
    # a hand change (a foreign tool): the generation moves, the run reads and repairs
    if backend == 'iptables':
        sh('iptables', '-t', 'nat', '-F', 'OVL-POSTROUTING', ns=ns)
    else:
        sh('nft', 'flush', 'chain', 'ip', 'ovl', 'postrouting', ns=ns)
    fourth = run_module(nat_state, args)
    assert fourth['changed'] and len(reads(fourth)) == 1
    assert run_module(nat_state, args)['changed'] is False


def test_without_keep_reads_or_on_legacy_every_run_reads(make_netns, tmp_path, monkeypatch):
    ns = make_netns('tkl')
    args = dict(backend='iptables', prune=True, namespaces=[dict(
        netns=ns, snat=[dict(id='blue', source='10.0.0.0/24', out_interface='qg0')])])
    run_module(nat_state, args)
    for _ in range(2):
        assert len(reads(run_module(nat_state, args))) == 1     # no keep_reads: always read
    for name in ('iptables', 'iptables-save', 'iptables-restore'):
        os.symlink('/usr/sbin/%s' % name.replace('iptables', 'iptables-legacy', 1),
                   str(tmp_path / name))
    monkeypatch.setenv('PATH', '%s:%s' % (tmp_path, os.environ.get('PATH', '')))
    legacy = dict(args, keep_reads=str(tmp_path / 'reads.json'))
    run_module(nat_state, legacy)
    for _ in range(2):
        assert len(reads(run_module(nat_state, legacy))) == 1   # legacy: no generation
    assert not os.path.exists(str(tmp_path / 'reads.json'))
