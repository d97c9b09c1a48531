"""plan_move: the underlay address moves onto br-phy with the prefix it has,
touching no other address; bad input names the field."""
import pytest

from ansible.module_utils.ovl.ip.move import normalize, plan_move
from ansible.module_utils.ovl.core.validate import InputError

LINKS = {'eth0': {'up': True}, 'br-phy': {'up': False}}


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
