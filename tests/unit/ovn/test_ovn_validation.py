"""The OVN backend's play variables and what a tenant file may ask of it:
every error names the file or variable, the field and the value."""
import pytest

from ansible.module_utils.ovl.inventory.hostvars import host_facts
from tenant_helpers import load, write

HOSTS = {'host1': {'overlay_underlay_ip': '192.168.1.11'},
         'host2': {'overlay_underlay_ip': '192.168.1.12'}}
OVN = dict(overlay_backend='ovn', overlay_ovn_central='host1',
           overlay_ovn_external_range='192.168.1.200-192.168.1.209',
           overlay_ovn_external_gateway='192.168.1.254')
BLUE = ('name: blue\nvni: %s\nsubnet: 10.0.0.0/24\nsnat: true\n%s'
        'endpoints:\n  - {name: blue-a, host: host1, ip: 10.0.0.11%s}\n')


def errors_of(tmp_path, text, **play):
    write(tmp_path, 'blue.yml', text)
    _tenants, errors = load(str(tmp_path), HOSTS, play=dict(OVN, **play))
    return errors


def test_an_ovn_fleet_loads_and_its_mtu_counts_ovn_geneve_option(tmp_path):
    write(tmp_path, 'blue.yml', BLUE % (100, '', ''))
    tenants, errors = load(str(tmp_path), HOSTS, play=OVN)
    assert errors == []
    assert tenants[0].tunnel_type == 'geneve' and tenants[0].mtu == 1500 - 58


@pytest.mark.parametrize('play, wanted', [
    (dict(overlay_ovn_central=None), 'overlay_ovn_central: is required with overlay_backend ovn'),
    (dict(overlay_ovn_central='host9'), "overlay_ovn_central: 'host9' is not a host of overlay_hosts"),
    (dict(overlay_backend='ovm'), "overlay_backend: 'ovm' is not one of ovs, ovn"),
    (dict(overlay_ovn_encap='gre'), "overlay_ovn_encap: 'gre' is not one of geneve, vxlan"),
    (dict(overlay_ovn_external_range='192.168.1.9-192.168.1.2'), 'ends before it starts'),
    (dict(overlay_ovn_external_range='192.168.1.0/24'), 'is not a range FIRST-LAST'),
])
def test_bad_play_variables_are_named(play, wanted):
    facts, errors = host_facts(HOSTS, dict(OVN, **play))
    assert any(wanted in e for e in errors), errors


def test_hosts_that_disagree_on_the_backend_are_refused():
    hosts = dict(HOSTS, host2=dict(HOSTS['host2'], overlay_backend='ovs'))
    _facts, errors = host_facts(hosts, OVN)
    assert any('overlay_backend: hosts use different backends (ovn on host1, ovs on host2)' in e
               for e in errors), errors


@pytest.mark.parametrize('vni, extra, ep, play, wanted', [
    (5000, '', '', dict(overlay_ovn_encap='vxlan'), 'vni: 5000 is above 4095'),
    (100, 'tunnel_type: gre\n', '', {}, "tunnel_type: 'gre' differs from overlay_ovn_encap geneve"),
    (100, '', '', dict(overlay_ovn_external_range=None), 'snat: True needs overlay_ovn_external_range'),
    (100, '', '', dict(overlay_ovn_external_gateway=None),
     'snat: True needs overlay_ovn_external_gateway'),
    (100, 'containers:\n  - {host: host1, range: 10.0.0.128/27}\n', '', {},
     "containers: [{'host': 'host1', 'range': '10.0.0.128/27'}] is not carried by overlay_backend ovn yet"),
    (100, '', ', floating_ip: 192.168.1.203', {},
     "endpoints[0].floating_ip: '192.168.1.203' is in overlay_ovn_external_range"),
    (100, '', ', floating_ip: 192.168.1.254', {},
     "endpoints[0].floating_ip: '192.168.1.254' is overlay_ovn_external_gateway"),
    (100, '', ', publish: [{port: 80, host_port: 8080}, {port: 81, host_port: 8080}]', {},
     "endpoints[0].publish[1].host_port: 8080 is already published by blue-a of this tenant (tcp)"),
])
def test_what_ovn_cannot_carry_is_refused_naming_the_file(tmp_path, vni, extra, ep, play, wanted):
    errors = errors_of(tmp_path, BLUE % (vni, extra, ep), **play)
    assert any(e.startswith('blue.yml: ') and wanted in e for e in errors), errors


def test_ovn_carries_a_floating_address_of_the_underlay_network(tmp_path):
    write(tmp_path, 'blue.yml', BLUE % (100, '', ', floating_ip: 192.168.1.50'))
    tenants, errors = load(str(tmp_path), HOSTS, play=OVN)
    assert errors == [] and tenants[0].endpoints[0].floating_ip == '192.168.1.50'


def test_ovn_carries_vm_endpoints_and_dhcp(tmp_path):
    write(tmp_path, 'blue.yml', BLUE % (100, 'dhcp: true\n', ', kind: vm, mac: "52:54:00:00:00:01"'))
    tenants, errors = load(str(tmp_path), HOSTS, play=OVN)
    assert errors == [] and tenants[0].dhcp and tenants[0].endpoints[0].kind == 'vm'


def test_the_ovs_backend_carries_all_of_it(tmp_path):
    write(tmp_path, 'blue.yml', BLUE % (5000, 'tunnel_type: gre\n', ''))
    _tenants, errors = load(str(tmp_path), HOSTS, play={})
    assert errors == []
