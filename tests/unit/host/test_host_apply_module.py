"""overlay_apply: each layer takes its own module's options (validated by
that module's spec, the error names the layer), only the selected layers
run, and a layer's result is its module's result."""
import pytest

import nat_state
import overlay_apply
import ovs_flows
import ovs_state
from modrun import binary_name, run_module
from ovs_fake import vsctl_json

NAT = dict(namespaces=[dict(netns=None, snat=[dict(id='blue', source='10.0.0.0/24',
                                                    out_interface='eth0')])])


def no_process(argv, data):
    raise AssertionError('ran %r' % (argv,))


def test_a_bad_layer_option_names_the_layer_and_nothing_runs():
    result = run_module(overlay_apply, dict(nat=dict(NAT, backend='pf'), owner='ovl'),
                        fake=no_process)
    assert result['failed'] and result['msg'].startswith('nat: ')
    assert 'backend' in result['msg'] and 'pf' in result['msg']
    assert result['_argv'] == []


def test_an_unknown_layer_option_is_refused():
    result = run_module(overlay_apply, dict(nat=dict(NAT, colour='red')), fake=no_process)
    assert result['failed'] and 'nat: ' in result['msg'] and 'colour' in result['msg']


def test_only_the_selected_layers_run_and_report_as_their_module(tmp_path):
    def fake(argv, data):
        return 0, '', ''          # iptables-save of an empty host
    result = run_module(overlay_apply, dict(layers=['nat'], nat=NAT, owner='ovl', prune=True,
                                            ip=dict(namespaces=[])),
                        check_mode=True, fake=fake)
    assert not result['failed'], result.get('msg')
    assert list(result['layers']) == ['nat']
    nat = result['layers']['nat']
    assert nat['changed'] and nat['commands'] and 'commands' not in result
    assert any('iptables-restore' in ' '.join(c) for c in nat['commands'])
    assert any('OVL-POSTROUTING' in r['stdin'] for r in nat['restore_input'])


def test_a_later_layer_that_normalizes_badly_fails_before_any_layer_reads_or_writes():
    """ip is valid and would create a namespace; nat's input passes its spec
    but not its model (a source that is no network): the host fails naming
    nat, and no process starts at all (no read, no write of ip)."""
    bad_nat = dict(namespaces=[dict(netns='ovr-blue', snat=[dict(
        id='blue', source='10.0.0.0/33', out_interface='qg0')])])
    result = run_module(overlay_apply, dict(ip=dict(namespaces=[dict(name='ovr-blue')]),
                                            nat=bad_nat, owner='ovl', prune=True),
                        fake=no_process)
    assert result['failed'] and result['msg'].startswith('nat: '), result.get('msg')
    assert '10.0.0.0/33' in result['msg']
    assert result['_argv'] == []
    assert list(result['layers']) == ['nat']



# Each layer alone through overlay_apply against the same fake host as its own
# module: the same result (less the layer's elapsed), the same processes in the
# same order, in apply and in check mode.
OVS_NOW = vsctl_json(
    bridges={'br-int': {'datapath_type': 'netdev', 'external_ids': {'ovl-owner': 'ovl'}}},
    ports={'p1': {'bridge': 'br-int', 'tag': 5, 'type': 'internal',
                  'external_ids': {'ovl-owner': 'ovl'}}})
FLOWS = [dict(table=0, priority=1, match='in_port=p1', actions='resubmit(,2)'),
         dict(table=0, priority=0, actions='drop')]


def fake_ovs():
    def _fake(argv, data):
        assert binary_name(argv) == 'ovs-vsctl', argv
        return (0, OVS_NOW, '') if '--format=json' in argv else (0, '', '')
    return _fake


def fake_flows():
    def _fake(argv, data):
        assert binary_name(argv) == 'ovs-ofctl', argv
        if 'dump-ports-desc' in argv:
            return 0, ' 1(vx): addr:aa\n 2(p1): addr:bb\n LOCAL(br-tun): addr:cc\n', ''
        return 0, '', ''
    return _fake


def fake_empty():
    return lambda argv, data: (0, '', '')


SAME_AS_MODULE = [
    ('ovs', ovs_state, dict(bridges=[dict(name='br-int', datapath_type='netdev')],
                            ports=[dict(name='p9', bridge='br-int', type='internal', tag=9)],
                            prune=True, owner='ovl'), fake_ovs),
    ('ovs', ovs_state, dict(bridges=[dict(name='br-int')], ports=[], prune=True), fake_ovs),
    ('int_flows', ovs_flows, dict(bridge='br-tun', flows=FLOWS, prune=True), fake_flows),
    ('nat', nat_state, dict(NAT, owner='ovl', prune=True), fake_empty),
]


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('layer, module, args, make_fake', SAME_AS_MODULE)
def test_a_layer_is_its_module(layer, module, args, make_fake, check_mode):
    alone = run_module(module, args, check_mode=check_mode, diff=True, fake=make_fake())
    both = run_module(overlay_apply, {layer: args}, check_mode=check_mode, diff=True,
                      fake=make_fake())
    assert not alone['failed'] and not both['failed'], (alone.get('msg'), both.get('msg'))
    assert alone['changed'], 'the case must change something'
    got = dict(both['layers'][layer])
    assert isinstance(got.pop('elapsed'), float)
    want = dict((k, v) for k, v in alone.items() if not k.startswith('_') and k != 'failed')
    assert got == want
    assert both['_argv'] == alone['_argv']
    assert both['changed'] == alone['changed'] and 'commands' not in both


def test_the_model_gives_each_layer_what_the_role_used_to_template():
    """model_layers (on the host) == the options the role built on the
    controller from overlay_host_state, for every layer."""
    import json
    from overlay import overlay_host_model, overlay_host_state
    from tenant_helpers import NETDEV, example_inventory
    from ansible.module_utils.ovl.host.apply import model_layers

    whole = json.loads(json.dumps(example_inventory(NETDEV, 'flow').as_result()))
    tags, found = {'blue': 1, 'green': 2, 'red': 3}, {'underlay_interface': 'eth0',
                                                        'underlay_prefixlen': 24}
    state = overlay_host_state(whole, 'host1', tags, found)
    params = dict(model=overlay_host_model(whole, 'host1'), host='host1',
                  tenant_tags=tags, discovered=found, ovs_timeout=None,
                  plan_if_down=False, owner=None, prune=None)
    got = model_layers(params)
    owner = state['facts']['owner']
    assert got == dict(
        ovn_leave=dict(owner=owner, bridge=state['facts']['integration_bridge']),
        ip=dict(state['ip'], owner=owner, prune=True),
        ovs=dict(state['ovs'], owner=owner, prune=True, plan_if_down=False, timeout=30),
        int_flows=dict(state['int_flows'], prune=True),
        tun_flows=dict(state['tun_flows'], prune=True),
        underlay=state['underlay'], forward=True,
        nat=dict(state['nat'], owner=owner, prune=True, backend='iptables',
                 keep_reads='/run/ovl/nat-reads.json'),
        floating=dict(state['floating'], owner=owner, prune=True),
        docker=dict(config=None, owner=owner, host='host1'),
        libvirt=dict(state['libvirt'], host='host1'),
        dhcp=dict(servers=[], owner=owner, prune=True),
        chassis=None, ovn_nb=None,          # the ovs backend: no OVN layer
        # what the boot unit converges from: this run's model parameters
        boot=dict(saved=dict((k, params[k]) for k in ('model', 'host', 'tenant_tags',
                                                      'discovered', 'owner', 'prune',
                                                      'ovs_timeout'))),
        announce=state['announce'])
    assert state['tun_flows'] and state['underlay']


def test_a_model_without_a_tag_of_its_tenant_fails_naming_the_model_and_runs_nothing():
    import json
    from overlay import overlay_host_model
    from tenant_helpers import example_inventory
    whole = json.loads(json.dumps(example_inventory().as_result()))
    result = run_module(overlay_apply, dict(model=overlay_host_model(whole, 'host1'),
                                            host='host1', tenant_tags={'blue': 1}),
                        fake=no_process)
    assert result['failed'] and result['msg'].startswith('model: ') and 'host1' in result['msg']
    assert result['_argv'] == []


def test_the_model_excludes_the_per_layer_options():
    result = run_module(overlay_apply, dict(model={'tenants': [], 'hosts': {}}, host='h',
                                            nat=NAT), fake=no_process)
    assert result['failed'] and 'mutually exclusive' in result['msg']


def _model_cases():
    from tenant_helpers import H3, NETDEV, example_inventory, inventory, tenant
    three = [tenant('a', 10, endpoints=[('a1', 'host1', '10.0.0.11')], snat=True),
             tenant('b', 11, endpoints=[('b2', 'host2', '10.0.0.12'), ('b3', 'host3', '10.0.0.13')]),
             tenant('c', 12, endpoints=[('c1', 'host1', '10.0.0.11'), ('c2', 'host2', '10.0.0.12'),
                                        ('c3', 'host3', '10.0.0.13')], snat=True, tunnel_type='geneve')]
    for mode in ('port', 'kernel', 'flow'):
        yield example_inventory(None, mode), 'host1'
        yield example_inventory(NETDEV, mode), 'host2'
    for mode in ('port', 'flow'):
        for host in ('host1', 'host2', 'host3'):
            yield inventory(three, H3, mode), host


@pytest.mark.parametrize('inv, host', list(_model_cases()))
def test_trusted_defaults_equal_the_argument_spec_on_every_layer(inv, host):
    """What the host builds from the model passes each layer's argument spec
    with no error, and filling in the defaults alone (with_defaults, the
    host's fast path) gives exactly what the spec validation gives."""
    import json
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    from overlay import overlay_host_model
    from ansible.module_utils.ovl.host.apply import layer_params, model_layers
    from ansible.module_utils.ovl.host.layers import BY_NAME

    whole = json.loads(json.dumps(inv.as_result()))
    tags = dict((t.name, i + 1) for i, t in enumerate(inv.tenants_on(host)))
    layers = model_layers(dict(model=overlay_host_model(whole, host), host=host, tenant_tags=tags,
                               discovered={'underlay_interface': 'eth0', 'underlay_prefixlen': 24},
                               ovs_timeout=None, plan_if_down=False))
    checked = 0
    for name, raw in layers.items():
        if name in ('forward', 'announce') or raw is None:
            continue
        given = dict((k, v) for k, v in raw.items() if v is not None)
        result = ArgumentSpecValidator(BY_NAME[name].spec()).validate(given)
        assert result.error_messages == [], (name, result.error_messages)
        assert layer_params(name, raw, trusted=True) == result.validated_parameters, name
        checked += 1
    assert checked >= 4


def test_nat_does_not_read_the_namespaces_the_ip_layer_just_made(tmp_path):
    """ip makes ovr-zz9 (a name this machine does not have); nat wants rules in
    it and on the host: only the host's rules are read (iptables-save once),
    the new namespace is known empty. In check mode too: the ip layer plans
    to make it because it does not exist (it would read as empty), so it is
    not read either (the ip layer's made_namespaces is declared as what nat
    takes: ovl.host.layers)."""
    calls = []

    def fake(argv, data):
        calls.append(list(argv))
        return 0, '', ''
    nat = dict(namespaces=[dict(netns=None, snat=[dict(id='zz9', source='169.254.0.4/30',
                                                        out_interface='eth0')]),
                           dict(netns='ovr-zz9', snat=[dict(id='zz9', source='10.0.0.0/24',
                                                            out_interface='qg0')])])
    args = dict(ip=dict(namespaces=[dict(name='ovr-zz9')], mark_dir=str(tmp_path)), nat=nat,
                owner='ovl', prune=False)
    result = run_module(overlay_apply, args, fake=fake)
    assert not result['failed'], result.get('msg')
    assert result['layers']['ip']['made_namespaces'] == ['ovr-zz9']
    reads = [c for c in calls if 'iptables-save' in ' '.join(c)]
    assert len(reads) == 1 and 'ovr-zz9' not in reads[0]
    assert len(result['layers']['nat']['restore_input']) == 2

    calls[:] = []
    result = run_module(overlay_apply, args, check_mode=True, fake=fake)
    assert result['layers']['ip']['made_namespaces'] == ['ovr-zz9']
    reads = [c for c in calls if 'iptables-save' in ' '.join(c)]
    assert len(reads) == 1 and 'ovr-zz9' not in reads[0]
