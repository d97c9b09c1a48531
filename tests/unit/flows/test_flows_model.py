"""ovs_flows_model: validation with field paths, cookie layout, identity."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.flows.model import (
    LEARNED, PROJECT, STATIC_MASK, cookie_of, cookie_spec, is_static, normalize_flows,
    referenced_ports)

F = dict(table=0, priority=1, match='in_port=p1', actions='resubmit(,2)')


@pytest.mark.parametrize('item, text', [
    (F, 'table=0,priority=1,in_port=p1,actions=resubmit(,2)'),
    (dict(actions='drop'), 'table=0,priority=32768,actions=drop'),
    (dict(table='22', priority='0', match=' ', actions=' drop '), 'table=22,priority=0,actions=drop'),
    (dict(table=10, priority=1, actions='learn(table=20,priority=1,cookie=0x1,NXM_OF_ETH_DST[]),output:1'),
     'table=10,priority=1,actions=learn(table=20,priority=1,cookie=0x1,NXM_OF_ETH_DST[]),output:1'),
])
def test_normalize_text(item, text):
    assert normalize_flows([item])[0]['text'] == text


@pytest.mark.parametrize('item, message', [
    (dict(F, table=255), 'flows[0].table: 255 is not an integer 0-254'),
    (dict(F, table=True), 'flows[0].table: True is not an integer'),
    (dict(F, priority=70000), 'flows[0].priority: 70000'),
    (dict(F, actions=''), 'flows[0].actions'),
    (dict(F, actions='drop\nadd x'), 'contains a line break'),
    (dict(F, match='cookie=0x1,in_port=1'), 'the cookie is the project'),
    (dict(F, match='in_port=1, priority=3'), 'flows[0].match'),
    (dict(F, bogus=1), 'unknown keys'),
    ('in_port=1 actions=drop', 'is not a mapping'),
])
def test_normalize_errors(item, message):
    with pytest.raises(InputError) as err:
        normalize_flows([item])
    assert message in str(err.value)


def test_duplicate_identity_is_an_error_whatever_the_match_order():
    a = dict(table=0, priority=1, match='ip,in_port=1', actions='drop')
    b = dict(table=0, priority=1, match='in_port=1,ip', actions='resubmit(,2)')
    with pytest.raises(InputError) as err:
        normalize_flows([a, b])
    assert 'flows[1]' in str(err.value) and 'flows[0]' in str(err.value)


def test_cookie_layout_and_stability():
    flow = normalize_flows([F])[0]
    cookie = cookie_of(flow, {'p1': 1, 'p2': 2})
    assert cookie & STATIC_MASK == PROJECT and is_static(cookie) and not is_static(LEARNED)
    assert cookie == cookie_of(flow, {'p1': 1, 'p2': 99})     # p2 is not named
    assert cookie != cookie_of(flow, {'p1': 7, 'p2': 2})      # p1 renumbered
    other = normalize_flows([dict(F, actions='drop')])[0]
    assert cookie_of(other, {'p1': 1}) != cookie


@pytest.mark.parametrize('text, expected', [
    ('table=0,priority=1,in_port=vxf-a8fd0c,actions=resubmit(,4)', {'vxf-a8fd0c': 3}),
    ('table=22,priority=1,dl_vlan=1,actions=strip_vlan,output:ovp-int,output:vxf-a8fd0c',
     {'ovp-int': 1, 'vxf-a8fd0c': 3}),
    ('table=0,priority=0,actions=drop', {}),
    ('table=0,priority=1,in_port=ovp-int2,actions=drop', {}),   # no partial names
])
def test_referenced_ports(text, expected):
    assert referenced_ports(text, {'ovp-int': 1, 'br-tun': 65534, 'vxf-a8fd0c': 3}) == expected


def test_cookie_spec():
    assert cookie_spec(PROJECT, STATIC_MASK) == 'cookie=0x0f1c000000000000/0xffff800000000000'
