"""Part 2: site.yml on the two-host lab for T tenants, first and no-change run."""
import os
import re

import yaml

from lab import (HOSTS, OUT, PYTHON, ROOT, BASE, ansible_env, container, dexec, lab_fresh,
                 playbook, prepare_host, recap)

SITE = os.path.join(ROOT, 'site.yml')
MODES_FILE = os.path.join('module_utils', 'ovl', 'inventory', 'hostvars.py')


def tunnel_modes():
    """Modes site.yml supports: TUNNEL_MODES of MODES_FILE (read, not imported); the
    bench runs those of BENCH_MODES. A missing table is an error."""
    with open(os.path.join(ROOT, MODES_FILE)) as f:
        m = re.search(r'TUNNEL_MODES\s*=\s*[\(\[]([^\)\]]*)', f.read())
    if not m:
        raise RuntimeError('TUNNEL_MODES not found in %s' % MODES_FILE)
    return re.findall(r"'(\w+)'", m.group(1))


def write_inventory(t, mode):
    """bench/out/site-<mode>-<T>/{hosts.yml,tenants/*.yml}; return the hosts.yml path."""
    d = os.path.join(OUT, 'site-%s-%d' % (mode, t))
    tdir = os.path.join(d, 'tenants')
    os.makedirs(tdir, exist_ok=True)
    for old in os.listdir(tdir):
        os.remove(os.path.join(tdir, old))
    for i in range(1, t + 1):
        name = 't%04d' % i
        tenant = {'name': name, 'vni': 1000 + i, 'subnet': '10.0.0.0/24', 'gateway': '10.0.0.1',
                  'snat': True, 'endpoints': [
                      {'name': name + '-a', 'host': 'host1', 'ip': '10.0.0.11'},
                      {'name': name + '-b', 'host': 'host2', 'ip': '10.0.0.12'}]}
        with open(os.path.join(tdir, name + '.yml'), 'w') as f:
            yaml.safe_dump(tenant, f, sort_keys=False)
    common = {'ansible_connection': 'community.docker.docker',
              'ansible_python_interpreter': '/usr/bin/python3'}
    inv = {'all': {'children': {
        'overlay_hosts': {
            'hosts': {h: {'ansible_host': container(h), 'overlay_underlay_ip': ip,
                          'ansible_python_interpreter': PYTHON}
                      for h, ip in HOSTS.items()},
            'vars': dict(common, overlay_underlay_interface='eth0', overlay_datapath_type='netdev',
                         overlay_tunnel_mode=mode)},
        'lab_outside': {'hosts': {'outside': dict(common, ansible_host=container('outside'),
                                                   lab_outside_ip=BASE + '.100')}}}}}
    path = os.path.join(d, 'hosts.yml')
    with open(path, 'w') as f:
        yaml.safe_dump(inv, f, sort_keys=False)
    return path


def ovs_ports(host):
    out = dexec(host, ['/usr/bin/ovs-vsctl', '--format=csv', '--no-headings', '--columns=name',
                       'list', 'Port'], check=False).stdout
    return len(out.split())


def netns_count(host):
    return len(dexec(host, ['ip', 'netns', 'list'], check=False).stdout.splitlines())


def bench(ts, modes, repeat, log, after_first=None, first_repeat=1):
    """Rows {mode, t, run, secs, vsctl_host1, vsctl_host2, changed, ports_host1, netns_host1}.
    *first_repeat* first runs, each on a fresh lab (hosts with OVS already started), each
    followed by *repeat* no-change runs on the same hosts (the figure the targets are about).
    after_first(mode, t) is called once per mode on the smallest T (data plane)."""
    rows = []
    env = ansible_env()
    hosts = list(HOSTS)
    for mode in modes:
        for t in ts:
            inv = write_inventory(t, mode)
            for r in range(first_repeat):
                lab_fresh()
                for h in hosts:
                    prepare_host(h)
                runs = ['first'] + ['nochange'] * repeat
                for i, kind in enumerate(runs):
                    logf = os.path.join(OUT, 'site-%s-%d-%s-%d-%d.log' % (mode, t, kind, r, i))
                    stats = {}
                    try:
                        secs, counts = playbook(SITE, inv, hosts, env, logf, stats=stats)
                    except RuntimeError as exc:
                        log('site %s T=%d %s FAILED: %s' % (mode, t, kind, str(exc)[:400]))
                        rows.append({'mode': mode, 't': t, 'run': kind, 'failed': str(exc)[:300]})
                        break
                    row = {'mode': mode, 't': t, 'run': kind, 'secs': secs,
                           'vsctl_host1': counts['host1'], 'vsctl_host2': counts['host2'],
                           'changed': recap(logf), 'ports_host1': ovs_ports('host1'),
                           'netns_host1': netns_count('host1'),
                           'tasks_host1': stats['tasks']['host1'], 'tasks_host2': stats['tasks']['host2'],
                           'controller_cpu': stats['controller_cpu']}
                    rows.append(row)
                    log('site %-4s T=%-3d %-8s %7.2f s  ovs-vsctl h1=%d h2=%d changed=%d '
                        'ports(h1)=%d netns(h1)=%d host tasks h1=%d controller CPU %.2f s'
                        % (mode, t, kind, secs, row['vsctl_host1'], row['vsctl_host2'],
                           row['changed'], row['ports_host1'], row['netns_host1'],
                           row['tasks_host1'], row['controller_cpu']))
                if after_first and t == min(ts) and r == first_repeat - 1:
                    after_first(mode, t)
    return rows
