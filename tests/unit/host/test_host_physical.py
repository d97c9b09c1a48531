"""ovl.host.physical: the interfaces of a host's physical networks judged
before anything changes (issue 25)."""
import pytest

from ansible.module_utils.ovl.host.physical import physical_problems

LINKS = {'eth0': {'mtu': 1500}, 'eth1': {'mtu': 1500}, 'eth2': {'mtu': 9000}, 'lo': {},
         'ovg-blue': {}, 'vx64': {}, 'brp-physnet1': {}, 'br-int': {}, 'br-phy': {}}
ADDRS = {'eth0': ['192.168.1.11/24'], 'eth1': ['172.31.0.11/24', 'fe80::1/64'], 'eth2': []}


def judge(physical, ports=None, underlay='eth0'):
    return physical_problems(physical, LINKS, ADDRS, ports or {}, underlay)


def test_a_free_interface_is_taken_with_a_warning_for_its_address():
    problems, warnings = judge({'physnet1': {'interface': 'eth1', 'mtu': 1500}})
    assert problems == []
    assert warnings == ["overlay_bridge_mappings.physnet1: eth1 holds 172.31.0.11/24; in "
                        "brp-physnet1 it carries the tenants' frames only (with the kernel "
                        "datapath the host no longer receives on it)"]


def test_already_in_its_provider_bridge_is_fine_and_quiet():
    assert judge({'physnet1': {'interface': 'eth1', 'mtu': 1500}},
                 ports={'eth1': {'bridge': 'brp-physnet1'}}) == ([], [])


@pytest.mark.parametrize('physical, ports, expected', [
    ({'p1': {'interface': 'eth9', 'mtu': 1500}}, {},
     "overlay_bridge_mappings.p1: 'eth9' is not an interface of this host (its interfaces, "
     "without those the project made: br-int, eth0, eth1, eth2)"),
    ({'p1': {'interface': 'eth0', 'mtu': 1500}}, {},
     "overlay_bridge_mappings.p1: 'eth0' is the underlay interface"),
    ({'p1': {'interface': 'eth2', 'mtu': 1500}}, {'eth2': {'bridge': 'br-ex'}},
     "overlay_bridge_mappings.p1: 'eth2' is already a port of OVS bridge br-ex"),
    ({'p1': {'interface': 'eth1', 'mtu': 9000}}, {},
     'overlay_bridge_mappings.p1: the MTU 9000 is above the MTU 1500 of eth1 on this host'),
])
def test_problems_name_the_variable_and_the_interface(physical, ports, expected):
    problems, _ = judge(physical, ports)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_capture_interfaces_must_exist_and_be_free():
    from ansible.module_utils.ovl.host.physical import capture_problems
    assert capture_problems({'eth2': 'red'}, LINKS, {'eth2': {'bridge': 'br-int'}}, 'br-int') == []
    assert capture_problems({'cap0': 'red'}, LINKS, {}, 'br-int')[0].startswith(
        "mirror of tenant red: 'cap0' is not an interface of this host (make it first")
    assert capture_problems({'eth2': 'red'}, LINKS, {'eth2': {'bridge': 'br-ex'}}, 'br-int') == [
        "mirror of tenant red: 'eth2' is already a port of OVS bridge br-ex; the project puts it "
        'on br-int']
