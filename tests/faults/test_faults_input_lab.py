"""Every broken inventory of tests/data/tenants (tenant files, host and play
variables) through a real ``ansible-playbook site.yml`` against the real,
converged three-host faults lab: each run fails on the controller before
any host task, and every host is byte for byte as before (OVSDB, links,
addresses and routes of every namespace, iptables, nft, OpenFlow rules).
tests/functional/site/test_site_validation.py proves the messages against
hosts that do not exist; this proves the zero changes on hosts that do."""
import difflib
import json
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from lab import HOSTS, PLAYBOOK, ROOT, container, dexec

CASE_HOSTS = {'host1': {'overlay_underlay_ip': '192.168.250.11'},
              'host2': {'overlay_underlay_ip': '192.168.250.12'},
              'host3': {'overlay_underlay_ip': '192.168.250.13', 'overlay_underlay_mtu': 1400}}

CASES_DIR = os.path.join(ROOT, 'tests', 'data', 'tenants')
CASES = sorted(d for d in os.listdir(CASES_DIR) if os.path.isdir(os.path.join(CASES_DIR, d)))
COUNTERS = re.compile(r'\[\d+:\d+\]|counter packets \d+ bytes \d+')
OVS_COLUMNS = {'Bridge': 'name,ports,datapath_type,fail_mode,other_config,external_ids',
               'Port': 'name,interfaces,tag,trunks,vlan_mode,other_config,external_ids',
               'Interface': 'name,type,options,mtu_request,external_ids'}


VOLATILE = {'valid_life_time', 'preferred_life_time', 'expires', 'operstate', 'flags', 'stats',
            'stats64', 'used', 'lastuse'}


def stable(text):
    """`ip -j` output without what the kernel changes by itself (address
    lifetimes, operstate and carrier flags settling after a run)."""
    def strip(node):
        if isinstance(node, dict):
            return dict((k, strip(v)) for k, v in node.items() if k not in VOLATILE)
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    try:
        return json.dumps(strip(json.loads(text or '[]')), sort_keys=True)
    except ValueError:
        return text


def settled(host, tries=10):
    """The fingerprint once two reads 1 s apart agree."""
    last = fingerprint(host)
    for _ in range(tries):
        time.sleep(1)
        now = fingerprint(host)
        if now == last:
            return now
        last = now
    return last


def fingerprint(host):
    """Everything a run could change on *host*, without counters."""
    parts = []
    for table, columns in sorted(OVS_COLUMNS.items()):
        parts.append(dexec(host, ['ovs-vsctl', '--format=json', '--columns=' + columns,
                                  'list', table]).stdout)
    spaces = [None] + sorted(n['name'] for n in json.loads(
        dexec(host, ['ip', '-j', 'netns', 'list']).stdout or '[]'))
    for ns in spaces:
        prefix = ['ip'] + (['-n', ns] if ns else [])
        for what in (['-d', '-j', 'link'], ['-j', 'addr'], ['-j', 'route', 'show', 'table', 'all']):
            parts.append(stable(dexec(host, prefix + what, check=False).stdout))
        inside = ['ip', 'netns', 'exec', ns] if ns else []
        parts.append(dexec(host, inside + ['iptables-save'], check=False).stdout)
        parts.append(dexec(host, inside + ['nft', 'list', 'ruleset'], check=False).stdout)
    for bridge in dexec(host, ['ovs-vsctl', 'list-br']).stdout.split():
        # without the MAC flows br-tun learns from traffic (they carry a
        # timeout and expire by themselves: the switch's state, not config)
        parts.append(''.join(line + '\n' for line in dexec(
            host, ['ovs-ofctl', '--no-stats', 'dump-flows', bridge]).stdout.splitlines()
            if 'timeout=' not in line.split('actions=')[0]))
    text = '\n'.join(parts)
    return COUNTERS.sub('', '\n'.join(l for l in text.splitlines() if not l.startswith('#')))


def run_case(lab, case, workdir):
    """The case's own inventory (the hosts of tests/data/tenants/README.md,
    as in test_site_validation, where each is shown to fail with its
    messages) with the hosts pointing at the lab's real containers. Were a
    case ever accepted, its underlay addresses (192.168.250.x) match no lab
    host, so the preflight would still stop each host before any write."""
    case_dir = os.path.join(CASES_DIR, case)
    hosts = dict((h, dict(v, ansible_host=container(h))) for h, v in CASE_HOSTS.items())
    path = os.path.join(case_dir, 'hostvars.json')
    if os.path.exists(path):
        with open(path) as handle:
            for host, values in json.load(handle).items():
                hosts.setdefault(host, {'ansible_host': 'ovl-flt-no-such-%s' % host}).update(values)
    inventory = {'all': {'children': {'overlay_hosts': {'hosts': hosts, 'vars': {
        'ansible_connection': 'community.docker.docker',
        'ansible_python_interpreter': '/usr/bin/python3'}}}}}
    target = os.path.join(workdir, case + '.json')
    with open(target, 'w') as handle:
        json.dump(inventory, handle)
    argv = [PLAYBOOK, '-i', target, os.path.join(ROOT, 'site.yml'),
            '-e', 'overlay_tenants_dir=%s' % case_dir, '-e', 'overlay_base_dir=%s' % case_dir]
    if os.path.exists(os.path.join(case_dir, 'playvars.json')):
        argv += ['-e', '@' + os.path.join(case_dir, 'playvars.json')]
    proc = subprocess.run(argv, capture_output=True, text=True, env=lab.env, cwd=ROOT,
                          timeout=300)
    return case, proc.returncode, proc.stdout + proc.stderr


def test_broken_inventories_change_nothing_on_real_hosts(converged, results, tmp_path):
    assert len(CASES) >= 50
    before = dict((h, settled(h)) for h in HOSTS)
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda c: run_case(converged, c, str(tmp_path)), CASES))
    bad = [(case, rc, out[-1500:]) for case, rc, out in done
           if rc == 0 or 'Traceback' in out or 'TASK [overlay_preflight' in out
           or 'UNREACHABLE' in out]
    assert bad == []
    after = dict((h, settled(h)) for h in HOSTS)
    changed = [h for h in HOSTS if after[h] != before[h]]
    diff = ['\n'.join(difflib.unified_diff(before[h].splitlines(), after[h].splitlines(),
                                            lineterm='', n=1))[:3000] for h in changed]
    results['bad_inventories_on_lab'] = dict(cases=len(done), hosts_changed=len(changed))
    assert changed == [], diff
    # positive control: the fingerprint sees one address added in a namespace
    ns = [n['name'] for n in json.loads(dexec('host1', ['ip', '-j', 'netns', 'list']).stdout)
          if n['name'] != 'foreign-ns'][0]
    dexec('host1', ['ip', '-n', ns, 'addr', 'add', '198.51.100.1/32', 'dev', 'lo'])
    try:
        assert fingerprint('host1') != after['host1']
    finally:
        dexec('host1', ['ip', '-n', ns, 'addr', 'del', '198.51.100.1/32', 'dev', 'lo'])
    assert settled('host1') == after['host1']
