"""Rate limits (issue 25): the tenant's default and an endpoint's own, checked
from real tenant files; what a host gets of them (the port's shape, the
br-int meters); refused where they cannot be applied."""
import pytest

from ansible.module_utils.ovl.inventory.hostvars import host_facts
from ansible.module_utils.ovl.tenant.model import Inventory, Limit, RateLimit
from ansible.module_utils.ovl.tenant.names import endpoint_port
from ansible.module_utils.ovl.tenant.ovs import build_ovs
from ansible.module_utils.ovl.tenant.rate_limit import meters_on
from tenant_helpers import load, write

HOSTS = {'host1': {'overlay_underlay_ip': '192.168.250.11'},
         'host2': {'overlay_underlay_ip': '192.168.250.12'}}
BLUE = """name: blue
vni: 100
subnet: 10.0.0.0/24
rate_limit:
  egress: {max_kbps: 20000}
endpoints:
  - {name: blue-1, host: host1, ip: 10.0.0.11}
  - {name: blue-2, host: host2, ip: 10.0.0.12, rate_limit: {ingress: {max_kbps: 10000, max_burst_kbit: 4000}}}
  - {name: blue-3, host: host2, ip: 10.0.0.13, rate_limit: {}}
  - {name: blue-vm, host: host1, ip: 10.0.0.31, kind: vm, mac: "52:54:00:0b:00:31"}
"""


def loaded(tmp_path, text, play=None):
    write(tmp_path, 'blue.yml', text)
    return load(str(tmp_path), hosts=HOSTS, play=play)


def by_name(tenant):
    return dict((ep.name, ep.rate_limit) for ep in tenant.endpoints)


def test_the_tenant_default_and_an_endpoints_own_in_its_place(tmp_path):
    tenants, errors = loaded(tmp_path, BLUE)
    assert errors == []
    limits = by_name(tenants[0])
    assert limits['blue-1'] == RateLimit(egress=Limit(20000, 16000))      # burst 80 %
    assert limits['blue-2'] == RateLimit(ingress=Limit(10000, 4000))      # whole, not merged
    assert limits['blue-3'] is None                                       # {}: none
    assert limits['blue-vm'] is None                                      # VMs: libvirt's


def test_a_small_rate_gets_at_least_one_frame_of_burst(tmp_path):
    tenants, errors = loaded(tmp_path, BLUE.replace('max_kbps: 20000', 'max_kbps: 10'))
    assert errors == [] and by_name(tenants[0])['blue-1'].egress == Limit(10, 12)


def test_the_model_round_trips_as_json(tmp_path):
    from ansible.module_utils.ovl.tenant.model import Tenant
    tenant = loaded(tmp_path, BLUE)[0][0]
    assert Tenant.from_dict(tenant.as_dict()) == tenant


@pytest.mark.parametrize('text, expect', [
    (BLUE.replace('max_kbps: 20000', 'max_kbps: 0'), 'blue.yml: rate_limit.egress.max_kbps: 0 '
     'is outside 8-100000000'),
    (BLUE.replace('egress: {max_kbps: 20000}', 'upload: {max_kbps: 20000}'),
     "blue.yml: rate_limit.upload: unknown key (allowed here: egress, ingress)"),
    (BLUE.replace('max_burst_kbit: 4000', 'max_burst_kbit: 1'),
     'blue.yml: endpoints[1].rate_limit.ingress.max_burst_kbit: 1 is outside 12-100000000'),
    (BLUE.replace('max_kbps: 10000, ', ''),
     'blue.yml: endpoints[1].rate_limit.ingress.max_kbps: is required but missing'),
    (BLUE.replace('mac: "52:54:00:0b:00:31"', 'mac: "52:54:00:0b:00:31", rate_limit: '
                  '{egress: {max_kbps: 1000}}'),
     "blue.yml: endpoints[3].rate_limit: {'egress': {'max_kbps': 1000}} is for namespace endpoints "
     "only (kind vm: set the limit on the VM's interface, libvirt's <bandwidth>)"),
])
def test_bad_limits_are_refused_naming_file_field_and_value(tmp_path, text, expect):
    _tenants, errors = loaded(tmp_path, text)
    assert any(e.startswith(expect) for e in errors), errors


def test_ovn_refuses_rate_limits_by_name(tmp_path):
    play = {'overlay_backend': 'ovn', 'overlay_ovn_central': 'host1'}
    _tenants, errors = loaded(tmp_path, BLUE.replace('  - {name: blue-vm', '#'), play=play)
    assert any(e.startswith('blue.yml: rate_limit: ') for e in errors), errors
    assert any(e.startswith('blue.yml: endpoints[1].rate_limit: ') for e in errors), errors


def test_a_host_gets_the_shape_on_the_port_and_a_meter_per_egress_limit(tmp_path):
    tenants, errors = loaded(tmp_path, BLUE)
    facts, errs = host_facts(HOSTS, {})
    assert errors == errs == []
    inv = Inventory(tuple(tenants), tuple(facts[n] for n in sorted(facts)))
    ports = dict((p['name'], p) for p in build_ovs(inv, inv.host('host2'), {'blue': 1})['ports'])
    assert ports[endpoint_port('blue-2')]['shape'] == dict(max_kbps=10000, burst_kbit=4000)
    assert 'shape' not in ports[endpoint_port('blue-3')]
    assert meters_on(inv, inv.host('host2')) == []
    assert meters_on(inv, inv.host('host1')) == [dict(port=endpoint_port('blue-1'),
                                                      max_kbps=20000, burst_kbit=16000)]
    host1 = build_ovs(inv, inv.host('host1'), {'blue': 1})['ports']
    assert not any('shape' in p for p in host1)
