"""The fleet's cost per host (issue 13): site.yml no-change runs on labs of H
hosts, one small tenant per host (a ring: tenant fI has an endpoint on hostI
and on the next host, SNAT on, so every host carries two tenants and two
tunnels whatever H is). Per run:

- controller CPU: user + system seconds of the ansible-playbook process tree
  (the playbook, its forks, the docker exec processes they wait for: what ssh
  would be on a fleet), from getrusage(RUSAGE_CHILDREN) around the run;
- host CPU: each host container's cpuacct usage during the run, less what
  the host burns idle (ovs-vswitchd's userspace datapath polls) over the
  same time, measured just before the run;
- host tasks: module processes Ansible started on each host;
- wall time (on this machine every host shares the controller's 2 CPUs, so
  wall time grows with H for reasons a real fleet does not have).

The projection to 100 and 1,000 hosts uses the controller CPU per host and
the per-host wall time at a stated forks (RESULTS.md says how)."""
import os
import statistics
import time

import yaml

from lab import (BASE, OUT, PYTHON, ROOT, ansible_env, container, dexec, hosts_of, lab_fresh,
                 playbook, prepare_host, run)

SITE = os.path.join(ROOT, 'site.yml')
IDLE_SECONDS = 3.0


def write_inventory(h, mode='port'):
    d = os.path.join(OUT, 'fleet-%d' % h)
    tdir = os.path.join(d, 'tenants')
    os.makedirs(tdir, exist_ok=True)
    for old in os.listdir(tdir):
        os.remove(os.path.join(tdir, old))
    hosts = hosts_of(h)
    names = sorted(hosts, key=lambda n: int(n[4:]))
    for i, host in enumerate(names):
        name = 'f%02d' % (i + 1)
        peer = names[(i + 1) % len(names)]
        tenant = {'name': name, 'vni': 5000 + i, 'subnet': '10.9.0.0/24', 'snat': True,
                  'endpoints': [{'name': name + '-a', 'host': host, 'ip': '10.9.0.11'},
                                {'name': name + '-b', 'host': peer, 'ip': '10.9.0.12'}]}
        with open(os.path.join(tdir, name + '.yml'), 'w') as f:
            yaml.safe_dump(tenant, f, sort_keys=False)
    common = {'ansible_connection': 'community.docker.docker'}
    inv = {'all': {'children': {'overlay_hosts': {
        'hosts': dict((n, {'ansible_host': container(n), 'overlay_underlay_ip': hosts[n],
                           'ansible_python_interpreter': PYTHON}) for n in names),
        'vars': dict(common, overlay_underlay_interface='eth0', overlay_datapath_type='netdev',
                     overlay_tunnel_mode=mode)}}}}
    path = os.path.join(d, 'hosts.yml')
    with open(path, 'w') as f:
        yaml.safe_dump(inv, f, sort_keys=False)
    return path, names


def cpuacct_path(host):
    cid = run(['docker', 'inspect', '--format', '{{.Id}}', container(host)]).stdout.strip()
    for path in ('/sys/fs/cgroup/cpuacct/docker/%s/cpuacct.usage' % cid,
                 '/sys/fs/cgroup/cpu,cpuacct/docker/%s/cpuacct.usage' % cid):
        if os.path.exists(path):
            return path
    raise RuntimeError('no cpuacct.usage for %s (cgroup v1 layout expected)' % host)


def usage(paths):
    out = {}
    for host, path in paths.items():
        with open(path) as f:
            out[host] = int(f.read()) / 1e9
    return out


def bench(hs, repeat, log):
    """Rows {h, run, secs, controller_cpu, host_cpu: {host: s}, tasks: {host: n}}."""
    rows = []
    env = ansible_env()
    for h in hs:
        inv, names = write_inventory(h)
        lab_fresh(h)
        for n in names:
            prepare_host(n)
        paths = dict((n, cpuacct_path(n)) for n in names)
        for i, kind in enumerate(['first'] + ['nochange'] * repeat):
            logf = os.path.join(OUT, 'fleet-%d-%s-%d.log' % (h, kind, i))
            u0 = usage(paths)
            time.sleep(IDLE_SECONDS)
            u1 = usage(paths)
            idle = dict((n, (u1[n] - u0[n]) / IDLE_SECONDS) for n in names)
            stats = {}
            secs, _counts = playbook(SITE, inv, names, env, logf, stats=stats)
            u2 = usage(paths)
            host_cpu = dict((n, max(0.0, u2[n] - u1[n] - idle[n] * secs)) for n in names)
            row = {'h': h, 'run': kind, 'secs': secs, 'controller_cpu': stats['controller_cpu'],
                   'host_cpu': host_cpu, 'tasks': stats['tasks'], 'idle_cpu': idle}
            rows.append(row)
            log('fleet H=%d %-8s %6.2f s  controller CPU %.2f s (%.2f s/host)  host CPU median %.2f s'
                '  host tasks %s' % (h, kind, secs, row['controller_cpu'], row['controller_cpu'] / h,
                                     statistics.median(host_cpu.values()),
                                     sorted(set(stats['tasks'].values()))))
    return rows


def _median_by_h(rows, key):
    out = {}
    for h in sorted(set(r['h'] for r in rows)):
        out[h] = statistics.median(key(r) for r in rows if r['h'] == h)
    return out


def fit(points):
    """Least squares (fixed, per_host) of y = fixed + per_host * H."""
    hs, ys = list(points), [points[h] for h in points]
    mh, my = sum(hs) / float(len(hs)), sum(ys) / float(len(ys))
    var = sum((h - mh) ** 2 for h in hs)
    slope = sum((h - mh) * (y - my) for h, y in zip(hs, ys)) / var if var else 0.0
    return my - slope * mh, slope


def projection(rows, forks=50):
    """The controller's CPU per no-change run as fixed + per_host * H (fitted
    over the measured H), the marginal cost per host between neighbouring H
    (flat when the model holds), and the projection for 100 and 1,000 hosts:
    controller CPU = fixed + per_host * H; wall time at *forks* hosts in
    flight = H / forks * (a host's own run: the wall time at the smallest H,
    where the controller is not the bottleneck), unless the controller's CPU
    is the limit (CPU / cores of the controller)."""
    nc = [r for r in rows if r['run'] == 'nochange']
    if not nc:
        return None
    cpu = _median_by_h(nc, lambda r: r['controller_cpu'])
    wall = _median_by_h(nc, lambda r: r['secs'])
    hs = sorted(cpu)
    fixed, per_host = fit(cpu) if len(hs) > 1 else (0.0, cpu[hs[0]] / hs[0])
    marginal = [(a, b, (cpu[b] - cpu[a]) / (b - a)) for a, b in zip(hs, hs[1:])]
    small = hs[0]
    out = []
    for h in (100, 1000):
        total = fixed + per_host * h
        out.append({'h': h, 'forks': forks, 'controller_cpu': total,
                    'wall_forks': h / float(forks) * wall[small],
                    'wall_cpu_bound_8cores': total / 8.0})
    return {'fixed': fixed, 'per_host': per_host, 'marginal': marginal, 'cpu': cpu,
            'wall_small': wall[small], 'small_h': small, 'rows': out}
