"""Drift rows from check-mode results (ovl.report.drift): every kind of
planned change is named with its host, tenant, kind and state; unchanged
layers give nothing."""
import pytest

from ansible.module_utils.ovl.report.drift import drift_rows, drift_text
from ansible.module_utils.ovl.tenant.names import endpoint_port
from tenant_helpers import example_inventory

INV = example_inventory()
PORT = endpoint_port('blue-web1')


def rows(results):
    return [(r['host'], r['tenant'], r['kind'], r['object'], r['state'])
            for r in drift_rows(INV, results)]


@pytest.mark.parametrize('layer, result, expected', [
    ('ip', {'changed': True, 'changes': [['netns.add', None, 'blue-web1', None],
                                         ['mark.add', None, 'blue-web1', '/run/ovl/netns/blue-web1']]},
     ('h', 'blue', 'namespace', 'blue-web1', 'missing')),
    ('ip', {'changed': True, 'changes': [['netns.del', None, 'ovr-gone', None]]},
     ('h', '-', 'namespace', 'ovr-gone', 'extra')),
    ('ip', {'changed': True, 'changes': [['link.add', None, 'ovg-red', None],
                                         ['link.set', None, 'ovg-red', 'up']]},
     ('h', 'red', 'link', 'ovg-red', 'missing')),
    ('ip', {'changed': True, 'changes': [['link.del', None, 'ovu-red', None],
                                         ['link.add', None, 'ovu-red', None]]},
     ('h', 'red', 'link', 'ovu-red', 'different')),
    ('ip', {'changed': True, 'changes': [['addr.add', 'red-web1', 'eth0', '10.0.0.11/24']]},
     ('h', 'red', 'address', 'red-web1/eth0', 'missing')),
    ('ip', {'changed': True, 'changes': [['route.replace', 'green-app1', 'default',
                                          'via 172.16.10.1']]},
     ('h', 'green', 'route', 'green-app1/default', 'missing')),
    ('ip', {'changed': True, 'changes': [['sysctl', 'ovr-blue', 'net.ipv4.ip_forward', '1']]},
     ('h', 'blue', 'sysctl', 'ovr-blue/net.ipv4.ip_forward', 'different')),
    ('ip', {'changed': True, 'changes': [['fdb.del', None, 'vx64', '10.0.0.9']]},
     ('h', 'blue', 'tunnel', 'vx64', 'extra')),
    ('ovs', {'changed': True, 'diff': {'before': {'ports': {'ovg-blue': {'tag': 9, 'type': 'system'}}},
                                       'after': {'ports': {'ovg-blue': {'tag': 1, 'type': 'system'}}}}},
     ('h', 'blue', 'tag', 'ovg-blue', 'different')),
    ('ovs', {'changed': True, 'diff': {'before': {'ports': {'vx12c-a8fa0c': None}},
                                       'after': {'ports': {'vx12c-a8fa0c': {'type': 'vxlan'}}}}},
     ('h', 'green', 'port', 'vx12c-a8fa0c', 'missing')),
    ('ovs', {'changed': True, 'diff': {
        'before': {'ports': {'vx64-a8fa0c': {'type': 'vxlan', 'options': {'key': '9'}}}},
        'after': {'ports': {'vx64-a8fa0c': {'type': 'vxlan', 'options': {'key': '100'}}}}}},
     ('h', 'blue', 'tunnel', 'vx64-a8fa0c', 'different')),
    ('int_flows', {'changed': True, 'diff': {'before': {'flows': []}, 'after': {'flows': [
        'table=4,priority=1,tun_id=200,actions=mod_vlan_vid:2']}}},
     ('h', 'red', 'flow', 'table=4,priority=1,tun_id=200,actions=mod_vlan_vid:2', 'missing')),
    ('nat', {'changed': True, 'diff': {
        'before': '# netns ovr-blue\n',
        'after': '# netns ovr-blue\n-A OVL-POSTROUTING -s 10.0.0.0/24 -j MASQUERADE\n'}},
     ('h', 'blue', 'nat', 'ovr-blue: -A OVL-POSTROUTING -s 10.0.0.0/24 -j MASQUERADE', 'missing')),
    ('forward', {'changed': True}, ('h', '-', 'sysctl', 'net.ipv4.ip_forward', 'different')),
    ('int_flows', {'changed': True, 'diff': {
        'before': {'flows': [], 'meters': {PORT: {'max_kbps': 9, 'burst_kbit': 12}}},
        'after': {'flows': [], 'meters': {PORT: {'max_kbps': 20000, 'burst_kbit': 16000}}}}},
     ('h', 'blue', 'rate limit', PORT, 'different')),
    ('ovs', {'changed': True, 'diff': {'before': {'shapes': {PORT: None}}, 'after': {
        'shapes': {PORT: {'max_kbps': 10000, 'burst_kbit': 8000}}}}},
     ('h', 'blue', 'rate limit', PORT, 'missing')),
])
def test_each_kind_of_drift_is_named(layer, result, expected):
    assert expected in rows({'h': {layer: result}})


def test_nothing_changed_is_no_drift():
    results = {'h': dict((k, {'changed': False}) for k in ('ip', 'ovs', 'int_flows', 'nat')),
               'g': {'tun_flows': {'skipped': True}}}
    assert rows(results) == []
    assert drift_text([]) == 'no drift: every host is as the inventory says'


def test_a_host_that_could_not_be_read_is_reported():
    assert rows({'h': {'failed': True, 'msg': 'unreachable'}}) == [('h', '-', 'host', 'h', 'unknown')]


def test_the_report_is_one_table():
    text = drift_text(drift_rows(INV, {'h': {'forward': {'changed': True}}}))
    assert text.splitlines()[0].split() == ['host', 'tenant', 'kind', 'state', 'object', 'detail']
    assert text.endswith('1 difference(s) on h')


@pytest.mark.parametrize('ttype, name', [('vxlan', 'vxf-a8fa0c'), ('geneve', 'gnf-a8fa0c'),
                                         ('gre', 'grf-a8fa0c')])
def test_flow_modes_shared_tunnel_port_belongs_to_no_tenant(ttype, name):
    """Flow mode's tunnel port to a peer (<prefix>f-<peer>) carries every
    tenant; read as a port-mode name it looked like the tunnel of VNI 15 (hex
    f) and was reported as that tenant's (issue 19). In port mode the same
    name IS the tunnel of VNI 15."""
    from ansible.module_utils.ovl.core import tunnels
    from tenant_helpers import inventory, tenant
    fifteen = tenant('fifteen', 15, endpoints=[('f1', 'host1', '10.0.0.11'),
                                               ('f2', 'host2', '10.0.0.12')], tunnel_type=ttype)
    diff = {'before': {'ports': {name: {'type': ttype, 'options': {'key': 'flow'}}}},
            'after': {'ports': {name: None}}}
    assert tunnels.get(ttype).prefix + 'f-a8fa0c' == name
    for mode, owner in (('flow', '-'), ('port', 'fifteen')):
        got = drift_rows(inventory([fifteen], mode=mode), {'h': {'ovs': {'changed': True,
                                                                         'diff': diff}}})
        assert [(r['tenant'], r['object'], r['state']) for r in got] == [
            (owner, name, 'extra')], (mode, got)


def test_the_filter_keeps_what_each_layer_row_says_the_drift_report_reads():
    """overlay_drift_results takes each layer's keys from the layer table
    (ovl.host.layers.result_keys): the ip layer's changes, the ovs diff."""
    from overlay import overlay_drift_results
    ip = {'changed': True, 'commands': [['ip', 'netns', 'add', 'x']],
          'changes': [['netns.add', None, 'x', None]], 'created': []}
    ovs = {'changed': False, 'diff': {'before': {}, 'after': {}}, 'transaction': []}
    got = overlay_drift_results({'overlay_pre': {}, 'overlay_host_found': {},
                                 'overlay_result': {'layers': {'ip': ip, 'ovs': ovs}}})
    assert got['ip'] == {'changed': True, 'changes': [['netns.add', None, 'x', None]]}
    assert got['ovs'] == {'changed': False, 'diff': {'before': {}, 'after': {}}}
    assert got['nat'] == {}
