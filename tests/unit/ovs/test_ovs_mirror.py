"""ovl.ovs.mirror: the project's Mirror rows planned into the host's one
transaction (issue 25)."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.ovs.mirror import normalize_mirror, plan_mirrors
from ansible.module_utils.ovl.ovs.state_driver import builder, without

WANT = dict(name='ovl-blue', bridge='br-int', ports=['ove2', 'ove1'], output='cap0')
OURS = {'ovl-owner': 'ovl'}


def row(name='ovl-blue', ports=('ove1', 'ove2'), output='cap0', ids=OURS, bridge='br-int'):
    return dict(name=name, bridge=bridge, select_src_port=list(ports),
                select_dst_port=list(ports), output_port=output, external_ids=dict(ids))


def test_a_new_mirror_is_created_with_its_ports_looked_up():
    cmds, before, after = plan_mirrors([normalize_mirror(WANT)], {'mirrors': {}}, 'ovl')
    assert cmds == [
        ['--id=@ovlm0p0', 'get', 'Port', 'cap0'],
        ['--id=@ovlm0p1', 'get', 'Port', 'ove1'],
        ['--id=@ovlm0p2', 'get', 'Port', 'ove2'],
        ['--id=@ovlm0', 'create', 'Mirror', 'name=ovl-blue', 'select_src_port=@ovlm0p1,@ovlm0p2',
         'select_dst_port=@ovlm0p1,@ovlm0p2', 'output_port=@ovlm0p0', 'external_ids:ovl-owner=ovl'],
        ['add', 'Bridge', 'br-int', 'mirrors', '@ovlm0']]
    assert before == {'ovl-blue': None}
    assert after == {'ovl-blue': dict(bridge='br-int', ports=['ove1', 'ove2'], output='cap0')}


def test_the_same_mirror_is_nothing_to_do():
    assert plan_mirrors([normalize_mirror(WANT)], {'mirrors': {'u1': row()}}, 'ovl')[0] == []


def test_changed_ports_are_set_in_place():
    cmds, _, _ = plan_mirrors([normalize_mirror(dict(WANT, ports=['ove1']))],
                              {'mirrors': {'u1': row()}}, 'ovl')
    assert cmds[-1] == ['set', 'Mirror', 'u1', 'select_src_port=@ovlm0p1',
                        'select_dst_port=@ovlm0p1', 'output_port=@ovlm0p0']


def test_prune_removes_ours_only_and_not_with_a_deleted_bridge():
    state = {'mirrors': {'u1': row(), 'u2': row('span', ids={}),
                         'u3': row('ovl-red', ids={'ovl-owner': 'team-b'}),
                         'u4': row('ovl-old', bridge='br-old')}}
    cmds, before, after = plan_mirrors([], state, 'ovl', prune=True, gone_bridges={'br-old'})
    assert cmds == [['remove', 'Bridge', 'br-int', 'mirrors', 'u1']]
    assert after == {'ovl-blue': None, 'ovl-old': None}
    assert plan_mirrors([], state, 'ovl', prune=False)[0] == []


@pytest.mark.parametrize('params, field', [
    (dict(WANT, ports=[]), 'ports'),
    (dict(WANT, output='bad name'), 'output'),
    (dict(WANT, ports=['ok', 'x' * 16]), 'ports[1]'),
])
def test_bad_mirrors_name_the_field(params, field):
    with pytest.raises(InputError) as err:
        normalize_mirror(params, 'mirrors[0].')
    assert err.value.field == 'mirrors[0].' + field


def test_the_builder_refuses_a_port_that_is_not_on_the_bridge():
    params = dict(bridges=[{'name': 'br-int'}], ports=[{'name': 'ove1', 'bridge': 'br-int'}],
                  mirrors=[dict(WANT, ports=['ove1'], output='cap9')], owner='ovl', prune=True,
                  reopen=[])
    with pytest.raises(ValueError) as err:
        builder(params)({'bridges': {}, 'ports': {}, 'mirrors': {}})
    assert str(err.value) == "mirrors[0]: port 'cap9' is not on bridge br-int (no such port)"


def test_a_reopened_port_leaves_the_mirror_and_is_selected_again():
    state = {'bridges': {'br-int': {'ports': ['ove1', 'ove2', 'cap0']}},
             'ports': dict((n, {'bridge': 'br-int'}) for n in ('ove1', 'ove2', 'cap0')),
             'mirrors': {'u1': row()}}
    gone = without(state, ['ove1'])
    assert gone['mirrors']['u1']['select_src_port'] == ['ove2']
    cmds, _, _ = plan_mirrors([normalize_mirror(WANT)], gone, 'ovl')
    assert cmds[-1][:3] == ['set', 'Mirror', 'u1']


def test_a_missing_mirror_is_a_drift_row():
    from ansible.module_utils.ovl.ovs.drift import drift
    rows = drift({'diff': {'before': {'mirrors': {'ovl-blue': None}},
                           'after': {'mirrors': {'ovl-blue': dict(bridge='br-int', ports=['ove1'],
                                                                  output='cap0')}}}})
    assert [(r['kind'], r['object'], r['state']) for r in rows] == [('mirror', 'ovl-blue',
                                                                     'missing')]
