#!/usr/bin/env python3
"""make bench: OVS module benchmark against openvswitch.openvswitch 2.1.1, site.yml at
T tenants, iperf3 over the overlay; writes bench/RESULTS.md and prints it.

Env: BENCH_N="50 200"  BENCH_TENANTS="10 100 500"  BENCH_REPEAT=3 (ovs_state runs and
     site.yml no-change runs: the figures the targets are about)
     BENCH_LOOP_REPEAT=1 (repeats of the slow per-item variants: minutes per run each)
     BENCH_LOOP_N="50" (N at which the ovs_port/ovs_tunnel loop runs; the anchor runs at every N)
     BENCH_FIRST_REPEAT=1 (site.yml first runs per mode/T, each on a fresh lab and followed by
     BENCH_REPEAT no-change runs)
     BENCH_DP_TUNED=0 (skip the tuned data-plane rerun)
     BENCH_VARIANTS="anchor per_object ovs_state"  BENCH_MERGE=1 (keep stored rows of other
     N/variants in out/ovs.json, and the data-plane rows of other modes)
     BENCH_SITE_PART=site-extra (store site rows apart; they replace the same mode/T)
     BENCH_PARTS="ovs site floor fleet dataplane docker vm fip ovn switch"  BENCH_MODES (default: every mode
     site.yml supports of "port flow")  BENCH_KEEP_LAB=1 (leave the lab up)
     BENCH_FLOOR_T (default: the largest of BENCH_TENANTS): T of the floor part
     BENCH_FLEET_H="2 3 6" (lab sizes of the fleet part)  BENCH_FORKS=50 (projection)
     BENCH_DOCKER_N=200 (containers on one host for the Join figure of the docker part)
     BENCH_OVN_T (default: the largest of BENCH_TENANTS): T of the ovn part
     BENCH_SWITCH_T="50": T of the switch part (ovs -> ovn -> ovs)
Each part stores bench/out/<part>.json; RESULTS.md is built from the stored parts."""
import datetime
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dataplane  # noqa: E402
import dockerbench  # noqa: E402
import vmbench  # noqa: E402
import fipbench  # noqa: E402
import ovnbench  # noqa: E402
import switchbench  # noqa: E402
import fleet  # noqa: E402
import floor  # noqa: E402
import lab  # noqa: E402
import ovsbench  # noqa: E402
import report  # noqa: E402
import sitebench  # noqa: E402

ENV = os.environ
N = [int(x) for x in ENV.get('BENCH_N', '50 200').split()]
T = [int(x) for x in ENV.get('BENCH_TENANTS', '10 100 500').split()]
REPEAT = int(ENV.get('BENCH_REPEAT', '3'))
# the slow per-item variants (anchor, ovs_port loop) take minutes per run: once by default
LOOP_REPEAT = int(ENV.get('BENCH_LOOP_REPEAT', '1'))
LOOP_N = [int(x) for x in ENV.get('BENCH_LOOP_N', '50').split()]
FIRST_REPEAT = int(ENV.get('BENCH_FIRST_REPEAT', '1'))
PARTS = ENV.get('BENCH_PARTS', 'ovs site floor fleet dataplane docker vm fip ovn switch').split()
FLOOR_T = [int(x) for x in ENV.get('BENCH_FLOOR_T', str(max(T))).split()]
FLEET_H = [int(x) for x in ENV.get('BENCH_FLEET_H', '2 3 6').split()]
FORKS = int(ENV.get('BENCH_FORKS', '50'))
OVN_T = [int(x) for x in ENV.get('BENCH_OVN_T', str(max(T))).split()]
SWITCH_T = [int(x) for x in ENV.get('BENCH_SWITCH_T', '50').split()]
RESULTS = os.path.join(lab.BENCH, 'RESULTS.md')


def log(msg):
    print('[%s] %s' % (time.strftime('%H:%M:%S'), msg), flush=True)


def save(part, data):
    data['when'] = '%s (git %s)' % (datetime.datetime.now().isoformat(timespec='seconds'),
                                    code_version())
    with open(os.path.join(lab.OUT, part + '.json'), 'w') as f:
        json.dump(data, f, indent=1)


def load(part):
    path = os.path.join(lab.OUT, part + '.json')
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def code_version():
    head = lab.run(['git', '-C', lab.ROOT, 'rev-parse', '--short', 'HEAD']).stdout.strip()
    dirty = lab.run(['git', '-C', lab.ROOT, 'status', '--porcelain', '--untracked-files=no']).stdout
    return head + (' + uncommitted changes' if dirty.strip() else '')


def machine():
    mem = open('/proc/meminfo').readline().split()[1]
    ovs = lab.dexec('host1', ['ovs-vsctl', '--version'], check=False).stdout.splitlines()
    ans = lab.run([os.path.join(lab.VENV_BIN, 'ansible'), '--version']).stdout.splitlines()[0]
    load1 = open('/proc/loadavg').read().split()[:3]
    return ['- CPUs (nproc): %d; memory: %.1f GiB; kernel: %s %s' % (
                os.cpu_count(), int(mem) / 1048576, platform.system(), platform.release()),
            '- Open vSwitch in the lab hosts: %s (userspace datapath, datapath_type=netdev)'
            % (ovs[0] if ovs else '?'),
            '- %s; Python %s; connection community.docker.docker; ansible.cfg of the repo'
            % (ans, platform.python_version()),
            '- code measured: git %s (each part below names its own)' % code_version(),
            '- load average at report time: %s (the machine is shared with other sessions: '
            'timings carry that noise)' % ' '.join(load1)]


def fresh_lab():
    lab.lab_fresh()
    for h in lab.HOSTS:
        lab.prepare_host(h)


def site_counts(host):
    return sitebench.ovs_ports(host), sitebench.netns_count(host)


def run_dataplane(mode, t):
    entries = [dataplane.underlay(REPEAT, 'underlay via br-phy (host1 -> host2, after site.yml)'),
               dataplane.overlay(REPEAT, mode)]
    if ENV.get('BENCH_DP_TUNED', '1') == '1':
        dataplane.tune()
        entries += [dataplane.underlay(REPEAT, 'underlay via br-phy, tuned (userspace TSO, eth0 tx on)'),
                    dataplane.overlay(REPEAT, mode + ', tuned')]
    for e in entries:
        log('iperf3 %s: %s Gbit/s %s' % (e['path'], e['gbps'], e.get('error') or ''))
    part = load('dataplane') or {'modes': {}}
    part['modes'][mode] = entries
    if mode == 'port' or 'facts' not in part:
        part['facts'] = dataplane.facts()
    part['config'] = {'repeat': REPEAT, 't': t}
    save('dataplane', part)


def main():
    os.makedirs(lab.OUT, exist_ok=True)
    modes = [m for m in ENV.get('BENCH_MODES', 'port flow').split()
             if m in sitebench.tunnel_modes()]
    log('config: N=%s T=%s repeat=%d parts=%s modes=%s (supported: %s)'
        % (N, T, REPEAT, PARTS, modes, sitebench.tunnel_modes()))
    try:
        lab.lab_fresh()
        for h in lab.HOSTS:
            lab.prepare_host(h)
        if 'dataplane' in PARTS:
            # merge: keep the stored modes, measure the asked ones (and the kernel underlay) again
            kept = (load('dataplane') or {}) if ENV.get('BENCH_MERGE') == '1' else {}
            save('dataplane', dict(kept, modes=kept.get('modes', {}), kernel_underlay=dataplane.underlay(
                REPEAT, 'underlay, kernel only (eth0 <-> eth0, fresh lab, before OVS bridges)')))
        if 'ovs' in PARTS:
            variants = ENV.get('BENCH_VARIANTS', ' '.join(ovsbench.VARIANTS)).split()
            old = load('ovs') if ENV.get('BENCH_MERGE') == '1' else None
            # merge: keep stored rows of other N/variants, measure the asked ones again
            rows = [r for r in (old or {}).get('rows', [])
                    if not (r['n'] in N and r['variant'] in variants)]
            conf = {'n': sorted(set(N) | set((old or {}).get('config', {}).get('n', []))),
                    'repeat': REPEAT, 'loop_repeat': LOOP_REPEAT}
            ovsbench.bench(N, REPEAT, log, LOOP_REPEAT, variants, rows,
                           lambda rs: save('ovs', {'config': conf, 'rows': rs}), LOOP_N)
        if 'site' in PARTS:
            hook = run_dataplane if 'dataplane' in PARTS else None
            save(ENV.get('BENCH_SITE_PART', 'site'),
                 {'config': {'t': T, 'modes': modes, 'repeat': REPEAT, 'first_repeat': FIRST_REPEAT},
                  'rows': sitebench.bench(T, modes, REPEAT, log, hook, FIRST_REPEAT)})
        elif 'dataplane' in PARTS:
            sitebench.bench([min(T)], modes, 1, log, run_dataplane, 1)
        if 'floor' in PARTS:
            save('floor', {'config': {'t': FLOOR_T, 'modes': modes},
                           'rows': floor.bench(FLOOR_T, modes, log, sitebench.write_inventory,
                                               fresh_lab, site_counts)})
        if 'fleet' in PARTS:
            save('fleet', {'config': {'h': FLEET_H, 'repeat': REPEAT, 'forks': FORKS},
                           'rows': fleet.bench(FLEET_H, REPEAT, log)})
        if 'docker' in PARTS:
            save('docker', dict(dockerbench.bench(REPEAT, log), config={'repeat': REPEAT}))
        if 'vm' in PARTS:
            save('vm', dict(vmbench.bench(REPEAT, log), config={'repeat': REPEAT}))
        if 'fip' in PARTS:
            save('fip', dict(fipbench.bench(REPEAT, log), config={'repeat': REPEAT}))
        if 'ovn' in PARTS:
            save('ovn', dict(ovnbench.bench(OVN_T, REPEAT, log), config={'repeat': REPEAT, 't': OVN_T}))
        if 'switch' in PARTS:
            save('switch', dict(switchbench.bench(SWITCH_T, log), config={'t': SWITCH_T}))
        save('machine', {'lines': machine()})
    finally:
        if ENV.get('BENCH_KEEP_LAB') != '1':
            lab.lab('down')
    write(sitebench.tunnel_modes())


def write(available):
    ovs, site, dp = load('ovs'), load('site'), load('dataplane')
    extra = load('site-extra')  # a later run of some (mode, T): its rows replace those
    if site and extra:
        redo = {(r['mode'], r['t']) for r in extra['rows']}
        site['rows'] = [r for r in site['rows'] if (r['mode'], r['t']) not in redo] + extra['rows']
        site['when'] += ' and %s (mode/T %s re-run)' % (extra['when'], sorted(redo))
    machine_lines = (load('machine') or {'lines': ['- (not measured)']})['lines']
    md = ['# Benchmark results', '', 'Made by `make bench` (bench/run.py); medians of BENCH_REPEAT '
          'runs. Each part below says when and with which settings it ran.', '', '## Machine', '']
    md += machine_lines
    v_ovs, v_site = {}, {}
    if ovs:
        lines, v_ovs = report.ovs_table(ovs)
        md += ['', '## Same OVS work on one host: openvswitch.openvswitch 2.1.1 vs this project', '',
               'N tagged internal ports + N VXLAN ports (key=i, remote_ip) on one netdev bridge; '
               'seconds of the whole ansible-playbook run, median of %d (ovs_state) and %d (the per-item '
               'loops); (ovs-vsctl processes on the host in that run). ANSIBLE_PIPELINING=True for '
               'all runs. Part run %s.' % (ovs['config']['repeat'],
                                           ovs['config'].get('loop_repeat', ovs['config']['repeat']),
                                           ovs['when']), '']
        md += lines
    if site:
        lines, v_site = report.site_table(site)
        md += ['', '## site.yml on the two-host lab', '', 'One endpoint per host per tenant, SNAT on, '
               'fresh lab hosts (OVS started) for every first run; %d first run(s) per mode and T, '
               'each followed by %d no-change runs on the same hosts; medians. Part run %s.'
               % (site['config'].get('first_repeat', site['config']['repeat']),
                  site['config']['repeat'], site['when']), '']
        md += lines
    if dp:
        md += ['', '## Data plane (iperf3 TCP, %d s, host1 -> host2)' % dataplane.SECONDS, '',
               'Part run %s.' % dp['when'], '']
        md += report.dp_table(dp)
    fl, fq = load('floor'), load('fleet')
    if fl:
        md += ['', '## First run against its floor', '', floor.__doc__.split('\n\n')[0].replace('\n', ' '),
               'Part run %s.' % fl['when'], '']
        md += report.floor_table(fl, site)
    if fq:
        md += ['', '## The fleet: cost per host', '', 'site.yml on labs of H hosts, one small tenant per '
               'host (a ring: each host carries two tenants, two tunnels); %d no-change runs per H after '
               'the first; medians. Part run %s.' % (fq['config']['repeat'], fq['when']), '']
        md += report.fleet_table(fq, fleet.projection(fq['rows'], fq['config'].get('forks', FORKS)))
    dk = load('docker')
    if dk:
        md += ['', '## Docker containers (issue 21)', '', dockerbench.__doc__.split('\n\n')[0].replace('\n', ' '),
               'Part run %s.' % dk['when'], '']
        md += report.docker_table(dk)
    vmr = load('vm')
    if vmr:
        md += ['', '## libvirt VMs (issue 22)', '', vmbench.__doc__.split('\n\n')[0].replace('\n', ' '),
               'Part run %s.' % vmr['when'], '']
        md += report.vm_table(vmr)
    fp = load('fip')
    if fp:
        md += ['', '## Floating addresses (issue 23)', '',
               fipbench.__doc__.split('\n\n')[0].replace('\n', ' '), 'Part run %s.' % fp['when'], '']
        md += report.fip_table(fp)
    ob = load('ovn')
    if ob:
        md += ['', '## The OVN backend against the ovs backend (issue 24)', '',
               ovnbench.__doc__.split('\n\n')[0].replace('\n', ' '), 'Part run %s.' % ob['when'], '']
        md += report.ovn_table(ob)
    sw = load('switch')
    if sw:
        md += ['', '## Switching a running fleet between backends (issue 24)', '',
               switchbench.__doc__.split('\n\n')[0].replace('\n', ' '), 'Part run %s.' % sw['when'],
               '']
        md += report.switch_table(sw)
    md += ['', '## Targets of issue 13', '']
    md += report.targets13(v_ovs, site, fl, fq)
    md += ['', '## Targets of issue 5', '']
    md += report.targets(v_ovs, v_site, available)
    notes = os.path.join(lab.BENCH, 'NOTES.md')
    if os.path.exists(notes):
        md += ['', open(notes).read().strip()]
    text = '\n'.join(md) + '\n'
    with open(RESULTS, 'w') as f:
        f.write(text)
    print(text)


if __name__ == '__main__':
    if sys.argv[1:] == ['report']:
        write(sitebench.tunnel_modes())
    else:
        main()
