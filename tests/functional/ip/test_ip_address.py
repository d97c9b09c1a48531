"""ip_address inside a test namespace."""
import ip_address
from fixtures.netns import sh
from ip_helpers import addrs, converge, quiet_netns


def test_address_lifecycle(make_netns):
    ns = quiet_netns(make_netns, 'tad')
    sh('ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1')
    base = dict(netns=ns, dev='eth0')
    converge(ip_address, dict(base, address=['10.0.0.11/24']), ns)
    assert addrs(ns, 'eth0') == ['10.0.0.11/24']

    converge(ip_address, dict(base, address=['10.0.0.12/24']), ns)
    assert addrs(ns, 'eth0') == ['10.0.0.11/24', '10.0.0.12/24']

    result = converge(ip_address, dict(base, address=['10.0.0.13/24', '10.1.0.1/16'],
                                       exact=True), ns)
    assert result['commands'][:2] == [
        ['ip', '-n', ns, 'addr', 'del', '10.0.0.12/24', 'dev', 'eth0'],
        ['ip', '-n', ns, 'addr', 'del', '10.0.0.11/24', 'dev', 'eth0']]
    assert addrs(ns, 'eth0') == ['10.0.0.13/24', '10.1.0.1/16']

    # keep a secondary while deleting its primary: the kernel drops both, so re-add
    converge(ip_address, dict(base, address=['10.0.0.14/24']), ns)
    converge(ip_address, dict(base, address=['10.0.0.14/24', '10.1.0.1/16'], exact=True), ns)
    assert addrs(ns, 'eth0') == ['10.0.0.14/24', '10.1.0.1/16']
    converge(ip_address, dict(base, address=['10.0.0.13/24', '10.1.0.1/16'], exact=True), ns)

    converge(ip_address, dict(base, address=['10.1.0.1/16'], state='absent'), ns)
    assert addrs(ns, 'eth0') == ['10.0.0.13/24']

    converge(ip_address, dict(base, address=[], exact=True), ns)
    assert addrs(ns, 'eth0') == []


def test_ipv6_and_link_local_untouched(make_netns):
    ns = make_netns('tad6')
    sh('ip', '-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1')
    sh('ip', '-n', ns, 'link', 'set', 'eth0', 'up')
    sh('ip', '-n', ns, 'addr', 'add', 'fe80::99/64', 'dev', 'eth0', 'nodad')
    args = dict(netns=ns, dev='eth0', address=['2001:db8::5/64'], exact=True)
    converge(ip_address, args, ns)
    assert addrs(ns, 'eth0') == ['2001:db8::5/64']
    assert 'fe80::99' in sh('ip', '-n', ns, 'addr', 'show', 'dev', 'eth0')
