"""netns module: real namespaces, the marker file in a private mark_dir."""
import os

import pytest

import netns
from fixtures.netns import needs_root, sh
from modrun import run_module
from ip_helpers import drop_netns, netns_names


@pytest.fixture
def ns_name(request):
    needs_root()
    name = 'tnm%d-%d' % (os.getpid() % 10000, len(request.node.name))
    drop_netns(name)
    yield name
    drop_netns(name)


def state(mark_dir):
    return sh('ip', '-j', 'netns', 'list'), sorted(os.listdir(mark_dir)) if os.path.isdir(mark_dir) else None


def converge(args, mark_dir):
    before = state(mark_dir)
    check = run_module(netns, args, check_mode=True, diff=True)
    assert not check['failed'], check['msg']
    assert check['changed'] and check['commands'] and 'diff' in check
    assert state(mark_dir) == before
    first = run_module(netns, args)
    assert not first['failed'], first['msg']
    assert first['changed'] and first['commands'] == check['commands']
    again = run_module(netns, args)
    assert (again['changed'], again['commands']) == (False, [])
    return first


def sysctl(name, key):
    return sh('ip', 'netns', 'exec', name, 'sysctl', '-n', key).strip()


def test_netns_lifecycle(ns_name, tmp_path):
    mark_dir = str(tmp_path / 'marks')
    args = dict(name=ns_name, mark_dir=mark_dir, sysctls={'net.ipv4.ip_forward': 1})
    converge(args, mark_dir)
    assert ns_name in netns_names()
    assert os.path.isfile(os.path.join(mark_dir, ns_name))
    assert sysctl(ns_name, 'net.ipv4.ip_forward') == '1'

    converge(dict(args, sysctls={'net.ipv4.ip_forward': 0,
                                 'net.ipv4.conf.all.rp_filter': 2}), mark_dir)
    assert sysctl(ns_name, 'net.ipv4.ip_forward') == '0'
    assert sysctl(ns_name, 'net.ipv4.conf.all.rp_filter') == '2'

    converge(dict(name=ns_name, mark_dir=mark_dir, state='absent'), mark_dir)
    assert ns_name not in netns_names()
    assert not os.path.exists(os.path.join(mark_dir, ns_name))


def test_unmarked_namespace_named_explicitly(make_netns, tmp_path):
    name = make_netns('tnu')
    mark_dir = str(tmp_path)
    result = run_module(netns, dict(name=name, mark_dir=mark_dir))
    assert (result['changed'], os.listdir(mark_dir)) == (False, [])
    converge(dict(name=name, mark_dir=mark_dir, state='absent'), mark_dir)
    assert name not in netns_names()


def test_bad_sysctl_fails_before_any_change(ns_name, tmp_path):
    args = dict(name=ns_name, mark_dir=str(tmp_path), sysctls={'net.ipv4.ip_forward': '1 2;x'})
    result = run_module(netns, args)
    assert result['failed'] and 'sysctls.net.ipv4.ip_forward' in result['msg']
    assert result['_argv'] == [] and ns_name not in netns_names()
