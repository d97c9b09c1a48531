"""The chassis keys: set as the model says, others' mappings kept, the
host's own chassis name never renamed."""
from ansible.module_utils.ovl.ovn.chassis import merged_mappings, plan

KEYS = {'ovn-remote': 'tcp:192.168.1.11:6642', 'ovn-encap-type': 'geneve',
        'ovn-encap-ip': '192.168.1.12', 'ovn-bridge': 'br-int',
        'ovn-bridge-datapath-type': 'netdev', 'ovn-remote-probe-interval': '60000'}
PARAMS = dict(keys=KEYS, mapping='ovl-ext:br-phy', system_id='host2', owner='ovl')


def test_a_new_chassis_gets_every_key_and_its_name():
    steps = plan(PARAMS, {})
    assert len(steps) == 1 and steps[0].argv[:4] == ['ovs-vsctl', 'set', 'Open_vSwitch', '.']
    assert 'external_ids:"system-id"="host2"' in steps[0].argv
    assert 'external_ids:"ovn-bridge-mappings"="ovl-ext:br-phy"' in steps[0].argv


def test_a_named_host_keeps_its_name_and_others_mappings_and_converges():
    have = dict(KEYS, **{'system-id': 'a1b2', 'ovn-bridge-mappings': 'phys:br-ex',
                         'ovl-chassis': 'ovl'})
    steps = plan(PARAMS, have)
    assert steps[0].argv[4:] == ['external_ids:"ovn-bridge-mappings"="phys:br-ex,ovl-ext:br-phy"']
    have['ovn-bridge-mappings'] = 'phys:br-ex,ovl-ext:br-phy'
    assert plan(PARAMS, have) == []


def test_merged_mappings_replace_only_our_network():
    assert merged_mappings('ovl-ext:br-old,a:b', 'ovl-ext:br-phy') == 'a:b,ovl-ext:br-phy'
    assert merged_mappings(None, 'ovl-ext:br-phy') == 'ovl-ext:br-phy'
