"""The docker layer's pure parts: the networks judged, the plan on a host
without systemd and with it, the units, the plugin file (deterministic, its
import closure pinned) and the drift rows."""
import json
import subprocess
import sys
import os

import pytest

from ansible.module_utils.ovl.docker import networks, package, units
from ansible.module_utils.ovl.docker.driver import CONFIG, PYZ, config_text, plan_docker
from ansible.module_utils.ovl.docker.drift import drift

BLUE = {'subnet': '10.0.0.0/24', 'gateway': '10.0.0.1'}
RED = {'subnet': '10.0.0.0/24', 'gateway': '10.0.0.254'}


def ls_line(name, driver='ovl', labels=''):
    return json.dumps({'Name': name, 'ID': 'id-' + name, 'Driver': driver, 'Labels': labels})


def ours(name, tenant):
    return ls_line(name, labels='ovl-owner=ovl,ovl-tenant=%s,ovl-net=%s' % (
        name, networks.net_label(tenant)))


def test_parse_ls_reads_names_drivers_and_labels():
    nets = networks.parse_ls('\n'.join([ls_line('bridge', 'bridge'), ours('blue', BLUE), '']))
    assert [(n.name, n.driver) for n in nets] == [('bridge', 'bridge'), ('blue', 'ovl')]
    assert nets[1].labels == {'ovl-owner': 'ovl', 'ovl-tenant': 'blue',
                              'ovl-net': '10.0.0.0/24@10.0.0.1'}


@pytest.mark.parametrize('have, wanted, create, remove', [
    ([], {'blue': BLUE}, ['blue'], []),                                   # new
    ([ours('blue', BLUE)], {'blue': BLUE}, [], []),                       # steady
    ([ours('blue', BLUE)], {}, [], ['blue']),                             # tenant left
    ([ours('blue', BLUE)], {'blue': RED}, ['blue'], ['blue']),            # gateway changed
    ([ours('blue', BLUE), ls_line('web', 'bridge')], {}, [], ['blue']),   # foreign untouched
    ([ls_line('x', labels='ovl-owner=other')], {}, [], []),               # another owner's
])
def test_judge(have, wanted, create, remove):
    got = networks.judge(networks.parse_ls('\n'.join(have)), wanted, 'ovl')
    assert got == (create, remove, [])


def test_a_foreign_network_with_a_tenants_name_is_a_problem_and_is_not_touched():
    create, remove, problems = networks.judge(
        networks.parse_ls(ls_line('blue', 'bridge')), {'blue': BLUE}, 'ovl')
    assert (create, remove) == ([], [])
    assert 'a Docker network named blue exists and is not ours (driver bridge)' in problems[0]


def test_create_argv_names_the_tenant_for_both_drivers_and_marks_it():
    argv = networks.create_argv('blue', BLUE, 'ovl')
    assert argv[:7] == ['docker', 'network', 'create', '--driver', 'ovl', '--ipam-driver', 'ovl']
    assert 'tenant=blue' == argv[argv.index('--opt') + 1] == argv[argv.index('--ipam-opt') + 1]
    assert argv[-1] == 'blue' and 'ovl-owner=ovl' in argv


def test_busy_line_names_networks_and_containers():
    line = networks.busy_line('host1', {'blue': ['web1', 'web2']})
    assert line.startswith('host1: cannot remove the Docker network(s) blue')
    assert 'blue: web1, web2' in line


def lab_have(**kw):
    have = dict(config=None, pyz=None, systemd=False, python='/usr/bin/python3', pid=None,
                payload=b'zip', payload_digest='d1', create=['blue'], remove=[])
    have.update(kw)
    return have


def want_of(tenants):
    config = dict(owner='ovl', tenants=tenants)
    return dict(config=config, config_text=config_text(config), tenants=tenants, owner='ovl',
                wanted=bool(tenants))


def test_first_run_without_systemd_installs_starts_and_creates():
    steps = plan_docker(want_of({'blue': BLUE}), lab_have())
    assert [(s.op, s.obj) for s in steps] == [
        ('file.write', PYZ), ('file.write', CONFIG), ('service.start', 'ovl-docker-plugin'),
        ('network.add', 'blue')]
    assert steps[2].argv[:3] == ['/usr/bin/python3', '-I', PYZ]


def test_steady_state_plans_nothing():
    want = want_of({'blue': BLUE})
    assert plan_docker(want, lab_have(config=want['config_text'], pyz='d1', pid=42,
                                      create=[])) == []


def test_new_code_restarts_the_running_plugin():
    want = want_of({'blue': BLUE})
    steps = plan_docker(want, lab_have(config=want['config_text'], pyz='old', pid=42, create=[]))
    assert [s.op for s in steps] == ['file.write', 'service.stop', 'service.start']


def test_a_host_that_never_ran_containers_plans_nothing():
    assert plan_docker(want_of({}), None) == []


def test_the_last_tenant_leaving_empties_the_config_and_removes_its_network():
    want = want_of({})
    steps = plan_docker(want, lab_have(config=config_text(dict(owner='ovl', tenants={'blue': BLUE})),
                                       pyz='d1', pid=42, create=[], remove=['blue']))
    assert [(s.op, s.obj) for s in steps] == [('file.write', CONFIG), ('network.del', 'blue')]
    assert drift(dict(changes=[[s.op, s.obj, s.detail] for s in steps])) == [
        dict(kind='docker-file', object=CONFIG, state='different', detail=None, owner=None),
        dict(kind='docker-network', object='blue', state='extra', detail=None, owner=None)]


def test_systemd_host_gets_units_enabled_before_docker():
    have = lab_have(systemd=True, units={}, enabled=False, socket_active=False,
                    service_active=False)
    steps = plan_docker(want_of({'blue': BLUE}), have)
    ops = [(s.op, s.obj) for s in steps]
    assert ('run', None) in ops and ops[-2][0] == 'service.start'
    assert steps[-2].argv == ['systemctl', 'enable', '--now', units.SOCKET_UNIT, units.SERVICE_UNIT]
    text = units.socket_unit('/run/docker/plugins/ovl.sock')
    assert 'Before=docker.service' in text and 'ListenStream=/run/docker/plugins/ovl.sock' in text
    assert 'Before=docker.service' in units.service_unit(['/usr/bin/python3', '-I', PYZ])


def test_systemd_new_code_restarts_the_service():
    want = want_of({'blue': BLUE})
    argv = ['/usr/bin/python3', '-I', PYZ, '--socket', '/run/docker/plugins/ovl.sock',
            '--config', CONFIG, '--state', '/var/lib/ovl/docker-plugin/state.json']
    have = lab_have(systemd=True, units=units.units(argv, '/run/docker/plugins/ovl.sock'),
                    enabled=True, socket_active=True, service_active=True,
                    config=want['config_text'], pyz='old', create=[])
    steps = plan_docker(want, have)
    assert [s.argv for s in steps][1:] == [['systemctl', 'restart', units.SERVICE_UNIT]]


def test_the_plugin_file_is_deterministic_and_runs_alone(tmp_path):
    one, two = package.build(), package.build()
    assert one == two and one.startswith(b'#!/usr/bin/python3 -I\n')
    pyz = tmp_path / 'p.pyz'
    pyz.write_bytes(one)
    out = subprocess.run(['/usr/bin/python3', '-I', str(pyz), '--help'], capture_output=True,
                         text=True, check=True)
    assert 'ovl-docker-plugin' in out.stdout


def test_the_plugin_file_holds_its_whole_import_closure():
    """MODULES == what importing the server (and the offload it uses) loads."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    code = ('import sys, ansible.module_utils as m; m.__path__.append(%r);'
            'import ansible.module_utils.ovl.docker.server;'
            'print("\\n".join(sorted(k[len("ansible.module_utils."):] for k in sys.modules '
            'if k.startswith("ansible.module_utils.ovl"))))' % os.path.join(root, 'module_utils'))
    loaded = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            check=True).stdout.split()
    assert sorted(loaded) == sorted(package.MODULES)


def test_live_workloads_are_the_attached_containers_whose_port_is_there(tmp_path):
    from ansible.module_utils.ovl.docker.driver import live_workloads
    state = tmp_path / 'state.json'
    state.write_text(json.dumps({'endpoints': {
        'e1': {'port': 'ovdaaa', 'tenant': 'blue', 'address': '10.0.0.21/24'},
        'e2': {'port': 'ovdbbb', 'tenant': 'red', 'address': '10.0.0.21/24'}}}))
    net = tmp_path / 'net'
    (net / 'ovdaaa').mkdir(parents=True)
    assert live_workloads(str(state), str(net)) == [['ovdaaa', 'blue', '10.0.0.21']]
    assert live_workloads(str(tmp_path / 'none.json'), str(net)) == []


def test_the_report_lists_workloads_apart_from_drift():
    from ansible.module_utils.ovl.report.drift import drift_text, workload_rows
    rows = workload_rows({'host1': {'docker': {'workloads': [['ovdaaa', 'blue', '10.0.0.21']]}},
                          'host2': {}})
    assert rows == [dict(host='host1', tenant='blue', kind='container', object='ovdaaa',
                         state='workload', detail='10.0.0.21')]
    text = drift_text([], rows)
    assert text.startswith('no drift') and 'host1  blue  ovdaaa  10.0.0.21' in text


class FakeRunner(object):
    def __init__(self, answers):
        self.answers, self.calls = answers, []

    def run(self, argv, data=None):
        self.calls.append(argv)
        return self.answers[argv[2]]


def test_preflight_refuses_removing_a_network_with_containers_naming_them(tmp_path):
    from ansible.module_utils.ovl.docker.preflight import docker_problems
    config = tmp_path / 'docker-plugin.json'
    config.write_text('{}')
    runner = FakeRunner({'ls': (0, ours('red', BLUE) + '\n', ''),
                         'inspect': (0, '"red" {"id1": {"Name": "c-red-1"}}\n', '')})
    problems = docker_problems(runner, {}, 'ovl', 'host1', '/usr/bin/docker', str(config))
    assert len(problems) == 1 and 'host1: cannot remove the Docker network(s) red' in problems[0]
    assert 'red: c-red-1' in problems[0]


def test_preflight_asks_nothing_of_a_host_that_never_ran_containers(tmp_path):
    from ansible.module_utils.ovl.docker.preflight import docker_problems
    runner = FakeRunner({})
    assert docker_problems(runner, {}, 'ovl', 'h', '/usr/bin/docker',
                           str(tmp_path / 'none.json')) == []
    assert runner.calls == []


def test_preflight_says_when_dockerd_does_not_answer(tmp_path):
    from ansible.module_utils.ovl.docker.preflight import docker_problems
    runner = FakeRunner({'ls': (1, '', 'Cannot connect to the Docker daemon')})
    problems = docker_problems(runner, {'blue': BLUE}, 'ovl', 'host1', '/usr/bin/docker',
                               str(tmp_path / 'none.json'))
    assert problems == ['host1: docker network ls failed (is dockerd running?): '
                        'Cannot connect to the Docker daemon']
