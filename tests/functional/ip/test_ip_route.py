"""ip_route inside a test namespace."""
import ip_route
from fixtures.netns import sh
from ip_helpers import converge, quiet_netns, routes


def route(ns, dst, *family):
    return [r for r in routes(ns, *family) if r['dst'] == dst]


def test_route_lifecycle(make_netns):
    ns = quiet_netns(make_netns, 'trt')
    sh('ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1')
    for dev, addr in (('eth0', '10.0.0.11/24'), ('eth1', '10.9.0.1/24')):
        sh('ip', '-n', ns, 'addr', 'add', addr, 'dev', dev)
        sh('ip', '-n', ns, 'link', 'set', dev, 'up')

    converge(ip_route, dict(netns=ns, dst='default', via='10.0.0.1'), ns)
    assert [(r['gateway'], r['dev']) for r in route(ns, 'default')] == [('10.0.0.1', 'eth0')]

    converge(ip_route, dict(netns=ns, dst='default', via='10.9.0.254'), ns)
    assert [r['gateway'] for r in route(ns, 'default')] == ['10.9.0.254']

    converge(ip_route, dict(netns=ns, dst='10.8.0.0/16', via='10.0.0.1', dev='eth0'), ns)
    converge(ip_route, dict(netns=ns, dst='10.8.0.0/16', via='10.9.0.1', dev='eth1'), ns)
    assert [(r['gateway'], r['dev']) for r in route(ns, '10.8.0.0/16')] == [('10.9.0.1', 'eth1')]

    converge(ip_route, dict(netns=ns, dst='10.8.0.0/16', via='10.0.0.1', metric=7), ns)
    assert sorted(r.get('metric', 0) for r in route(ns, '10.8.0.0/16')) == [0, 7]

    converge(ip_route, dict(netns=ns, dst='10.7.0.5', dev='eth0'), ns)
    assert route(ns, '10.7.0.5')[0]['dev'] == 'eth0'

    converge(ip_route, dict(netns=ns, dst='10.8.0.0/16', state='absent'), ns)
    assert route(ns, '10.8.0.0/16') == []
    converge(ip_route, dict(netns=ns, dst='default', state='absent'), ns)
    assert route(ns, 'default') == []


def test_ipv6_default_route(make_netns):
    ns = make_netns('trt6')
    sh('ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1')
    sh('ip', '-n', ns, 'link', 'set', 'eth0', 'up')
    sh('ip', '-n', ns, 'link', 'set', 'eth1', 'up')
    sh('ip', '-n', ns, 'addr', 'add', '2001:db8::5/64', 'dev', 'eth0', 'nodad')
    args = dict(netns=ns, dst='default', via='2001:db8::1', dev='eth0')
    converge(ip_route, args, ns)
    assert [r['gateway'] for r in route(ns, 'default', '-6')] == ['2001:db8::1']
    assert route(ns, 'default') == []
    converge(ip_route, dict(netns=ns, dst='::/0', state='absent'), ns)
    assert route(ns, 'default', '-6') == []
