"""plan_move: the underlay address moves onto br-phy with the prefix it has,
touching no other address, and the routes that depend on it go with it (in
the same ip -batch, between the add and the delete); bad input names the
field."""
import pytest

from ansible.module_utils.ovl.ip import batch
from ansible.module_utils.ovl.ip.move import carried_routes, normalize
from ansible.module_utils.ovl.ip.move import plan_move as plan_steps
from ansible.module_utils.ovl.core.validate import InputError

LINKS = {'eth0': {'up': True}, 'br-phy': {'up': False}}


def plan_move(*args, **kw):
    """(the argv of each step, prefix), and the steps as ``plan_move.steps``."""
    steps, prefix = plan_steps(*args, **kw)
    plan_move.steps = steps
    return [s.argv for s in steps], prefix


def want(**kw):
    params = dict(address='192.168.250.11', dev='br-phy', from_dev='eth0', prefixlen=24, up=True,
                  netns=None)
    params.update(kw)
    return normalize(params)


@pytest.mark.parametrize('addrs, links, commands, prefix', [
    # first run: on the uplink with /26 (not the default) -> moves with /26, br-phy up first
    ({'eth0': ['192.168.250.11/26', '10.9.9.9/8'], 'br-phy': []}, LINKS,
     [['ip', 'link', 'set', 'dev', 'br-phy', 'up'],
      ['ip', 'addr', 'add', '192.168.250.11/26', 'dev', 'br-phy'],
      ['ip', 'addr', 'del', '192.168.250.11/26', 'dev', 'eth0']], 26),
    # done already: nothing
    ({'eth0': ['10.9.9.9/8'], 'br-phy': ['192.168.250.11/26']},
     dict(LINKS, **{'br-phy': {'up': True}}), [], 26),
    # on both (interrupted run): only the delete on the uplink
    ({'eth0': ['192.168.250.11/26'], 'br-phy': ['192.168.250.11/26']},
     dict(LINKS, **{'br-phy': {'up': True}}),
     [['ip', 'addr', 'del', '192.168.250.11/26', 'dev', 'eth0']], 26),
    # nowhere: the default prefix
    ({'eth0': [], 'br-phy': []}, dict(LINKS, **{'br-phy': {'up': True}}),
     [['ip', 'addr', 'add', '192.168.250.11/24', 'dev', 'br-phy']], 24),
    # another address of the same subnet on the uplink is not ours to move
    ({'eth0': ['192.168.250.12/24'], 'br-phy': ['192.168.250.11/24']},
     dict(LINKS, **{'br-phy': {'up': True}}), [], 24),
])
def test_plan_move(addrs, links, commands, prefix):
    assert plan_move(want(), links, addrs) == (commands, prefix)


def test_in_a_namespace_and_without_up():
    commands, _ = plan_move(want(netns='lab1', up=False), LINKS, {'eth0': ['192.168.250.11/24']})
    assert commands == [['ip', '-n', 'lab1', 'addr', 'add', '192.168.250.11/24', 'dev', 'br-phy'],
                        ['ip', '-n', 'lab1', 'addr', 'del', '192.168.250.11/24', 'dev', 'eth0']]


def test_check_mode_plans_a_missing_target_as_new():
    commands, prefix = plan_move(want(), {'eth0': {'up': True}}, {'eth0': ['192.168.250.11/25']},
                                 check_mode=True)
    assert prefix == 25 and commands[0] == ['ip', 'link', 'set', 'dev', 'br-phy', 'up']
    assert len(commands) == 3


def test_missing_target_interface_is_named():
    with pytest.raises(InputError, match="dev: 'br-phy' does not exist"):
        plan_move(want(), {'eth0': {'up': True}}, {'eth0': []})


@pytest.mark.parametrize('kw, text', [
    (dict(address='192.168.250.11/24'), "address: '192.168.250.11/24' is not an IP address"),
    (dict(dev='br phy'), "dev: 'br phy' has characters"),
    (dict(from_dev='br-phy'), "from_dev: 'br-phy' is the same interface as dev"),
    (dict(prefixlen=33), 'prefixlen: 33 is not between 1 and 32'),
    (dict(netns='a/b'), "netns: 'a/b' is not a namespace name"),
])
def test_bad_input_names_the_field(kw, text):
    with pytest.raises(InputError) as err:
        want(**kw)
    assert text in str(err.value)


def test_namespace_names_longer_than_an_interface_name_are_accepted():
    """netns uses the namespace validator (64 characters), not the 15 of ifname."""
    assert want(netns='ovl-lab-underlay-host1')['netns'] == 'ovl-lab-underlay-host1'


# --- routes -------------------------------------------------------------

UP = {'eth0': {'up': True}, 'eth1': {'up': True}, 'br-phy': {'up': True}}
ADD = ['ip', 'addr', 'add', '192.168.250.11/24', 'dev', 'br-phy']
DEL = ['ip', 'addr', 'del', '192.168.250.11/24', 'dev', 'eth0']


def r(dst, via=None, dev='eth0', metric=0, src=None, scope=None, proto=3, onlink=False,
      family=4):
    """A route as parse_routes(detail=True) returns it (proto 3 = boot, what
    `ip route add` sets; scope as the kernel sets it when not given)."""
    if scope is None:
        scope = 0 if via or family == 6 else 253
    return dict(dst=dst, family=family, via=via, dev=dev, metric=metric, src=src, scope=scope,
                proto=proto, onlink=onlink)


def replace(*words):
    return ['ip', 'route', 'replace'] + list(words)


ONLY = {'eth0': ['192.168.250.11/24'], 'br-phy': []}          # the uplink's only address
KEEPS = {'eth0': ['10.9.9.9/8', '192.168.250.11/24'], 'br-phy': []}   # it keeps another one
CONNECTED = r('192.168.250.0/24', proto=2, src='192.168.250.11')    # proto kernel
KEPT_CONNECTED = r('10.0.0.0/8', proto=2, src='10.9.9.9')


@pytest.mark.parametrize('addrs, routes, middle', [
    # default route through the gateway: carried; the connected route is not
    (ONLY, [r('default', via='192.168.250.1'), CONNECTED],
     [replace('default', 'via', '192.168.250.1', 'dev', 'br-phy', 'metric', '0')]),
    # a host route without gateway: the uplink loses its last IPv4 address
    (ONLY, [r('10.9.0.5/32', metric=7), CONNECTED],
     [replace('10.9.0.5/32', 'dev', 'br-phy', 'metric', '7')]),
    # a network route through a gateway of the moved subnet, with a metric:
    # carried although the uplink keeps another address; the routes of that
    # other address's subnet stay
    (KEEPS, [r('10.50.0.0/16', via='192.168.250.2', metric=50),
             r('10.80.0.0/16', via='10.9.9.1'), KEPT_CONNECTED, CONNECTED],
     [replace('10.50.0.0/16', 'via', '192.168.250.2', 'dev', 'br-phy', 'metric', '50')]),
    # a device route whose preferred source is the moved address: carried;
    # a route through a gateway the uplink keeps stays, even with that src
    (KEEPS, [r('10.60.0.0/16', src='192.168.250.11'),
             r('10.70.0.0/16', via='10.9.9.1', src='192.168.250.11'),
             r('10.61.0.0/16', src='10.9.9.9')],
     [replace('10.60.0.0/16', 'dev', 'br-phy', 'metric', '0', 'src', '192.168.250.11')]),
    # the three of the issue, in the order read, with their gateway, metric, src
    (ONLY, [r('default', via='192.168.250.1'), CONNECTED,
            r('10.50.0.0/16', via='192.168.250.2', metric=50),
            r('10.60.0.0/16', src='192.168.250.11', metric=5)],
     [replace('default', 'via', '192.168.250.1', 'dev', 'br-phy', 'metric', '0'),
      replace('10.50.0.0/16', 'via', '192.168.250.2', 'dev', 'br-phy', 'metric', '50'),
      replace('10.60.0.0/16', 'dev', 'br-phy', 'metric', '5', 'src', '192.168.250.11')]),
    # routes of another device never move
    (dict(ONLY, eth1=['10.1.0.1/24']), [r('default', via='10.1.0.254', dev='eth1'),
                                        r('10.2.0.0/16', via='10.1.0.2', dev='eth1', metric=3)],
     []),
    # proto, a scope other than the one ip would pick, onlink: kept as they are
    (ONLY, [r('default', via='192.168.250.1', proto=16, metric=100),
            r('10.3.0.0/16', scope=0, proto=4),
            r('10.4.0.0/16', via='172.31.0.1', onlink=True, proto=186)],
     [replace('default', 'via', '192.168.250.1', 'dev', 'br-phy', 'metric', '100',
              'proto', 'dhcp'),
      replace('10.3.0.0/16', 'dev', 'br-phy', 'metric', '0', 'scope', 'global',
              'proto', 'static'),
      replace('10.4.0.0/16', 'via', '172.31.0.1', 'dev', 'br-phy', 'metric', '0',
              'proto', '186', 'onlink')]),
])
def test_routes_go_with_the_address(addrs, routes, middle):
    """Order: add on br-phy, the routes, then the delete from the uplink."""
    commands, prefix = plan_move(want(), UP, addrs, routes=routes)
    assert (commands, prefix) == ([ADD] + middle + [DEL], 24)


def test_one_batch_in_that_order():
    routes = [r('default', via='192.168.250.1'), r('10.50.0.0/16', via='192.168.250.2', metric=50)]
    commands, _ = plan_move(want(), dict(UP, **{'br-phy': {'up': False}}), ONLY, routes=routes)
    run = batch.group(plan_move.steps)
    assert [item.argv for item in run] == [['ip', '-batch', '-']]
    assert run[0].stdin == (
        'link set dev br-phy up\n'
        'addr add 192.168.250.11/24 dev br-phy\n'
        'route replace default via 192.168.250.1 dev br-phy metric 0\n'
        'route replace 10.50.0.0/16 via 192.168.250.2 dev br-phy metric 50\n'
        'addr del 192.168.250.11/24 dev eth0\n')


MOVED = {'eth0': ['10.9.9.9/8'], 'br-phy': ['192.168.250.11/24']}
ON_BR = [r('default', via='192.168.250.1', dev='br-phy'),
         r('10.50.0.0/16', via='192.168.250.2', dev='br-phy', metric=50),
         r('10.60.0.0/16', dev='br-phy', src='192.168.250.11'),
         r('192.168.250.0/24', dev='br-phy', proto=2, src='192.168.250.11')]


@pytest.mark.parametrize('addrs, routes, commands', [
    # done already (a second run): nothing, whatever stays on the uplink
    (MOVED, ON_BR + [r('10.80.0.0/16', via='10.9.9.1'), KEPT_CONNECTED], []),
    # interrupted after the routes (address on both): only the delete
    ({'eth0': ['192.168.250.11/24'], 'br-phy': ['192.168.250.11/24']}, ON_BR, [DEL]),
    # interrupted before the routes: the routes still on the uplink, then the delete
    ({'eth0': ['192.168.250.11/24'], 'br-phy': ['192.168.250.11/24']},
     [r('default', via='192.168.250.1'), CONNECTED],
     [replace('default', 'via', '192.168.250.1', 'dev', 'br-phy', 'metric', '0'), DEL]),
])
def test_routes_idempotent_and_interrupted(addrs, routes, commands):
    assert plan_move(want(), UP, addrs, routes=routes) == (commands, 24)


def test_reverse_move_brings_the_routes_back_on_the_uplink():
    """The same code with dev and from_dev swapped (undo)."""
    back = want(dev='eth0', from_dev='br-phy')
    commands, prefix = plan_move(back, UP, MOVED, routes=ON_BR)
    assert (commands, prefix) == ([
        ['ip', 'addr', 'add', '192.168.250.11/24', 'dev', 'eth0'],
        replace('default', 'via', '192.168.250.1', 'dev', 'eth0', 'metric', '0'),
        replace('10.50.0.0/16', 'via', '192.168.250.2', 'dev', 'eth0', 'metric', '50'),
        replace('10.60.0.0/16', 'dev', 'eth0', 'metric', '0', 'src', '192.168.250.11'),
        ['ip', 'addr', 'del', '192.168.250.11/24', 'dev', 'br-phy']], 24)
    # and once back: nothing
    home = dict(MOVED, eth0=['10.9.9.9/8', '192.168.250.11/24'], **{'br-phy': []})
    on_eth0 = [dict(route, dev='eth0') for route in ON_BR]
    assert plan_move(back, UP, home, routes=on_eth0) == ([], 24)


def test_ipv6_address_carries_ipv6_routes_only():
    six = want(address='2001:db8:1::11', prefixlen=64)
    addrs = {'eth0': ['2001:db8:1::11/64', '192.168.250.11/24'], 'br-phy': []}
    routes = [r('default', via='2001:db8:1::1', metric=1024, family=6),
              r('2001:db8:60::/48', src='2001:db8:1::11', metric=1024, family=6),
              r('2001:db8:70::/48', via='fe80::1', metric=1024, family=6),    # link-local: stays
              r('2001:db8:1::/64', metric=256, proto=2, family=6),
              r('default', via='192.168.250.1')]                               # IPv4: not ours
    commands, prefix = plan_move(six, UP, addrs, routes=routes)
    assert (commands, prefix) == ([
        ['ip', 'addr', 'add', '2001:db8:1::11/64', 'dev', 'br-phy'],
        replace('::/0', 'via', '2001:db8:1::1', 'dev', 'br-phy', 'metric', '1024'),
        replace('2001:db8:60::/48', 'dev', 'br-phy', 'metric', '1024', 'src', '2001:db8:1::11'),
        ['ip', 'addr', 'del', '2001:db8:1::11/64', 'dev', 'eth0']], 64)


def test_without_from_dev_no_route_moves():
    assert carried_routes(want(from_dev=None), ONLY, [r('default', via='192.168.250.1')], 24) == []
    commands, _ = plan_move(want(from_dev=None), UP, ONLY,
                            routes=[r('default', via='192.168.250.1')])
    assert commands == [ADD]


def test_routes_in_a_namespace_and_in_check_mode():
    commands, _ = plan_move(want(netns='lab1'), {'eth0': {'up': True}}, ONLY, check_mode=True,
                            routes=[r('default', via='192.168.250.1')])
    assert commands == [
        ['ip', '-n', 'lab1', 'link', 'set', 'dev', 'br-phy', 'up'],
        ['ip', '-n', 'lab1', 'addr', 'add', '192.168.250.11/24', 'dev', 'br-phy'],
        ['ip', '-n', 'lab1', 'route', 'replace', 'default', 'via', '192.168.250.1', 'dev',
         'br-phy', 'metric', '0'],
        ['ip', '-n', 'lab1', 'addr', 'del', '192.168.250.11/24', 'dev', 'eth0']]
