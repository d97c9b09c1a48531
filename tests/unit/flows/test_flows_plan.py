"""ovs_flows_plan: deletes/flush/adds table; foreign and learned never named."""
import pytest

from ansible.module_utils.ovl.flows.model import cookie_of, hexcookie, normalize_flows
from ansible.module_utils.ovl.flows.plan import plan_flows

PORTS = {'p1': 1, 'vx': 2}
A, B, C = normalize_flows([
    dict(table=0, priority=1, match='in_port=p1', actions='resubmit(,2)'),
    dict(table=0, priority=0, actions='drop'),
    dict(table=22, priority=1, match='dl_vlan=1', actions='strip_vlan,set_tunnel:100,output:vx'),
])


def have(*flows, **cookies):
    out = [dict(cookie=cookie_of(f, PORTS), table=f['table'], priority=f['priority'],
                match=f['match'], actions=f['actions']) for f in flows]
    return out + [dict(cookie=c, table=0, priority=9, match='x', actions='drop')
                  for c in cookies.values()]


def add(f):
    return 'add cookie=%s,%s' % (hexcookie(cookie_of(f, PORTS)), f['text'])


def delete(f):
    return 'delete cookie=%s/-1' % hexcookie(cookie_of(f, PORTS))


FLUSH = 'delete cookie=0x0f1c800000000000/0xffff800000000000'


@pytest.mark.parametrize('want, current, prune, expected', [
    ([A, B], [], True, [FLUSH, add(A), add(B)]),
    ([A, B], have(A, B), True, []),
    ([A], have(A, B), True, [delete(B), FLUSH]),
    ([A], have(A, B), False, []),
    ([A, C], have(A, B), True, [delete(B), FLUSH, add(C)]),
    ([], have(foreign=0x1234, learned=0x0f1c800000000000), True, []),
    ([A], have(A, foreign=0x0f1d000000000001), True, []),
])
def test_plan(want, current, prune, expected):
    mods, _, _ = plan_flows(want, current, PORTS, prune)
    assert mods == expected


def test_renumbered_port_rewrites_only_flows_naming_it():
    mods, _, _ = plan_flows([A, B, C], have(A, B, C), dict(PORTS, vx=5))
    assert mods == [delete(C), FLUSH,
                    'add cookie=%s,%s' % (hexcookie(cookie_of(C, dict(PORTS, vx=5))), C['text'])]


def test_no_flush_when_asked():
    mods, _, _ = plan_flows([A], [], PORTS, flush_learned=False)
    assert mods == [add(A)]


def test_diff_views():
    _, before, after = plan_flows([A, C], have(A, B), PORTS)
    assert before == sorted([A['text'], 'table=0,priority=0,actions=drop'])
    assert after == sorted([A['text'], C['text']])
