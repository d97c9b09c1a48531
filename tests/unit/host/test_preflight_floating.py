"""The preflight's check of floating addresses: inside the host's underlay
network (the host answers ARP for them there), not its network or broadcast
address; the error names the host, the endpoint, the value and the network."""
import pytest

from ansible.module_utils.ovl.floating.preflight import problems as floating_problems


def test_inside_the_underlay_network_passes():
    assert floating_problems({'192.168.250.50': 'blue/blue-web1'}, '192.168.250.11', 24,
                             'host1') == []


@pytest.mark.parametrize('addr', ['192.168.251.50', '192.168.250.0', '192.168.250.255'])
def test_outside_it_or_its_own_addresses_are_refused(addr):
    problems = floating_problems({addr: 'blue/blue-web1'}, '192.168.250.11', 24, 'host1')
    assert problems == ["host1: floating_ip of blue/blue-web1: '%s' is not an address of the "
                        "underlay network 192.168.250.0/24 of host1 (192.168.250.11): a floating "
                        "address is answered for on that network" % addr]


def test_nothing_to_check_without_floating_addresses_or_a_prefix():
    assert floating_problems({}, '192.168.250.11', 24, 'host1') == []
    assert floating_problems({'10.9.9.9': 'x/y'}, '192.168.250.11', None, 'host1') == []


def test_an_address_the_host_already_has_without_our_marker_is_refused_before_any_write():
    addrs = {'br-phy': ['192.168.250.11/24', '192.168.250.50/32']}
    problems = floating_problems({'192.168.250.50': 'blue/blue-web1'}, '192.168.250.11', 24,
                                 'host1', addrs, marked={})
    assert problems == ["host1: floating_ip of blue/blue-web1: '192.168.250.50' is already an "
                        "address of br-phy on host1, and not one the product added (no marker in "
                        "/run/ovl/floating): remove it there, or choose another floating address"]
    # ours (marked): fine, the floating layer keeps it
    assert floating_problems({'192.168.250.50': 'blue/blue-web1'}, '192.168.250.11', 24,
                             'host1', addrs, marked={'192.168.250.50': 'br-phy'}) == []
