"""ovs_flows module with run_command patched: exact argv, two reads, one
bundle write with stdin, zero writes in check mode, one-line errors."""
import pytest

import ovs_flows
from modrun import binary_name, run_module
from ansible.module_utils.ovl.flows.model import cookie_of, hexcookie, normalize_flows

PORTS_DESC = ' 1(vx): addr:aa\n 2(p1): addr:bb\n LOCAL(br-tun): addr:cc\n'
FLOWS = [dict(table=0, priority=1, match='in_port=p1', actions='resubmit(,2)'),
         dict(table=0, priority=0, actions='drop')]


def dumped(flows):
    lines = []
    for f in normalize_flows(flows):
        lines.append(' cookie=%s, table=%d, priority=%d%s actions=%s' % (
            hex(cookie_of(f, {'vx': 1, 'p1': 2})), f['table'], f['priority'],
            ',' + f['match'] if f['match'] else '', f['actions']))
    return '\n'.join(lines) + '\n'


def fake(current, ports_rc=0, ports_err='', write_rc=0, write_err=''):
    def _fake(argv, data):
        assert binary_name(argv) == 'ovs-ofctl', argv
        if 'dump-ports-desc' in argv:
            return ports_rc, PORTS_DESC if ports_rc == 0 else '', ports_err
        if 'dump-flows' in argv:
            return 0, current, ''
        return write_rc, '', write_err
    return _fake


def run(flows=FLOWS, current='', check=False, **kw):
    opts = dict((k, kw.pop(k)) for k in list(kw) if k in ('ports_rc', 'ports_err', 'write_rc',
                                                           'write_err'))
    args = dict(dict(bridge='br-tun', flows=flows, prune=True), **kw)
    return run_module(ovs_flows, args, check_mode=check, diff=True, fake=fake(current, **opts))


def writes(result):
    return [a for a in result['_argv'] if 'add-flows' in a]


def test_create_runs_one_bundle_with_stdin():
    result = run()
    assert result['changed'] and not result['failed']
    assert [a[1:] for a in result['_argv']] == [
        ['--timeout=10', '--no-names', 'dump-ports-desc', 'br-tun'],
        ['--timeout=10', '--no-names', '--no-stats', 'dump-flows', 'br-tun',
         'cookie=0x0f1c000000000000/0xffff800000000000'],
        ['--timeout=10', '--bundle', 'add-flows', 'br-tun', '-']]
    assert result['commands'] == [['ovs-ofctl', '--timeout=10', '--bundle', 'add-flows',
                                   'br-tun', '-']]
    assert result['_stdin'][-1] == ''.join(m + '\n' for m in result['flow_mods'])
    assert result['flow_mods'][1] == 'add cookie=%s,table=0,priority=1,in_port=p1,' \
        'actions=resubmit(,2)' % hexcookie(cookie_of(normalize_flows(FLOWS)[0],
                                                     {'vx': 1, 'p1': 2}))


def test_noop_is_two_reads():
    result = run(current=dumped(FLOWS))
    assert result['changed'] is False and result['commands'] == [] and writes(result) == []
    assert len(result['_argv']) == 2


def test_check_mode_writes_nothing():
    result = run(check=True)
    assert result['changed'] and result['commands'] and writes(result) == []


def test_check_mode_missing_bridge_reads_empty():
    result = run(check=True, ports_rc=1, ports_err='ovs-ofctl: br-tun is not a bridge or a socket')
    assert result['changed'] and not result['failed'] and len(result['_argv']) == 1


def test_missing_bridge_fails_with_hint():
    result = run(ports_rc=1, ports_err='ovs-ofctl: br-tun is not a bridge or a socket')
    assert result['failed'] and 'create the bridge first' in result['msg']
    assert writes(result) == []


def test_write_error_is_one_line():
    result = run(write_rc=1, write_err='Error OFPBAC_BAD_OUT_PORT for: ...\nmore')
    assert result['failed'] and result['msg'].endswith('Error OFPBAC_BAD_OUT_PORT for: ...')


def test_target_option():
    result = run(target='unix:/tmp/x/br-tun.mgmt')
    assert all('unix:/tmp/x/br-tun.mgmt' in a for a in result['_argv'])


@pytest.mark.parametrize('flows, message', [
    ([dict(table=300, actions='drop')], 'flows[0].table'),
    ([dict(match='cookie=1', actions='drop')], 'flows[0].match'),
])
def test_invalid_input_fails_before_any_write(flows, message):
    result = run(flows=flows)
    assert result['failed'] and message in result['msg'] and writes(result) == []
