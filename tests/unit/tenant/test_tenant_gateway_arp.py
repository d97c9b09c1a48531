"""Gateway ARP flows on br-int (port/kernel modes): one table, no mocks."""
import pytest

from ansible.module_utils.ovl.tenant.gateway_arp import build_int_flows
from tenant_helpers import H3, HOSTVARS, facts, inventory, tenant
BLUE = tenant('blue', 100, snat=True, endpoints=[('b1', 'host1', '10.0.0.11'),
                                                  ('b2', 'host2', '10.0.0.12')])
GREEN = tenant('green', 300, endpoints=[('g1', 'host1', '10.0.0.11'),
                                        ('g2', 'host2', '10.0.0.12')])
LONE = tenant('pink', 400, snat=True, endpoints=[('p1', 'host1', '10.0.0.11')])


def drops(port, gw='10.0.0.1'):
    return [dict(table=0, priority=100, actions='drop',
                 match='arp,in_port=%s,arp_%s=%s' % (port, f, gw)) for f in ('spa', 'tpa')]


CASES = [
    ('snat tenant across hosts: both directions of gateway ARP dropped on its tunnel',
     [BLUE], 'host1', HOSTVARS, 'port', drops('vx64-a8fa0c')),
    ('same from the other side', [BLUE], 'host2', HOSTVARS, 'port', drops('vx64-a8fa0b')),
    ('tenant without snat: no router, no rule', [GREEN], 'host1', HOSTVARS, 'port', []),
    ('snat tenant on one host only: no tunnel, no rule', [LONE], 'host1', HOSTVARS, 'port', []),
    ('kernel mode uses the tenant one kernel device', [BLUE], 'host1', HOSTVARS, 'kernel',
     drops('vx64')),
    ('flow mode: br-int holds none (br-tun has them)', [BLUE, GREEN], 'host1', HOSTVARS, 'flow', []),
    ('host not carrying the tenant', [BLUE], 'host3', H3, 'port', []),
]


@pytest.mark.parametrize('title, tenants, host, hostvars, mode, expected', CASES,
                         ids=[c[0] for c in CASES])
def test_int_flows(title, tenants, host, hostvars, mode, expected):
    inv = inventory(tenants, hostvars, mode)
    out = build_int_flows(inv, facts(inv, host))
    assert out['bridge'] == 'br-int'
    assert out['flows'] == sorted(expected, key=lambda f: f['match'])
