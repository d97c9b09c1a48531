"""Loading the shipped example, normalisation defaults, every error at once,
and the overlay_tenants module run in-process."""
import os
import shutil

import pytest

import overlay_tenants
from modrun import run_module
from ansible.module_utils.ovl.inventory.load import display_path
from tenant_helpers import BROKEN_DIR, EXAMPLE_DIR, HOSTS, HOSTVARS, ROOT, load


def test_example_inventory_normalised():
    tenants, errors = load(EXAMPLE_DIR, HOSTVARS, base_dir=ROOT)
    assert errors == []
    assert [(t.name, t.vni, t.subnet, t.snat) for t in tenants] == [
        ('blue', 100, '10.0.0.0/24', True),
        ('green', 300, '172.16.10.0/24', False),
        ('red', 200, '10.0.0.0/24', True)]
    red = tenants[2].as_dict()
    assert red == dict(
        name='red', vni=200, subnet='10.0.0.0/24', prefixlen=24, gateway='10.0.0.1', snat=True,
        mtu=1450, hosts=['host1', 'host2'], file='inventory/tenants/red.yml', tunnel_type='vxlan',
        endpoints=[dict(name='red-web1', host='host1', ip='10.0.0.11', prefixlen=24,
                        kind='namespace', mac=None, floating_ip=None, publish=[], rate_limit=None),
                   dict(name='red-web2', host='host2', ip='10.0.0.12', prefixlen=24,
                        kind='namespace', mac=None, floating_ip=None, publish=[], rate_limit=None)], containers=[],
        dhcp=False, network_type='vxlan', physical_network=None, segmentation_id=None, mirror=[])


def write(directory, name, text):
    with open(os.path.join(str(directory), name), 'w') as handle:
        handle.write(text)


@pytest.mark.parametrize('text, field, value', [
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\n', 'gateway', '10.1.0.1'),
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\n', 'mtu', 1350),  # host3 limits (no endpoints)
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\n', 'snat', False),
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\n', 'endpoints', []),
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\nendpoints: [{name: a, host: host1, ip: 10.1.0.9}]\n',
     'mtu', 1450),
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\nmtu: 1300\n', 'mtu', 1300),
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\ngateway: 10.1.255.254\n', 'gateway', '10.1.255.254'),
    ('name: t\nvni: 1\nsubnet: 10.1.0.0/16\nendpoints: [{name: b, host: host2, ip: 10.1.0.3},'
     ' {name: a, host: host1, ip: 10.1.0.2}]\n', 'endpoints',
     [dict(name='a', host='host1', ip='10.1.0.2', prefixlen=16, kind='namespace', mac=None, floating_ip=None, publish=[], rate_limit=None),
      dict(name='b', host='host2', ip='10.1.0.3', prefixlen=16, kind='namespace', mac=None, floating_ip=None, publish=[], rate_limit=None)]),
])
def test_defaults_and_normalisation(tmp_path, text, field, value):
    write(tmp_path, 't.yml', text)
    tenants, errors = load(str(tmp_path))
    assert errors == []
    assert tenants[0].as_dict()[field] == value


BROKEN_SET = {
    'bad.yml': 'name: bad\nvni: [1\n',
    'blue.yml': 'name: blue\nvni: 100\nsubnet: 10.0.0.0/24\n'
                'endpoints: [{name: web1, host: host1, ip: 10.0.0.11}]\n',
    'green.yml': 'name: green\nvni: 300\nsubnet: 10.0.0.0/24\ngateway: 10.0.1.1\n',
    'pink.yml': 'name: pink\nvni: 400\nsubnet: 10.0.0.0/24\n'
                'endpoints: [{name: p1, host: host9, ip: 10.0.0.11}]\n',
    'red.yml': 'name: red\nvni: 100\nsubnet: 10.0.0.0/24\n'
               'endpoints: [{name: web1, host: host1, ip: 10.0.0.12}]\n',
    'white.yml': 'name: white\nvni: 500\nsubnet: 10.0.0.0/24\nmtu: 9000\ncolour: white\n',
}


def test_every_error_of_every_file_is_reported(tmp_path):
    for name, text in BROKEN_SET.items():
        write(tmp_path, name, text)
    tenants, errors = load(str(tmp_path))
    assert tenants == []
    assert errors == [
        "bad.yml: line 3: expected ',' or ']', but got '<stream end>' (while parsing a flow "
        "sequence)",
        "green.yml: gateway: '10.0.1.1' is not inside subnet 10.0.0.0/24",
        "pink.yml: endpoints[0].host: 'host9' is not a host of overlay_hosts "
        "(known: host1, host2, host3)",
        'red.yml: vni: 100 is already used by tenant blue (blue.yml)',
        "red.yml: endpoints[0].name: 'web1' is already used on host1 by tenant blue (blue.yml)",
        "white.yml: colour: unknown key (allowed here: containers, dhcp, endpoints, gateway, mirror, mtu, "
        "name, network_type, physical_network, rate_limit, segmentation_id, snat, subnet, tunnel_type, vni)",
        'white.yml: mtu: 9000 is above 1350: the underlay MTU 1400 of host3 minus 50 for VXLAN',
    ]


def test_several_errors_in_one_file_all_reported(tmp_path):
    write(tmp_path, 'blue.yml', 'name: blue\nvni: 0\nsubnet: 10.0.0.5/24\nsnat: maybe\n'
          'endpoints:\n  - {name: a, host: nowhere, ip: 10.0.0.11, port: 3}\n')
    tenants, errors = load(str(tmp_path))
    # a schema error never hides the file's other errors: the fields that passed
    # the schema are still checked (subnet host bits, the endpoint's host)
    assert [e.split(':')[1].strip() for e in errors] == [
        'endpoints[0].port', 'snat', 'vni', 'subnet', 'endpoints[0].host'], errors


def test_host_errors(tmp_path):
    tenants, errors = load(str(tmp_path), hosts={'h1': {}, 'h2': {'overlay_underlay_ip': 'x'},
                                                  'h3': {'overlay_underlay_ip': '10.9.9.9'},
                                                  'h4': {'overlay_underlay_ip': '10.9.9.9'}})
    assert errors == [
        "h1: overlay_underlay_ip: is required for every host of overlay_hosts (the host's "
        "tunnel endpoint address)",
        "h2: overlay_underlay_ip: 'x' is not an IPv4 address (e.g. 192.168.1.11)",
        "h4: overlay_underlay_ip: '10.9.9.9' is also the underlay address of h3"]


@pytest.mark.parametrize('path, base, shown', [
    ('/repo/inventory/tenants/red.yml', '/repo', 'inventory/tenants/red.yml'),
    ('/repo/inventory/tenants/red.yml', '/repo/inventory', 'tenants/red.yml'),
    ('/elsewhere/red.yml', '/repo', '/elsewhere/red.yml'),
    ('inventory/tenants/red.yml', None, 'inventory/tenants/red.yml'),
])
def test_display_path(path, base, shown):
    assert display_path(path, base) == shown


def test_missing_directory():
    tenants, errors = load('/nonexistent/tenants', base_dir='/nonexistent')
    assert errors == ['tenants: tenants directory does not exist']


def test_module_returns_tenants():
    result = run_module(overlay_tenants, dict(tenants_dir=EXAMPLE_DIR, base_dir=ROOT,
                                              hosts=HOSTVARS), check_mode=True)
    assert result['failed'] is False and result['changed'] is False
    assert result['tenant_names'] == ['blue', 'green', 'red']
    assert result['tenants'][0]['file'] == 'inventory/tenants/blue.yml'
    assert result['hosts']['host2'] == dict(
        name='host2', underlay_ip='192.168.250.12', underlay_mtu=1500, underlay_interface='ens3',
        datapath_type='system', integration_bridge='br-int', tunnel_mode='port', tunnel_type='vxlan',
        nat_backend='iptables', owner='ovl', libvirt_network='ovl', backend='ovs', ovn_central=None,
        ovn_encap='geneve', ovn_external_range=None, ovn_external_gateway=None,
        bridge_mappings={})
    assert result['_argv'] == []


def test_module_fails_with_all_messages_one_per_line():
    case = os.path.join(BROKEN_DIR, 'endpoint_name_dup_across')
    result = run_module(overlay_tenants, dict(tenants_dir=case, base_dir=os.path.dirname(case),
                                              hosts=HOSTS,
                                              schema=os.path.join(ROOT, 'schema',
                                                                  'tenant.schema.json')))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ("endpoint_name_dup_across/red.yml: endpoints[1].name: 'web1' is "
                             "already used on host1 by tenant blue "
                             "(endpoint_name_dup_across/blue.yml)")
    assert result['errors'] == result['msg'].split('\n')


def test_module_reports_malformed_yaml_without_traceback():
    case = os.path.join(BROKEN_DIR, 'malformed_yaml')
    result = run_module(overlay_tenants, dict(tenants_dir=case, hosts=HOSTS, base_dir=case,
                                              schema=os.path.join(ROOT, 'schema',
                                                                  'tenant.schema.json')))
    assert result['failed'] is True
    assert result['msg'].startswith("bad.yml: line 4: expected ',' or ']'")
    assert 'exception' not in result


@pytest.mark.parametrize('kind, mtu', [('vxlan', 1450), ('geneve', 1450), ('gre', 1458)])
def test_mtu_default_follows_the_tunnel_type(tmp_path, kind, mtu):
    write(tmp_path, 't.yml', 'name: t\nvni: 1\nsubnet: 10.1.0.0/16\ntunnel_type: %s\n'
          'endpoints: [{name: a, host: host1, ip: 10.1.0.9}]\n' % kind)
    tenants, errors = load(str(tmp_path))
    assert errors == [] and (tenants[0].tunnel_type, tenants[0].mtu) == (kind, mtu)


def test_play_default_tunnel_type(tmp_path):
    write(tmp_path, 't.yml', 'name: t\nvni: 1\nsubnet: 10.1.0.0/16\n')
    tenants, errors = load(str(tmp_path), play={'overlay_tunnel_type': 'gre'})
    assert errors == [] and tenants[0].tunnel_type == 'gre'
