"""The NB rows of the tenant model and the routers' addresses (pure)."""
import pytest

from ansible.module_utils.ovl.ovn import model
from ansible.module_utils.ovl.ovn.plan import plan

NB = dict(owner='ovl', next_hop='192.168.1.254', tenants=[
    dict(name='blue', vni=100, subnet='10.0.0.0/24', prefixlen=24, gateway='10.0.0.1', snat=True,
         ports=[dict(name='id-a', address='02:00:00:00:00:0a 10.0.0.11', endpoint='blue-a')]),
    dict(name='green', vni=70000, subnet='10.0.0.0/24', prefixlen=24, gateway='10.0.0.1',
         snat=False, ports=[dict(name='id-g', address='02:00:00:00:00:0b 10.0.0.11',
                                 endpoint='green-a')])])


def desired(nb=NB):
    return model.desired(nb, {'blue': '192.168.1.200'}, 24, 'chassis-1')


def test_a_switch_per_tenant_keyed_by_its_vni_and_a_port_per_endpoint():
    want = desired()
    assert want['Logical_Switch']['ovl-green']['other_config'] == {'requested-tnl-key': '70000'}
    port = want['Logical_Switch_Port']['id-a']
    assert port['switch'] == 'ovl-blue' and port['addresses'] == port['port_security'] == [
        '02:00:00:00:00:0a 10.0.0.11']
    assert want['Port_Group']['ovl_100']['ports'] == ['id-a']
    assert all(r['external_ids']['ovl-owner'] == 'ovl' for t in model.TABLES
               for r in want[t].values())


def test_acls_let_out_and_in_from_the_tenant_only():
    acls = desired()['ACL']
    assert sorted(acls) == ['blue/drop', 'blue/out', 'blue/own', 'green/drop', 'green/out',
                            'green/own']
    assert acls['blue/drop'] == dict(acls['blue/drop'], direction='to-lport', action='drop',
                                     match='outport == @ovl_100 && ip4')
    assert acls['blue/own']['priority'] > acls['blue/drop']['priority']
    assert '$ovl_100_ip4' in acls['blue/own']['match']


def test_a_router_only_for_the_snat_tenant_on_the_shared_external_switch():
    want = desired()
    assert list(want['Logical_Router']) == ['ovl-r-blue']
    ext = want['Logical_Router_Port']['ovl-r-blue-ext']
    assert ext['networks'] == ['192.168.1.200/24'] and ext['gateway_chassis'] == 'chassis-1'
    assert want['NAT']['blue/snat'] == dict(want['NAT']['blue/snat'], type='snat',
                                            external_ip='192.168.1.200', logical_ip='10.0.0.0/24')
    assert want['Logical_Router_Static_Route']['blue/default']['nexthop'] == '192.168.1.254'
    assert want['Logical_Switch_Port']['ovl-ext-localnet']['options'] == {'network_name': 'ovl-ext'}
    quiet = dict(NB, tenants=NB['tenants'][1:])
    assert 'ovl-ext' not in model.desired(quiet, {}, 24, 'c')['Logical_Switch']


def test_routers_keep_their_address_and_new_ones_take_the_lowest_free():
    pool = '192.168.1.200-192.168.1.202'
    assert model.addresses(['a', 'b'], pool, {}) == {'a': '192.168.1.200', 'b': '192.168.1.201'}
    # a goes: b keeps .201, c takes .200
    assert model.addresses(['b', 'c'], pool, {'b': '192.168.1.201'}) == {
        'b': '192.168.1.201', 'c': '192.168.1.200'}
    # an address outside the pool (the pool changed) is given up
    assert model.addresses(['b'], pool, {'b': '10.9.9.9'}) == {'b': '192.168.1.200'}


def test_a_pool_too_small_names_the_tenants_left_out():
    with pytest.raises(ValueError, match=r"'192.168.1.200-192.168.1.200' has no address left for "
                                         r"the router of c \(2 SNAT tenants\)"):
        model.addresses(['b', 'c'], '192.168.1.200-192.168.1.200', {})


def read_back(want):
    """*want* as ``read.parse`` would give it after it was written."""
    have = {}
    for table, rows in want.items():
        have[table] = dict((k, dict((c, sorted(v) if isinstance(v, list) else v)
                                    for c, v in r.items())) for k, r in rows.items())
    uuids = dict(((t, k), 'uuid-%s-%s' % (t, k)) for t in have for k in have[t])
    return dict(have=have, foreign={}, uuids=uuids)


def test_plan_in_order_then_nothing_then_a_removed_tenant_goes_by_its_parents():
    want = desired()
    empty = dict(have=dict((t, {}) for t in model.TABLES), foreign={}, uuids={})
    cmds = plan(want, empty)
    verbs = [c[0] for c in cmds]
    assert verbs.index('ls-add') < verbs.index('lsp-add') < verbs.index('pg-add')
    assert verbs.index('lr-add') < verbs.index('lrp-add')
    assert ['lrp-set-gateway-chassis', 'ovl-r-blue-ext', 'chassis-1', '1'] in cmds
    assert plan(want, read_back(want)) == []
    gone = plan(model.desired(dict(NB, tenants=NB['tenants'][:1]), {'blue': '192.168.1.200'}, 24,
                              'chassis-1'), read_back(want))
    # the switch and the port group go; their ports and ACLs go with them
    assert gone == [['pg-del', 'ovl_70000'], ['ls-del', 'ovl-green']]


def test_a_port_moved_to_another_switch_is_made_again_and_an_acl_changed_is_replaced():
    want = desired()
    have = read_back(want)
    have['have']['Logical_Switch_Port']['id-a']['switch'] = 'ovl-green'
    have['have']['ACL']['blue/drop']['priority'] = 900
    cmds = plan(want, have)
    assert ['lsp-del', 'id-a'] in cmds and ['lsp-add', 'ovl-blue', 'id-a'] in cmds
    assert ['remove', 'Port_Group', 'ovl_100', 'acls', 'uuid-ACL-blue/drop'] in cmds
    assert any(c[:3] == ['--id=@ACL_blue_drop', 'create', 'ACL'] for c in cmds)
    assert cmds.index(['lsp-del', 'id-a']) < cmds.index(['lsp-add', 'ovl-blue', 'id-a'])


def test_a_name_held_by_a_row_not_ours_is_refused():
    empty = dict(have=dict((t, {}) for t in model.TABLES),
                 foreign={'Logical_Switch': ['ovl-blue']}, uuids={})
    with pytest.raises(ValueError, match='Logical_Switch ovl-blue exists and is not ours'):
        plan(desired(), empty)


def test_a_floating_address_is_a_distributed_dnat_and_snat_and_its_endpoint_is_let_in():
    blue = dict(NB['tenants'][0], ports=[dict(NB['tenants'][0]['ports'][0], ip='10.0.0.11',
                                              floating_ip='192.168.1.50')])
    want = model.desired(dict(NB, tenants=[blue]), {'blue': '192.168.1.200'}, 24, 'chassis-1')
    fip = want['NAT']['blue/fip:blue-a']
    assert fip == dict(fip, router='ovl-r-blue', type='dnat_and_snat', external_ip='192.168.1.50',
                       logical_ip='10.0.0.11', logical_port='id-a')
    assert fip['external_mac'] == model.router_mac('blue', 'fip:blue-a')
    acl = want['ACL']['blue/fip:blue-a']
    assert acl == dict(acl, direction='to-lport', action='allow-related',
                       match='outport == "id-a" && ip4')
    assert acl['priority'] > want['ACL']['blue/drop']['priority']
    # created with its distributed columns
    cmds = plan(want, dict(have=dict((t, {}) for t in model.TABLES),
                           foreign=dict((t, []) for t in model.TABLES), uuids={}))
    made = [c for c in cmds if c[:3] == ['--id=@NAT_blue_fip_blue_a', 'create', 'NAT']]
    assert made and 'logical_port="id-a"' in made[0] and any(
        a.startswith('external_mac=') for a in made[0])


def _published_blue(items):
    port = dict(NB['tenants'][0]['ports'][0], ip='10.0.0.11', publish=items)
    return dict(NB, tenants=[dict(NB['tenants'][0], ports=[port])])


def test_published_ports_are_load_balancers_on_router_and_switch_with_an_acl_each():
    want = model.desired(_published_blue([dict(proto='tcp', port=80, host_port=8080),
                                          dict(proto='udp', port=53, host_port=5353)]),
                         {'blue': '192.168.1.200'}, 24, 'chassis-1')
    tcp = want['Load_Balancer']['ovl-lb-blue-tcp']
    assert tcp == dict(tcp, router='ovl-r-blue', switch='ovl-blue', protocol='tcp',
                       vips={'192.168.1.200:8080': '10.0.0.11:80'})
    assert want['Load_Balancer']['ovl-lb-blue-udp']['vips'] == {'192.168.1.200:5353': '10.0.0.11:53'}
    acl = want['ACL']['blue/pub:blue-a:tcp:80']
    assert acl['match'] == 'outport == "id-a" && tcp && tcp.dst == 80'
    assert acl['action'] == 'allow-related' and acl['direction'] == 'to-lport'


def test_a_load_balancer_is_made_on_both_parents_changed_in_place_and_destroyed():
    empty = dict(have=dict((t, {}) for t in model.TABLES),
                 foreign=dict((t, []) for t in model.TABLES), uuids={})
    want = model.desired(_published_blue([dict(proto='tcp', port=80, host_port=8080)]),
                         {'blue': '192.168.1.200'}, 24, 'c')
    cmds = plan(want, empty)
    assert ['add', 'Logical_Router', 'ovl-r-blue', 'load_balancer', '@lb_ovl_lb_blue_tcp'] in cmds
    assert ['add', 'Logical_Switch', 'ovl-blue', 'load_balancer', '@lb_ovl_lb_blue_tcp'] in cmds
    uuids = dict(((t, k), 'u-%s' % k) for t in model.TABLES for k in want[t])
    uuids[('Load_Balancer', 'ovl-lb-blue-tcp')] = 'u-lb'
    have = dict(empty, have=dict(want), uuids=uuids)
    assert plan(want, have) == []
    moved = model.desired(_published_blue([dict(proto='tcp', port=80, host_port=9090)]),
                          {'blue': '192.168.1.200'}, 24, 'c')
    assert [c for c in plan(moved, have) if c[:2] == ['set', 'Load_Balancer']] == [
        ['set', 'Load_Balancer', 'ovl-lb-blue-tcp', 'vips={"192.168.1.200:9090"="10.0.0.11:80"}']]
    # unpublished: out of router and switch, then destroyed (a root row)
    gone = model.desired(_published_blue([]), {'blue': '192.168.1.200'}, 24, 'c')
    lb = [c for c in plan(gone, have) if 'u-lb' in c]
    assert lb == [['remove', 'Logical_Router', 'ovl-r-blue', 'load_balancer', 'u-lb'],
                  ['remove', 'Logical_Switch', 'ovl-blue', 'load_balancer', 'u-lb'],
                  ['destroy', 'Load_Balancer', 'u-lb']]


def _dhcp_nb(snat=True, dhcp=True):
    return dict(owner='ovl', next_hop='192.168.1.254', tenants=[
        dict(name='blue', vni=100, subnet='10.0.0.0/24', prefixlen=24, gateway='10.0.0.1',
             snat=snat, dhcp=dhcp, mtu=1442,
             ports=[dict(name='id-a', address='02:00:00:00:00:0a 10.0.0.11', endpoint='blue-a',
                         kind='namespace'),
                    dict(name='id-v', address='52:54:00:00:00:31 10.0.0.31', endpoint='blue-vm',
                         kind='vm')])])


def test_dhcp_options_per_dhcp_tenant_for_its_vms_only():
    want = model.desired(_dhcp_nb(), {'blue': '192.168.1.200'}, 24, 'c')
    row = want['DHCP_Options']['blue/dhcp']
    assert row['cidr'] == '10.0.0.0/24' and row['external_ids']['ovl-key'] == 'blue/dhcp'
    assert row['options'] == {'server_id': '10.0.0.1', 'server_mac': model.router_mac('blue', 'in'),
                              'lease_time': '43200', 'mtu': '1442', 'router': '10.0.0.1'}
    ports = want['Logical_Switch_Port']
    assert ports['id-v']['dhcp'] == 'blue/dhcp' and ports['id-a']['dhcp'] is None
    # no SNAT: no router option (as dnsmasq with the ovs backend); no DHCP: no row
    bare = model.desired(_dhcp_nb(snat=False), {}, 24, 'c')['DHCP_Options']['blue/dhcp']
    assert 'router' not in bare['options']
    off = model.desired(_dhcp_nb(dhcp=False), {'blue': '192.168.1.200'}, 24, 'c')
    assert off['DHCP_Options'] == {} and off['Logical_Switch_Port']['id-v']['dhcp'] is None


def test_dhcp_options_made_with_their_ports_in_one_transaction_then_kept_changed_and_destroyed():
    empty = dict(have=dict((t, {}) for t in model.TABLES),
                 foreign=dict((t, []) for t in model.TABLES), uuids={})
    want = model.desired(_dhcp_nb(), {'blue': '192.168.1.200'}, 24, 'c')
    cmds = plan(want, empty)
    create = [c for c in cmds if c[:3] == ['--id=@DHCP_Options_blue_dhcp', 'create', 'DHCP_Options']]
    assert len(create) == 1 and 'cidr="10.0.0.0/24"' in create[0]
    vm = [c for c in cmds if c[:3] == ['set', 'Logical_Switch_Port', 'id-v']][0]
    assert 'dhcpv4_options=@DHCP_Options_blue_dhcp' in vm
    assert cmds.index(create[0]) < cmds.index(vm)
    ns = [c for c in cmds if c[:3] == ['set', 'Logical_Switch_Port', 'id-a']][0]
    assert 'dhcpv4_options=[]' in ns
    # written: nothing to do; the row is kept by its uuid
    have = read_back(want)
    have['uuids'][('DHCP_Options', 'blue/dhcp')] = 'u-dhcp'
    assert plan(want, have) == []
    # the MTU changes: the row is changed in place, by its uuid
    other = _dhcp_nb()
    other['tenants'][0]['mtu'] = 1400
    changed = plan(model.desired(other, {'blue': '192.168.1.200'}, 24, 'c'), have)
    assert len(changed) == 1 and changed[0][:3] == ['set', 'DHCP_Options', 'u-dhcp']
    # a new VM port takes the existing row by its uuid
    more = _dhcp_nb()
    more['tenants'][0]['ports'].append(dict(name='id-w', address='52:54:00:00:00:32 10.0.0.32',
                                            endpoint='blue-vm2', kind='vm'))
    added = plan(model.desired(more, {'blue': '192.168.1.200'}, 24, 'c'), have)
    assert any(c[:3] == ['set', 'Logical_Switch_Port', 'id-w'] and 'dhcpv4_options=u-dhcp' in c
               for c in added)
    # DHCP off: the row is destroyed and the VM's port points nowhere
    off = plan(model.desired(_dhcp_nb(dhcp=False), {'blue': '192.168.1.200'}, 24, 'c'), have)
    assert ['destroy', 'DHCP_Options', 'u-dhcp'] in off
    assert ['set', 'Logical_Switch_Port', 'id-v', 'dhcpv4_options=[]'] in off
