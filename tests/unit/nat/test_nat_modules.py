"""snat and nat_state modules in-process with a fake run_command: exact argv
and stdin, zero writes in check mode, bad input rejected before any command."""
import pytest

import nat_state
import snat
from modrun import binary_name, run_module

from test_nat_samples import IPT_OURS, NFT_EMPTY, NFT_OURS

class Machine:
    """Answers reads with canned output and records writes."""

    def __init__(self, ipt='', nft=NFT_EMPTY, fail_write=False):
        self.ipt, self.nft, self.fail_write = ipt, nft, fail_write
        self.writes = []

    def __call__(self, argv, data):
        name = binary_name(argv)
        if name == 'iptables-save':
            return 0, self.ipt, ''
        if name == 'nft' and argv[-3:] == ['-j', 'list', 'ruleset']:
            return 0, self.nft, ''
        self.writes.append((argv, data))
        if self.fail_write:
            return 2, '', 'iptables-restore: line 3 failed\n'
        return 0, '', ''


BLUE = dict(id='blue', source='10.0.0.0/24', out_interface='qg0', netns='ovr-blue')
NEW_BLUE = ('*nat\n:OVL-POSTROUTING - [0:0]\n'
            '-A OVL-POSTROUTING -s 10.0.0.0/24 -o qg0 -m comment --comment ovl:blue -j MASQUERADE\n'
            '-I POSTROUTING 1 -m comment --comment ovl -j OVL-POSTROUTING\nCOMMIT\n')


def _tail(argv):
    """argv without the resolved path of the first binary."""
    return [binary_name(argv)] + argv[1:] if not argv[0].endswith('/ip') else ['ip'] + argv[1:]


def test_snat_creates_with_one_read_and_one_restore():
    m = Machine()
    res = run_module(snat, BLUE, diff=True, fake=m)
    assert res['changed'] is True and not res['failed']
    assert [_tail(a) for a in res['_argv']] == [
        ['ip', 'netns', 'exec', 'ovr-blue', 'iptables-save'],
        ['ip', 'netns', 'exec', 'ovr-blue', 'iptables-restore', '--noflush']]
    assert res['_stdin'][1].rstrip('\n') == NEW_BLUE.rstrip('\n')
    assert res['commands'] == [['ip', 'netns', 'exec', 'ovr-blue', 'iptables-restore', '--noflush']]
    assert res['restore_input'] == [dict(netns='ovr-blue', stdin=NEW_BLUE)]
    assert 'ovl:blue' in res['diff']['after'] and 'ovl:blue' not in res['diff']['before']


@pytest.mark.parametrize('module, args', [
    (snat, BLUE),
    (snat, dict(BLUE, backend='nft')),
    (snat, dict(id='x', state='absent', netns='ovr-blue')),
    (nat_state, dict(prune=True, namespaces=[dict(netns='ovr-blue', snat=[dict(BLUE, id='n')])])),
    (nat_state, dict(backend='nft', prune=True, namespaces=[dict(netns=None, block_inbound=[dict(in_interface='qg0')])])),
])
@pytest.mark.parametrize('have', ['empty', 'ours'])
def test_check_mode_never_writes(module, args, have):
    m = Machine(ipt=IPT_OURS, nft=NFT_OURS) if have == 'ours' else Machine()
    args = dict(args)
    if module is nat_state:
        args['namespaces'] = [dict(ns) for ns in args['namespaces']]
        for ns in args['namespaces']:
            for rule in ns.get('snat', []):
                rule.pop('netns', None)
    res = run_module(module, args, check_mode=True, diff=True, fake=m)
    assert not res['failed'], res
    assert m.writes == []
    assert all(binary_name(a) in ('iptables-save', 'nft') for a in res['_argv'])
    assert len(res['_argv']) == 1                      # one read per namespace
    assert res['changed'] == bool(res['commands'])
    assert len(res['restore_input']) == len(res['commands'])
    if have == 'empty' and 'state' not in args:
        assert res['changed'] is True and res['restore_input'][0]['stdin']


def test_snat_idempotent_on_saved_form():
    m = Machine(ipt=IPT_OURS)
    res = run_module(snat, BLUE, fake=m)
    assert res['changed'] is False and res['commands'] == [] and m.writes == []


def test_snat_absent_removes_only_its_rule():
    m = Machine(ipt=IPT_OURS)
    res = run_module(snat, dict(id='blue', state='absent', netns='ovr-blue'), fake=m)
    assert res['changed'] is True
    (argv, data), = m.writes
    assert 'ovl:blue' not in data and '--comment ovl:x -j SNAT --to-source 1.2.3.4' in data


def test_snat_nft_backend_argv_and_stdin():
    m = Machine()
    res = run_module(snat, dict(BLUE, backend='nft', action='snat', to_source='192.0.2.7'), fake=m)
    assert [_tail(a) for a in res['_argv']] == [
        ['ip', 'netns', 'exec', 'ovr-blue', 'nft', '-j', 'list', 'ruleset'],
        ['ip', 'netns', 'exec', 'ovr-blue', 'nft', '-f', '-']]
    assert res['_stdin'][1].rstrip('\n') == (
        'add table ip ovl\n'
        'add chain ip ovl postrouting { type nat hook postrouting priority srcnat; policy accept; }\n'
        'add rule ip ovl postrouting ip saddr 10.0.0.0/24 oifname "qg0" snat to 192.0.2.7 comment "ovl:blue"')


def test_nat_state_one_read_and_one_write_per_namespace():
    m = Machine()
    res = run_module(nat_state, dict(prune=True, namespaces=[
        dict(netns='a', snat=[dict(id='a', source='10.0.0.0/24', out_interface='qg0')],
             block_inbound=[dict(in_interface='qg0')]),
        dict(snat=[dict(id='h', source='169.254.0.0/16', out_interface='eth0', action='snat',
                        to_source='192.0.2.1')])]), fake=m)
    assert [_tail(a) for a in res['_argv']] == [
        ['ip', 'netns', 'exec', 'a', 'iptables-save'], ['iptables-save'],
        ['ip', 'netns', 'exec', 'a', 'iptables-restore', '--noflush'], ['iptables-restore', '--noflush']]
    first = res['restore_input'][0]['stdin']
    assert first.count('COMMIT') == 2 and '*nat\n' in first and '*filter\n' in first
    assert res['restore_input'][1]['netns'] is None


def test_write_failure_is_one_line_message():
    res = run_module(snat, BLUE, fake=Machine(fail_write=True))
    assert res['failed'] and 'rc=2' in res['msg'] and 'line 3 failed' in res['msg']
    assert res['commands']


@pytest.mark.parametrize('module, args, text', [
    (snat, dict(BLUE, source='10.0.0.1/24'), "source: '10.0.0.1/24' has host bits set"),
    (snat, dict(BLUE, source='nonsense'), "source: 'nonsense' is not a network"),
    (snat, dict(BLUE, out_interface='qg0;reboot'), "out_interface: 'qg0;reboot' has characters"),
    (snat, dict(BLUE, to_source='1.2.3.4'), "to_source: '1.2.3.4' is only allowed with action: snat"),
    (snat, dict(BLUE, action='snat', to_source='1.2.3'), "to_source: '1.2.3' is not an IP address"),
    (snat, dict(BLUE, action='snat'), 'to_source: None is required with action: snat'),
    (snat, dict(BLUE, netns='bad ns'), "netns: 'bad ns' is not a namespace name"),
    (nat_state, dict(namespaces=[dict(snat=[dict(id='a', source='10.0.0.0/24', out_interface='e',
                                                 to_source='1.1.1.1')])]),
     "namespaces[0].snat[0].to_source: '1.1.1.1' is only allowed with action: snat"),
    (nat_state, dict(namespaces=[dict(block_inbound=[dict(in_interface='x' * 16)])]),
     'namespaces[0].block_inbound[0].in_interface'),
])
def test_bad_input_rejected_before_any_command(module, args, text):
    m = Machine()
    res = run_module(module, args, fake=m)
    assert res['failed'] and text in res['msg'], res['msg']
    assert res['_argv'] == [] and res['commands'] == []


def test_check_mode_plans_a_missing_namespace_as_empty():
    """The role creates router namespaces before NAT; a check run on a fresh
    host must plan them instead of failing on `ip netns exec`."""
    import nat_state
    from modrun import run_module as _run

    def never(argv, data):
        assert argv[:4] == ['/usr/sbin/ip', 'netns', 'exec', 'ovr-nonexistent-x'], argv
        assert data is None, 'check mode must not write'
        return 255, '', 'Cannot open network namespace "ovr-nonexistent-x": No such file\n'

    for backend in ('iptables', 'nft'):
        args = {'backend': backend, 'namespaces': [{
            'netns': 'ovr-nonexistent-x', 'snat': [{'id': 'blue', 'source': '10.0.0.0/24',
                                                    'out_interface': 'qg0'}]}]}
        result = _run(nat_state, args, check_mode=True, fake=never)
        assert not result['failed'], result['msg']
        assert result['changed'] and result['commands']
        assert len(result['_argv']) == 1
        real = _run(nat_state, args, fake=never)
        assert real['failed'] and 'Cannot open network namespace' in real['msg']
        assert len(real['_argv']) == 1   # the failed read is not run a second time
