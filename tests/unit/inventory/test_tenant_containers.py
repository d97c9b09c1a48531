"""The tenant file's ``containers`` (issue 21): the hosts that run the
tenant's Docker containers, each with its range; validated with file, field
and value; such hosts carry the tenant (tunnels, router, MTU)."""
import os

import pytest

from ansible.module_utils.ovl.tenant.model import ContainerHost, Tenant
from tenant_helpers import load

BASE = ('name: t\nvni: 1\nsubnet: 10.0.0.0/24\nsnat: true\n'
        'endpoints: [{name: a, host: host1, ip: 10.0.0.11}]\n')


def write(directory, text):
    with open(os.path.join(str(directory), 't.yml'), 'w') as handle:
        handle.write(text)


def test_container_hosts_carry_the_tenant(tmp_path):
    write(tmp_path, BASE + 'containers: [{host: host3, range: 10.0.0.128/26},'
                           ' {host: host2, range: 10.0.0.64/27}]\n')
    (tenant,), errors = load(str(tmp_path))
    assert errors == []
    assert tenant.containers == (ContainerHost('host2', '10.0.0.64/27'),
                                 ContainerHost('host3', '10.0.0.128/26'))
    assert tenant.hosts == ('host1', 'host2', 'host3')
    assert tenant.has_router('host3')
    assert tenant.mtu == 1350             # host3's underlay MTU 1400 limits it
    assert Tenant.from_dict(tenant.as_dict()) == tenant


@pytest.mark.parametrize('containers, error', [
    ('[{host: host9, range: 10.0.0.128/26}]',
     "containers[0].host: 'host9' is not a host of overlay_hosts"),
    ('[{host: host2, range: 10.0.0.128/26}, {host: host2, range: 10.0.0.64/26}]',
     "containers[1].host: 'host2' is already listed by containers[0]"),
    ('[{host: host2, range: 10.0.0.129/26}]', "containers[0].range: '10.0.0.129/26' has host bits"),
    ('[{host: host2, range: 10.9.0.0/26}]',
     "containers[0].range: '10.9.0.0/26' is not inside the subnet 10.0.0.0/24"),
    ('[{host: host2, range: 10.0.0.0/26}]',
     "containers[0].range: '10.0.0.0/26' holds the gateway 10.0.0.1"),
    ('[{host: host2, range: 10.0.0.8/29}]',
     "containers[0].range: '10.0.0.8/29' holds 10.0.0.11, the address of endpoint a"),
    ('[{host: host2, range: 10.0.0.128/25}, {host: host3, range: 10.0.0.192/26}]',
     "containers[1].range: '10.0.0.192/26' overlaps the range 10.0.0.128/25 of host2"),
    ('[{host: host2}]', 'containers[0]'),
    ('[{host: host2, range: 10.0.0.128/26, ip: 10.0.0.5}]', 'containers[0]'),
])
def test_a_bad_container_host_names_file_field_and_value(tmp_path, containers, error):
    write(tmp_path, BASE + 'containers: %s\n' % containers)
    tenants, errors = load(str(tmp_path))
    assert tenants == [] and any(error in e and e.startswith('t.yml: ') for e in errors), errors


def test_the_plugin_config_of_a_host_is_what_the_plugin_accepts(tmp_path):
    from ansible.module_utils.ovl.docker.config import load_config
    from ansible.module_utils.ovl.tenant.docker import build_docker
    from tenant_helpers import inventory
    write(tmp_path, BASE + 'containers: [{host: host2, range: 10.0.0.128/26}]\n')
    (tenant,), errors = load(str(tmp_path))
    inv = inventory([tenant])
    assert build_docker(inv, inv.host('host1'), {'t': 4}) is None
    built = build_docker(inv, inv.host('host2'), {'t': 4})
    config = load_config(built)
    blue = config.tenants['t']
    assert (str(blue.subnet), str(blue.gateway), blue.tag, str(blue.range)) == (
        '10.0.0.0/24', '10.0.0.1', 4, '10.0.0.128/26')
    assert [str(a) for a in blue.reserved] == ['10.0.0.11'] and config.bridge == 'br-int'


def test_a_container_host_gets_the_docker_preflight_its_networks_and_docker(tmp_path):
    """The preflight of a host with containers checks docker (docker.io) and
    gets the tenant networks it keeps; a host without gets neither."""
    from ansible.module_utils.ovl.tenant.host_state import preflight_args
    from tenant_helpers import inventory
    write(tmp_path, BASE + 'containers: [{host: host2, range: 10.0.0.128/26}]\n')
    (tenant,), errors = load(str(tmp_path))
    inv = inventory([tenant])
    with_containers = preflight_args(inv, 'host2')
    assert with_containers['docker_networks'] == {'t': {'subnet': '10.0.0.0/24',
                                                        'gateway': '10.0.0.1'}}
    assert with_containers['endpoint_tools'] == {'docker': 'docker.io'}
    without = preflight_args(inv, 'host1')
    assert without['docker_networks'] == {} and 'docker' not in without['endpoint_tools']
