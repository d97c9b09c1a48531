"""ovl.floating: the floating layer's input, what it reads, and its plan."""
import pytest

from ansible.module_utils.ovl.core.validate import InputError
from ansible.module_utils.ovl.floating.model import normalize
from ansible.module_utils.ovl.floating.plan import plan
from ansible.module_utils.ovl.floating.read import have_of

MARKS = '/run/ovl/floating'
WANT = normalize(dict(addresses=[dict(address='192.168.250.50', dev='br-phy', owner='web1')],
                      routes=[dict(dst='169.254.250.50/32', via='169.254.0.6', dev='ovu-blue')]))


def have(addrs=None, routes=(), marked=None):
    base = {'br-phy': ['192.168.250.11/24'], 'eth0': []}
    base.update(addrs or {})
    return have_of(base, [dict(r, family=4, metric=0) for r in routes], marked or {})


def ops(steps):
    return [(s.op, s.obj) for s in steps]


def test_first_run_routes_marks_adds_and_announces():
    steps = plan(WANT, have())
    assert ops(steps) == [('route.replace', '169.254.250.50/32'),
                          ('mark.add', MARKS + '/192.168.250.50'),
                          ('addr.add', '192.168.250.50'), ('addr.announce', '192.168.250.50')]
    assert steps[2].argv == ['ip', 'addr', 'add', '192.168.250.50/32', 'dev', 'br-phy']
    assert steps[1].stdin == 'br-phy\n'


def test_converged_is_no_step():
    now = have({'br-phy': ['192.168.250.11/24', '192.168.250.50/32']},
               [dict(dst='169.254.250.50/32', via='169.254.0.6', dev='ovu-blue')],
               {'192.168.250.50': 'br-phy'})
    assert plan(WANT, now) == []


def test_removed_address_and_route_are_pruned_foreign_routes_stay():
    now = have({'br-phy': ['192.168.250.11/24', '192.168.250.50/32']},
               [dict(dst='169.254.250.50/32', via='169.254.0.6', dev='ovu-blue'),
                dict(dst='169.254.0.0/16', via=None, dev='eth0'),       # zeroconf: not ours
                dict(dst='10.9.0.0/16', via='192.168.250.1', dev='br-phy')],
               {'192.168.250.50': 'br-phy'})
    empty = normalize({})
    assert ops(plan(empty, now)) == [('route.del', '169.254.250.50/32'),
                                     ('addr.del', '192.168.250.50'),
                                     ('mark.del', MARKS + '/192.168.250.50')]
    assert plan(empty, now, prune=False) == []


def test_an_address_the_host_has_without_our_marker_is_refused():
    now = have({'eth0': ['192.168.250.50/24']})
    with pytest.raises(InputError) as err:
        plan(WANT, now)
    assert '192.168.250.50' in str(err.value) and 'eth0' in str(err.value)
    assert 'not one the product added' in str(err.value)


def test_ours_on_another_device_moves():
    now = have({'eth0': ['192.168.250.50/32']}, marked={'192.168.250.50': 'eth0'})
    assert ops(plan(WANT, now))[1:] == [('addr.del', '192.168.250.50'),
                                        ('mark.add', MARKS + '/192.168.250.50'),
                                        ('addr.add', '192.168.250.50'),
                                        ('addr.announce', '192.168.250.50')]


def test_a_marker_whose_address_went_away_adds_it_again_and_announces():
    now = have(marked={'192.168.250.50': 'br-phy'},
               routes=[dict(dst='169.254.250.50/32', via='169.254.0.6', dev='ovu-blue')])
    assert ops(plan(WANT, now)) == [('addr.add', '192.168.250.50'),
                                    ('addr.announce', '192.168.250.50')]


@pytest.mark.parametrize('params, field', [
    (dict(addresses=[dict(address='x', dev='br-phy')]), 'addresses[0].address'),
    (dict(addresses=[dict(address='169.254.130.1', dev='br-phy')]), 'addresses[0].address'),
    (dict(addresses=[dict(address='192.0.2.1', dev='bad dev')]), 'addresses[0].dev'),
    (dict(routes=[dict(dst='10.0.0.0/32', via='169.254.0.6', dev='ovu-a')]), 'routes[0].dst'),
    (dict(routes=[dict(dst='169.254.200.0/24', via='169.254.0.6', dev='ovu-a')]), 'routes[0].dst'),
    (dict(routes=[dict(dst='169.254.200.1/32', via='no', dev='ovu-a')]), 'routes[0].via'),
])
def test_bad_input_names_the_field(params, field):
    with pytest.raises(InputError) as err:
        normalize(params)
    assert field in str(err.value)
