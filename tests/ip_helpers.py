"""Helpers shared by the functional tests: snapshots of namespaces, waiting
until they settle, quiet namespaces (no tests here)."""
import json
import subprocess
import time

from fixtures.netns import sh
from modrun import run_module


def snapshot(*namespaces):
    """`ip -j link` + `ip -j addr` of each namespace, as text."""
    return [sh('ip', '-n', ns, '-j', 'link') + sh('ip', '-n', ns, '-j', 'addr')
            for ns in namespaces]


def settled(*namespaces, quiet=6, interval=0.25, limit=80):
    """Wait until carrier/operstate changes of earlier steps have settled:
    *quiet* identical snapshots in a row, *interval* s apart (at most *limit*
    snapshots). The kernel's linkwatch applies operstate changes up to about
    one second late, so the quiet window (1.25 s) is longer than that (seen
    in CI: a check-mode comparison caught a late change no command had made).
    Also not settled while an IPv6 address is still "tentative": duplicate
    address detection ends on its own schedule (seen in CI: the link-local
    address of a namespace the module created lost its tentative flag
    during the check run).
    """
    last, same = snapshot(*namespaces), 1
    for _ in range(limit):
        time.sleep(interval)
        now = snapshot(*namespaces)
        same = same + 1 if now == last else 1
        if same >= quiet and not any('"tentative":true' in text for text in now):
            return now
        last = now
    return last


def quiet_netns(make_netns, prefix):
    """A test namespace without IPv6 (no link-local addresses appearing later)."""
    ns = make_netns(prefix)
    for key in ('net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'):
        sh('ip', 'netns', 'exec', ns, 'sysctl', '-qw', key)
    return ns


def links(ns):
    return dict((l['ifname'], l) for l in json.loads(sh('ip', '-n', ns, '-j', '-d', 'link')))


def addrs(ns, dev):
    data = json.loads(sh('ip', '-n', ns, '-j', 'addr', 'show', 'dev', dev))
    return sorted('%s/%s' % (a['local'], a['prefixlen'])
                  for a in data[0]['addr_info'] if a.get('scope') == 'global')


def routes(ns, *family):
    return json.loads(sh('ip', '-n', ns, *(list(family) + ['-j', 'route', 'show'])))


def converge(module, args, *namespaces):
    """Check mode changes nothing, the real run changes, a repeat is a no-op."""
    before = settled(*namespaces)
    check = run_module(module, args, check_mode=True, diff=True)
    assert not check['failed'], check['msg']
    assert check['changed'] and check['commands'] and 'diff' in check
    assert snapshot(*namespaces) == before, 'check mode changed the namespace'
    first = run_module(module, args)
    assert not first['failed'], first['msg']
    assert first['changed'] and first['commands'] == check['commands']
    again = run_module(module, args)
    assert not again['failed'], again['msg']
    assert (again['changed'], again['commands']) == (False, [])
    return first


def netns_names():
    return set(l.split()[0] for l in sh('ip', 'netns', 'list').splitlines() if l.strip())


def drop_netns(*names):
    for name in names:
        subprocess.run(['ip', 'netns', 'del', name], capture_output=True)
