"""The boot layer (ovl.host.boot) and what its unit runs (ovl.host.bootrun):
the plan from what the host has, the unit, the saved parameters, and the
program as one file that runs on a python3 without Ansible."""
import json
import subprocess

import pytest

from ansible.module_utils.ovl.core import zipapp
from ansible.module_utils.ovl.host import boot, bootrun

SAVED = dict(model={'tenants': []}, host='host1', tenant_tags={}, discovered={},
             owner=None, prune=None, ovs_timeout=None)
WANT = dict(saved=SAVED, params_text=boot.params_text(SAVED))


def have(**over):
    unit = boot.unit_text('/usr/bin/python3')
    base = dict(params=WANT['params_text'], pyz='d', payload_digest='d', members={},
                unit=unit, enabled=True, python='/usr/bin/python3')
    base.update(over)
    return base


def ops(steps):
    return [(s.op, s.obj) for s in steps]


def test_nothing_to_do_when_all_is_there_or_no_systemd():
    assert boot.plan_boot(WANT, have()) == []
    assert boot.plan_boot(WANT, None) == []


def test_a_first_run_writes_the_three_files_and_enables_the_unit():
    steps = boot.plan_boot(WANT, have(params=None, pyz=None, unit=None, enabled=False))
    assert ops(steps) == [('file.write', boot.PARAMS), ('file.write', boot.PYZ),
                          ('file.write', boot.UNIT), ('run', None),
                          ('run', boot.UNIT_NAME)]
    assert [s.argv for s in steps[3:]] == [['systemctl', 'daemon-reload'],
                                             ['systemctl', 'enable', 'ovl-boot.service']]


def test_new_parameters_or_new_code_rewrite_only_that_file():
    assert ops(boot.plan_boot(WANT, have(params='{}'))) == [('file.write', boot.PARAMS)]
    assert ops(boot.plan_boot(WANT, have(pyz='old'))) == [('file.write', boot.PYZ)]


def test_the_unit_runs_after_ovs_and_before_docker_and_is_not_started():
    text = boot.unit_text('/usr/bin/python3')
    assert 'After=openvswitch-switch.service network-online.target' in text
    assert 'Before=docker.service ovl-docker-plugin.service' in text
    assert 'ExecStart=/usr/bin/python3 -I %s %s' % (boot.PYZ, boot.PARAMS) in text
    assert 'Type=oneshot' in text and 'WantedBy=multi-user.target' in text
    steps = boot.plan_boot(WANT, have(enabled=False))
    assert [s.argv for s in steps] == [['systemctl', 'enable', 'ovl-boot.service']]


def test_the_saved_parameters_are_the_model_ones_and_the_boot_run_adds_its_layers():
    params = dict(SAVED, layers=['ip'], plan_if_down=True, nat=None)
    assert boot.saved_of(params) == SAVED
    run = bootrun.boot_params(SAVED)
    assert run['layers'] == list(bootrun.AT_BOOT) and run['plan_if_down'] is False
    assert 'docker' not in run['layers'] and 'boot' not in run['layers']
    with pytest.raises(bootrun.LayerInputError, match='lack model'):
        bootrun.boot_params(dict(host='h'))


@pytest.fixture(scope='module')
def pyz(tmp_path_factory):
    path = tmp_path_factory.mktemp('boot') / 'boot.pyz'
    data = boot.payload()
    assert data == boot.payload()                  # the same bytes on every run
    path.write_bytes(data)
    # the installed file says which members it holds: a run compares digests
    # without building the archive
    assert zipapp.comment_of(str(path)) == zipapp.members_digest(boot.members())
    assert zipapp.comment_of(str(path) + '.none') is None
    return path


def test_the_program_runs_without_ansible_and_says_what_is_wrong(pyz, tmp_path):
    assert subprocess.run(['/usr/bin/python3', '-I', '-c', 'import ansible'],
                          capture_output=True).returncode != 0
    bad = tmp_path / 'params.json'
    bad.write_text(json.dumps(dict(host='host1')))
    proc = subprocess.run(['/usr/bin/python3', '-I', str(pyz), str(bad)], capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert proc.stderr == 'ovl-boot: %s: the saved parameters lack model\n' % bad
    proc = subprocess.run(['/usr/bin/python3', '-I', str(pyz)], capture_output=True, text=True)
    assert proc.returncode == 2 and 'usage' in proc.stderr
