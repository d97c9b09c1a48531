"""Part 3: iperf3 TCP between two endpoints of one tenant (host1 -> host2) and
between the two hosts' underlay addresses; plus the facts that explain them."""
import json
import statistics
import time

from lab import HOSTS, dexec

SECONDS = 10


def _ns(netns):
    return ['ip', 'netns', 'exec', netns] if netns else []


def iperf(server_ns, client_ns, address, port=5201, secs=SECONDS):
    """Gbit/s received by the server, or None (with the error) if TCP fails."""
    dexec('host2', _ns(server_ns) + ['iperf3', '-s', '-1', '-D', '-p', str(port)])
    time.sleep(0.5)
    res = dexec('host1', _ns(client_ns) + ['iperf3', '-c', address, '-p', str(port), '-t',
                                            str(secs), '-J', '--connect-timeout', '3000'],
                check=False, timeout=secs + 30)
    try:
        data = json.loads(res.stdout)
        if 'error' in data:
            raise ValueError(data['error'])
        return round(data['end']['sum_received']['bits_per_second'] / 1e9, 3), None
    except ValueError as exc:
        dexec('host2', ['pkill', '-f', 'iperf3 -s -1 -D -p %d' % port], check=False)
        return None, str(exc)[:200]


def median_iperf(repeat, *args):
    vals, err = [], None
    for _ in range(repeat):
        v, e = iperf(*args)
        if v is None:
            err = e
        else:
            vals.append(v)
    return (statistics.median(vals) if vals else None), vals, err


def underlay(repeat, label):
    med, vals, err = median_iperf(repeat, None, None, HOSTS['host2'], 5202)
    return {'path': label, 'gbps': med, 'runs': vals, 'error': err}


def overlay(repeat, mode, tenant='t0001'):
    med, vals, err = median_iperf(repeat, tenant + '-b', tenant + '-a', '10.0.0.12', 5201)
    return {'path': 'overlay (%s mode)' % mode, 'gbps': med, 'runs': vals, 'error': err}


def facts(tenant='t0001'):
    """MTU/offload/datapath facts of the tenant path on host1 (text, for the report)."""
    out = []
    links = json.loads(dexec('host1', ['ip', '-j', 'link', 'show']).stdout)
    ove = [link['ifname'] for link in links if link['ifname'].startswith('ove')][:1]
    for ns, dev in [(tenant + '-a', 'eth0')] + [(None, d) for d in ove + ['br-phy', 'eth0']]:
        mtu = dexec('host1', _ns(ns) + ['cat', '/sys/class/net/%s/mtu' % dev], check=False).stdout
        k = dexec('host1', _ns(ns) + ['ethtool', '-k', dev], check=False).stdout
        feats = [line.strip() for line in k.splitlines() if line.split(':')[0].strip() in (
            'tx-checksumming', 'tcp-segmentation-offload', 'generic-segmentation-offload',
            'generic-receive-offload')]
        out.append('%s%s: mtu %s; %s' % (ns + '/' if ns else '', dev, mtu.strip(), '; '.join(feats)))
    pmd = dexec('host1', ['ovs-appctl', 'dpif-netdev/pmd-stats-show'], check=False).stdout
    out.append('pmd-stats-show (host1):\n' + '\n'.join(pmd.splitlines()[:14]))
    return out


def tune(hosts=('host1', 'host2')):
    """The by-hand fix that helped (see NOTES.md): OVS userspace TSO (needs a vswitchd
    restart) and TX offload back on the uplink eth0 (a port of br-phy)."""
    for h in hosts:
        dexec(h, ['ovs-vsctl', 'set', 'Open_vSwitch', '.', 'other_config:userspace-tso-enable=true'])
        dexec(h, ['/usr/share/openvswitch/scripts/ovs-ctl', 'restart', '--system-id=random'],
              timeout=120)
        dexec(h, ['ethtool', '-K', 'eth0', 'tx', 'on', 'tso', 'on'], check=False)
    time.sleep(2)
