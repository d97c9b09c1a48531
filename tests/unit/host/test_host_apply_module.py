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
    assert nat['changed'] and nat['commands'] == result['commands']
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
    assert both['changed'] == alone['changed'] and both['commands'] == alone['commands']
