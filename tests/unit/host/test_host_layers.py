"""The one layer/tag table (ovl.host.layers): which layers a run's --tags and
--skip-tags select, with Ansible's own rules."""
import pytest

from ansible.module_utils.ovl.host.layers import NAMES, selected


@pytest.mark.parametrize('run, skip, want', [
    (None, None, list(NAMES)),
    (['all'], [], list(NAMES)),
    (['tagged'], [], list(NAMES)),
    (['snat'], [], ['ip', 'int_flows', 'forward', 'nat']),
    (['ovs'], [], ['ovs', 'int_flows', 'tun_flows', 'underlay']),
    (['endpoints'], [], ['ip', 'ovs', 'docker']),
    (['containers'], [], ['docker']),
    (['tunnels'], [], ['ip', 'ovs', 'int_flows', 'tun_flows', 'underlay']),
    (['all'], ['snat'], ['ovs', 'tun_flows', 'underlay', 'docker']),
    (['all'], ['tagged'], []),
    (['untagged'], [], []),
    (['never_heard_of'], [], []),
])
def test_tags_select_layers(run, skip, want):
    assert selected(run, skip) == want
