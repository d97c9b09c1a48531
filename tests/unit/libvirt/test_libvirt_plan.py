"""The libvirt layer (issue 22), pure: the network's XML and its parse, and
the plan: define, start, autostart, portgroups changed live, a running VM's
port re-tagged by its interface id, the network removed with the last VM."""
from ansible.module_utils.ovl.libvirt.network import parse, xml
from ansible.module_utils.ovl.libvirt.plan import fields, plan
from ansible.module_utils.ovl.libvirt.read import vm_ports

WANT = dict(name='ovl', bridge='br-int', portgroups={'blue': 1, 'red': 2},
            vms={'id-vm1': 1})


def have(**changes):
    now = dict(marker=xml('ovl', 'br-int', WANT['portgroups']), config=fields(WANT),
               live=fields(WANT), autostart=True, ports={})
    now.update(changes)
    return now


def test_the_xml_parses_back_to_what_we_compare():
    text = xml('ovl', 'br-int', {'blue': 1, 'red': 2})
    assert "<virtualport type='openvswitch'/>" in text
    assert "<portgroup name='blue'><vlan><tag id='1'/></vlan></portgroup>" in text
    dumped = text.replace('<name>ovl</name>', '<name>ovl</name><uuid>x</uuid>')
    assert parse(dumped) == dict(fields(WANT), uuid='x')
    assert parse(xml('ovl', 'br-int', {'blue': 1, 'red': 2}, uuid='x')) == parse(dumped)


def test_a_new_network_is_written_defined_started_and_autostarted():
    steps = plan(WANT, have(marker=None, config=None, live=None, autostart=False))
    assert [(s.op, s.args[3] if s.tool == 'virsh' else s.tool) for s in steps] == [
        ('file.write', 'tee'), ('network.add', 'net-define'), ('service.start', 'net-start'),
        ('run', 'net-autostart')]


def test_a_converged_network_is_left_alone():
    assert plan(WANT, have()) == []
    assert plan(WANT, have(config=dict(fields(WANT), uuid='u-1'))) == []


def test_a_new_tenant_is_a_portgroup_added_live_and_a_new_definition():
    old = dict(WANT, portgroups={'blue': 1})
    steps = plan(WANT, have(marker=xml('ovl', 'br-int', old['portgroups']),
                            config=dict(fields(old), uuid='u-1'), live=fields(old)))
    assert [s.op for s in steps] == ['file.write', 'network.add', 'run']
    # the same network again: its uuid in the new definition, on stdin
    assert steps[1].args[-2:] == ['net-define', '/dev/stdin'] and '<uuid>u-1</uuid>' in steps[1].stdin
    assert steps[2].args[3:] == ['net-update', 'ovl', 'add-last', 'portgroup',
                                 "<portgroup name='red'><vlan><tag id='2'/></vlan></portgroup>",
                                 '--live']


def test_a_changed_tag_modifies_the_portgroup_and_re_tags_the_running_vm():
    old = dict(WANT, portgroups={'blue': 5, 'red': 2})
    steps = plan(WANT, have(config=fields(old), live=fields(old), marker='x',
                            ports={'vnet0': dict(iface_id='id-vm1', tag=5, mac='m'),
                                   'vnet1': dict(iface_id='not-ours', tag=5, mac='n')}))
    assert [s.args[5] for s in steps if s.op == 'run'] == ['modify']
    assert [s.argv for s in steps if s.op == 'link.set'] == [
        ['ovs-vsctl', 'set', 'Port', 'vnet0', 'tag=1']]


def test_the_last_vm_gone_removes_the_network_and_its_marker():
    steps = plan(dict(WANT, portgroups={}, vms={}), have())
    assert [(s.op, s.args[-1]) for s in steps] == [
        ('network.del', 'ovl'), ('network.del', 'ovl'),
        ('mark.del', '/var/lib/ovl/libvirt/ovl.xml')]
    assert plan(dict(WANT, portgroups={}), None) == []


def test_only_ports_libvirt_made_are_vm_ports():
    state = {'ports': {
        'vnet0': dict(tag=1, interface_external_ids={'iface-id': 'a', 'vm-id': 'u',
                                                     'attached-mac': '52:54:00:AA:00:01'}),
        'ove1': dict(tag=1, interface_external_ids={}),
        'tap9': dict(tag=None, interface_external_ids={'iface-id': 'b'})}}
    assert vm_ports(state) == {'vnet0': dict(iface_id='a', tag=1, mtu=None,
                                             mac='52:54:00:aa:00:01')}


def test_ovn_untagged_portgroups_and_a_switched_fleet_s_vm_port_loses_its_tag():
    ovn = dict(WANT, portgroups={'blue': None, 'red': None}, vms={'id-vm1': None})
    text = xml('ovl', 'br-int', ovn['portgroups'])
    assert "<portgroup name='blue'/>" in text and '<vlan>' not in text
    assert parse(text)['portgroups'] == {'blue': None, 'red': None}
    # from the ovs backend's tags: the portgroups modified live, the VM's
    # port untagged, a port that is not a VM of ours untouched
    steps = plan(ovn, have(ports={'vnet0': dict(iface_id='id-vm1', tag=1, mac='m'),
                                  'vnet1': dict(iface_id='not-ours', tag=1, mac='n')}))
    assert [s.args[3:6] for s in steps if s.op == 'run'] == [
        ['net-update', 'ovl', 'modify'], ['net-update', 'ovl', 'modify']]
    assert "<portgroup name='blue'/>" in [s for s in steps if s.op == 'run'][0].args
    assert [s.argv for s in steps if s.op == 'link.set'] == [
        ['ovs-vsctl', 'clear', 'Port', 'vnet0', 'tag']]
    converged = have(marker=text, config=fields(ovn), live=fields(ovn),
                     ports={'vnet0': dict(iface_id='id-vm1', tag=None, mac='m')})
    assert plan(ovn, converged) == []


def test_a_running_vm_s_port_gets_its_tenant_s_mtu_and_only_ours():
    want = dict(WANT, mtus={'id-vm1': 1450})
    # libvirt gave the port the bridge's MTU (another backend's: 1442)
    steps = plan(want, have(ports={'vnet0': dict(iface_id='id-vm1', tag=1, mtu=None, mac='m'),
                                   'vnet1': dict(iface_id='not-ours', tag=1, mtu=None, mac='n')}))
    assert [s.argv for s in steps] == [['ovs-vsctl', 'set', 'Interface', 'vnet0', 'mtu_request=1450']]
    assert plan(want, have(ports={'vnet0': dict(iface_id='id-vm1', tag=1, mtu=1450, mac='m')})) == []
