"""Faults between runs: objects deleted by hand, a host restarted. The drift
report names what is missing, the next plain site.yml run repairs exactly it
(only that host changes), and the tenants reach each other again."""
import re
import subprocess
import time

import pytest

from lab import FOREIGN_KERNEL, FOREIGN_PLANT, HOSTS, changed_hosts, dexec

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
