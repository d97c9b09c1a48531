"""The collection ovl.overlay against the faults lab: built and installed
offline (as a user of `make collection` would), its playbook
`ovl.overlay.site` run by FQCN with none of the repository's paths
(no project ansible.cfg, library, module_utils or roles path), on the hosts
the repository's own site.yml converged: it must find nothing to change
(the same product), and the reach matrix must hold after it."""
import os
import re
import subprocess

from lab import PLAYBOOK, ROOT

GALAXY = os.path.join(ROOT, '.venv', 'bin', 'ansible-galaxy')


def test_the_installed_collection_converges_the_lab_as_site_yml_does(lab, tmp_path):
    work = str(tmp_path)
    build = subprocess.run([os.path.join(ROOT, 'scripts', 'collection.sh'), 'build',
                            os.path.join(work, 'dist')], capture_output=True, text=True,
                           timeout=300, cwd=work)
    assert build.returncode == 0, build.stderr[-2000:]
    tarball = build.stdout.strip().splitlines()[-1]
    env = dict((k, v) for k, v in lab.env.items() if not k.startswith('ANSIBLE_'))
    env.update(ANSIBLE_NOCOLOR='1', ANSIBLE_GALAXY_SERVER='http://127.0.0.1:9',
               ANSIBLE_COLLECTIONS_PATH=os.path.join(work, 'collections'))
    install = subprocess.run([GALAXY, 'collection', 'install', '--offline', tarball, '-p',
                              os.path.join(work, 'collections')], capture_output=True, text=True,
                             timeout=300, cwd=work, env=env)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    run = subprocess.run([PLAYBOOK, '-i', lab.inventory, 'ovl.overlay.site',
                          '-e', 'overlay_tenants_dir=%s' % lab.tenants_dir],
                         capture_output=True, text=True, timeout=900, cwd=work, env=env)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-3000:]
    recap = dict(re.findall(r'^(host\d+)\s+: ok=\d+\s+changed=(\d+)', out, re.M))
    assert sorted(recap) == ['host1', 'host2', 'host3'], out[-2000:]
    assert set(recap.values()) == {'0'}, recap
    failures, _checks = lab.reach()
    assert failures == [], failures
