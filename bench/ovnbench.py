"""The OVN backend against the ovs backend (issue 24), on the two-host lab, one
invocation, the same T tenant files (two endpoints each, one per host, SNAT,
all on 10.0.0.0/24) for both: per backend a fresh lab, the first site.yml
run, the time after it until the last tenant's endpoints answer (the backend at
rest: OVN computes after the run returns), BENCH_REPEAT no-change runs,
then one new tenant file: the time from
the start of its site.yml run to the first reply of a ping between its two
endpoints (host1 -> host2, one try per 0.2 s). The controller's CPU (the
ansible-playbook process tree) per run and per host; with OVN the NB
layer's time in the first run (the one transaction of T tenants, with its
read and plan: overlay_apply's per-layer elapsed) and the CPU seconds of
ovn-northd, the databases and each ovn-controller over the whole sequence.
The OVN routers' addresses come from the lab's underlay network (T+1 of
them: from .100 of a /24, else past its first /24: the bench lab is a /22,
192.168.252.0/22). The ovs backend runs in tunnel mode port.

Each run uses Ansible's json callback (ansible.posix.json) to read the
per-layer times: both backends alike.
"""
import ipaddress
import json
import os
import time

from lab import (BASE, OUT, ROOT, SUBNET, ansible_env, dexec, lab_fresh, part_inventory,
                 playbook, prepare_host)

SITE = os.path.join(ROOT, 'site.yml')
HOSTS = ('host1', 'host2')


def tenant(i):
    name = 't%04d' % i
    return name, {'name': name, 'vni': 1000 + i, 'subnet': '10.0.0.0/24', 'snat': True,
                  'endpoints': [{'name': name + '-a', 'host': 'host1', 'ip': '10.0.0.11'},
                                {'name': name + '-b', 'host': 'host2', 'ip': '10.0.0.12'}]}


def ovn_range(t):
    """T+1 addresses of the lab's underlay network for the OVN routers: from
    .100 of a /24 (below the edge's .254), else past the network's first /24."""
    net = ipaddress.ip_network(SUBNET)
    first = net.network_address + (100 if net.prefixlen >= 24 else 256)
    last = first + t
    if last >= net.network_address + (254 if net.prefixlen >= 24 else net.num_addresses - 1):
        raise RuntimeError('BENCH_LAB_SUBNET %s holds no %d router addresses: use a /22 '
                           '(e.g. 10.250.0.0/22) for T=%d' % (SUBNET, t + 1, t))
    return '%s-%s' % (first, last)


def backend_vars(backend, t):
    if backend == 'ovs':
        return {'overlay_tunnel_mode': 'port'}
    return {'overlay_backend': 'ovn', 'overlay_ovn_central': 'host1',
            'overlay_ovn_external_range': ovn_range(t),
            'overlay_ovn_external_gateway': BASE + '.254'}


def layer_times(log):
    """{host: {layer: elapsed}} of the overlay_apply task, from the json callback's output."""
    with open(log) as f:
        text = f.read()
    doc, _end = json.JSONDecoder().raw_decode(text[text.index('{'):])
    out = {}
    for play in doc.get('plays', []):
        for task in play.get('tasks', []):
            for host, res in task.get('hosts', {}).items():
                if isinstance(res.get('layers'), dict):
                    out[host] = dict((n, r.get('elapsed')) for n, r in res['layers'].items())
    return out


# CPU seconds of OVN's processes in the host (the OVS database's own
# ovsdb-server is not OVN's: only those serving ovnnb/ovnsb count)
CPU_PY = """
import os
ticks, total = os.sysconf('SC_CLK_TCK'), 0.0
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        stat = open('/proc/%s/stat' % pid).read()
        cmd = open('/proc/%s/cmdline' % pid).read()
    except OSError:
        continue
    name = stat[stat.index('(') + 1:stat.rindex(')')]
    if name in ('ovn-northd', 'ovn-controller') or (name == 'ovsdb-server' and 'ovn' in cmd):
        f = stat[stat.rindex(')') + 2:].split()
        total += (int(f[11]) + int(f[12])) / ticks
print(round(total, 2))
"""


def daemon_cpu(host):
    """CPU seconds (user + system) of OVN's processes on *host* since they started."""
    return float(dexec(host, ['python3', '-c', CPU_PY]).stdout.strip() or 0)


def first_packet(name, timeout=900.0):
    """Seconds until a ping from NAME-a (host1) to NAME-b (host2) is answered
    (None: not within *timeout*)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        res = dexec('host1', ['ip', 'netns', 'exec', name + '-a', 'ping', '-c', '1', '-W', '1',
                              '10.0.0.12'], check=False)
        if res.returncode == 0:
            return time.monotonic() - t0
        time.sleep(0.2)
    return None


def run_backend(backend, t, repeat, log):
    rows = []
    env = dict(ansible_env(), ANSIBLE_STDOUT_CALLBACK='ansible.posix.json')
    tenants = dict(tenant(i) for i in range(1, t + 1))
    inv, hosts = part_inventory('ovn-' + backend, tenants, extra=backend_vars(backend, t))
    lab_fresh()
    for h in HOSTS:
        prepare_host(h)
    for i, kind in enumerate(['first'] + ['nochange'] * repeat):
        logf = os.path.join(OUT, 'ovn-%s-%d-%s-%d.log' % (backend, t, kind, i))
        stats = {}
        secs, _counts = playbook(SITE, inv, hosts, env, logf, stats=stats)
        row = dict(backend=backend, t=t, run=kind, secs=round(secs, 2),
                   controller_cpu=round(stats['controller_cpu'], 2),
                   layers=layer_times(logf))
        rows.append(row)
        log('ovn part %-3s T=%-3d %-8s %7.2f s  controller CPU %.2f s  layers(host1) %s'
            % (backend, t, kind, secs, row['controller_cpu'], row['layers'].get('host1')))
        if kind == 'first':
            # the backend has converged when the last tenant answers (OVN
            # computes after the run returns): the next figures start from rest
            row['last_tenant_reach'] = first_packet(tenant(t)[0])
            log('ovn part %-3s T=%-3d the last tenant answers %s s after the first run'
                % (backend, t, row['last_tenant_reach']))
    name, new = tenant(t + 1)
    tenants[name] = new
    inv, hosts = part_inventory('ovn-' + backend, tenants, extra=backend_vars(backend, t))
    logf = os.path.join(OUT, 'ovn-%s-%d-new.log' % (backend, t))
    t0 = time.monotonic()
    stats = {}
    secs, _counts = playbook(SITE, inv, hosts, env, logf, stats=stats)
    ping = first_packet(name)
    total = None if ping is None else round(time.monotonic() - t0, 2)
    rows.append(dict(backend=backend, t=t, run='new-tenant', secs=round(secs, 2), first_packet=total,
                     controller_cpu=round(stats['controller_cpu'], 2), layers=layer_times(logf)))
    log('ovn part %-3s T=%-3d new tenant: site.yml %.2f s, first packet at %s s'
        % (backend, t, secs, total))
    if backend == 'ovn':
        rows.append(dict(backend=backend, t=t, run='daemons',
                         cpu=dict((h, daemon_cpu(h)) for h in HOSTS)))
    return rows


def bench(ts, repeat, log):
    rows = []
    for t in ts:
        for backend in ('ovs', 'ovn'):
            rows += run_backend(backend, t, repeat, log)
    return {'rows': rows}
