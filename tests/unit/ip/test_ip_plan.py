"""Planner tables: (want, have) -> exact ordered argv lists. No mocks."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.ip.model import (
    norm_address, norm_link, norm_namespace, norm_route, want_aggregate, want_state)
from ansible.module_utils.ovl.ip.plan import created_here, plan as plan_steps


def plan(want, have):
    """The argv of each step the planner returns."""
    return [s.argv for s in plan_steps(want, have)]


def veth(name, peer, ifindex, link_index, mtu=1500, up=True, alias=None, other_ns=True):
    return dict(name=name, kind='veth', ifindex=ifindex, link_index=link_index, mtu=mtu, up=up,
                alias=alias, other_ns=other_ns, peer=None if other_ns else peer)


def vxlan(name='vx100', alias='ovl:ovl', **kw):
    link = dict(name=name, kind='vxlan', ifindex=9, mtu=1500, up=True, alias=alias,
                other_ns=False, peer=None, id=100, remote='192.0.2.2', local=None, dev=None,
                dstport=4789, learning=True)
    link.update(kw)
    return link


def have(netns=(), marked=(), ns=None, sysctls=None, offload=None):
    """ns: {name: {'links': [link...], 'addrs': {dev: [...]}, 'routes': [...]}}"""
    out = dict(netns=set(netns), marked=set(marked), ns={}, sysctls=sysctls or {},
               offload=offload or {})
    for key, val in (ns or {}).items():
        out['ns'][key] = dict(links=dict((l['name'], l) for l in val.get('links', [])),
                              addrs=val.get('addrs', {}), routes=val.get('routes', []),
                              secondary=val.get('secondary', set()))
    return out


VETH = dict(name='ove1', kind='veth', peer='eth0', peer_netns='ep', mtu=1450)
PAIR = dict(links=[veth('ove1', 'eth0', 5, 2, mtu=1450, alias='ovl:ovl')],
            routes=[])
PEER = dict(links=[veth('eth0', 'ove1', 2, 5, mtu=1450)])
VX = dict(name='vx100', kind='vxlan', id=100, remote='192.0.2.2')


def links(*items, **kw):
    return want_state(links=[norm_link(i) for i in items], **kw)


MACS = dict(address='02:00:00:00:01:01', peer_address='02:00:00:00:01:02')
LINK_CASES = [
    ('veth new with fixed addresses: both ends made with them',
     links(dict(VETH, **MACS)), have(netns=['ep'], ns={None: {}, 'ep': {}}), [
        ['ip', 'link', 'add', 'ove1', 'mtu', '1450', 'address', '02:00:00:00:01:01', 'type',
         'veth', 'peer', 'name', 'eth0', 'mtu', '1450', 'address', '02:00:00:00:01:02',
         'netns', 'ep'],
        ['ip', 'link', 'set', 'ove1', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'ove1', 'up'],
        ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'up']]),
    ('veth addresses in sync', links(dict(VETH, **MACS)),
     have(netns=['ep'], ns={None: dict(links=[dict(PAIR['links'][0], mac='02:00:00:00:01:01')]),
                            'ep': dict(links=[dict(PEER['links'][0], mac='02:00:00:00:01:02')])}),
     []),
    ('veth peer address drifted: set in place (the pair is not made again)',
     links(dict(VETH, peer_address='02:00:00:00:01:02')),
     have(netns=['ep'], ns={None: PAIR, 'ep': dict(links=[dict(PEER['links'][0],
                                                               mac='6a:11:22:33:44:55')])}), [
        ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'address', '02:00:00:00:01:02']]),
    ('veth without an address asked: whatever the kernel chose stays',
     links(VETH), have(netns=['ep'], ns={None: PAIR, 'ep': dict(links=[dict(
         PEER['links'][0], mac='6a:11:22:33:44:55')])}), []),
    ('veth new, peer into ns', links(VETH), have(netns=['ep'], ns={None: {}, 'ep': {}}), [
        ['ip', 'link', 'add', 'ove1', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0',
         'mtu', '1450', 'netns', 'ep'],
        ['ip', 'link', 'set', 'ove1', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'ove1', 'up'],
        ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'up']]),
    ('veth in sync', links(VETH), have(netns=['ep'], ns={None: PAIR, 'ep': PEER}), []),
    ('veth mtu both ends', links(dict(VETH, mtu=1400)),
     have(netns=['ep'], ns={None: PAIR, 'ep': PEER}), [
        ['ip', 'link', 'set', 'ove1', 'mtu', '1400'],
        ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'mtu', '1400']]),
    ('veth down both ends', links(dict(VETH, state='down')),
     have(netns=['ep'], ns={None: PAIR, 'ep': PEER}), [
        ['ip', 'link', 'set', 'ove1', 'down'],
        ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'down']]),
    ('veth present leaves admin state', links(dict(VETH, state='present')),
     have(netns=['ep'], ns={None: dict(links=[veth('ove1', 'eth0', 5, 2, 1450, up=False)]),
                            'ep': PEER}), []),
    ('veth peer elsewhere: re-create', links(dict(VETH, peer_netns='other')),
     have(netns=['ep', 'other'], ns={None: PAIR, 'ep': PEER, 'other': {}}), [
        ['ip', 'link', 'del', 'ove1'],
        ['ip', 'link', 'add', 'ove1', 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0',
         'mtu', '1450', 'netns', 'other'],
        ['ip', 'link', 'set', 'ove1', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'ove1', 'up'],
        ['ip', '-n', 'other', 'link', 'set', 'eth0', 'up']]),
    ('veth same ns, other peer name: re-create', links(dict(name='a', kind='veth', peer='b')),
     have(ns={None: dict(links=[veth('a', 'c', 1, 2, other_ns=False)])}), [
        ['ip', 'link', 'del', 'a'],
        ['ip', 'link', 'add', 'a', 'type', 'veth', 'peer', 'name', 'b'],
        ['ip', 'link', 'set', 'a', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'a', 'up'],
        ['ip', 'link', 'set', 'b', 'up']]),
    ('veth tx offload off on fresh pair', links(dict(VETH, tx_offload=False, netns='h')),
     have(netns=['ep', 'h'], ns={'h': {}, 'ep': {}}), [
        ['ip', '-n', 'h', 'link', 'add', 'ove1', 'mtu', '1450', 'type', 'veth', 'peer', 'name',
         'eth0', 'mtu', '1450', 'netns', 'ep'],
        ['ip', '-n', 'h', 'link', 'set', 'ove1', 'alias', 'ovl:ovl'],
        ['ip', '-n', 'h', 'link', 'set', 'ove1', 'up'],
        ['ip', '-n', 'ep', 'link', 'set', 'eth0', 'up'],
        ['ip', 'netns', 'exec', 'h', 'ethtool', '-K', 'ove1', 'tx', 'off'],
        ['ip', 'netns', 'exec', 'ep', 'ethtool', '-K', 'eth0', 'tx', 'off']]),
    ('tx offload already off', links(dict(VETH, tx_offload=False)),
     have(netns=['ep'], ns={None: PAIR, 'ep': PEER},
          offload={(None, 'ove1'): False, ('ep', 'eth0'): False}), []),
    ('tx offload on one end', links(dict(VETH, tx_offload=False)),
     have(netns=['ep'], ns={None: PAIR, 'ep': PEER},
          offload={(None, 'ove1'): False, ('ep', 'eth0'): True}), [
        ['ip', 'netns', 'exec', 'ep', 'ethtool', '-K', 'eth0', 'tx', 'off']]),
    ('vxlan new', links(dict(VX, local='192.0.2.1', dev='eth9', learning=False, mtu=1450)),
     have(ns={None: {}}), [
        ['ip', 'link', 'add', 'vx100', 'mtu', '1450', 'type', 'vxlan', 'id', '100', 'remote',
         '192.0.2.2', 'local', '192.0.2.1', 'dev', 'eth9', 'dstport', '4789', 'nolearning'],
        ['ip', 'link', 'set', 'vx100', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'vx100', 'up']]),
    ('vxlan in sync', links(VX), have(ns={None: dict(links=[vxlan()])}), []),
    ('vxlan learning in place', links(dict(VX, learning=False)),
     have(ns={None: dict(links=[vxlan()])}), [
        ['ip', 'link', 'set', 'vx100', 'type', 'vxlan', 'nolearning']]),
    ('vxlan mtu in place', links(dict(VX, mtu=1400)), have(ns={None: dict(links=[vxlan()])}), [
        ['ip', 'link', 'set', 'vx100', 'mtu', '1400']]),
] + [
    ('vxlan %s re-create' % key, links(dict(VX, **{key: val})),
     have(ns={None: dict(links=[vxlan()])}), [
        ['ip', 'link', 'del', 'vx100'],
        ['ip', 'link', 'add', 'vx100', 'type', 'vxlan'] + argv,
        ['ip', 'link', 'set', 'vx100', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'vx100', 'up']])
    for key, val, argv in [
        ('id', 101, ['id', '101', 'remote', '192.0.2.2', 'dstport', '4789']),
        ('remote', '192.0.2.3', ['id', '100', 'remote', '192.0.2.3', 'dstport', '4789']),
        ('remote', None, ['id', '100', 'dstport', '4789']),
        ('local', '192.0.2.1', ['id', '100', 'remote', '192.0.2.2', 'local', '192.0.2.1',
                                'dstport', '4789']),
        ('dev', 'eth9', ['id', '100', 'remote', '192.0.2.2', 'dev', 'eth9', 'dstport', '4789']),
        ('dstport', 4790, ['id', '100', 'remote', '192.0.2.2', 'dstport', '4790']),
    ]
] + [
    ('absent existing', links(dict(name='vx100', state='absent')),
     have(ns={None: dict(links=[vxlan()])}), [['ip', 'link', 'del', 'vx100']]),
    ('absent missing', links(dict(name='vx100', state='absent')), have(ns={None: {}}), []),
    ('absent in missing ns', links(dict(name='vx100', state='absent', netns='gone')),
     have(), []),
    ('kind changed: re-create', links(dict(name='vx100', kind='veth', peer='p')),
     have(ns={None: dict(links=[vxlan()])}), [
        ['ip', 'link', 'del', 'vx100'],
        ['ip', 'link', 'add', 'vx100', 'type', 'veth', 'peer', 'name', 'p'],
        ['ip', 'link', 'set', 'vx100', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'vx100', 'up'],
        ['ip', 'link', 'set', 'p', 'up']]),
    # kernel tunnel mode: one device per tenant, its peers as all-zeros FDB entries
    ('vxlan new with a flood list', links(dict(VX, remote=None, local='192.0.2.1',
                                               flood=['192.0.2.3', '192.0.2.2'])),
     have(ns={None: {}}), [
        ['ip', 'link', 'add', 'vx100', 'type', 'vxlan', 'id', '100', 'local', '192.0.2.1',
         'dstport', '4789'],
        ['ip', 'link', 'set', 'vx100', 'alias', 'ovl:ovl'],
        ['ip', 'link', 'set', 'vx100', 'up'],
        ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx100', 'dst', '192.0.2.2'],
        ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx100', 'dst', '192.0.2.3']]),
    ('flood list in sync', links(dict(VX, remote=None, flood=['192.0.2.2'])),
     have(ns={None: dict(links=[vxlan(remote=None, flood=['192.0.2.2'])])}), []),
    ('flood list: a peer joins, one leaves, in place', links(dict(VX, remote=None,
                                                                 flood=['192.0.2.4', '192.0.2.2'])),
     have(ns={None: dict(links=[vxlan(remote=None, flood=['192.0.2.2', '192.0.2.3'])])}), [
        ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx100', 'dst', '192.0.2.4'],
        ['bridge', 'fdb', 'del', '00:00:00:00:00:00', 'dev', 'vx100', 'dst', '192.0.2.3']]),
    ('flood list emptied', links(dict(VX, remote=None, flood=[])),
     have(ns={None: dict(links=[vxlan(remote=None, flood=['192.0.2.2'])])}), [
        ['bridge', 'fdb', 'del', '00:00:00:00:00:00', 'dev', 'vx100', 'dst', '192.0.2.2']]),
    ('flood not managed when not given', links(dict(VX, remote=None)),
     have(ns={None: dict(links=[vxlan(remote=None, flood=['192.0.2.9'])])}), []),
    ('owner in mark', links(VX, owner='t1'), have(ns={None: {}}), [
        ['ip', 'link', 'add', 'vx100', 'type', 'vxlan', 'id', '100', 'remote', '192.0.2.2',
         'dstport', '4789'],
        ['ip', 'link', 'set', 'vx100', 'alias', 'ovl:t1'],
        ['ip', 'link', 'set', 'vx100', 'up']]),
]


@pytest.mark.parametrize('want, current, expected', [c[1:] for c in LINK_CASES],
                         ids=[c[0] for c in LINK_CASES])
def test_links(want, current, expected):
    assert plan(want, current) == expected


def test_link_in_missing_namespace_is_refused():
    with pytest.raises(InputError) as err:
        plan(links(dict(VETH, peer_netns='nope')), have(ns={None: {}}))
    assert err.value.field == 'peer_netns' and err.value.value == 'nope'


def addrs(state='present', exact=False, address=('10.0.0.2/24',)):
    return want_state(addresses=[norm_address(dict(dev='eth0', netns='ep', address=list(address),
                                                   state=state, exact=exact))])


ADDR_CASES = [
    ('add', addrs(), {}, [['ip', '-n', 'ep', 'addr', 'add', '10.0.0.2/24', 'dev', 'eth0']]),
    ('present', addrs(), {'eth0': ['10.0.0.2/24']}, []),
    ('extra kept', addrs(), {'eth0': ['10.0.0.2/24', '10.0.0.9/24']}, []),
    ('exact removes first', addrs(exact=True, address=['10.0.0.2/24', '10.0.0.3/24']),
     {'eth0': ['10.0.0.1/24', '10.0.0.2/24']}, [
        ['ip', '-n', 'ep', 'addr', 'del', '10.0.0.1/24', 'dev', 'eth0'],
        ['ip', '-n', 'ep', 'addr', 'add', '10.0.0.3/24', 'dev', 'eth0']]),
    ('exact in sync', addrs(exact=True), {'eth0': ['10.0.0.2/24']}, []),
    ('absent', addrs(state='absent'), {'eth0': ['10.0.0.2/24', '10.0.0.9/24']}, [
        ['ip', '-n', 'ep', 'addr', 'del', '10.0.0.2/24', 'dev', 'eth0']]),
    ('absent missing', addrs(state='absent'), {'eth0': []}, []),
    ('same ip other prefix', addrs(), {'eth0': ['10.0.0.2/16']},
     [['ip', '-n', 'ep', 'addr', 'add', '10.0.0.2/24', 'dev', 'eth0']]),
]


@pytest.mark.parametrize('want, current, expected', [c[1:] for c in ADDR_CASES],
                         ids=[c[0] for c in ADDR_CASES])
def test_addresses(want, current, expected):
    assert plan(want, have(netns=['ep'], ns={'ep': dict(addrs=current)})) == expected


def test_deleting_a_primary_re_adds_wanted_secondaries():
    current = have(netns=['ep'], ns={'ep': dict(
        addrs={'eth0': ['10.0.0.1/24', '10.0.0.2/24', '10.0.0.3/24']},
        secondary={('eth0', '10.0.0.2/24'), ('eth0', '10.0.0.3/24')})})
    want = addrs(exact=True, address=['10.0.0.2/24'])
    assert plan(want, current) == [
        ['ip', '-n', 'ep', 'addr', 'del', '10.0.0.3/24', 'dev', 'eth0'],
        ['ip', '-n', 'ep', 'addr', 'del', '10.0.0.1/24', 'dev', 'eth0'],
        ['ip', '-n', 'ep', 'addr', 'add', '10.0.0.2/24', 'dev', 'eth0']]


def r(dst, via=None, dev='eth0', metric=0, family=4):
    return dict(dst=dst, via=via, dev=dev, metric=metric, family=family)


def routes(**kw):
    return want_state(routes=[norm_route(dict(kw, netns='ep'))])


ROUTE_CASES = [
    ('add default', routes(dst='default', via='10.0.0.1'), [],
     [['ip', '-n', 'ep', 'route', 'replace', 'default', 'via', '10.0.0.1']]),
    ('in sync', routes(dst='default', via='10.0.0.1'), [r('default', '10.0.0.1')], []),
    ('other gateway', routes(dst='default', via='10.0.0.1'), [r('default', '10.0.0.254')],
     [['ip', '-n', 'ep', 'route', 'replace', 'default', 'via', '10.0.0.1']]),
    ('other dev', routes(dst='10.8.0.0/16', via='10.0.0.1', dev='eth1'),
     [r('10.8.0.0/16', '10.0.0.1', 'eth0')],
     [['ip', '-n', 'ep', 'route', 'replace', '10.8.0.0/16', 'via', '10.0.0.1', 'dev', 'eth1']]),
    ('metric is part of the key', routes(dst='10.8.0.0/16', via='10.0.0.1', metric=5),
     [r('10.8.0.0/16', '10.0.0.1')],
     [['ip', '-n', 'ep', 'route', 'replace', '10.8.0.0/16', 'via', '10.0.0.1', 'metric', '5']]),
    ('metric in sync', routes(dst='10.8.0.0/16', via='10.0.0.1', metric=5),
     [r('10.8.0.0/16', '10.0.0.1', metric=5)], []),
    ('dev route, kernel made it', routes(dst='10.0.0.0/24', dev='eth0'), [r('10.0.0.0/24')], []),
    ('ipv6 default', routes(dst='default', via='2001:db8::1'), [],
     [['ip', '-n', 'ep', 'route', 'replace', '::/0', 'via', '2001:db8::1']]),
    ('ipv6 default in sync', routes(dst='default', via='2001:db8::1'),
     [r('default', '2001:db8::1', metric=1024, family=6)], []),
    ('v4 route does not satisfy v6', routes(dst='default', via='2001:db8::1'),
     [r('default', '10.0.0.1')],
     [['ip', '-n', 'ep', 'route', 'replace', '::/0', 'via', '2001:db8::1']]),
    ('absent, any metric', routes(dst='10.8.0.0/16', state='absent'),
     [r('10.8.0.0/16', '10.0.0.1', metric=5), r('10.8.0.0/16', '10.0.0.1', metric=7)],
     [['ip', '-n', 'ep', 'route', 'del', '10.8.0.0/16', 'metric', '5'],
      ['ip', '-n', 'ep', 'route', 'del', '10.8.0.0/16', 'metric', '7']]),
    ('absent, one metric', routes(dst='10.8.0.0/16', state='absent', metric=7),
     [r('10.8.0.0/16', '10.0.0.1', metric=5), r('10.8.0.0/16', '10.0.0.1', metric=7)],
     [['ip', '-n', 'ep', 'route', 'del', '10.8.0.0/16', 'metric', '7']]),
    ('absent missing', routes(dst='10.8.0.0/16', state='absent'), [r('10.9.0.0/16')], []),
]


@pytest.mark.parametrize('want, current, expected', [c[1:] for c in ROUTE_CASES],
                         ids=[c[0] for c in ROUTE_CASES])
def test_routes(want, current, expected):
    assert plan(want, have(netns=['ep'], ns={'ep': dict(routes=current)})) == expected


def nss(*items, **kw):
    return want_state(namespaces=[norm_namespace(i) for i in items], mark_dir='/m', **kw)


NS_CASES = [
    ('create with marker and sysctl', nss(dict(name='a', sysctls={'net.ipv4.ip_forward': 1})),
     have(), [['mkdir', '-p', '/m'], ['touch', '/m/a'], ['ip', 'netns', 'add', 'a'],
              ['ip', 'netns', 'exec', 'a', 'sysctl', '-w', 'net.ipv4.ip_forward=1']]),
    ('exists, sysctl differs', nss(dict(name='a', sysctls={'net.ipv4.ip_forward': 1})),
     have(netns=['a'], sysctls={'a': {'net.ipv4.ip_forward': '0'}}),
     [['ip', 'netns', 'exec', 'a', 'sysctl', '-w', 'net.ipv4.ip_forward=1']]),
    ('exists in sync', nss(dict(name='a', sysctls={'net.ipv4.ip_forward': True})),
     have(netns=['a'], sysctls={'a': {'net.ipv4.ip_forward': '1'}}), []),
    ('exists unmarked: not marked', nss(dict(name='a')), have(netns=['a']), []),
    ('absent marked', nss(dict(name='a', state='absent')), have(netns=['a'], marked=['a']),
     [['ip', 'netns', 'del', 'a'], ['rm', '-f', '/m/a']]),
    ('absent unmarked named', nss(dict(name='a', state='absent')), have(netns=['a']),
     [['ip', 'netns', 'del', 'a']]),
    ('absent, stale marker', nss(dict(name='a', state='absent')), have(marked=['a']),
     [['rm', '-f', '/m/a']]),
    ('absent missing', nss(dict(name='a', state='absent')), have(), []),
    ('prune: only marked, unlisted', nss(dict(name='a'), prune=True),
     have(netns=['a', 'b', 'foreign'], marked=['a', 'b', 'stale'], ns={None: {}}),
     [['ip', 'netns', 'del', 'b'], ['rm', '-f', '/m/b'], ['rm', '-f', '/m/stale']]),
    ('no prune: nothing deleted', nss(dict(name='a')),
     have(netns=['a', 'b'], marked=['a', 'b']), []),
]


@pytest.mark.parametrize('want, current, expected', [c[1:] for c in NS_CASES],
                         ids=[c[0] for c in NS_CASES])
def test_namespaces(want, current, expected):
    assert plan(want, current) == expected


def test_prune_only_our_marked_links():
    want = want_aggregate(dict(owner='me', prune=True, namespaces=[dict(name='ep')],
                               links=[dict(VETH, netns=None)]))
    current = have(netns=['ep'], ns={
        None: dict(links=[veth('ove1', 'eth0', 5, 2, 1450, alias='ovl:me'),
                          vxlan('vxold', alias='ovl:me'), vxlan('vxother', alias='ovl:you'),
                          vxlan('foreign', alias=None), vxlan('mine2', alias='ovl:mex')]),
        'ep': dict(links=[veth('eth0', 'ove1', 2, 5, 1450), vxlan('vxin', alias='ovl:me')])})
    assert plan(want, current) == [['ip', 'link', 'del', 'vxold'],
                                   ['ip', '-n', 'ep', 'link', 'del', 'vxin']]


def test_prune_skips_links_of_pruned_namespaces_and_orders_deletes_first():
    want = want_aggregate(dict(prune=True, mark_dir='/m', namespaces=[dict(name='new')],
                               links=[dict(VX, netns='new')]))
    current = have(netns=['old'], marked=['old'],
                   ns={None: dict(links=[vxlan('vx1')]), 'old': dict(links=[vxlan('vx2')])})
    assert plan(want, current) == [
        ['mkdir', '-p', '/m'], ['touch', '/m/new'], ['ip', 'netns', 'add', 'new'],
        ['ip', 'link', 'del', 'vx1'],
        ['ip', '-n', 'new', 'link', 'add', 'vx100', 'type', 'vxlan', 'id', '100', 'remote',
         '192.0.2.2', 'dstport', '4789'],
        ['ip', '-n', 'new', 'link', 'set', 'vx100', 'alias', 'ovl:ovl'],
        ['ip', '-n', 'new', 'link', 'set', 'vx100', 'up'],
        ['ip', 'netns', 'del', 'old'], ['rm', '-f', '/m/old']]


def test_recreated_link_gets_its_addresses_again():
    want = want_aggregate(dict(links=[dict(VX, id=7)],
                               addresses=[dict(dev='vx100', address='10.0.0.1/24')]))
    current = have(ns={None: dict(links=[vxlan()], addrs={'vx100': ['10.0.0.1/24']},
                                  routes=[])})
    assert plan(want, current)[-1] == ['ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'vx100']


def test_second_run_is_empty():
    """The state the first plan produces, read back, plans nothing."""
    want = want_aggregate(dict(
        namespaces=[dict(name='ep', sysctls={'net.ipv4.ip_forward': 1})],
        links=[VETH], addresses=[dict(netns='ep', dev='eth0', address='10.0.0.2/24')],
        routes=[dict(netns='ep', dst='default', via='10.0.0.1')], prune=True))
    current = have(netns=['ep'], sysctls={'ep': {'net.ipv4.ip_forward': '1'}}, ns={
        None: PAIR, 'ep': dict(links=PEER['links'], addrs={'eth0': ['10.0.0.2/24']},
                               routes=[r('default', '10.0.0.1')])})
    assert plan(want, current) == []


def test_routes_on_a_device_losing_an_address_are_re_asserted():
    want = want_aggregate(dict(
        addresses=[dict(netns='ep', dev='eth0', address='10.0.0.12/24')],
        routes=[dict(netns='ep', dst='default', via='10.0.0.1')]))
    current = have(netns=['ep'], ns={'ep': dict(addrs={'eth0': ['10.0.0.11/24']},
                                               routes=[r('default', '10.0.0.1')])})
    assert plan(want, current) == [
        ['ip', '-n', 'ep', 'addr', 'del', '10.0.0.11/24', 'dev', 'eth0'],
        ['ip', '-n', 'ep', 'addr', 'add', '10.0.0.12/24', 'dev', 'eth0'],
        ['ip', '-n', 'ep', 'route', 'replace', 'default', 'via', '10.0.0.1']]


def test_stale_entry_of_our_namespace_is_deleted_then_made_anew(tmp_path):
    """After `docker restart` (or a crashed `ip netns add`) /run/netns/NAME
    exists with no namespace mounted on it: ours is recreated."""
    want = want_state(mark_dir=str(tmp_path), namespaces=[norm_namespace(dict(name='ep'))])
    current = have(marked=['ep'], ns={None: {}})
    current['stale'] = {'ep', 'theirs'}
    assert plan(want, current) == [['mkdir', '-p', str(tmp_path)],
                                   ['touch', str(tmp_path / 'ep')],
                                   ['ip', 'netns', 'del', 'ep'], ['ip', 'netns', 'add', 'ep']]


def test_stale_entry_not_ours_is_refused(tmp_path):
    want = want_state(mark_dir=str(tmp_path), namespaces=[norm_namespace(dict(name='ep'))])
    current = have(ns={None: {}})
    current['stale'] = {'ep'}
    with pytest.raises(InputError, match='no namespace mounted on it, and it is not ours'):
        plan(want, current)


def test_stale_entries_of_ours_are_pruned(tmp_path):
    want = want_state(mark_dir=str(tmp_path), prune=True)
    current = have(marked=['gone'], ns={None: {}})
    current['stale'] = {'gone'}
    assert plan(want, current) == [['ip', 'netns', 'del', 'gone'],
                                   ['rm', '-f', str(tmp_path / 'gone')]]


@pytest.mark.parametrize('link, namespaces, expected', [
    # host end made here, peer moved into the tenant namespace
    (dict(name='vb-web1', kind='veth', peer='eth0', peer_netns='blue'), ['blue'], ['vb-web1']),
    # both ends in the host namespace
    (dict(name='a', kind='veth', peer='b', mtu=1450), [], ['a', 'b']),
    # made inside a namespace: nothing of the host namespace
    (dict(name='x', kind='veth', peer='y', netns='blue'), ['blue'], []),
    # a kernel vxlan device (its namespace is made too: nothing of the host's)
    (dict(name='vx64', kind='vxlan', id=100), ['blue'], ['vx64']),
])
def test_created_here_names_host_devices_made(link, namespaces, expected):
    want = want_state(namespaces=[norm_namespace({'name': n}) for n in namespaces],
                      links=[norm_link(link)])
    assert created_here(plan_steps(want, have(ns={None: {}}))) == expected


def test_a_veth_re_made_after_its_namespace_went_is_created_here():
    want = want_state(namespaces=[norm_namespace({'name': 'blue'})],
                      links=[norm_link({'name': 'vb', 'kind': 'veth', 'peer': 'eth0',
                                        'peer_netns': 'blue'})])
    current = have(ns={'': {'links': []}})      # namespace and both ends gone
    assert created_here(plan_steps(want, current)) == ['vb']


def test_many_namespaces_are_made_in_one_batch_and_deleted_in_one():
    """Markers, then every netns add together (one ip -batch), then sysctls;
    at the end every netns del together, then the markers."""
    from ansible.module_utils.ovl.ip.batch import group
    want = want_aggregate(dict(prune=True, mark_dir='/m', namespaces=[
        dict(name='n%d' % i, sysctls={'net.ipv4.ip_forward': 1}) for i in range(3)]))
    steps = group(plan_steps(want, have(marked=['o1', 'o2'], netns=['o1', 'o2'])))
    assert [s.argv[:3] for s in steps] == (
        [['mkdir', '-p', '/m']] + [['touch', '/m/n%d' % i] for i in range(3)]
        + [['ip', '-batch', '-']]
        + [['ip', 'netns', 'exec']] * 3
        + [['ip', '-batch', '-'], ['rm', '-f', '/m/o1'], ['rm', '-f', '/m/o2']])
    assert steps[4].stdin == 'netns add n0\nnetns add n1\nnetns add n2\n'
    assert steps[8].stdin == 'netns del o1\nnetns del o2\n'
