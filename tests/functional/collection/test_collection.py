"""The collection ovl.overlay as a user gets it: `scripts/collection.sh` (what
`make collection` runs) builds the tarball, `ansible-galaxy collection install`
puts it into an empty directory without asking a Galaxy server, and Ansible
then finds everything by FQCN with none of the repository's paths configured
(no ANSIBLE_LIBRARY, ANSIBLE_MODULE_UTILS, ANSIBLE_ROLES_PATH or ansible.cfg of
the project, no collections from site-packages, run outside the repository).

`ansible-test sanity` runs on the same installed collection in `make sanity`
(scripts/sanity.sh); it takes longer than this whole file, so it is not here.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import threading

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BIN = os.path.join(ROOT, '.venv', 'bin')
MODULES = sorted(n[:-3] for n in os.listdir(os.path.join(ROOT, 'library')) if n.endswith('.py'))
ROLES = sorted(os.listdir(os.path.join(ROOT, 'roles')))
with open(os.path.join(ROOT, 'galaxy.yml')) as _handle:
    GALAXY = yaml.safe_load(_handle)
NAMESPACE = 'ovl.overlay'

pytestmark = pytest.mark.skipif(not os.path.exists(os.path.join(BIN, 'ansible-galaxy')),
                                reason='no .venv (make deps)')


class Listener(object):
    """A TCP port that counts connections: the Galaxy server an install must not ask."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.url = 'http://127.0.0.1:%d/api/' % self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept)
        self.thread.start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def clean_env(tmp, collections=None, **extra):
    """No ANSIBLE_* of the caller (the Makefile exports the project's
    ansible.cfg); an empty config file; only *collections* on the path."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    cfg = os.path.join(tmp, 'empty.cfg')
    open(cfg, 'a').close()
    env.update(ANSIBLE_CONFIG=cfg, ANSIBLE_NOCOLOR='1', ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
               ANSIBLE_LOCAL_TEMP=os.path.join(tmp, 'ansible-tmp'), **extra)
    if collections:
        env['ANSIBLE_COLLECTIONS_PATH'] = collections
    return env


def run(argv, tmp, env, timeout=180):
    proc = subprocess.run(argv, cwd=tmp, env=env, capture_output=True, text=True, timeout=timeout)
    return proc, proc.stdout + proc.stderr


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """(work dir, collections dir, installed collection dir, tarball)."""
    tmp = str(tmp_path_factory.mktemp('collection'))
    proc, out = run([os.path.join(ROOT, 'scripts', 'collection.sh'), 'build', os.path.join(tmp, 'dist')],
                    tmp, dict(os.environ))
    assert proc.returncode == 0, out
    tarball = proc.stdout.strip().splitlines()[-1]
    assert os.path.basename(tarball) == 'ovl-overlay-%s.tar.gz' % GALAXY['version']
    collections = os.path.join(tmp, 'collections')
    os.mkdir(collections)
    galaxy = Listener()
    try:
        proc, out = run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline',
                         tarball, '-p', collections],
                        tmp, clean_env(tmp, ANSIBLE_GALAXY_SERVER=galaxy.url))
    finally:
        galaxy.close()
    assert proc.returncode == 0, out
    assert galaxy.connections == 0, 'the install asked the Galaxy server'
    coll = os.path.join(collections, 'ansible_collections', 'ovl', 'overlay')
    with open(os.path.join(coll, 'MANIFEST.json')) as handle:
        info = json.load(handle)['collection_info']
    assert (info['namespace'], info['name'], info['version']) == ('ovl', 'overlay', GALAXY['version'])
    assert info['license'] == ['Apache-2.0'] and info['dependencies'] == {}
    return tmp, collections, coll, tarball


def test_the_tarball_holds_the_content_and_nothing_else(installed):
    _tmp, _collections, coll, _tarball = installed
    files = set()
    for here, _dirs, names in os.walk(coll):
        files.update(os.path.relpath(os.path.join(here, n), coll) for n in names)
    expected = set(['LICENSE', 'README.md', 'MANIFEST.json', 'FILES.json', 'meta/runtime.yml',
                    'playbooks/site.yml', 'playbooks/drift.yml', 'plugins/filter/overlay.py',
                    'plugins/doc_fragments/ovl_ovsdb.py', 'schema/tenant.schema.json',
                    'tests/sanity/ignore-2.19.txt', 'docs/design.md'])
    expected.update('plugins/modules/%s.py' % m for m in MODULES)
    expected.update('roles/%s/tasks/main.yml' % r for r in ROLES)
    for here, _dirs, names in os.walk(os.path.join(ROOT, 'module_utils', 'ovl')):
        rel = os.path.relpath(here, os.path.join(ROOT, 'module_utils'))
        expected.update('plugins/module_utils/%s/%s' % (rel, n) for n in names if n.endswith('.py'))
    assert expected <= files, sorted(expected - files)
    tops = set(f.split('/')[0] for f in files)
    assert tops == set(['LICENSE', 'README.md', 'MANIFEST.json', 'FILES.json', 'meta', 'playbooks',
                        'plugins', 'roles', 'schema', 'tests', 'docs'])
    assert not [f for f in files if f.startswith('tests/') and not f.startswith('tests/sanity/')]
    assert not [f for f in files if '__pycache__' in f or f.endswith('.pyc')]
    with open(os.path.join(coll, 'LICENSE')) as handle:
        assert 'Apache License' in handle.read(200)


def short_names(text):
    """Places in a role or playbook that name a project module, role or filter
    without the collection's prefix."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r'\s*(- )?(%s):\s*$' % '|'.join(MODULES), line) \
                or re.match(r'\s*- (role: )?(%s)\s*$' % '|'.join(ROLES), line) \
                or re.search(r'\|\s*overlay_\w+|map\([\'"]overlay_', line):
            found.append((n, line.strip()))
    return found


def yaml_files(top):
    for sub in ('roles', 'playbooks'):
        for here, _dirs, names in os.walk(os.path.join(top, sub)):
            for name in sorted(names):
                if name.endswith('.yml') and '/meta' not in here and '/defaults' not in here:
                    yield os.path.join(here, name)


def test_the_collection_names_only_fqcns(installed):
    _tmp, _collections, coll, _tarball = installed
    for path in yaml_files(coll):
        with open(path) as handle:
            assert short_names(handle.read()) == [], path
    for here, _dirs, names in os.walk(os.path.join(coll, 'plugins')):
        for name in names:
            with open(os.path.join(here, name)) as handle:
                assert 'ansible.module_utils.ovl' not in handle.read(), os.path.join(here, name)
    # the checker sees the repository's own short names (the project keeps them)
    with open(os.path.join(ROOT, 'roles', 'overlay_network', 'tasks', 'main.yml')) as handle:
        assert [line for _n, line in short_names(handle.read())][:2] == [
            'overlay_apply:', 'layers: "{{ ansible_run_tags | overlay_layers(ansible_skip_tags) }}"']


def test_ansible_doc_renders_every_module(installed):
    tmp, collections, _coll, _tarball = installed
    env = clean_env(tmp, collections)
    proc, out = run([os.path.join(BIN, 'ansible-doc'), '-t', 'module', '-l', NAMESPACE], tmp, env)
    assert proc.returncode == 0, out
    assert sorted(line.split()[0] for line in proc.stdout.splitlines() if line.strip()) == \
        ['%s.%s' % (NAMESPACE, m) for m in MODULES]
    proc, out = run([os.path.join(BIN, 'ansible-doc'), '-t', 'module']
                    + ['%s.%s' % (NAMESPACE, m) for m in MODULES], tmp, env)
    assert proc.returncode == 0 and 'WARNING' not in proc.stderr, out
    for module in MODULES:
        header = re.search(r'^> MODULE %s\.%s \((.*)\)$' % (NAMESPACE, module), proc.stdout, re.M)
        assert header and header.group(1).startswith(collections), (module, out[:2000])
    # the doc fragment comes from the collection (ovl.overlay.ovl_ovsdb)
    ovs_port = proc.stdout.split('> MODULE ovl.overlay.ovs_port ')[1].split('> MODULE')[0]
    assert re.search(r'^[ -]+ db +OVSDB to talk to', ovs_port, re.M), ovs_port


INVENTORY = {'all': {'children': {'overlay_hosts': {
    'hosts': {'host1': {'overlay_underlay_ip': '192.168.250.11'},
              'host2': {'overlay_underlay_ip': '192.168.250.12'}},
    'vars': {'ansible_connection': 'local'}}}}}

PLAYBOOK = '''
- name: Validate the tenant inventory with the collection's role
  hosts: overlay_hosts
  gather_facts: false
  roles:
    - role: ovl.overlay.overlay_inventory

- name: The collection's modules and filters by FQCN, on the controller
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Load and validate the example tenants with the module
      ovl.overlay.overlay_tenants:
        tenants_dir: "{{ project }}/inventory/tenants"
        base_dir: "{{ project }}"
        schema: "{{ collection }}/schema/tenant.schema.json"
        hosts: "{{ hostvars | ovl.overlay.overlay_hostvars(groups['overlay_hosts']) }}"
      register: ovl_tenants

    - name: A namespace in check mode (plans, writes nothing)
      ovl.overlay.netns:
        name: "{{ netns }}"
      check_mode: true
      register: ovl_netns

    - name: The results, for the test
      ansible.builtin.copy:
        dest: "{{ project }}/result.json"
        mode: "0644"
        content: "{{ dict(tenants=ovl_tenants, netns=ovl_netns,
                          role=hostvars['host1'].overlay_inventory,
                          model=hostvars['host1'].overlay_inventory
                                | ovl.overlay.overlay_host_model('host1')) | to_json }}"
'''


@pytest.fixture
def project(installed, tmp_path):
    """Someone else's project: an inventory with the example tenants, no roles or library."""
    shutil.copytree(os.path.join(ROOT, 'inventory', 'tenants'), str(tmp_path / 'inventory' / 'tenants'))
    (tmp_path / 'inventory' / 'hosts.yml').write_text(yaml.safe_dump(INVENTORY))
    return tmp_path


def test_a_playbook_of_fqcns_runs_from_the_installed_collection(installed, project):
    tmp, collections, coll, _tarball = installed
    (project / 'play.yml').write_text(PLAYBOOK)
    netns = 'ovltest-coll%d' % os.getpid()
    proc, out = run([os.path.join(BIN, 'ansible-playbook'), '-i', 'inventory/hosts.yml', 'play.yml',
                     '-e', 'project=%s' % project, '-e', 'collection=%s' % coll, '-e', 'netns=%s' % netns],
                    str(project), clean_env(tmp, collections))
    assert proc.returncode == 0, out
    with open(str(project / 'result.json')) as handle:
        result = json.load(handle)
    names = sorted(n[:-4] for n in os.listdir(str(project / 'inventory' / 'tenants')))
    assert result['tenants']['tenant_names'] == names == result['role']['tenant_names']
    assert [t['file'] for t in result['tenants']['tenants']] == ['inventory/tenants/%s.yml' % n for n in names]
    assert sorted(result['tenants']['hosts']) == ['host1', 'host2']
    assert 'blue' in [t['name'] for t in result['model']['tenants']]
    assert result['netns']['changed'] is True
    assert ['ip', 'netns', 'add', netns] in result['netns']['commands']
    assert not os.path.exists('/run/netns/' + netns), 'check mode created the namespace'


def test_the_site_playbook_runs_as_a_collection_playbook(installed, project):
    """`ansible-playbook ovl.overlay.site` from someone else's directory: its
    roles resolve (--list-tasks), and a run with a broken tenant file stops in
    the validation play with the inventory's message, before any host task."""
    tmp, collections, _coll, _tarball = installed
    env = clean_env(tmp, collections)
    playbook = [os.path.join(BIN, 'ansible-playbook'), '-i', 'inventory/hosts.yml']
    proc, out = run(playbook + ['ovl.overlay.site', '--list-tasks'], str(project), env)
    assert proc.returncode == 0, out
    for role in ROLES:
        assert 'ovl.overlay.%s : ' % role in out, out
    with open(os.path.join(ROOT, 'inventory', 'tenants', 'blue.yml')) as handle:
        blue = yaml.safe_load(handle)
    (project / 'inventory' / 'tenants' / 'cyan.yml').write_text(yaml.safe_dump(dict(
        blue, name='cyan', subnet='10.9.0.0/24', gateway='10.9.0.1',
        endpoints=[{'name': 'cyan-web1', 'host': 'host1', 'ip': '10.9.0.11'}])))
    proc, out = run(playbook + ['ovl.overlay.site', '--check'], str(project), env)
    assert proc.returncode != 0, out
    assert 'inventory/tenants/cyan.yml: vni: %d is already used by tenant blue' % blue['vni'] in out, out
    assert 'TASK [ovl.overlay.overlay_inventory : Load and validate' in out
    assert 'TASK [ovl.overlay.overlay_preflight' not in out and 'Traceback' not in out, out
