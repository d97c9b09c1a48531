"""The NB planner against a real OVN northbound database: an ovsdb-server
with OVN's NB schema in a temporary directory, written by the real
ovn-nbctl (from the Debian packages ovn-common and ovn-central; the
bootstrap extracts them when they are not installed: OVL_OVN_ROOT).

The model goes in as ONE transaction; the next plan is empty; changes
(an endpoint moved, a tenant removed, a router's address kept) converge;
a row that is not ours is never touched, and a name of ours held by one
is refused."""
import json
import os
import shutil
import subprocess
import time

import pytest

from ansible.module_utils.ovl.inventory.load import load_inventory
from ansible.module_utils.ovl.ovn import model, plan, read
from ansible.module_utils.ovl.ovn.nb_driver import held_addresses
from ansible.module_utils.ovl.tenant.endpoints.vm import iface_id as build_port_name
from ansible.module_utils.ovl.tenant.ovn import build_nb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OVN_ROOT = os.environ.get('OVL_OVN_ROOT') or os.path.join(ROOT, '.cache', 'ovn')   # scripts/bootstrap.sh
NBCTL = shutil.which('ovn-nbctl') or os.path.join(OVN_ROOT, 'usr/bin/ovn-nbctl')
SCHEMA = [p for p in ('/usr/share/ovn/ovn-nb.ovsschema',
                      os.path.join(OVN_ROOT, 'usr/share/ovn/ovn-nb.ovsschema')) if os.path.exists(p)]
pytestmark = pytest.mark.skipif(not (os.path.exists(NBCTL) and SCHEMA and shutil.which('ovsdb-server')),
                                reason='needs ovn-nbctl, the OVN NB schema and ovsdb-server')
PLAY = dict(overlay_backend='ovn', overlay_ovn_central='host1',
            overlay_ovn_external_range='192.168.251.200-192.168.251.201',
            overlay_ovn_external_gateway='192.168.251.254')
HOSTS = dict((h, dict(overlay_underlay_ip='192.168.251.1%d' % i, overlay_datapath_type='netdev'))
             for i, h in ((1, 'host1'), (2, 'host2'), (3, 'host3')))


@pytest.fixture()
def nb(tmp_path):
    db = str(tmp_path / 'nb.db')
    sock = str(tmp_path / 'nb.sock')
    subprocess.check_call(['ovsdb-tool', 'create', db, SCHEMA[0]])
    proc = subprocess.Popen(['ovsdb-server', '--remote=punix:' + sock, '--unixctl=' + str(tmp_path / 'ctl'),
                             '--no-chdir', db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    yield 'unix:' + sock
    proc.terminate()
    proc.wait()


def nbctl(db, *args):
    return subprocess.run([NBCTL, '--db=' + db] + list(args), check=True, capture_output=True,
                          text=True, env=dict(os.environ, LD_LIBRARY_PATH=os.path.join(OVN_ROOT, 'usr/lib/x86_64-linux-gnu'))).stdout


def state(db):
    argv = read.read_argv(db)
    return read.parse(nbctl(db, *argv[1:]), 'ovl')


def converge(db, tenants_dir):
    inventory, errors = load_inventory(str(tenants_dir), HOSTS, json.load(open(os.path.join(ROOT, 'schema/tenant.schema.json'))), play=PLAY)
    assert errors == []
    have = state(db)
    snat = [t.name for t in inventory.tenants if t.snat]
    external = model.addresses(snat, PLAY['overlay_ovn_external_range'], held_addresses(have['have']))
    facts = inventory.host('host1')
    want = model.desired(build_nb(inventory, facts, {'underlay_prefixlen': 24}), external, 24,
                         'host1')
    commands = plan.plan(want, have)
    if commands:
        nbctl(db, *plan.argv(commands, db)[1:])
    return commands, external


def write(path, name, vni, endpoints, snat=True):
    eps = ''.join('  - {name: %s, host: %s, ip: %s%s}\n' % (tuple(e) + ('',))[:4] for e in endpoints)
    path.joinpath(name + '.yml').write_text('name: %s\nvni: %d\nsubnet: 10.0.0.0/24\nsnat: %s\n'
                                             'endpoints:\n%s' % (name, vni, str(snat).lower(), eps))


def test_model_in_one_transaction_converges_and_prunes_only_ours(nb, tmp_path):
    tenants = tmp_path / 'tenants'
    tenants.mkdir()
    nbctl(nb, 'ls-add', 'theirs')                       # not ours: never touched
    write(tenants, 'blue', 100, [('blue-a', 'host1', '10.0.0.11', ', floating_ip: 192.168.251.50'),
                                 ('blue-b', 'host2', '10.0.0.12',
                                  ', publish: [{port: 80, host_port: 8080}]')])
    write(tenants, 'red', 200, [('red-a', 'host1', '10.0.0.11')])
    first, external = converge(nb, tenants)
    assert len(first) > 20
    assert external == {'blue': '192.168.251.200', 'red': '192.168.251.201'}
    assert converge(nb, tenants)[0] == []               # steady state: nothing to do
    assert nbctl(nb, 'get', 'Logical_Switch', 'ovl-blue', 'other_config:requested-tnl-key').strip() == '"100"'
    assert '192.168.251.201' in nbctl(nb, 'lr-nat-list', 'ovl-r-red')
    # blue-a's floating address: distributed (its port, its own MAC)
    [fip] = [line.split() for line in nbctl(nb, 'lr-nat-list', 'ovl-r-blue').splitlines()
             if line.startswith('dnat_and_snat')]
    assert fip[1:3] == ['192.168.251.50', '10.0.0.11'] and fip[3].startswith('0a:')
    assert fip[4] == build_port_name('blue', 'blue-a')
    # blue-b's published port: a load balancer on blue's router and switch
    lbs = nbctl(nb, 'lb-list').split()
    assert lbs[lbs.index('ovl-lb-blue-tcp') + 1:][:3] == ['tcp', '192.168.251.200:8080', '10.0.0.12:80']
    assert 'ovl-lb-blue-tcp' in nbctl(nb, 'lr-lb-list', 'ovl-r-blue')
    assert 'ovl-lb-blue-tcp' in nbctl(nb, 'ls-lb-list', 'ovl-blue')
    # blue-b moves to host3 (nothing in NB changes: a port is not bound by host),
    # red goes: its rows go, blue keeps its router address, theirs stays
    write(tenants, 'blue', 100, [('blue-a', 'host1', '10.0.0.11'),
                                 ('blue-b', 'host3', '10.0.0.15', ', floating_ip: 192.168.251.50')])
    tenants.joinpath('red.yml').unlink()
    changes, external = converge(nb, tenants)
    assert changes and external == {'blue': '192.168.251.200'}
    assert converge(nb, tenants)[0] == []
    assert nbctl(nb, 'lb-list').strip() == ''          # blue-b publishes no more
    nat = nbctl(nb, 'lr-nat-list', 'ovl-r-blue')
    assert '10.0.0.15' in nat and build_port_name('blue', 'blue-b') in nat and '10.0.0.11' not in nat
    switches = nbctl(nb, '--bare', '--columns=name', 'list', 'Logical_Switch').split()
    assert sorted(switches) == ['ovl-blue', 'ovl-ext', 'theirs']
    assert nbctl(nb, '--bare', '--columns=name', 'list', 'Logical_Router').split() == ['ovl-r-blue']
    # blue's three, and the one that lets in what reaches blue-b's floating address
    assert len(nbctl(nb, '--bare', '--columns=_uuid', 'list', 'ACL').split()) == 4
    # every tenant gone: only theirs is left
    tenants.joinpath('blue.yml').unlink()
    converge(nb, tenants)
    assert nbctl(nb, '--bare', '--columns=name', 'list', 'Logical_Switch').split() == ['theirs']
    for table in ('Logical_Router', 'ACL', 'NAT', 'Port_Group', 'Logical_Switch_Port',
                  'Load_Balancer'):
        assert nbctl(nb, '--bare', '--columns=_uuid', 'list', table).split() == [], table


def test_a_name_held_by_a_row_not_ours_is_refused(nb, tmp_path):
    tenants = tmp_path / 'tenants'
    tenants.mkdir()
    nbctl(nb, 'ls-add', 'ovl-blue')
    write(tenants, 'blue', 100, [('blue-a', 'host1', '10.0.0.11')], snat=False)
    with pytest.raises(ValueError, match='Logical_Switch ovl-blue exists and is not ours'):
        converge(nb, tenants)


def test_dhcp_options_for_the_vms_of_a_dhcp_tenant(nb, tmp_path):
    tenants = tmp_path / 'tenants'
    tenants.mkdir()
    nbctl(nb, 'dhcp-options-create', '10.9.0.0/24')     # not ours: never touched
    theirs = nbctl(nb, '--bare', '--columns=_uuid', 'list', 'DHCP_Options').strip()
    vm = '  - {name: blue-vm%d, host: host%d, ip: 10.0.0.3%d, kind: vm, mac: "52:54:00:0b:00:3%d"}\n'
    head = 'name: blue\nvni: 100\nsubnet: 10.0.0.0/24\nsnat: true\ndhcp: %s\nendpoints:\n'
    ns = '  - {name: blue-a, host: host1, ip: 10.0.0.11}\n'
    blue = tenants / 'blue.yml'
    blue.write_text(head % 'true' + ns + vm % (1, 1, 1, 1))
    assert converge(nb, tenants)[0]
    assert converge(nb, tenants)[0] == []
    ours = [u for u in nbctl(nb, '--bare', '--columns=_uuid', 'list', 'DHCP_Options').split()
            if u != theirs]
    assert len(ours) == 1
    options = nbctl(nb, 'dhcp-options-get-options', ours[0]).split()
    assert sorted(options) == sorted(['lease_time=43200', 'mtu=1442', 'router=10.0.0.1',
                                      'server_id=10.0.0.1',
                                      'server_mac=' + model.router_mac('blue', 'in')])
    assert nbctl(nb, 'lsp-get-dhcpv4-options', build_port_name('blue', 'blue-vm1')).split()[0] == ours[0]
    assert nbctl(nb, 'lsp-get-dhcpv4-options', build_port_name('blue', 'blue-a')).strip() == ''
    # a second VM takes the same row; then DHCP off: our row goes, theirs stays
    blue.write_text(head % 'true' + ns + vm % (1, 1, 1, 1) + vm % (2, 2, 2, 2))
    converge(nb, tenants)
    assert nbctl(nb, 'lsp-get-dhcpv4-options', build_port_name('blue', 'blue-vm2')).split()[0] == ours[0]
    blue.write_text(head % 'false' + ns + vm % (1, 1, 1, 1) + vm % (2, 2, 2, 2))
    converge(nb, tenants)
    assert converge(nb, tenants)[0] == []
    assert nbctl(nb, '--bare', '--columns=_uuid', 'list', 'DHCP_Options').split() == [theirs]
    assert nbctl(nb, 'lsp-get-dhcpv4-options', build_port_name('blue', 'blue-vm1')).strip() == ''
