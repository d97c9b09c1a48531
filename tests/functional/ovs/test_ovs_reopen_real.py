"""A port whose device was made anew (its namespace deleted by hand, the veth
re-created) carries no traffic in the userspace datapath until OVS opens it
again: shown first on the real private OVS, then ``ovs_state reopen`` fixes it.
Packets go only between namespaces this test made."""
import pytest

import ovs_state
from ansible.module_utils.ovl.core.netns import entered
from modrun import run_module
from fixtures.netns import sh

BR = 'br-ro'


def veth(ovs, port, tenant, address):
    """veth *port* (in the OVS namespace) <-> eth0 in namespace *tenant*."""
    sh('ip', 'netns', 'exec', ovs.netns, 'ip', 'link', 'add', port, 'type', 'veth',
       'peer', 'name', 'eth0', 'netns', tenant)
    sh('ip', 'netns', 'exec', ovs.netns, 'ip', 'link', 'set', port, 'up')
    sh('ip', '-n', tenant, 'addr', 'add', address + '/24', 'dev', 'eth0')
    sh('ip', '-n', tenant, 'link', 'set', 'eth0', 'up')


def ping(src, dst, count=3):
    # the peer's MAC is new: start from an empty neighbour table every time
    sh('ip', '-n', src, 'neigh', 'flush', 'all')
    out = sh('ping', '-c', str(count), '-i', '0.2', '-W', '1', dst, ns=src, check=False)
    return ' 0% packet loss' in out


def state(ovs, reopen=()):
    # run where the ports' devices are, as on a host: the reopen sets the
    # re-added device up with ip
    with entered(ovs.netns):
        result = run_module(ovs_state, dict(
            db=ovs.db, bridges=[{'name': BR, 'datapath_type': 'netdev'}],
            ports=[{'name': 'ro-a', 'bridge': BR, 'tag': 7},
                   {'name': 'ro-b', 'bridge': BR, 'tag': 7}],
            reopen=list(reopen)))
    assert not result['failed'], result['msg']
    return result


@pytest.fixture
def pair(ovs, make_netns):
    a, b = make_netns('roa'), make_netns('rob')
    veth(ovs, 'ro-a', a, '10.77.0.1')
    veth(ovs, 'ro-b', b, '10.77.0.2')
    state(ovs)
    assert ping(a, '10.77.0.2'), 'no traffic over the fresh bridge'
    yield a, b
    ovs.vsctl('--if-exists', 'del-br', BR)


def test_remade_device_needs_reopen_and_gets_it(ovs, pair, make_netns):
    a, b = pair
    # the namespace deleted by hand takes eth0 and with it ro-b; ip_state
    # would make both anew, as here
    sh('ip', 'netns', 'del', b)
    b2 = make_netns('rob')
    veth(ovs, 'ro-b', b2, '10.77.0.2')
    plain = state(ovs)
    assert plain['changed'] is False          # OVS sees nothing to change ...
    assert not ping(a, '10.77.0.2', count=2)  # ... and the port is dead
    fixed = state(ovs, reopen=['ro-b'])
    assert fixed['changed'] is True and fixed['reopened'] == ['ro-b']
    assert fixed['pre_transaction'] == [['del-port', BR, 'ro-b']]
    link = sh('ip', '-n', ovs.netns, '-o', 'link', 'show', 'dev', 'ro-b')
    assert 'state UP' in link or ',UP' in link, link
    assert ping(a, '10.77.0.2'), 'the reopened port carries no traffic'
    tag = ovs.vsctl('get', 'Port', 'ro-b', 'tag').strip()
    assert tag == '7'
    assert state(ovs)['changed'] is False
