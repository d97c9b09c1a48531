"""overlay_preflight against a real private OVS and real interfaces, run
inside the fixture's namespace (the module reads the namespace it runs in):
the underlay interface found with and without the variable, before and after
the netdev datapath moved the address onto br-phy, tags read from OVS, a
stopped OVS, and nothing ever written."""
import pytest

import ip_move_address
import overlay_preflight
import ovs_state
from ansible.module_utils.ovl.core.netns import entered
from modrun import run_module
from ip_helpers import settled, snapshot


def preflight(ovs, check=False, **args):
    base = dict(underlay_ip='10.8.0.1', datapath_type='netdev', db=ovs.db, timeout=5)
    base.update(args)
    with entered(ovs.netns):
        return run_module(overlay_preflight, base, check_mode=check)


@pytest.fixture
def uplink(ovs):
    ovs.ns('ip', 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up1')
    ovs.ns('ip', 'addr', 'add', '10.8.0.1/22', 'dev', 'up0')
    ovs.ns('ip', 'link', 'set', 'up0', 'up')
    yield 'up0'
    ovs.ns('ip', 'link', 'del', 'up0')


def test_found_without_the_variable_and_nothing_written(ovs, uplink):
    links, dump = settled(ovs.netns), ovs.dump()
    result = preflight(ovs, tenants=['blue', 'red'])
    assert not result['failed'], result['msg']
    assert result['facts'] == dict(underlay_interface='up0', underlay_prefixlen=22, uplink_mtu=1500)
    assert result['tenant_tags'] == {'blue': 1, 'red': 2}
    assert result['ovs'] == dict(installed=True, running=True, vswitchd=True)
    assert result['changed'] is False and result['_inproc'] == []
    # one read process: the OVSDB read (links and addresses come over rtnetlink)
    assert [a[0].rsplit('/', 1)[-1] for a in result['_argv']] == ['ovs-vsctl']
    assert ovs.dump() == dump and snapshot(ovs.netns) == links


def test_a_wrong_variable_or_address_fails_with_one_line(ovs, uplink):
    wrong = preflight(ovs, underlay_interface='eth9')
    assert wrong['failed'] and wrong['msg'] == (
        "overlay_underlay_interface: 'eth9' does not hold overlay_underlay_ip 10.8.0.1 (up0 "
        "does); set the interface that holds it, or leave it unset")
    absent = preflight(ovs, underlay_ip='10.8.9.9')
    assert absent['failed'] and absent['msg'].startswith(
        'overlay_underlay_ip: 10.8.9.9 is not an address of any interface of this host')
    big = preflight(ovs, underlay_mtu=9000)
    assert big['failed'] and 'is above the MTU 1500 of up0' in big['msg']


def test_netdev_after_a_run_the_uplink_of_br_phy(ovs, uplink):
    """After a converge the address sits on br-phy; the run stays idempotent."""
    result = run_module(ovs_state, dict(db=ovs.db, bridges=[
        dict(name='br-phy', datapath_type='netdev', fail_mode='standalone')],
        ports=[dict(name='up0', bridge='br-phy')]))
    assert not result['failed'], result['msg']
    with entered(ovs.netns):
        moved = run_module(ip_move_address, dict(address='10.8.0.1', dev='br-phy',
                                                 from_dev='up0'))
    assert not moved['failed'], moved['msg']
    for given in (None, 'up0'):
        found = preflight(ovs, underlay_interface=given)
        assert not found['failed'], found['msg']
        assert found['facts']['underlay_interface'] == 'up0'
        assert found['facts']['underlay_prefixlen'] == 22
    other = preflight(ovs, underlay_interface='up1')
    assert other['failed'] and "'up1' is not the uplink of br-phy" in other['msg']


def test_tags_come_from_the_tenants_own_ports(ovs, uplink):
    result = run_module(ovs_state, dict(db=ovs.db, bridges=[
        dict(name='br-int', datapath_type='netdev')], ports=[
        dict(name='p-red', bridge='br-int', type='internal', tenant='red', tag=7)]))
    assert not result['failed'], result['msg']
    found = preflight(ovs, tenants=['blue', 'red'])
    assert found['tenant_tags'] == {'blue': 1, 'red': 7}


def test_stopped_ovs(ovs, uplink):
    down = preflight(ovs, db='unix:/nonexistent/db.sock')
    assert down['failed'] and down['msg'].startswith('Open vSwitch is not running')
    planned = preflight(ovs, check=True, db='unix:/nonexistent/db.sock', tenants=['blue'])
    assert not planned['failed'] and planned['tenant_tags'] == {'blue': 1}
    assert planned['ovs']['running'] is False


def test_system_datapath_without_the_variable(ovs, uplink):
    """A system host: the address's holder is the uplink; the openvswitch
    module is judged from the module tree (this machine has none to look in)."""
    found = preflight(ovs, datapath_type='system')
    assert not found['failed'], found['msg']
    assert found['facts']['underlay_interface'] == 'up0'
    assert found['facts']['underlay_prefixlen'] == 22
