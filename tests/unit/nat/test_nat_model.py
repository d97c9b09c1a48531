"""nat_model: input validation and normalisation (tables, no mocks)."""
import pytest

from ansible.module_utils.ovl.nat.model import (
    FORWARD, INPUT, SNAT, namespace_want, snat_rule, state_want)
from ansible.module_utils.ovl.core.validate import InputError

GOOD = dict(id='blue', source='10.0.0.0/24', out_interface='qg0')


@pytest.mark.parametrize('item, expected', [
    (GOOD, ('ovl:blue', (('saddr', '10.0.0.0/24'), ('oifname', 'qg0'), ('masquerade',)))),
    (dict(GOOD, source='10.1.0.5'), ('ovl:blue', (('saddr', '10.1.0.5/32'), ('oifname', 'qg0'), ('masquerade',)))),
    (dict(GOOD, action='snat', to_source='192.0.2.1'),
     ('ovl:blue', (('saddr', '10.0.0.0/24'), ('oifname', 'qg0'), ('snat', '192.0.2.1')))),
    (dict(GOOD, action='masquerade', to_source=None),
     ('ovl:blue', (('saddr', '10.0.0.0/24'), ('oifname', 'qg0'), ('masquerade',)))),
])
def test_snat_rule_normalises(item, expected):
    assert snat_rule(item) == expected


@pytest.mark.parametrize('item, field, text', [
    (dict(GOOD, source='10.0.0.1/24'), 'source', 'did you mean 10.0.0.0/24'),
    (dict(GOOD, source='10.0.0.0/33'), 'source', 'not a network'),
    (dict(GOOD, source='fd00::/64'), 'source', 'not an IPv4 network'),
    (dict(GOOD, out_interface='way-too-long-name0'), 'out_interface', 'longer than 15'),
    (dict(GOOD, out_interface='eth 0'), 'out_interface', 'characters outside'),
    (dict(GOOD, to_source='192.0.2.1'), 'to_source', 'only allowed with action: snat'),
    (dict(GOOD, action='snat'), 'to_source', 'required with action: snat'),
    (dict(GOOD, action='snat', to_source='192.0.2.300'), 'to_source', 'not an IP address'),
    (dict(GOOD, action='snat', to_source='fd00::1'), 'to_source', 'not an IPv4 address'),
    (dict(GOOD, action='dnat'), 'action', 'not one of'),
    (dict(GOOD, id='has space'), 'id', 'not a rule id'),
])
def test_snat_rule_rejects(item, field, text):
    with pytest.raises(InputError) as err:
        snat_rule(item, 'namespaces[0].snat[2]')
    assert err.value.field == 'namespaces[0].snat[2].' + field
    assert text in str(err.value)
    assert str(err.value).startswith('namespaces[0].snat[2].%s: ' % field)


def test_state_want_builds_entries_in_order():
    wants = state_want([
        dict(netns='ovr-blue', snat=[GOOD, dict(GOOD, id='b2', source='10.9.0.0/16')],
             block_inbound=[dict(in_interface='qg0')]),
        dict(netns=None, snat=[dict(GOOD, id='up', out_interface='eth0')]),
    ], owner='ovl', prune=True)
    assert [w['netns'] for w in wants] == ['ovr-blue', None]
    blue = wants[0]
    assert blue['prune'] is True
    assert [c for c, _ in blue['entries'][SNAT]] == ['ovl:blue', 'ovl:b2']
    (comment, rules), = blue['entries'][FORWARD]
    assert comment == 'ovl:in-qg0'
    assert rules == [
        ('ovl:in-qg0', (('iifname', 'qg0'), ('ctstate', 'established,related'), ('return',))),
        ('ovl:in-qg0', (('iifname', 'qg0'), ('ctstate', 'invalid,new'), ('drop',))),
    ]
    assert blue['entries'][INPUT] == []          # local not asked: forwarded connections only


def test_block_inbound_local_guards_the_namespace_itself():
    want, = state_want([dict(netns='ovr-blue', block_inbound=[dict(in_interface='qg0', local=True)])])
    assert want['entries'][INPUT] == want['entries'][FORWARD]
    (comment, rules), = want['entries'][INPUT]
    assert comment == 'ovl:in-qg0'
    assert [terms[-1] for _c, terms in rules] == [('return',), ('drop',)]


@pytest.mark.parametrize('namespaces, owner, field, text', [
    ([dict(netns='a'), dict(netns='a')], 'ovl', 'namespaces[1].netns', 'listed twice'),
    ([dict(), dict(netns=None)], 'ovl', 'namespaces[1].netns', 'listed twice'),
    ([dict(netns='bad/ns')], 'ovl', 'namespaces[0].netns', 'not a namespace name'),
    ([dict(snat=[GOOD, GOOD])], 'ovl', 'namespaces[0].snat[1].id', 'used twice'),
    ([dict(block_inbound=[dict(in_interface='a b')])], 'ovl',
     'namespaces[0].block_inbound[0].in_interface', 'characters outside'),
    ([dict()], 'o v l', 'owner', 'not an owner'),
    ([dict(block_inbound=[dict(in_interface='qg0', local='yes')])], 'ovl',
     'namespaces[0].block_inbound[0].local', 'not a boolean'),
])
def test_state_want_rejects(namespaces, owner, field, text):
    with pytest.raises(InputError) as err:
        state_want(namespaces, owner)
    assert err.value.field == field
    assert text in str(err.value)


@pytest.mark.parametrize('item,field,words', [
    (dict(id='a', destination='x', to='10.0.0.1'), 'dnat[0].destination', 'x'),
    (dict(id='a', destination='10.0.0.1', port=80, to='10.0.0.2'), 'dnat[0].port', 'protocol'),
    (dict(id='a', destination='10.0.0.1', protocol='sctp', to='10.0.0.2'), 'dnat[0].protocol', 'sctp'),
    (dict(id='a', destination='10.0.0.1', to='10.0.0.2:99'), 'dnat[0].to', 'protocol'),
    (dict(id='a', destination='10.0.0.1', protocol='tcp', to='10.0.0.2:0'), 'dnat[0].to', 'ADDRESS:PORT'),
    (dict(id='a', destination='10.0.0.1', to='fe80::1'), 'dnat[0].to', 'IPv4'),
    (dict(id='a', destination='10.0.0.1', to='10.0.0.2', out_interface='eth0'),
     'dnat[0].out_interface', 'eth0'),
])
def test_dnat_entry_refusals_name_field_and_value(item, field, words):
    with pytest.raises(InputError) as err:
        namespace_want(dict(netns=None, dnat=[item]), 'ns')
    assert field in str(err.value) and words in str(err.value)


def test_forward_dnat_comes_before_the_blocks_and_local_dnat_in_output():
    want = namespace_want(dict(
        netns='r', block_inbound=[dict(in_interface='qg0')],
        forward_dnat=[dict(id='p', destination='10.0.0.5', protocol='tcp', port=80)],
        dnat=[dict(id='f', destination='192.0.2.5', to='169.254.128.5', local=True),
              dict(id='g', destination='192.0.2.6', to='169.254.128.6')]), 'ns')
    assert [c for c, _r in want['entries']['forward']] == ['ovl:p', 'ovl:in-qg0']
    assert [c for c, _r in want['entries']['dnat']] == ['ovl:f', 'ovl:g']
    assert [c for c, _r in want['entries']['dnat_local']] == ['ovl:f']
    (_c, terms), = want['entries']['forward'][0][1]
    assert ('ctstate', 'dnat') in terms and terms[-1] == ('accept',)
