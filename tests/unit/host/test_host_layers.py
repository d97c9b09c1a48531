"""The one layer/tag table (ovl.host.layers): which layers a run's --tags and
--skip-tags select, with Ansible's own rules."""
import pytest

from ansible.module_utils.ovl.host.layers import NAMES, selected


@pytest.mark.parametrize('run, skip, want', [
    (None, None, list(NAMES)),
    (['all'], [], list(NAMES)),
    (['tagged'], [], list(NAMES)),
    # boot (last) carries every tag: a run of any part saves the boot state,
    # a run that skips a part does not (the state would not be this run's)
    (['snat'], [], ['ip', 'int_flows', 'ovn_nb', 'forward', 'nat', 'floating', 'boot']),
    (['publish'], [], ['floating', 'boot']),
    (['ovs'], [], ['ovn_leave', 'ovs', 'int_flows', 'tun_flows', 'underlay', 'chassis', 'ovn_nb', 'boot']),
    (['endpoints'], [], ['ip', 'ovs', 'ovn_nb', 'docker', 'libvirt', 'dhcp', 'boot']),
    (['vms'], [], ['libvirt', 'dhcp', 'boot']),
    (['dhcp'], [], ['dhcp', 'boot']),
    (['containers'], [], ['docker', 'boot']),
    (['tunnels'], [], ['ovn_leave', 'ip', 'ovs', 'int_flows', 'tun_flows', 'underlay', 'chassis', 'ovn_nb',
                       'boot']),
    (['all'], ['snat'], ['ovn_leave', 'ovs', 'tun_flows', 'underlay', 'chassis', 'docker', 'libvirt', 'dhcp']),
    (['all'], ['tagged'], []),
    (['untagged'], [], []),
    (['never_heard_of'], [], []),
])
def test_tags_select_layers(run, skip, want):
    assert selected(run, skip) == want
