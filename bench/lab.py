"""Lab helpers for the benchmark: argv-only subprocess calls, docker exec,
OVS start, the counting ovs-vsctl wrapper, timed ansible-playbook runs."""
import os
import re
import resource
import subprocess
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, 'bench')
OUT = os.path.join(BENCH, 'out')
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
PREFIX = os.environ.get('BENCH_LAB_PREFIX', 'ovl-bench')
# a /22: the ovn part's routers take T+1 addresses of it (ovnbench.ovn_range)
SUBNET = os.environ.get('BENCH_LAB_SUBNET', '192.168.252.0/22')
BASE = SUBNET.split('/')[0].rsplit('.', 1)[0]
HOSTS = {'host1': BASE + '.11', 'host2': BASE + '.12'}
COUNT_LOG = '/var/log/ovs-vsctl-count.log'
WRAPPER = ('#!/bin/sh\n'
           '# bench: count ovs-vsctl processes, then run the real one\n'
           'echo "$$ $*" >> %s\n'
           'exec /usr/bin/ovs-vsctl "$@"\n' % COUNT_LOG)
# The hosts' ansible_python_interpreter in the bench inventories: one line per
# module Ansible runs on the host (a task on the host = one interpreter start
# with pipelining), then the real python3.
PYTHON = '/usr/local/bin/ovl-bench-python3'
PY_LOG = '/var/log/ovl-bench-python.log'
PY_WRAPPER = ('#!/bin/sh\n'
              '# bench: count module processes (host tasks), then run the real python3\n'
              'echo "$$" >> %s\n'
              'exec /usr/bin/python3 "$@"\n' % PY_LOG)


def hosts_of(count):
    """{hostI: underlay address} of a lab of *count* overlay hosts (scripts/lab.sh's rule)."""
    return dict(('host%d' % i, '%s.%d' % (BASE, 10 + i)) for i in range(1, count + 1))


def part_inventory(part, tenants, count=2, extra=None):
    """Write *tenants* ({name: tenant file}) to out/PART/tenants (nothing
    else stays there) and an inventory of a lab of *count* hosts (netdev,
    docker connection; *extra*: more group variables) to out/PART/hosts.yml;
    return (its path, the hosts)."""
    d = os.path.join(OUT, part)
    tdir = os.path.join(d, 'tenants')
    os.makedirs(tdir, exist_ok=True)
    for old in os.listdir(tdir):
        os.remove(os.path.join(tdir, old))
    for name, tenant in tenants.items():
        with open(os.path.join(tdir, name + '.yml'), 'w') as f:
            yaml.safe_dump(tenant, f, sort_keys=False)
    hosts = hosts_of(count)
    inv = {'all': {'children': {'overlay_hosts': {
        'hosts': {h: {'ansible_host': container(h), 'overlay_underlay_ip': ip}
                  for h, ip in hosts.items()},
        'vars': {'ansible_connection': 'community.docker.docker',
                 'ansible_python_interpreter': '/usr/bin/python3',
                 'overlay_underlay_interface': 'eth0', 'overlay_datapath_type': 'netdev',
                 'overlay_tenants_dir': tdir}}}}}
    inv['all']['children']['overlay_hosts']['vars'].update(extra or {})
    path = os.path.join(d, 'hosts.yml')
    with open(path, 'w') as f:
        yaml.safe_dump(inv, f, sort_keys=False)
    return path, list(hosts)


def run(argv, check=True, env=None, timeout=None, quiet=False):
    """Run an argv list; return CompletedProcess (text)."""
    res = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    if check and res.returncode != 0:
        raise RuntimeError('%s failed (rc=%d): %s' % (' '.join(argv[:6]), res.returncode,
                                                       (res.stderr or res.stdout)[-2000:]))
    return res


def container(host):
    return '%s-%s' % (PREFIX, host)


def dexec(host, argv, check=True, timeout=None, stdin=None):
    cmd = ['docker', 'exec'] + (['-i'] if stdin is not None else []) + [container(host)] + argv
    res = subprocess.run(cmd, capture_output=True, text=True, input=stdin, timeout=timeout)
    if check and res.returncode != 0:
        raise RuntimeError('%s: %s failed (rc=%d): %s' % (host, ' '.join(argv[:6]),
                                                           res.returncode, res.stderr[-1500:]))
    return res


def lab(action, hosts=2, engines='', vms=''):
    """scripts/lab.sh ACTION; a 'down' that the engine refuses for the moment
    (seen after a host with 1000 namespaces: "did not receive an exit event")
    is tried again, at most three times. *engines*: the hosts that run a
    Docker engine of their own (LAB_DOCKER_HOSTS); *vms*: the hosts that run
    libvirtd (LAB_VM_HOSTS)."""
    env = dict(os.environ, LAB_PREFIX=PREFIX, LAB_SUBNET=SUBNET, LAB_SKIP_IMAGE='1',
               LAB_HOSTS=str(hosts), LAB_DOCKER_HOSTS=engines, LAB_VM_HOSTS=vms)
    for attempt in range(3):
        try:
            return run([os.path.join(ROOT, 'scripts', 'lab.sh'), action], env=env, timeout=600)
        except RuntimeError:
            if action != 'down' or attempt == 2:
                raise
            time.sleep(10)


def lab_fresh(hosts=2):
    lab('down', hosts)
    lab('up', hosts)


def prepare_host(host):
    """Start OVS if it does not answer and install the counting wrapper."""
    if dexec(host, ['ovs-vsctl', '--timeout=3', 'show'], check=False).returncode != 0:
        dexec(host, ['/usr/share/openvswitch/scripts/ovs-ctl', 'start', '--system-id=random'],
              timeout=120)
    dexec(host, ['sh', '-c', 'cat > /usr/local/sbin/ovs-vsctl && chmod 755 /usr/local/sbin/ovs-vsctl'],
          stdin=WRAPPER)
    # modules use get_bin_path (PATH first), the roles' command tasks use PATH
    path = dexec(host, ['sh', '-c', 'command -v ovs-vsctl']).stdout.strip()
    if path != '/usr/local/sbin/ovs-vsctl':
        raise RuntimeError('%s: ovs-vsctl resolves to %s, not the wrapper' % (host, path))
    dexec(host, ['sh', '-c', 'cat > %s && chmod 755 %s' % (PYTHON, PYTHON)], stdin=PY_WRAPPER)
    reset_count(host)


def reset_count(host):
    dexec(host, ['sh', '-c', ': > %s; : > %s' % (COUNT_LOG, PY_LOG)])


def _lines(host, path):
    out = dexec(host, ['cat', path], check=False).stdout
    return len([line for line in out.splitlines() if line.strip()])


def read_count(host):
    return _lines(host, COUNT_LOG)


def read_tasks(host):
    """Module processes Ansible started on *host* since the last reset."""
    return _lines(host, PY_LOG)


def ansible_env(collections=None):
    env = dict(os.environ)
    env['PATH'] = VENV_BIN + os.pathsep + env.get('PATH', '')
    env['ANSIBLE_CONFIG'] = os.path.join(ROOT, 'ansible.cfg')
    env['ANSIBLE_STDOUT_CALLBACK'] = 'default'
    env['ANSIBLE_NOCOLOR'] = '1'
    # the repo's ansible.cfg pipelines ssh; do the same for the docker connection (all runs)
    env['ANSIBLE_PIPELINING'] = 'True'
    if collections:
        env['ANSIBLE_COLLECTIONS_PATH'] = collections
    return env


def playbook(play, inventory, hosts, env, log, extra=(), stats=None):
    """Time one ansible-playbook run; return (seconds, {host: ovs-vsctl count}).
    *stats*, a dict, gets {'tasks': {host: module processes on the host},
    'controller_cpu': CPU seconds (user + system) of the ansible-playbook
    process tree on the controller: the playbook, its forks and the
    connection processes they wait for (docker exec here, ssh on a fleet)}."""
    for h in hosts:
        reset_count(h)
    argv = [os.path.join(VENV_BIN, 'ansible-playbook'), '-i', inventory, play] + list(extra)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    res = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT)
    secs = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, 'w') as f:
        f.write(res.stdout + res.stderr)
    if res.returncode != 0:
        raise RuntimeError('ansible-playbook %s failed (rc=%d), see %s:\n%s'
                           % (os.path.basename(play), res.returncode, log, res.stdout[-1500:]))
    if stats is not None:
        stats['controller_cpu'] = ((after.ru_utime - before.ru_utime)
                                   + (after.ru_stime - before.ru_stime))
        stats['tasks'] = {h: read_tasks(h) for h in hosts}
    return secs, {h: read_count(h) for h in hosts}


def recap(log):
    """'changed=N' sum from the PLAY RECAP of a log."""
    total = 0
    with open(log) as f:
        for line in f:
            if 'changed=' in line and 'ok=' in line:
                total += int(line.split('changed=')[1].split()[0])
    return total


PING_REPLY = re.compile(r'^\[(\d+\.\d+)\] \d+ bytes from', re.M)


def start_ping(host, dst, log, netns=None, deadline=300):
    """``ping -D`` every 20 ms from lab container *host* (inside its
    namespace *netns*) to *dst*, in the background, into *log* there."""
    inside = 'ip netns exec %s ' % netns if netns else ''
    dexec(host, ['sh', '-c', ': > %s; %sping -D -n -i 0.02 -W 1 -w %d %s > %s 2>&1 &'
                 % (log, inside, deadline, dst, log)])
    time.sleep(1.0)


def stop_ping(host, log, after=3.0):
    """Stop ``start_ping``'s ping after *after* s; its reply times."""
    time.sleep(after)
    dexec(host, ['pkill', '-INT', '-f', '^ping -D -n -i 0.02'], check=False)
    time.sleep(0.3)
    return [float(t) for t in PING_REPLY.findall(dexec(host, ['cat', log]).stdout)]


def ping_gap(stamps, start, end):
    """(longest gap between replies after *start*, seconds from *end* to the
    first reply after that gap; 0 when it came back before the end)."""
    pairs = [(b - a, b) for a, b in zip(stamps, stamps[1:]) if b >= start]
    if not pairs:
        raise RuntimeError('%d replies after the start: no traffic to measure a gap in'
                           % len(stamps))
    longest, back = max(pairs)
    return longest, max(0.0, back - end)
