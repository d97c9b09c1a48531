"""Every broken tenant inventory makes ``ansible-playbook site.yml`` fail
with the expected messages BEFORE any host is touched.

The overlay hosts point at Docker containers that do not exist: had any task
run on a host, the run would show it UNREACHABLE. So "no host task ran" is
observable, and nothing on this machine can be changed by the test.
"""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CASES_DIR = os.path.join(ROOT, 'tests', 'data', 'tenants')
CASES = sorted(d for d in os.listdir(CASES_DIR) if os.path.isdir(os.path.join(CASES_DIR, d)))
PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')

INVENTORY = """
all:
  children:
    overlay_hosts:
      vars:
        ansible_connection: community.docker.docker
        overlay_underlay_interface: eth0
      hosts:
        host1: {ansible_host: ovl-test-no-such-container-1, overlay_underlay_ip: 192.0.2.11}
        host2: {ansible_host: ovl-test-no-such-container-2, overlay_underlay_ip: 192.0.2.12}
        host3: {ansible_host: ovl-test-no-such-container-3, overlay_underlay_ip: 192.0.2.13,
                overlay_underlay_mtu: 1400}
"""


@pytest.fixture(scope='module')
def inventory(tmp_path_factory):
    if not os.path.exists(PLAYBOOK):
        pytest.skip('no .venv (make deps)')
    path = tmp_path_factory.mktemp('inv') / 'hosts.yml'
    path.write_text(INVENTORY)
    return str(path)


@pytest.mark.parametrize('case', CASES)
def test_broken_inventory_fails_before_any_host_changes(case, inventory):
    case_dir = os.path.join(CASES_DIR, case)
    with open(os.path.join(case_dir, 'expect.txt')) as fh:
        expected = [line.strip() for line in fh if line.strip()]
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='default')
    proc = subprocess.run(
        [PLAYBOOK, '-i', inventory, os.path.join(ROOT, 'site.yml'),
         '-e', 'overlay_tenants_dir=%s' % case_dir, '-e', 'overlay_base_dir=%s' % case_dir],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    for line in expected:
        assert line in out, 'missing %r in:\n%s' % (line, out)
    assert 'Traceback' not in out
    assert 'UNREACHABLE' not in out and 'unreachable=1' not in out, out
    assert 'ovs_install' not in out, 'a host task ran:\n' + out
