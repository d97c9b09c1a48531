"""Host-local tenant VLAN tags: stable, lowest free, never colliding."""
import pytest

from ansible.module_utils.ovl.ovs.tags import TagError, allocate_tags


def state(*ports):
    """ports: (name, tenant or None, tag, ours)"""
    out = {'bridges': {'br-int': {}}, 'ports': {}}
    for name, tenant, tag, ours in ports:
        ids = {}
        if ours:
            ids['ovl-owner'] = 'ovl'
        if tenant:
            ids['ovl-tenant'] = tenant
        out['ports'][name] = {'bridge': 'br-int', 'tag': tag, 'external_ids': ids}
    return out


CASES = [
    ('fresh host: lowest tags in name order', ['red', 'blue'], state(), {},
     {'blue': 1, 'red': 2}),
    ('existing tags are kept', ['blue', 'red'],
     state(('a', 'blue', 7, True), ('b', 'red', 3, True)), {}, {'blue': 7, 'red': 3}),
    ('a removed tenant does not shift the others', ['blue', 'green'],
     state(('a', 'blue', 1, True), ('b', 'red', 2, True), ('c', 'green', 3, True)), {},
     {'blue': 1, 'green': 3}),
    ('a new tenant takes the lowest free tag', ['blue', 'green', 'aqua'],
     state(('a', 'blue', 1, True), ('c', 'green', 3, True)), {},
     {'aqua': 2, 'blue': 1, 'green': 3}),
    ('foreign tags are avoided', ['blue'], state(('x', None, 1, False)), {}, {'blue': 2}),
    ('foreign port claiming a tenant does not count', ['blue'],
     state(('x', 'blue', 9, False)), {}, {'blue': 1}),
    ('mixed tags converge on the majority', ['blue'],
     state(('a', 'blue', 4, True), ('b', 'blue', 4, True), ('c', 'blue', 6, True)), {},
     {'blue': 4}),
    ('our untenanted tagged port is avoided', ['blue'], state(('m', None, 1, True)), {},
     {'blue': 2}),
    ('a removed tenant tag is not reused in the same run', ['green'],
     state(('b', 'red', 1, True)), {}, {'green': 2}),
    ('pinned tag wins and is not reused', ['blue', 'red'],
     state(('a', 'red', 5, True)), {'blue': 5}, {'blue': 5, 'red': 1}),
]


@pytest.mark.parametrize('title, tenants, have, pinned, expected', CASES,
                         ids=[c[0] for c in CASES])
def test_allocate_tags(title, tenants, have, pinned, expected):
    assert allocate_tags(tenants, have, 'ovl', {'br-int'}, pinned) == expected


def test_exhaustion_is_a_clear_error():
    have = state(*[('f%d' % t, None, t, False) for t in range(1, 4095)])
    with pytest.raises(TagError, match='no free VLAN tag left for tenant blue'):
        allocate_tags(['blue'], have, 'ovl', {'br-int'})


def vm_port(name, tag, iface_id):
    """A port libvirt made for a VM: no marks of ours, its interface holds
    iface-id and vm-id."""
    return {'bridge': 'br-int', 'tag': tag, 'external_ids': {},
            'interface_external_ids': {'iface-id': iface_id, 'vm-id': 'uuid-of-domain'}}


def test_a_tenants_vm_port_counts_as_its_port():
    have = state(('a', 'red', 1, True))
    have['ports']['vnet0'] = vm_port('vnet0', 3, 'id-blue-vm1')
    # blue has no port of ours on this host (flow mode, no router): its VM's keeps its tag
    assert allocate_tags(['blue', 'red'], have, 'ovl', {'br-int'},
                         workloads={'id-blue-vm1': 'blue'}) == {'blue': 3, 'red': 1}
    # unknown to the model, the same port is foreign: its tag is avoided
    assert allocate_tags(['blue', 'red'], have, 'ovl', {'br-int'}) == {'blue': 2, 'red': 1}


def test_a_vm_outside_the_tenant_files_on_a_tenants_portgroup_takes_nothing_from_it():
    have = state(('a', 'blue', 1, True))
    have['ports']['vnet1'] = vm_port('vnet1', 1, 'someone-elses-vm')
    assert allocate_tags(['blue', 'green'], have, 'ovl', {'br-int'}) == {'blue': 1, 'green': 2}
    # a port libvirt made on a tag no kept tenant carries is foreign: avoided
    have['ports']['vnet2'] = vm_port('vnet2', 2, 'another')
    assert allocate_tags(['blue', 'green'], have, 'ovl', {'br-int'}) == {'blue': 1, 'green': 3}
