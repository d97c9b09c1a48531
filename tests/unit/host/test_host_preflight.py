"""ovl.host.preflight: what a run needs, judged from probes (pure), and the
probes of the kernel's module tree on a directory tree of ours."""
import os

import pytest

from ansible.module_utils.ovl.host.preflight import (
    judge, missing_line, probe_daemon, probe_module, required_tools, rundir_of)

ALL = dict((t, '/usr/bin/' + t) for t in (
    'ip', 'bridge', 'ovs-vsctl', 'ovs-ofctl', 'iptables-save', 'iptables-restore', 'nft'))
LOADED = {'vxlan': True, 'openvswitch': True}


def args(**kw):
    base = dict(tunnel_mode='port', nat_backend='iptables', datapath_type='netdev')
    base.update(kw)
    return base


@pytest.mark.parametrize('kw, tools', [
    ({}, ['ip', 'ovs-vsctl', 'ovs-ofctl', 'iptables-save', 'iptables-restore']),
    ({'tunnel_mode': 'kernel'}, ['ip', 'bridge', 'ovs-vsctl', 'ovs-ofctl', 'iptables-save',
                                 'iptables-restore']),
    ({'tunnel_mode': 'flow'}, ['ip', 'ovs-vsctl', 'ovs-ofctl', 'iptables-save',
                               'iptables-restore']),
    ({'nat_backend': 'nft'}, ['ip', 'ovs-vsctl', 'ovs-ofctl', 'nft']),
])
def test_required_tools_never_ethtool_or_sysctl(kw, tools):
    assert required_tools(args(**kw)) == tools


def test_all_present():
    assert judge(args(), ALL, LOADED) == ([], [], [])


def test_a_stock_host_lacks_iproute2_and_iptables():
    tools = dict(ALL, ip=None, bridge=None, **{'iptables-save': None, 'iptables-restore': None})
    problems, missing, warnings = judge(args(tunnel_mode='kernel'), tools, LOADED)
    assert problems == [] and warnings == []
    assert missing == [dict(tool='ip', package='iproute2'),
                       dict(tool='bridge', package='iproute2'),
                       dict(tool='iptables-save', package='iptables'),
                       dict(tool='iptables-restore', package='iptables')]
    assert missing_line(missing) == (
        'missing bridge, ip, iptables-restore, iptables-save: install iproute2, iptables '
        '(apt-get install iproute2 iptables), or let the play install them '
        '(overlay_install_packages: true)')


@pytest.mark.parametrize('kw, modules, problem', [
    ({'tunnel_mode': 'kernel'}, {'vxlan': False}, 'has no vxlan module, needed by '
                                                  'overlay_tunnel_mode kernel'),
    ({'datapath_type': 'system'}, {'openvswitch': False, 'vxlan': True},
     'has no openvswitch module, needed by overlay_datapath_type system'),
])
def test_a_kernel_without_the_module_is_not_installable(kw, modules, problem):
    problems, missing, _ = judge(args(**kw), ALL, modules)
    assert len(problems) == 1 and problem in problems[0] and missing == []


def test_port_mode_on_netdev_needs_no_kernel_module():
    assert judge(args(), ALL, {'vxlan': False, 'openvswitch': False}) == ([], [], [])


def test_unknown_module_state_is_a_warning():
    problems, _, warnings = judge(args(tunnel_mode='kernel'), ALL, {'vxlan': None})
    assert problems == [] and 'cannot tell whether the kernel has the vxlan module' in warnings[0]


def test_probe_module(tmp_path):
    release = os.uname()[2]
    tree = tmp_path / 'lib' / 'modules' / release
    tree.mkdir(parents=True)
    (tree / 'modules.dep').write_text('kernel/drivers/net/vxlan/vxlan.ko.xz: kernel/net/udp.ko\n')
    (tree / 'modules.builtin').write_text('kernel/net/bridge/bridge.ko\n')
    (tmp_path / 'sys' / 'module' / 'openvswitch').mkdir(parents=True)
    assert probe_module('vxlan', str(tmp_path)) is True          # in the tree
    assert probe_module('bridge', str(tmp_path)) is True         # built in
    assert probe_module('openvswitch', str(tmp_path)) is True    # loaded
    assert probe_module('geneve', str(tmp_path)) is False
    assert probe_module('vxlan', str(tmp_path / 'nothing')) is None


def test_probe_daemon(tmp_path):
    (tmp_path / 'ovs-vswitchd.pid').write_text('%d\n' % os.getpid())
    (tmp_path / 'ovsdb-server.pid').write_text('999999999\n')
    assert probe_daemon(str(tmp_path), 'ovs-vswitchd') is True
    assert probe_daemon(str(tmp_path), 'ovsdb-server') is False
    assert probe_daemon(str(tmp_path), 'missing') is False


def test_rundir_of():
    assert rundir_of('unix:/tmp/x/db.sock') == '/tmp/x'


def test_the_tools_an_endpoint_kind_needs_are_checked_with_their_package():
    """A kind's tools (ovl.tenant.endpoints: tools) reach the preflight
    through preflight_args' endpoint_tools and are missing like any other."""
    extra = args(endpoint_tools={'docker': 'docker.io'})
    assert required_tools(extra)[-1] == 'docker'
    _problems, missing, _warnings = judge(extra, {'docker': None}, {})
    assert dict(tool='docker', package='docker.io') in missing
