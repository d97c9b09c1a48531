"""The dhcp layer's model and plan (issue 22), pure: what a tenant's server
is (dnsmasq flags as verified), and when it is written, started, reloaded,
restarted and stopped."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.dhcp import model
from ansible.module_utils.ovl.dhcp.plan import plan
from ansible.module_utils.ovl.dhcp.server import argv, hosts_text

SERVER = dict(tenant='blue', netns='ovr-blue', interface='qr0', subnet='10.0.0.0/24',
              address='10.0.0.1', router='10.0.0.1', mtu=1450,
              hosts=[dict(mac='52:54:00:0B:00:31', ip='10.0.0.31', name='blue-vm1')])
ROOT = '/run/ovl/dhcp'


def want(**changes):
    return model.normalize([dict(SERVER, **changes)])


def running(server, **changes):
    now = dict(hosts=hosts_text(server), pid=42, argv=argv(server, ROOT), netns_ok=True)
    now.update(changes)
    return now


def ops(steps):
    return [(s.op, s.tool, s.netns) for s in steps]


def test_the_server_leases_statically_forces_mtu_and_router_and_serves_no_dns():
    server = want()['blue']
    cmd = argv(server, ROOT)
    assert '--dhcp-range=10.0.0.0,static,255.255.255.0,12h' in cmd
    assert '--dhcp-option-force=option:mtu,1450' in cmd
    assert '--dhcp-option-force=option:router,10.0.0.1' in cmd
    assert '--port=0' in cmd and '--conf-file=/dev/null' in cmd and '--interface=qr0' in cmd
    assert '--dhcp-hostsfile=/run/ovl/dhcp/blue/hosts' in cmd
    assert hosts_text(server) == '52:54:00:0b:00:31,10.0.0.31,blue-vm1\n'
    # without SNAT there is no way out: option 3 is sent empty
    assert '--dhcp-option=3' in argv(want(router=None)['blue'], ROOT)


def test_a_new_server_gets_its_hosts_file_then_starts_in_the_router_namespace():
    steps = plan(want(), {})
    assert ops(steps) == [('file.write', 'tee', None), ('service.start', 'dnsmasq', 'ovr-blue')]
    assert steps[0].stdin == '52:54:00:0b:00:31,10.0.0.31,blue-vm1\n'


def test_a_running_server_with_the_same_hosts_and_flags_is_left_alone():
    w = want()
    assert plan(w, {'blue': running(w['blue'])}) == []
    # it runs by its full path (the runner resolves the binary)
    full = ['/usr/sbin/dnsmasq'] + argv(w['blue'], ROOT)[1:]
    assert plan(w, {'blue': running(w['blue'], argv=full)}) == []


def test_a_changed_hosts_file_is_written_and_the_server_reloaded():
    w = want(hosts=SERVER['hosts'] + [dict(mac='52:54:00:0b:00:33', ip='10.0.0.33', name='v3')])
    steps = plan(w, {'blue': running(want()['blue'])})
    assert ops(steps) == [('file.write', 'tee', None), ('run', 'kill', None)]
    assert steps[1].args == ['-HUP', '42']


@pytest.mark.parametrize('changes, why', [
    (dict(argv=['dnsmasq', '--old']), 'options changed'),
    (dict(netns_ok=False), 'namespace ovr-blue was made again'),
])
def test_changed_flags_or_a_new_namespace_restart_the_server(changes, why):
    w = want()
    steps = plan(w, {'blue': running(w['blue'], **changes)})
    assert ops(steps) == [('service.stop', 'kill', None), ('service.start', 'dnsmasq', 'ovr-blue')]
    assert steps[0].detail == why


def test_a_server_whose_tenant_left_is_stopped_and_its_directory_removed():
    steps = plan({}, {'red': dict(hosts='', pid=7, argv=['dnsmasq'], netns_ok=True)})
    assert [(s.op, s.args) for s in steps] == [
        ('service.stop', ['-TERM', '7']), ('mark.del', ['-rf', '--', '/run/ovl/dhcp/red'])]
    assert plan({}, {'red': dict(hosts='', pid=None, argv=None, netns_ok=False)}, prune=False) == []


@pytest.mark.parametrize('changes, field', [
    (dict(tenant='Blue!'), 'servers[0].tenant'),
    (dict(subnet='10.0.0.0/33'), 'servers[0].subnet'),
    (dict(mtu=True), 'servers[0].mtu'),
    (dict(router='10.9.9.9'), 'servers[0].router'),
    (dict(hosts=[dict(mac='zz', ip='10.0.0.3', name='a')]), 'servers[0].hosts[0].mac'),
    (dict(hosts=[dict(mac='52:54:00:00:00:01', ip='10.1.0.3', name='a')]), 'servers[0].hosts[0].ip'),
])
def test_bad_servers_are_refused_naming_the_field(changes, field):
    with pytest.raises(InputError) as err:
        want(**changes)
    assert str(err.value).startswith(field)


def test_a_second_server_of_the_same_tenant_is_stopped():
    w = want()
    steps = plan(w, {'blue': running(w['blue'], extra=[77])})
    assert [(s.op, s.args) for s in steps] == [('service.stop', ['-TERM', '77'])]
