"""The in-process rtnetlink reader against `ip -j -d` on real namespaces: for
every kind of object the modules manage (veth pairs across namespaces and in
one namespace, vxlan, bridge ports, aliases, IPv4 secondaries, IPv6, routes
with gateway and metric, a route of another table) the reader returns exactly
what the `ip -j` parsers make of iproute2's own output."""
import pytest

from ansible.module_utils.ovl.ip.netlink import read_namespace
from ansible.module_utils.ovl.core.netns import entered

from fixtures.netns import sh
from iproute_json import parse_addr_json, parse_routes


def via_ip(ns, families):
    links, addrs, secondary = parse_addr_json(sh('ip', '-n', ns, '-j', '-d', 'addr', 'show'))
    routes = []
    for family in sorted(families):
        routes += parse_routes(sh('ip', '-n', ns, '-%d' % family, '-j', 'route', 'show',
                                  'table', 'main'), family)
    return links, addrs, secondary, routes


def build(ns, other):
    steps = [
        ['link', 'add', 'v0', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0',
         'netns', other],
        ['link', 'set', 'v0', 'alias', 'ovl:test', 'up'],
        ['link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb'],
        ['link', 'set', 'va', 'up'],
        ['link', 'add', 'br0', 'type', 'bridge'],
        ['link', 'set', 'vb', 'master', 'br0'],
        ['link', 'add', 'vx5', 'type', 'vxlan', 'id', '5', 'remote', '192.0.2.2', 'local',
         '192.0.2.1', 'dev', 'va', 'dstport', '4789', 'nolearning'],
        ['link', 'add', 'vx6', 'type', 'vxlan', 'id', '16777215', 'group', '239.1.1.1',
         'dev', 'va', 'dstport', '8472'],
        ['addr', 'add', '10.1.0.1/24', 'dev', 'va'],
        ['addr', 'add', '10.1.0.2/24', 'dev', 'va'],
        ['addr', 'add', '10.2.0.1/16', 'dev', 'v0'],
        ['addr', 'add', '2001:db8::1/64', 'dev', 'va', 'nodad'],
        ['route', 'add', 'default', 'via', '10.1.0.254'],
        ['route', 'add', '10.9.0.5/32', 'dev', 'va', 'metric', '7'],
        ['route', 'add', '10.8.0.0/16', 'via', '10.2.0.9', 'table', '100'],
        ['route', 'add', 'unreachable', '10.7.0.0/16'],
        ['route', 'add', '2001:db8:5::/48', 'via', '2001:db8::9'],
    ]
    for step in steps:
        sh('ip', '-n', ns, *step)


@pytest.mark.parametrize('families', [(), (4,), (4, 6)])
def test_netlink_read_equals_ip_json(make_netns, families):
    ns, other = make_netns('tnl'), make_netns('tnl')
    build(ns, other)
    for space in (ns, other):
        assert read_in(space, families) == via_ip(space, families)
    links = read_in(ns, families)[0]
    assert links['v0']['other_ns'] and links['v0']['peer'] is None
    assert links['va']['peer'] == 'vb' and links['vx5']['remote'] == '192.0.2.2'
    assert links['vx6']['remote'] is None and links['vx6']['dstport'] == 8472


def read_in(ns, families=(4, 6)):
    with entered(ns):
        return read_namespace(families)


def test_netlink_read_sees_what_the_tests_assert(make_netns):
    """Spot values, so the equality above cannot pass with both sides empty."""
    ns, other = make_netns('tnl'), make_netns('tnl')
    build(ns, other)
    links, addrs, secondary, routes = read_in(ns)
    assert links['v0']['mtu'] == 1450 and links['v0']['alias'] == 'ovl:test'
    assert links['v0']['up'] and not links['br0']['up']
    assert addrs['va'] == ['10.1.0.1/24', '10.1.0.2/24', '2001:db8::1/64']
    assert secondary == {('va', '10.1.0.2/24')}
    assert dict(dst='default', family=4, via='10.1.0.254', dev='va', metric=0) in routes
    assert dict(dst='10.9.0.5/32', family=4, via=None, dev='va', metric=7) in routes
    assert dict(dst='2001:db8:5::/48', family=6, via='2001:db8::9', dev='va',
                metric=1024) in routes
    assert not [r for r in routes if r['dst'] in ('10.8.0.0/16', '10.7.0.0/16')]
    assert links['vx5']['id'] == 5 and links['vx5']['learning'] is False
    assert links['vx5']['dev'] == 'va' and links['vx5']['local'] == '192.0.2.1'
