"""The faults lab: three Docker hosts of scripts/lab.sh (prefix ovl-flt), the
product converged on them in flow mode, foreign objects planted on every host
before the first converge, and the probes the fault tests use:

- ``site()``/``site_background()``: a plain ``ansible-playbook site.yml``;
- ``drift()``: ``playbooks/drift.yml`` (rc, the rows it printed);
- ``reach()``: from every endpoint, TCP with a token (and ping) to every other
  endpoint of its tenant must succeed, to the endpoint of another tenant at
  the same address must not;
- ``foreign()``: the foreign objects of every host, as text, to compare.

Everything runs through ``docker exec`` on containers this lab made; the lab
network is ``--internal``.
"""
import json
import os
import shutil
import signal
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
PREFIX, SUBNET = 'ovl-flt', '192.168.246.0/24'
HOSTS = ('host1', 'host2', 'host3')
PROBE_DIR = '/tmp/ovl-flt'
TENANTS = {
    'blue': dict(name='blue', vni=100, subnet='10.0.0.0/24', snat=True, endpoints=[
        dict(name='blue-1', host='host1', ip='10.0.0.11'),
        dict(name='blue-2', host='host2', ip='10.0.0.12'),
        dict(name='blue-3', host='host3', ip='10.0.0.13')]),
    'red': dict(name='red', vni=200, subnet='10.0.0.0/24', snat=True, endpoints=[
        dict(name='red-1', host='host1', ip='10.0.0.11'),
        dict(name='red-2', host='host2', ip='10.0.0.12')]),
    'solo': dict(name='solo', vni=16777215, subnet='192.168.77.0/24', endpoints=[
        dict(name='solo-a', host='host3', ip='192.168.77.10'),
        dict(name='solo-b', host='host3', ip='192.168.77.11')]),
}
# Not the project's: planted before the first converge, never to be touched.
FOREIGN_PLANT = [
    ['ovs-vsctl', '--timeout=10', '--may-exist', 'add-br', 'br-foreign', '--', 'set', 'Bridge',
     'br-foreign', 'datapath_type=netdev', 'external_ids:owner=someone-else'],
    ['ovs-vsctl', '--timeout=10', '--may-exist', 'add-port', 'br-foreign', 'fp0', '--', 'set',
     'Interface', 'fp0', 'type=internal', '--', 'set', 'Port', 'fp0', 'tag=7',
     'external_ids:owner=someone-else'],
    ['ovs-ofctl', 'add-flow', 'br-foreign', 'cookie=0x1234,priority=5,udp,tp_dst=9,actions=drop'],
]
FOREIGN_KERNEL = [
    ['ip', 'netns', 'add', 'foreign-ns'],
    ['ip', 'link', 'add', 'fv0', 'type', 'veth', 'peer', 'name', 'fv1'],
    ['ip', 'link', 'set', 'fv0', 'alias', 'not-ours'],
    ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '198.51.100.0/24', '-m', 'comment',
     '--comment', 'foreign', '-j', 'RETURN'],
    ['nft', 'add', 'table', 'inet', 'foreign'],
    ['nft', 'add', 'chain', 'inet', 'foreign', 'c0'],
]
FOREIGN_READ = [
    ['ovs-vsctl', '--format=json', '--columns=name,datapath_type,external_ids,fail_mode,ports',
     'list', 'Bridge', 'br-foreign'],
    ['ovs-vsctl', '--format=json', '--columns=name,tag,trunks,external_ids', 'list', 'Port', 'fp0'],
    ['ovs-vsctl', '--format=json', '--columns=name,type,options,external_ids', 'list',
     'Interface', 'fp0'],
    ['ovs-ofctl', '--no-stats', 'dump-flows', 'br-foreign'],
    ['ovs-ofctl', '--no-stats', 'dump-flows', 'br-int', 'cookie=0x4321/-1'],
    ['ip', '-j', 'netns', 'list'],
    ['ip', '-j', '-d', 'link', 'show', 'fv0'],
    ['ip', '-j', '-d', 'link', 'show', 'fv1'],
    ['iptables', '-t', 'nat', '-S', 'POSTROUTING'],
    ['nft', '-j', 'list', 'table', 'inet', 'foreign'],
]


def container(host):
    return '%s-%s' % (PREFIX, host)


def sh(argv, check=True, timeout=120, **kw):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if check and proc.returncode != 0:
        raise AssertionError('%s -> rc=%s: %s%s' % (argv, proc.returncode, proc.stdout[-800:],
                                                   proc.stderr[-800:]))
    return proc


def dexec(host, argv, check=True, timeout=60):
    return sh(['docker', 'exec', container(host)] + list(argv), check=check, timeout=timeout)


class Lab(object):
    def __init__(self, workdir):
        self.dir = workdir
        self.tenants_dir = os.path.join(workdir, 'tenants')
        self.inventory = os.path.join(workdir, 'hosts.yml')
        self.env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'),
                        ANSIBLE_NOCOLOR='1', LAB_PREFIX=PREFIX, LAB_SUBNET=SUBNET,
                        LAB_HOSTS=str(len(HOSTS)), PATH=os.path.join(ROOT, '.venv', 'bin') +
                        os.pathsep + os.environ['PATH'])
        self.base = SUBNET.rsplit('.', 1)[0]
        self.tenants = json.loads(json.dumps(TENANTS))

    # ---------------------------------------------------------------- lab
    def up(self):
        sh([os.path.join(ROOT, 'scripts', 'lab.sh'), 'up'], env=self.env, timeout=600)
        os.makedirs(self.tenants_dir, exist_ok=True)
        self.write_tenants()
        hosts = dict((h, {'ansible_host': container(h),
                          'overlay_underlay_ip': '%s.%d' % (self.base, 11 + i)})
                     for i, h in enumerate(HOSTS))
        inventory = {'all': {'children': {'overlay_hosts': {
            'hosts': hosts, 'vars': {'ansible_connection': 'community.docker.docker',
                                     'ansible_python_interpreter': '/usr/bin/python3',
                                     'overlay_datapath_type': 'netdev',
                                     'overlay_tunnel_mode': 'flow'}}}}}
        with open(self.inventory, 'w') as handle:
            json.dump(inventory, handle)
        for host in HOSTS:
            self.plant_foreign(host, start_ovs=True)
            dexec(host, ['mkdir', '-p', PROBE_DIR])
            for name in ('ovl_probe.py', 'ovl_probe_pkt.py'):
                sh(['docker', 'cp', os.path.join(ROOT, 'playbooks', 'verify', 'files', name),
                    '%s:%s/%s' % (container(host), PROBE_DIR, name)])

    def down(self):
        sh([os.path.join(ROOT, 'scripts', 'lab.sh'), 'down'], env=self.env, check=False,
           timeout=300)

    def write_tenants(self):
        for name in os.listdir(self.tenants_dir):
            os.remove(os.path.join(self.tenants_dir, name))
        for name, doc in self.tenants.items():
            with open(os.path.join(self.tenants_dir, name + '.yml'), 'w') as handle:
                json.dump(doc, handle)

    def plant_foreign(self, host, start_ovs=False, kernel=True):
        if start_ovs:
            dexec(host, ['/usr/share/openvswitch/scripts/ovs-ctl', 'start', '--system-id=random'],
                  timeout=120)
        for argv in FOREIGN_PLANT:
            dexec(host, argv, check=False)
        for argv in FOREIGN_KERNEL if kernel else []:
            dexec(host, argv)

    def plant_foreign_on_br_int(self):
        for host in HOSTS:
            dexec(host, ['ovs-ofctl', 'add-flow', 'br-int',
                         'cookie=0x4321,priority=1,udp,tp_dst=9,actions=drop'])

    def underlay_offload_off(self, host):
        """What scripts/lab.sh does at `up` (a veth underlay is not a NIC)."""
        pid = sh(['docker', 'inspect', '-f', '{{.State.Pid}}', container(host)]).stdout.strip()
        sh(['nsenter', '-t', pid, '-n', 'ethtool', '-K', 'eth0', 'tx', 'off'])

    # ---------------------------------------------------------------- runs
    def _argv(self, playbook='site.yml', extra=()):
        return [PLAYBOOK, '-i', self.inventory, os.path.join(ROOT, playbook),
                '-e', 'overlay_tenants_dir=%s' % self.tenants_dir] + list(extra)

    def site(self, *extra, timeout=900):
        proc = sh(self._argv('site.yml', extra), check=False, env=self.env, cwd=ROOT,
                  timeout=timeout)
        return proc.returncode, proc.stdout + proc.stderr

    def site_background(self, *extra):
        """A run in its own process group; its output lines arrive in .lines."""
        proc = subprocess.Popen(self._argv('site.yml', extra), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=self.env, cwd=ROOT,
                                start_new_session=True)
        proc.lines = []

        def pump():
            for line in proc.stdout:
                proc.lines.append(line)
        proc.reader = threading.Thread(target=pump, daemon=True)
        proc.reader.start()
        return proc

    @staticmethod
    def wait_for(proc, text, timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(text in line for line in proc.lines):
                return True
            if proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    @staticmethod
    def finish(proc, timeout=900):
        proc.wait(timeout)
        proc.reader.join(10)
        return proc.returncode, ''.join(proc.lines)

    @staticmethod
    def interrupt(proc, sig):
        os.killpg(proc.pid, sig)

    def drift(self):
        proc = sh(self._argv('playbooks/drift.yml'), check=False, env=self.env, cwd=ROOT,
                  timeout=600)
        out = proc.stdout + proc.stderr
        return proc.returncode, out

    # ---------------------------------------------------------------- probes
    def endpoints(self):
        return [dict(ep, tenant=t['name']) for t in self.tenants.values() for ep in t['endpoints']]

    def _serve(self, host, eps):
        for ep in eps:
            dexec(host, ['ip', 'netns', 'exec', ep['name'], 'python3', PROBE_DIR + '/ovl_probe.py',
                         'serve', '--daemon', '--port', '18081', '--token',
                         '%s/%s' % (ep['tenant'], ep['name']), '--bytes', '65536',
                         '--lifetime', '600', '--pidfile', '%s/%s.pid' % (PROBE_DIR, ep['name'])])

    def reach(self):
        """(failures, checks): every same-tenant pair reached with its token,
        every other-tenant endpoint at the same address not reached."""
        eps = self.endpoints()
        by_host = dict((h, [e for e in eps if e['host'] == h]) for h in HOSTS)
        threads = [threading.Thread(target=self._serve, args=(h, by_host[h])) for h in HOSTS]
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        results, failures, checks = {}, [], 0

        def probe(host):
            for ep in by_host[host]:
                targets = [e for e in eps if e['name'] != ep['name']]
                spec = dict(port=18081, timeout=2, deadline=10,
                            targets=[dict(name=e['name'], ip=e['ip']) for e in targets])
                out = dexec(host, ['ip', 'netns', 'exec', ep['name'], 'python3',
                                   PROBE_DIR + '/ovl_probe.py', 'probe', '--spec',
                                   json.dumps(spec)], timeout=120).stdout
                results[ep['name']] = (ep, targets, json.loads(out))
        threads = [threading.Thread(target=probe, args=(h,)) for h in HOSTS]
        for th in threads:
            th.start()
        for th in threads:
            th.join(180)
        for name, (ep, targets, got) in sorted(results.items()):
            for target in targets:
                seen = got.get(target['name'], {})
                token_ok = seen.get('token') == '%s/%s' % (target['tenant'], target['name'])
                if target['tenant'] == ep['tenant']:
                    checks += 1
                    if not (seen.get('tcp') == 'ok' and token_ok):
                        failures.append('%s -> %s: %s' % (name, target['name'], seen))
                else:
                    checks += 1
                    if not token_ok:
                        continue
                    failures.append('%s REACHED %s of tenant %s' % (name, target['name'],
                                                                    target['tenant']))
        if len(results) != len(eps):
            failures.append('probes missing for %s' % sorted(set(e['name'] for e in eps)
                                                             - set(results)))
        return failures, checks

    def foreign(self):
        """{host: text} of every foreign object (no counters)."""
        out = {}
        for host in HOSTS:
            parts = []
            for argv in FOREIGN_READ:
                proc = dexec(host, argv, check=False)
                text = proc.stdout
                if argv[:3] == ['ip', '-j', 'netns']:
                    text = json.dumps(sorted(n['name'] for n in json.loads(text or '[]')
                                             if n['name'] == 'foreign-ns'))
                elif argv[0] == 'iptables':
                    text = ''.join(l + '\n' for l in text.splitlines() if 'foreign' in l)
                parts.append('$ %s\n%s' % (' '.join(argv), text))
            out[host] = ''.join(parts)
        return out


def our_objects(host):
    """Everything on *host* that carries the project's marks."""
    found = []
    for table in ('Bridge', 'Port', 'Interface'):
        out = dexec(host, ['ovs-vsctl', '--bare', '--columns=name', 'find', table,
                           'external_ids:ovl-owner=ovl']).stdout.split()
        found += ['%s %s' % (table, name) for name in out]
    names = [n['name'] for n in json.loads(dexec(host, ['ip', '-j', 'netns', 'list']).stdout
                                           or '[]')]
    found += ['netns %s' % n for n in names if n != 'foreign-ns']
    for link in json.loads(dexec(host, ['ip', '-j', '-d', 'link', 'show']).stdout):
        if (link.get('ifalias') or '').startswith('ovl:'):
            found.append('link %s' % link['ifname'])
    found += ['iptables %s' % line for line in dexec(host, ['iptables-save']).stdout.splitlines()
              if 'OVL' in line or 'ovl' in line]
    return found


def changed_hosts(output):
    """{host: changed count} from a PLAY RECAP (the last play's counts win)."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[1] == ':' and parts[2].startswith('ok='):
            found[parts[0]] = int([p for p in parts if p.startswith('changed=')][0].split('=')[1])
    return found


def have_tools():
    return shutil.which('docker') and os.path.exists(PLAYBOOK) and os.geteuid() == 0


__all__ = ['Lab', 'HOSTS', 'dexec', 'changed_hosts', 'have_tools', 'our_objects', 'signal']
