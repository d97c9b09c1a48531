"""What a tenant offers outside (issue 23, its tenant-file part): floating
addresses and published ports, validated before any host is touched, each
error naming file, field and value."""
import pytest

from ansible.module_utils.ovl.tenant.model import Published

from tenant_helpers import load, write

BLUE = ('name: blue\nvni: 100\nsubnet: 10.0.0.0/24\nsnat: true\nendpoints:\n'
        '  - {name: blue-web1, host: host1, ip: 10.0.0.11, floating_ip: 192.168.250.50}\n'
        '  - {name: blue-web2, host: host2, ip: 10.0.0.12,\n'
        '     publish: [{port: 80, host_port: 8080}, {proto: udp, port: 53, host_port: 5353}]}\n')


def test_floating_address_and_published_ports_are_read(tmp_path):
    write(tmp_path, 'blue.yml', BLUE)
    tenants, errors = load(str(tmp_path))
    assert errors == []
    eps = dict((ep.name, ep) for ep in tenants[0].endpoints)
    assert eps['blue-web1'].floating_ip == '192.168.250.50' and eps['blue-web1'].publish == ()
    assert eps['blue-web2'].publish == (Published('tcp', 80, 8080), Published('udp', 53, 5353))
    assert eps['blue-web2'].as_dict()['publish'][0] == dict(proto='tcp', port=80, host_port=8080)


@pytest.mark.parametrize('edit, error', [
    (('192.168.250.50', '192.168.250.11'),
     "blue.yml: endpoints[0].floating_ip: '192.168.250.11' is the underlay address of host1"),
    (('192.168.250.50', '10.0.0.50'),
     "blue.yml: endpoints[0].floating_ip: '10.0.0.50' is inside the tenant subnet 10.0.0.0/24"),
    (('192.168.250.50', '169.254.3.4'),
     "blue.yml: endpoints[0].floating_ip: '169.254.3.4' is in 169.254.0.0/16"),
    (('192.168.250.50', '224.0.0.9'),
     "blue.yml: endpoints[0].floating_ip: '224.0.0.9' is multicast"),
    (('host_port: 5353', 'host_port: 4789'),
     'blue.yml: endpoints[1].publish[1].host_port: 4789 is a port the hosts need for the '
     'product (udp: 4789, 6081)'),
    (('host_port: 8080', 'host_port: 22'),
     'blue.yml: endpoints[1].publish[0].host_port: 22 is a port the hosts need'),
    (('{proto: udp, port: 53, host_port: 5353}', '{port: 81, host_port: 8080}'),
     'blue.yml: endpoints[1].publish[1].host_port: 8080 is already published by publish[0]'),
    (('{port: 80, host_port: 8080}', '{port: 80, host_port: 70000}'),
     'blue.yml: endpoints[1].publish[0].host_port: 70000'),
    (('{port: 80, host_port: 8080}', '{proto: sctp, port: 80, host_port: 8080}'),
     "blue.yml: endpoints[1].publish[0].proto: 'sctp'"),
])
def test_bad_offers_are_refused_naming_file_field_and_value(tmp_path, edit, error):
    write(tmp_path, 'blue.yml', BLUE.replace(*edit))
    _tenants, errors = load(str(tmp_path))
    assert any(e.startswith(error) for e in errors), errors


def test_a_floating_address_and_a_host_port_are_taken_once_across_tenants(tmp_path):
    write(tmp_path, 'blue.yml', BLUE)
    write(tmp_path, 'red.yml', 'name: red\nvni: 200\nsubnet: 10.0.0.0/24\nsnat: true\nendpoints:\n'
          '  - {name: red-web1, host: host1, ip: 10.0.0.11, floating_ip: 192.168.250.50}\n'
          '  - {name: red-web2, host: host2, ip: 10.0.0.12, publish: [{port: 80, '
          'host_port: 8080}]}\n'
          '  - {name: red-web3, host: host1, ip: 10.0.0.13, publish: [{port: 80, '
          'host_port: 8080}]}\n')
    _tenants, errors = load(str(tmp_path))
    assert "red.yml: endpoints[0].floating_ip: '192.168.250.50' is already the floating " \
        'address of blue-web1 of tenant blue (blue.yml)' in errors
    assert 'red.yml: endpoints[1].publish[0].host_port: 8080 is already published on host2 by ' \
        'blue-web2 of tenant blue (blue.yml)' in errors
    # another host may publish the same port
    assert not [e for e in errors if e.startswith('red.yml: endpoints[2]')]


def test_offering_needs_the_routers_uplink(tmp_path):
    write(tmp_path, 'blue.yml', BLUE.replace('snat: true', 'snat: false'))
    _tenants, errors = load(str(tmp_path))
    assert "blue.yml: endpoints[0].floating_ip: '192.168.250.50' needs snat: true" in \
        '\n'.join(errors)
    assert 'blue.yml: endpoints[1].publish: ' in '\n'.join(errors)


def test_two_floating_addresses_of_one_host_with_the_same_nat_address(tmp_path):
    # 10.1.2.3 and 10.1.130.3 agree in their low 15 bits (a /16 underlay)
    write(tmp_path, 'blue.yml', BLUE.replace('192.168.250.50', '10.1.2.3'))
    write(tmp_path, 'red.yml', 'name: red\nvni: 200\nsubnet: 10.0.0.0/24\nsnat: true\n'
          'endpoints:\n  - {name: red-web1, host: host1, ip: 10.0.0.11, '
          'floating_ip: 10.1.130.3}\n  - {name: red-web2, host: host2, ip: 10.0.0.12, '
          'floating_ip: 10.2.2.3}\n')
    _tenants, errors = load(str(tmp_path))
    assert "red.yml: endpoints[0].floating_ip: '10.1.130.3' has the same NAT address " \
        '169.254.130.3 on host1 as blue-web1 of tenant blue (blue.yml) (10.1.2.3)' in \
        '\n'.join(errors), errors
    assert not [e for e in errors if 'endpoints[1]' in e and e.startswith('red.yml')]
