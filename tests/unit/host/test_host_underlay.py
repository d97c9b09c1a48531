"""ovl.host.underlay.find_underlay: the interface holding the VTEP address,
on system and netdev hosts, with and without overlay_underlay_interface."""
import pytest

from ansible.module_utils.ovl.host.underlay import find_underlay

LINKS = {'lo': {'mtu': 65536}, 'eth0': {'mtu': 1500}, 'eth1': {'mtu': 9000},
         'br-phy': {'mtu': 1500}}
FRESH = {'lo': ['127.0.0.1/8'], 'eth0': ['192.168.1.11/24'], 'eth1': ['10.9.0.5/16'],
         'br-phy': []}
MOVED = {'lo': ['127.0.0.1/8'], 'eth0': [], 'eth1': ['10.9.0.5/16'],
         'br-phy': ['192.168.1.11/24']}
BR_PHY = {'eth0': {'bridge': 'br-phy', 'type': 'system'},
          'br-phy': {'bridge': 'br-phy', 'type': 'internal'}}


def want(**kw):
    base = dict(underlay_ip='192.168.1.11', underlay_interface=None, underlay_mtu=1500,
                datapath_type='system')
    base.update(kw)
    return base


@pytest.mark.parametrize('title, args, addrs, ports, interface, prefix', [
    ('system, variable omitted', want(), FRESH, {}, 'eth0', 24),
    ('system, variable given and right', want(underlay_interface='eth0'), FRESH, {}, 'eth0', 24),
    ('prefix is the host\'s, not assumed', want(underlay_ip='10.9.0.5', underlay_mtu=9000),
     FRESH, {}, 'eth1', 16),
    ('netdev before the first run', want(datapath_type='netdev'), FRESH, {}, 'eth0', 24),
    ('netdev after a run: the uplink of br-phy', want(datapath_type='netdev'), MOVED, BR_PHY,
     'eth0', 24),
    ('netdev after a run, variable given', want(datapath_type='netdev', underlay_interface='eth0'),
     MOVED, BR_PHY, 'eth0', 24),
], ids=lambda v: v if isinstance(v, str) and ' ' in v else None)
def test_found(title, args, addrs, ports, interface, prefix):
    facts, problems = find_underlay(args, LINKS, addrs, ports)
    assert problems == []
    assert (facts['underlay_interface'], facts['underlay_prefixlen']) == (interface, prefix)


@pytest.mark.parametrize('args, addrs, ports, message', [
    (want(underlay_ip='192.168.1.99'), FRESH, {},
     'overlay_underlay_ip: 192.168.1.99 is not an address of any interface of this host '
     '(addresses: eth0 192.168.1.11/24; eth1 10.9.0.5/16; lo 127.0.0.1/8)'),
    (want(underlay_interface='eth1'), FRESH, {},
     "overlay_underlay_interface: 'eth1' does not hold overlay_underlay_ip 192.168.1.11 "
     "(eth0 does)"),
    (want(datapath_type='netdev', underlay_interface='eth1'), MOVED, BR_PHY,
     "overlay_underlay_interface: 'eth1' is not the uplink of br-phy"),
    (want(datapath_type='netdev'), MOVED, {},
     'br-phy holds 192.168.1.11 but has no uplink ports'),
    (want(underlay_mtu=9000), FRESH, {},
     'overlay_underlay_mtu: 9000 is above the MTU 1500 of eth0 on this host'),
    (want(), dict(FRESH, eth1=['192.168.1.11/32']), {},
     'overlay_underlay_ip: 192.168.1.11 is on several interfaces (eth0, eth1)'),
])
def test_problems_are_one_line_each(args, addrs, ports, message):
    facts, problems = find_underlay(args, LINKS, addrs, ports)
    assert len(problems) == 1 and message in problems[0], problems
    assert '\n' not in problems[0]
