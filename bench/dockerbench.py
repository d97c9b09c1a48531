"""The operator's containers (issue 21), on a two-host lab whose hosts run a
Docker engine of their own (scripts/lab.sh LAB_DOCKER_HOSTS):

- first ping: `docker run -d --network blue --ip A` on host2, timed from
  just before the `docker run` to the first reply of a ping (every 20 ms,
  iputils with -D timestamps) from a container of blue on host1, across the
  hosts; against the anchor, `docker run` on Docker's own bridge network
  (user-defined, --internal) pinged from a container on the same host. The
  lab's containers share this machine's clock. Ratio of the medians.
- Join at N containers: N containers started one after another on host1;
  the plugin logs how long each Join took to answer; medians of the first
  and the last 20 (flat: it does not grow with the port count). The same for
  ProgramExternalConnectivity, which dockerd sends after moving the
  interface into the container: there the plugin waits for ovs-vswitchd to
  have taken the port in (its reconfiguration grows with the port count).
"""
import json
import os
import re
import statistics
import time


from lab import OUT, ROOT, ansible_env, dexec, lab, part_inventory, playbook

IMAGE = 'ovl-busybox:lab'
N_JOIN = int(os.environ.get('BENCH_DOCKER_N', '200'))


def write_inventory():
    tenant = {'name': 'blue', 'vni': 100, 'subnet': '10.0.0.0/16', 'gateway': '10.0.0.1',
              'snat': False,
              'endpoints': [{'name': 'blue-ns', 'host': 'host1', 'ip': '10.0.0.11'}],
              'containers': [{'host': 'host1', 'range': '10.0.128.0/20'},
                             {'host': 'host2', 'range': '10.0.160.0/20'}]}
    return part_inventory('docker', {'blue': tenant})


def attach(host, name):
    pid = dexec(host, ['docker', 'inspect', '--format', '{{.State.Pid}}', name]).stdout.strip()
    dexec(host, ['ip', 'netns', 'delete', name], check=False)
    dexec(host, ['ip', 'netns', 'attach', name, pid])


def first_ping(src_host, src, dst_host, network, address):
    """Seconds from just before `docker run` on *dst_host* to the first reply
    of a ping from container *src* (its namespace attached by name)."""
    log = '/tmp/ovl-bench-ping.log'
    dexec(src_host, ['sh', '-c', ': > %s' % log])
    dexec(src_host, ['sh', '-c', 'ip netns exec %s ping -D -n -i 0.02 -W 1 -w 20 %s > %s 2>&1 &'
                     % (src, address, log)])
    time.sleep(0.3)                       # the pinger runs (no reply yet: nothing has the address)
    name = 'b%d' % int(time.time() * 1000)
    t0 = time.time()
    dexec(dst_host, ['docker', 'run', '-d', '--init', '--name', name, '--network', network,
                     '--ip', address, IMAGE])
    first = None
    for _ in range(200):
        out = dexec(src_host, ['cat', log]).stdout
        m = re.search(r'^\[(\d+\.\d+)\] \d+ bytes from', out, re.M)
        if m:
            first = float(m.group(1))
            break
        time.sleep(0.1)
    dexec(src_host, ['pkill', '-f', 'ping -D -n -i 0.02'], check=False)
    dexec(dst_host, ['docker', 'rm', '-f', name])
    if first is None:
        raise RuntimeError('no reply from %s (%s on %s)' % (address, network, dst_host))
    return first - t0


def ends(series):
    """Medians of the first and the last 20."""
    head, tail = series[:20], series[-20:]
    return {'first20': statistics.median(head) if head else None,
            'last20': statistics.median(tail) if tail else None}


def join_times(host, n, log):
    """Start *n* containers on *host* one after another; the plugin's Join
    and ProgramExternalConnectivity answer times in order (ms)."""
    dexec(host, ['sh', '-c', ': > /var/log/ovl-docker-plugin.log'])
    t0 = time.monotonic()
    dexec(host, ['sh', '-c', 'for i in $(seq 1 %d); do docker run -d --init --network blue '
                 '--name j$i %s >/dev/null || exit 1; done' % (n, IMAGE)], timeout=3600)
    took = time.monotonic() - t0
    text = dexec(host, ['cat', '/var/log/ovl-docker-plugin.log']).stdout
    joins, waits = [[float(m) for m in re.findall(
        r'NetworkDriver\.%s HTTP/1\.1" 200 ([0-9.]+) ms' % name, text)]
        for name in ('Join', 'ProgramExternalConnectivity')]
    ports = len(dexec(host, ['ovs-vsctl', 'list-ports', 'br-int']).stdout.split())
    log('docker: %d containers on %s in %.0f s, %d Joins and %d waits logged, %d ports on br-int'
        % (n, host, took, len(joins), len(waits), ports))
    return joins, waits, took, ports


def bench(repeat, log):
    lab('down')
    lab('up', engines='host1 host2')
    inventory, hosts = write_inventory()
    env = ansible_env()
    secs, _counts = playbook(os.path.join(ROOT, 'site.yml'), inventory, hosts, env,
                             os.path.join(OUT, 'docker', 'site.log'))
    log('docker: site.yml (plugin, networks) in %.1f s' % secs)
    # sources: a blue container on host1; the anchor network and its source on host1
    dexec('host1', ['docker', 'run', '-d', '--init', '--name', 'src', '--network', 'blue',
                    '--ip', '10.0.0.21', IMAGE])
    dexec('host1', ['docker', 'network', 'create', '--driver', 'bridge', '--internal',
                    '--subnet', '172.31.0.0/24', 'anchor'])
    dexec('host1', ['docker', 'run', '-d', '--init', '--name', 'asrc', '--network', 'anchor',
                    '--ip', '172.31.0.21', IMAGE])
    attach('host1', 'src')
    attach('host1', 'asrc')
    ours, anchor = [], []
    for i in range(repeat):
        ours.append(first_ping('host1', 'src', 'host2', 'blue', '10.0.1.%d' % (10 + i)))
        anchor.append(first_ping('host1', 'asrc', 'host1', 'anchor', '172.31.0.%d' % (100 + i)))
        log('docker: first ping %.3f s (blue, across hosts) vs %.3f s (Docker bridge, same host)'
            % (ours[-1], anchor[-1]))
    joins, waits, took, ports = join_times('host1', N_JOIN, log)
    return {'first_ping': {'ovl': ours, 'anchor': anchor,
                           'ratio': statistics.median(ours) / statistics.median(anchor)},
            'join': dict(ends(joins), n=N_JOIN, ms=joins, seconds=took, ports=ports,
                         wait=dict(ends(waits), ms=waits)),
            'site_secs': secs}
