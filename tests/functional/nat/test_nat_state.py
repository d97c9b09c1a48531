"""nat_state against real iptables / nftables, inside namespaces made here.

Every step also proves that a foreign rule and a foreign chain (made by the
test, outside the modules) survive untouched."""
import os

import pytest

import nat_state
from fixtures.netns import sh
from modrun import run_module

BACKENDS = ['iptables', 'iptables-legacy', 'nft']


@pytest.fixture
def variant(tmp_path, monkeypatch):
    """backend name -> module backend; 'iptables-legacy' puts the legacy
    iptables binaries first on PATH (for the modules and for this test)."""
    def _use(backend):
        if backend != 'iptables-legacy':
            return backend
        for name in ('iptables', 'iptables-save', 'iptables-restore'):
            os.symlink('/usr/sbin/%s' % name.replace('iptables', 'iptables-legacy', 1),
                       str(tmp_path / name))
        monkeypatch.setenv('PATH', '%s:%s' % (tmp_path, os.environ.get('PATH', '')))
        return 'iptables'
    return _use


def dump(ns):
    """The namespace's whole ruleset, as text, without timestamp comments."""
    ipt = [l for l in sh('iptables-save', ns=ns).splitlines() if not l.startswith('#')]
    return '\n'.join(ipt) + '\n' + sh('nft', 'list', 'ruleset', ns=ns)


def add_foreign(ns):
    sh('iptables', '-t', 'nat', '-N', 'FOREIGN', ns=ns)
    sh('iptables', '-t', 'nat', '-A', 'FOREIGN', '-s', '172.16.0.0/12', '-j', 'RETURN', ns=ns)
    sh('iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '172.16.0.0/12', '-o', 'eth9',
       '-m', 'comment', '--comment', 'someone else', '-j', 'MASQUERADE', ns=ns)
    sh('iptables', '-t', 'filter', '-A', 'FORWARD', '-s', '192.168.9.0/24', '-j', 'ACCEPT', ns=ns)
    sh('nft', 'add', 'table', 'ip', 'foreign', ns=ns)
    sh('nft', 'add', 'chain', 'ip', 'foreign', 'post',
       '{ type nat hook postrouting priority 110; policy accept; }', ns=ns)
    sh('nft', 'add', 'rule', 'ip', 'foreign', 'post', 'ip', 'saddr', '172.16.0.0/12',
       'masquerade', 'comment', '"foreign"', ns=ns)


def foreign_intact(ns):
    nat = sh('iptables-save', '-t', 'nat', ns=ns)
    filt = sh('iptables-save', '-t', 'filter', ns=ns)
    assert ':FOREIGN - [0:0]' in nat
    assert '-A FOREIGN -s 172.16.0.0/12 -j RETURN' in nat
    assert '-A POSTROUTING -s 172.16.0.0/12 -o eth9 -m comment --comment "someone else" -j MASQUERADE' in nat
    assert '-A FORWARD -s 192.168.9.0/24 -j ACCEPT' in filt
    assert 'ip saddr 172.16.0.0/12 masquerade comment "foreign"' in sh(
        'nft', 'list', 'table', 'ip', 'foreign', ns=ns)


def ours(ns, backend):
    """Our rules only, in order."""
    if backend == 'iptables':
        return [l for l in sh('iptables-save', ns=ns).splitlines()
                if l.startswith(('-A OVL-', '-A POSTROUTING -m comment --comment ovl ',
                                 '-A FORWARD -m comment --comment ovl '))]
    text = sh('nft', 'list', 'table', 'ip', 'ovl', check=False, ns=ns)
    return [l.strip() for l in text.splitlines() if 'comment "ovl:' in l]


def run(ns, backend, snat, block=(), prune=True, check=False):
    args = dict(backend=backend, prune=prune,
                namespaces=[dict(netns=ns, snat=list(snat), block_inbound=list(block))])
    res = run_module(nat_state, args, check_mode=check, diff=True)
    assert not res['failed'], res.get('msg')
    return res


BLUE = dict(id='blue', source='10.0.0.0/24', out_interface='qg0')
RED = dict(id='red', source='10.5.0.0/16', out_interface='qg0', action='snat', to_source='192.0.2.5')


@pytest.mark.parametrize('backend', BACKENDS)
def test_nat_state_lifecycle(make_netns, variant, backend):
    legacy, backend = backend == 'iptables-legacy', variant(backend)
    ns = make_netns('tnat')
    add_foreign(ns)
    steps = [
        ('create', [BLUE], [dict(in_interface='qg0')]),
        ('source', [dict(BLUE, source='10.0.0.0/16')], [dict(in_interface='qg0')]),
        ('out_interface', [dict(BLUE, source='10.0.0.0/16', out_interface='qg1')], [dict(in_interface='qg0')]),
        ('action snat', [dict(BLUE, action='snat', to_source='192.0.2.1')], [dict(in_interface='qg0')]),
        ('to_source', [dict(BLUE, action='snat', to_source='192.0.2.2')], [dict(in_interface='qg0')]),
        ('add entry', [dict(BLUE, action='snat', to_source='192.0.2.2'), RED], [dict(in_interface='qg0')]),
        ('block iface', [BLUE, RED], [dict(in_interface='qg9')]),
        ('reorder', [RED, BLUE], [dict(in_interface='qg9')]),
        ('prune one', [RED], []),
    ]
    for name, snat, block in steps:
        before = dump(ns)
        res = run(ns, backend, snat, block, check=True)
        assert res['changed'] is True, name
        assert dump(ns) == before, 'check mode wrote something at step %s' % name
        res = run(ns, backend, snat, block)
        assert res['changed'] is True, name
        assert res['diff']['before'] != res['diff']['after']
        assert len(res['commands']) == 1
        again = run(ns, backend, snat, block)
        assert again['changed'] is False and again['commands'] == [], name
        rules = ours(ns, backend)
        for i, item in enumerate(snat):
            assert any('ovl:%s' % item['id'] in l and item['source'] in l and item['out_interface'] in l
                       for l in rules), (name, rules)
        assert sum('ovl:in-' in l for l in rules) == 2 * len(block), (name, rules)
        assert [l for l in rules if 'ovl:red' in l or 'ovl:blue' in l] == sorted(
            [l for l in rules if 'ovl:red' in l or 'ovl:blue' in l],
            key=lambda l: [i['id'] for i in snat].index(l.split('ovl:')[1].split('"')[0]))
        foreign_intact(ns)
    if legacy:   # the modules really used the binaries first on PATH
        assert 'ovl:red' in sh('/usr/sbin/iptables-legacy-save', ns=ns)
        assert 'ovl:red' not in sh('/usr/sbin/iptables-nft-save', ns=ns)
    # prune everything: our chains are empty, foreign things remain
    run(ns, backend, [], [])
    assert [l for l in ours(ns, backend) if 'ovl:' in l] == []
    assert run(ns, backend, [], [])['changed'] is False
    foreign_intact(ns)


@pytest.mark.parametrize('backend', BACKENDS)
def test_nat_state_without_prune_keeps_unlisted(make_netns, variant, backend):
    backend = variant(backend)
    ns = make_netns('tnat')
    run(ns, backend, [BLUE, RED])
    res = run(ns, backend, [dict(BLUE, source='10.9.0.0/24')], prune=False)
    assert res['changed'] is True
    rules = ours(ns, backend)
    assert any('ovl:red' in l for l in rules) and any('10.9.0.0/24' in l for l in rules)
    assert run(ns, backend, [dict(BLUE, source='10.9.0.0/24')], prune=False)['changed'] is False


def test_nat_state_host_and_namespace_in_one_call_reads_each_once(make_netns):
    a, b = make_netns('tnat'), make_netns('tnat')
    res = run_module(nat_state, dict(prune=True, namespaces=[
        dict(netns=a, snat=[BLUE]), dict(netns=b, block_inbound=[dict(in_interface='qg0')])]))
    assert res['changed'] and len(res['commands']) == 2
    assert sum(arg[-1] == 'iptables-save' for arg in res['_argv']) == 2
    assert 'ovl:blue' in sh('iptables-save', '-t', 'nat', ns=a)
    assert 'OVL-POSTROUTING' not in sh('iptables-save', ns=b)
    assert 'ovl:in-qg0' in sh('iptables-save', '-t', 'filter', ns=b)


@pytest.mark.parametrize('backend', ['iptables', 'nft'])
def test_missing_namespace_planned_in_check_mode_and_named_in_a_real_run(backend):
    """Reads run inside the namespace with setns: a namespace that does not
    exist is planned as empty in check mode (the role creates it first) and
    a real run fails with one line naming it, having written nothing."""
    args = dict(backend=backend, namespaces=[dict(netns='ovr-nonexistent-x', snat=[BLUE])])
    check = run_module(nat_state, args, check_mode=True)
    assert not check['failed'], check['msg']
    assert check['changed'] and check['commands']
    real = run_module(nat_state, args)
    assert real['failed'], real
    assert 'Cannot open network namespace "ovr-nonexistent-x"' in real['msg']
    assert real['_argv'] == []   # setns failed first: no process was started


def test_read_sees_the_namespaces_own_rules(make_netns):
    """The read is started inside the namespace (setns): the rule written
    there is seen (read in the host's namespace it would be missing and the
    run would change something)."""
    ns = make_netns('tnat')
    run(ns, 'iptables', [BLUE])
    res = run_module(nat_state, dict(namespaces=[dict(netns=ns, snat=[BLUE])]))
    assert res['changed'] is False and res['commands'] == []
