"""Whole-host planning: prune only what is ours, keep foreign objects."""
from ansible.module_utils.ovl.ovs.read import parse_state
from ansible.module_utils.ovl.ovs.plan_host import plan_state, resolve_tenant_tags
from ovs_fake import vsctl_json

OURS = {'ovl-owner': 'ovl'}


def _state():
    return parse_state(vsctl_json(
        bridges={'br-int': {'datapath_type': 'netdev', 'external_ids': OURS},
                 'br-old': {'external_ids': OURS},
                 'br-mixed': {'external_ids': OURS},
                 'br-foreign': {}},
        ports={'keep': {'bridge': 'br-int', 'tag': 1, 'external_ids': dict(OURS, **{'ovl-tenant': 'blue'})},
               'gone': {'bridge': 'br-int', 'tag': 2, 'external_ids': dict(OURS, **{'ovl-tenant': 'red'})},
               'old1': {'bridge': 'br-old', 'external_ids': OURS},
               'alien': {'bridge': 'br-int', 'tag': 9},
               'alien2': {'bridge': 'br-mixed'},
               'alien3': {'bridge': 'br-foreign'}}))


def _want():
    bridges = [{'name': 'br-int', 'datapath_type': 'netdev', 'fail_mode': None, 'mtu': None,
                'other_config': {}, 'external_ids': {}}]
    ports = [{'name': 'keep', 'bridge': 'br-int', 'type': 'system', 'tenant': 'blue',
              'tag': None, 'trunks': [], 'vlan_mode': None, 'options': {}, 'mtu': None,
              'external_ids': {}}]
    return bridges, ports


def test_noop_when_state_matches_without_prune():
    bridges, ports = _want()
    resolved, tags = resolve_tenant_tags(ports, _state(), 'ovl')
    assert tags == {'blue': 1}
    cmds, _, _, warnings = plan_state(bridges, resolved, _state(), 'ovl', prune=False)
    assert cmds == [] and warnings == []


def test_prune_deletes_only_marked_objects():
    bridges, ports = _want()
    resolved, _ = resolve_tenant_tags(ports, _state(), 'ovl')
    cmds, before, after, warnings = plan_state(bridges, resolved, _state(), 'ovl', prune=True)
    assert ['del-port', 'br-int', 'gone'] in cmds
    assert ['del-br', 'br-old'] in cmds
    # old1 goes with its bridge: no separate del-port
    assert ['del-port', 'br-old', 'old1'] not in cmds
    flat = [c for c in cmds if 'alien' in ' '.join(c) or 'br-foreign' in c]
    assert flat == []
    assert not any(c[:2] == ['del-br', 'br-mixed'] for c in cmds)
    assert warnings == ['bridge br-mixed is ours but still holds ports alien2; kept']
    assert after['ports']['gone'] is None and before['ports']['gone']['tag'] == 2


def test_other_owner_is_foreign():
    bridges, ports = _want()
    resolved, _ = resolve_tenant_tags(ports, _state(), 'someone-else')
    cmds, _, _, _ = plan_state(bridges, resolved, _state(), 'someone-else', prune=True)
    assert not any(c[0] in ('del-port', 'del-br') for c in cmds)


WORKLOAD = dict(OURS, **{'ovl-tenant': 'blue', 'ovl-workload': 'docker'})


def _with_workloads():
    return parse_state(vsctl_json(
        bridges={'br-int': {'datapath_type': 'netdev', 'external_ids': OURS},
                 'br-old': {'external_ids': OURS}},
        ports={'keep': {'bridge': 'br-int', 'tag': 1, 'external_ids': dict(OURS, **{
                   'ovl-tenant': 'blue'})},
               'ovd1': {'bridge': 'br-int', 'tag': 1, 'external_ids': WORKLOAD},
               'ovd2': {'bridge': 'br-old', 'tag': 5, 'external_ids': dict(
                   WORKLOAD, **{'ovl-tenant': 'red'})}}))


def test_a_run_never_prunes_a_workload_port_nor_the_bridge_holding_one():
    """A container's port (the Docker plugin's, issue 21) is ours but not the
    run's to remove: its plugin does on Leave."""
    bridges, ports = _want()
    state = _with_workloads()
    resolved, _ = resolve_tenant_tags(ports, state, 'ovl')
    cmds, _before, after, warnings = plan_state(bridges, resolved, state, 'ovl', prune=True)
    assert not any('ovd1' in c or 'ovd2' in c for c in cmds)
    assert not any(c[:2] == ['del-br', 'br-old'] for c in cmds)
    assert warnings == ['bridge br-old is ours but still holds ports ovd2; kept']
    assert 'ovd1' not in after['ports']


def test_a_tenant_keeps_the_tag_its_containers_carry():
    """blue's namespace port is gone (made anew) while its container runs:
    blue keeps tag 1, the container's, and a new tenant does not get it."""
    from ansible.module_utils.ovl.ovs.tags import allocate_tags
    state = _with_workloads()
    del state['ports']['keep']
    assert allocate_tags(['blue', 'green'], state, 'ovl', {'br-int', 'br-old'}) == \
        {'blue': 1, 'green': 2}
