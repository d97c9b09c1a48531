"""Faults between runs: objects deleted by hand, a host restarted. The drift
report names what is missing, the next plain site.yml run repairs exactly it
(only that host changes), and the tenants reach each other again."""
import re
import subprocess
import threading
import time

import pytest

from lab import FOREIGN_KERNEL, FOREIGN_PLANT, HOSTS, changed_hosts, dexec, our_objects

COOKIE = re.compile(r'cookie=(0x[0-9a-f]+)')


def first_project_flow(host, bridge):
    out = dexec(host, ['ovs-ofctl', '--no-stats', 'dump-flows', bridge]).stdout
    cookies = [c for c in COOKIE.findall(out) if c.startswith('0xf1c') and not
               c.startswith('0xf1c8')]
    return cookies[0]


DELETIONS = {
    'namespace': ('host2', lambda: dexec('host2', ['ip', 'netns', 'del', 'blue-2']),
                  ('namespace', 'missing', 'blue-2')),
    'veth': ('host1', lambda: dexec('host1', ['ip', 'link', 'del', 'ovg-red']),
             ('link', 'missing', 'ovg-red')),
    'port': ('host3', lambda: dexec('host3', ['ovs-vsctl', 'del-port', 'br-tun', 'vxf-a8f60b']),
             ('port', 'missing', 'vxf-a8f60b')),
    'flow': ('host1', lambda: dexec('host1', ['ovs-ofctl', 'del-flows', 'br-tun', 'cookie=%s/-1'
                                              % first_project_flow('host1', 'br-tun')]),
             ('flow', 'missing', '')),
    'nat': ('host2', lambda: dexec('host2', ['ip', 'netns', 'exec', 'ovr-blue', 'iptables', '-t',
                                             'nat', '-F', 'OVL-POSTROUTING']),
            ('nat', 'missing', 'ovr-blue: -A OVL-POSTROUTING')),
}


@pytest.mark.parametrize('what', sorted(DELETIONS))
def test_deleted_by_hand_is_reported_and_repaired(converged, results, what):
    host, delete, (kind, state, obj) = DELETIONS[what]
    delete()
    rc, out = converged.drift()
    row = re.compile(r'^\s*%s\s+\S+\s+%s\s+%s\s+%s' % (host, kind, state, re.escape(obj)), re.M)
    assert rc != 0 and row.search(out), out[-3000:]
    rc, out = converged.site()
    assert rc == 0, out[-3000:]
    changed = changed_hosts(out)
    assert [h for h in HOSTS if changed.get(h)] == [host], changed   # exactly that host
    rc, out = converged.drift()
    assert rc == 0 and 'no drift' in out, out[-3000:]
    results.setdefault('between', {})[what] = 'repaired by the next run'


def ovsdb_part(text):
    """The foreign OVSDB rows of a host's foreign() text (they survive a restart)."""
    return text.split('$ ovs-ofctl')[0]


def test_host_restarted(converged, results):
    """docker restart: OVS stopped, namespaces, links, addresses and NAT rules
    gone, the /run/netns entries left with no namespace on them. The next plain
    run restores everything; nothing of the foreign OVSDB rows changes."""
    before = converged.baseline['host2']
    subprocess.run(['docker', 'restart', '-t', '2', 'ovl-flt-host2'], check=True,
                   capture_output=True, timeout=120)
    converged.underlay_offload_off('host2')
    stale = dexec('host2', ['ls', '/run/netns']).stdout.split()
    assert 'blue-2' in stale                  # the entries stay, no namespace mounted
    assert dexec('host2', ['ip', 'netns', 'exec', 'blue-2', 'true'], check=False).returncode != 0
    # a restart loses everyone's kernel objects and OpenFlow rules: plant them
    # again (the foreign owner clears its own stale /run/netns entry first: a
    # container keeps /run, a rebooted host does not)
    dexec('host2', ['ip', 'netns', 'del', 'foreign-ns'], check=False)
    for argv in FOREIGN_KERNEL:
        dexec('host2', argv)
    start = time.time()
    rc, out = converged.site()
    took = time.time() - start
    assert rc == 0, out[-3000:]
    for argv in FOREIGN_PLANT[2:]:
        dexec('host2', argv)
    dexec('host2', ['ovs-ofctl', 'add-flow', 'br-int',
                    'cookie=0x4321,priority=1,udp,tp_dst=9,actions=drop'])
    now = converged.foreign()['host2']
    assert ovsdb_part(now) == ovsdb_part(before)
    converged.baseline['host2'] = now
    results.setdefault('between', {})['host restart'] = 'restored by the next run (%.0f s)' % took


REPLY = re.compile(r'^\[(\d+\.\d+)\] \d+ bytes from ')


class Pinger(object):
    """ping -D from blue-1 (host1) to blue-2 (host2), 10 a second: reply times."""

    def __init__(self):
        self.proc = subprocess.Popen(
            ['docker', 'exec', 'ovl-flt-host1', 'ip', 'netns', 'exec', 'blue-1', 'ping', '-D',
             '-n', '-i', '0.1', '-W', '1', '-w', '300', '10.0.0.12'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.replies = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            found = REPLY.match(line)
            if found:
                self.replies.append(float(found.group(1)))

    def replied_after(self, when, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.replies and self.replies[-1] > when:
                return True
            time.sleep(0.1)
        return False

    def stop(self):
        self.proc.kill()
        dexec('host1', ['pkill', '-f', 'ping -D -n -i 0.1'], check=False)
        self.reader.join(5)

    def longest_gap(self, since):
        times = [t for t in self.replies if t >= since - 1]
        return max((b - a for a, b in zip(times, times[1:])), default=0.0)


RESTARTS = {
    # ovs-ctl restart saves the OpenFlow rules and interface addresses and
    # restores them (flow-restore-wait)
    'ovs-ctl restart': [['/usr/share/openvswitch/scripts/ovs-ctl', 'restart',
                         '--system-id=random']],
    # as after a crash or a stop/start: nothing saved
    'ovs-ctl stop, start': [['/usr/share/openvswitch/scripts/ovs-ctl', 'stop'],
                            ['/usr/share/openvswitch/scripts/ovs-ctl', 'start',
                             '--system-id=random']],
}


@pytest.mark.parametrize('how', sorted(RESTARTS))
def test_ovs_restart_with_traffic(converged, results, how):
    """Open vSwitch restarted on host2 while blue-1 pings blue-2 over the
    tunnel: measured, the seconds without replies, whether traffic came back
    within 20 s without a run, and (if not) with one plain run."""
    pinger = Pinger()
    try:
        assert pinger.replied_after(time.time(), 15), 'no traffic before the restart'
        start = time.time()
        for argv in RESTARTS[how]:
            dexec('host2', argv, timeout=120)
        back = pinger.replied_after(time.time(), 20)
        run_s = None
        if not back:
            begun = time.time()
            rc, out = converged.site()
            assert rc == 0, out[-3000:]
            run_s = time.time() - begun
            assert pinger.replied_after(time.time(), 30), 'no traffic after the run'
        time.sleep(1)
        loss = pinger.longest_gap(start)
    finally:
        pinger.stop()
    for bridge, flow in (('br-foreign', 'cookie=0x1234,priority=5,udp,tp_dst=9,actions=drop'),
                         ('br-int', 'cookie=0x4321,priority=1,udp,tp_dst=9,actions=drop')):
        dexec('host2', ['ovs-ofctl', 'add-flow', bridge, flow])  # the foreign owner's, again
    if back:
        rc, out = converged.site()          # and nothing was left for a run to do
        assert rc == 0 and changed_hosts(out).get('host2') == 0, out[-3000:]
    results.setdefault('ovs_restart', {})[how] = dict(
        loss_s=round(loss, 1), back_without_run=back,
        run_s=None if run_s is None else round(run_s))


def test_prune_all_tenants_leaves_only_foreign(converged, results):
    """Every tenant file removed: one run removes every namespace, veth,
    port, tunnel, flow and NAT rule of the project's tenants on every host;
    the foreign objects stay byte for byte; putting the files back restores it."""
    saved = converged.tenants
    converged.tenants = {}
    converged.write_tenants()
    try:
        rc, out = converged.site()
        assert rc == 0, out[-3000:]
        left = dict((h, our_objects(h)) for h in HOSTS)
        assert converged.foreign() == converged.baseline
    finally:
        converged.tenants = saved
        converged.write_tenants()
    rc, out = converged.site()
    assert rc == 0, out[-3000:]
    results.setdefault('between', {})['all tenants removed'] = dict(
        (h, sorted(left[h])) for h in HOSTS)
    # What stays is the hosts' own plumbing, made once per host and shared
    # by all tenants: the three bridges, the br-int/br-tun patch pair, the
    # uplink on br-phy, and the host's NAT and forward chains (the routers'
    # forward_accept) with their jumps, now empty.
    plumbing = set(['Bridge br-int', 'Bridge br-tun', 'Bridge br-phy', 'Port ovp-int',
                    'Port ovp-tun', 'Port eth0', 'iptables :OVL-POSTROUTING - [0:0]',
                    'iptables -A POSTROUTING -m comment --comment ovl -j OVL-POSTROUTING',
                    'iptables :OVL-FORWARD - [0:0]',
                    'iptables -A FORWARD -m comment --comment ovl -j OVL-FORWARD'])
    for host in HOSTS:
        tenant_objects = [o for o in left[host] if o not in plumbing]
        assert tenant_objects == [], (host, left[host])
