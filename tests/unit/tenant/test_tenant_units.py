"""Endpoint kinds and the tenant router as units (issue 19): the table of
kinds is what the schema accepts, every kind implements the unit's
interface, a new kind is one module and one row (a kind registered here, in
the test, is built, tagged, announced and attributed by the drift report
with no other change), and everything a router is made of carries one of
its names."""
import json
import os
import types

import pytest

from ansible.module_utils.ovl.report.drift import Owners
from ansible.module_utils.ovl.tenant import endpoints, router
from ansible.module_utils.ovl.tenant.host_state import host_state
from ansible.module_utils.ovl.tenant.model import Endpoint, Tenant

from tenant_helpers import ROOT, inventory, tenant

INTERFACE = ('KIND', 'tools', 'ip', 'ports', 'announcement', 'names', 'netns')


def test_the_schema_accepts_exactly_the_kinds_of_the_table():
    with open(os.path.join(ROOT, 'schema', 'tenant.schema.json')) as handle:
        schema = json.load(handle)
    kind = schema['properties']['endpoints']['items']['properties']['kind']
    assert sorted(kind['enum']) == sorted(endpoints.KINDS)
    assert kind['default'] == endpoints.DEFAULT


@pytest.mark.parametrize('name', sorted(endpoints.KINDS))
def test_every_kind_implements_the_unit(name):
    unit = endpoints.KINDS[name]
    assert unit.KIND == name
    assert [a for a in INTERFACE if not hasattr(unit, a)] == []


def fake_kind():
    """A kind that lives in a namespace someone else made: no namespace of
    its own, one port on br-int (``fk-<name>``), no announcement."""
    def ip(facts, ten, ep, out):
        out['links'].append(dict(name='fk-' + ep.name, kind='veth', peer='eth9',
                                 peer_netns='other-' + ep.name, state='up'))
    return types.SimpleNamespace(
        KIND='fake', tools=('fake-tool',), ip=ip, ports=lambda ep: ['fk-' + ep.name],
        announcement=lambda ep: None, names=lambda ep: ('fk-' + ep.name,),
        netns=lambda ep: 'other-' + ep.name)


def test_a_new_kind_is_one_row(monkeypatch):
    monkeypatch.setitem(endpoints.KINDS, 'fake', fake_kind())
    blue = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11')])
    eps = blue.endpoints + (Endpoint('c1', 'host1', '10.0.0.12', 24, 'fake'),)
    blue = blue._replace(endpoints=eps)
    inv = inventory([blue])
    state = host_state(inv, 'host1', {'blue': 3})
    assert 'fk-c1' in [link['name'] for link in state['ip']['links']]
    assert 'c1' not in [ns['name'] for ns in state['ip']['namespaces']]
    ports = dict((p['name'], p) for p in state['ovs']['ports'])
    assert ports['fk-c1']['tag'] == 3 and ports['fk-c1']['tenant'] == 'blue'
    assert [a['netns'] for a in state['announce']] == ['b1']
    assert Owners(inv).of('fk-c1') == 'blue'


def test_everything_a_router_makes_carries_its_names():
    blue = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11')])
    inv = inventory([blue])
    state = host_state(inv, 'host1', {'blue': 1})
    names = set(router.names('blue'))
    made = ([n['name'] for n in state['ip']['namespaces'] if n['name'] != 'b1']
            + [l['name'] for l in state['ip']['links'] if l['peer_netns'] != 'b1']
            + [a.get('netns') or a['dev'] for a in state['ip']['addresses'] if a.get('netns') != 'b1']
            + [r['netns'] for r in state['ip']['routes'] if r['netns'] != 'b1']
            + [p['name'] for p in state['ovs']['ports'] if p.get('tenant') == 'blue'
               and p['name'] not in endpoints.KINDS['namespace'].ports(blue.endpoints[0])]
            + [ns['netns'] for ns in state['nat']['namespaces'] if ns['netns']])
    assert made and set(made) <= names
    assert all(Owners(inv).of(name) == 'blue' for name in names)


def test_a_tenant_without_snat_has_no_router():
    red = tenant('red', 200, endpoints=[('r1', 'host1', '10.0.0.11')])
    inv = inventory([red])
    assert router.Router.on(inv, inv.host('host1'), {'red': 1}) == []


def test_an_endpoint_without_a_kind_is_a_namespace():
    ep = Endpoint('a', 'h', '10.0.0.2', 24)
    assert ep.kind == 'namespace' and Endpoint.from_dict(dict(ep.as_dict(), kind=None)).kind == \
        'namespace'
    assert Tenant  # the model's records are the units' input


def test_the_verify_sees_each_endpoint_where_its_kind_puts_it(monkeypatch):
    from ansible.module_utils.ovl.tenant.endpoints import flattened
    monkeypatch.setitem(endpoints.KINDS, 'fake', fake_kind())
    blue = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11')], mtu=1400)
    blue = blue._replace(endpoints=blue.endpoints + (Endpoint('c1', 'host2', '10.0.0.12', 24,
                                                              'fake'),))
    got = dict((e['name'], e) for e in flattened(inventory([blue])))
    assert got['b1']['netns'] == 'b1' and got['c1']['netns'] == 'other-c1'
    assert got['b1']['mtu'] == 1400 and got['c1']['type'] == 'vxlan' and got['c1']['snat'] is True
    assert got['c1']['token'] == 'blue/c1'
