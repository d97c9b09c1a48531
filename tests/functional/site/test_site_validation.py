"""Every broken inventory (tenant files, host variables, play variables) makes
``ansible-playbook site.yml`` fail with the expected messages BEFORE any host
is touched, and never as a filter-plugin or Jinja failure.

The overlay hosts point at Docker containers that do not exist: had any task
run on a host, the run would show it UNREACHABLE. So "no host task ran" is
observable, and nothing on this machine can be changed by the test.
"""
import json
import os
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CASES_DIR = os.path.join(ROOT, 'tests', 'data', 'tenants')
CASES = sorted(d for d in os.listdir(CASES_DIR) if os.path.isdir(os.path.join(CASES_DIR, d)))
PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')

# the hosts of tests/data/tenants/README.md, on containers that do not exist
HOSTS = {
    'host1': {'ansible_host': 'ovl-test-no-such-container-1', 'overlay_underlay_ip': '192.168.250.11'},
    'host2': {'ansible_host': 'ovl-test-no-such-container-2', 'overlay_underlay_ip': '192.168.250.12'},
    'host3': {'ansible_host': 'ovl-test-no-such-container-3', 'overlay_underlay_ip': '192.168.250.13',
              'overlay_underlay_mtu': 1400},
}


def inventory_for(case_dir, tmp_path):
    """The inventory file of a case: HOSTS with the case's hostvars.json merged."""
    hosts = dict((h, dict(v)) for h, v in HOSTS.items())
    path = os.path.join(case_dir, 'hostvars.json')
    if os.path.exists(path):
        with open(path) as handle:
            for host, values in json.load(handle).items():
                hosts.setdefault(host, {}).update(values)
    inv = {'all': {'children': {'overlay_hosts': {
        'vars': {'ansible_connection': 'community.docker.docker'}, 'hosts': hosts}}}}
    target = tmp_path / 'hosts.yml'
    target.write_text(yaml.safe_dump(inv))
    return str(target)


@pytest.mark.parametrize('case', CASES)
def test_broken_inventory_fails_before_any_host_changes(case, tmp_path):
    if not os.path.exists(PLAYBOOK):
        pytest.skip('no .venv (make deps)')
    case_dir = os.path.join(CASES_DIR, case)
    inventory = inventory_for(case_dir, tmp_path)
    extra = []
    if os.path.exists(os.path.join(case_dir, 'playvars.json')):
        extra = ['-e', '@' + os.path.join(case_dir, 'playvars.json')]
    with open(os.path.join(case_dir, 'expect.txt')) as fh:
        expected = [line.strip() for line in fh if line.strip()]
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='default')
    proc = subprocess.run(
        [PLAYBOOK, '-i', inventory, os.path.join(ROOT, 'site.yml'),
         '-e', 'overlay_tenants_dir=%s' % case_dir, '-e', 'overlay_base_dir=%s' % case_dir]
        + extra,
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    for line in expected:
        assert line in out, 'missing %r in:\n%s' % (line, out)
    assert 'Traceback' not in out
    assert 'UNREACHABLE' not in out and 'unreachable=1' not in out, out
    assert 'TASK [overlay_preflight' not in out, 'a host task ran:\n' + out
    for sign in ('filter plugin', 'overlay_host_state', 'Jinja', 'AnsibleFilterError'):
        assert sign not in out, 'an input error surfaced in a filter or template:\n' + out
