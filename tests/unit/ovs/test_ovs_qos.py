"""ovl.ovs.qos: a port's shape (the rate limit to the device behind it) as
QoS linux-htb + Queue 0 rows in the host's one transaction (issue 25)."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.ovs.qos import normalize_shape, plan_shapes as _plan


def plan_shapes(*args, **kwargs):
    """(sub-commands, before, after, warnings); the second transaction is
    checked by its own test."""
    cmds, post, before, after, warnings = _plan(*args, **kwargs)
    assert post == []
    return cmds, before, after, warnings

OURS = {'ovl-owner': 'ovl'}
SHAPE = dict(max_kbps=10000, burst_kbit=8000)


def state(qos=None, ports=None, ids=OURS, rate='10000000', burst='8000000'):
    """Port ove1 with QoS q1 (queue u1) when *qos*; more *ports* {name: qos}."""
    ports = dict(ports or {})
    ports.setdefault('ove1', qos)
    return {'ports': dict((n, {'qos': q}) for n, q in ports.items()),
            'qos': {'q1': {'type': 'linux-htb', 'other_config': {'max-rate': rate},
                           'queues': {0: 'u1'}, 'external_ids': dict(ids)}} if qos else {},
            'queues': {'u1': {'other_config': {'max-rate': rate, 'burst': burst},
                              'external_ids': dict(ids)}} if qos else {}}


def test_a_shape_is_a_new_htb_qos_with_one_queue_on_the_port():
    cmds, before, after, warnings = plan_shapes({'ove1': SHAPE}, state(), 'ovl')
    assert cmds == [
        ['set', 'Port', 'ove1', 'qos=@ovlq0'],
        ['--id=@ovlq0', 'create', 'QoS', 'type=linux-htb', 'other_config:max-rate=10000000',
         'queues:0=@ovlu0', 'external_ids:ovl-owner=ovl'],
        ['--id=@ovlu0', 'create', 'Queue', 'other_config:max-rate=10000000',
         'other_config:burst=8000000', 'external_ids:ovl-owner=ovl']]
    assert (before, after, warnings) == ({'ove1': None}, {'ove1': SHAPE}, [])


def test_the_same_shape_is_nothing_to_do():
    assert plan_shapes({'ove1': SHAPE}, state('q1'), 'ovl') == ([], {'ove1': SHAPE},
                                                               {'ove1': SHAPE}, [])


def test_a_changed_shape_replaces_the_rows_and_destroys_the_old():
    cmds, before, after, _ = plan_shapes({'ove1': dict(SHAPE, max_kbps=20000)}, state('q1'), 'ovl')
    assert cmds[0] == ['set', 'Port', 'ove1', 'qos=@ovlq0']
    assert cmds[-2:] == [['destroy', 'QoS', 'q1'], ['destroy', 'Queue', 'u1']]
    assert before['ove1'] == SHAPE and after['ove1']['max_kbps'] == 20000


def test_no_shape_clears_ours_and_destroys_it():
    cmds, before, after, _ = plan_shapes({'ove1': None}, state('q1'), 'ovl')
    assert cmds == [['clear', 'Port', 'ove1', 'qos'], ['destroy', 'QoS', 'q1'],
                    ['destroy', 'Queue', 'u1']]
    assert (before, after) == ({'ove1': SHAPE}, {'ove1': None})


def test_a_port_without_qos_and_without_shape_is_not_in_the_views():
    assert plan_shapes({'ove1': None}, state(), 'ovl') == ([], {}, {}, [])


def test_someone_elses_qos_is_never_touched_and_said():
    cmds, _, _, warnings = plan_shapes({'ove1': SHAPE}, state('q1', ids={}), 'ovl')
    assert cmds == []
    assert 'did not make' in warnings[0] and 'ove1' in warnings[0]
    assert plan_shapes({'ove1': None}, state('q1', ids={}), 'ovl')[0] == []


def test_the_rows_of_a_port_deleted_in_the_transaction_go_in_a_second_one():
    """OVSDB refuses to destroy a QoS in the transaction that deletes the port
    referring to it, even with the reference cleared first (found on the lab)."""
    cmds, post, _, _, _ = _plan({}, state('q1'), 'ovl', gone={'ove1'}, deleted={'ove1'})
    assert cmds == []
    assert post == [['destroy', 'QoS', 'q1'], ['destroy', 'Queue', 'u1']]


def test_a_port_deleted_before_the_transaction_leaves_its_rows_to_be_destroyed():
    cmds, _, _, _ = plan_shapes({}, state('q1'), 'ovl', gone={'ove1'})
    assert cmds == [['destroy', 'QoS', 'q1'], ['destroy', 'Queue', 'u1']]


def test_the_qos_of_a_port_not_listed_stays():
    assert plan_shapes({'ove2': None}, state('q1', ports={'ove2': None}), 'ovl')[0] == []


def test_a_reopened_port_gets_new_rows():
    cmds, _, _, _ = plan_shapes({'ove1': SHAPE}, state('q1'), 'ovl', gone={'ove1'})
    assert cmds[0] == ['set', 'Port', 'ove1', 'qos=@ovlq0']
    assert ['destroy', 'QoS', 'q1'] in cmds


def test_rows_changed_by_hand_are_made_again():
    cmds = plan_shapes({'ove1': SHAPE}, state('q1', burst='1000000'), 'ovl')[0]
    assert cmds[0] == ['set', 'Port', 'ove1', 'qos=@ovlq0']


@pytest.mark.parametrize('value', [dict(SHAPE, max_kbps=0), dict(SHAPE, burst_kbit='8'),
                                   dict(SHAPE, max_kbps=True)])
def test_bad_shapes_are_refused_naming_the_field(value):
    with pytest.raises(InputError) as err:
        normalize_shape(value, 'ports[2].shape.')
    assert 'ports[2].shape.' in str(err.value)
