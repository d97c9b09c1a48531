"""RESULTS.md from the part results in bench/out/*.json (medians, ratios, targets)."""
import statistics


def med(rows, **match):
    vals = [r[k] for r in rows if all(r.get(a) == b for a, b in match.items())
            for k in ('secs',) if 'secs' in r]
    return statistics.median(vals) if vals else None


def med_of(rows, key, **match):
    vals = [r[key] for r in rows if key in r and all(r.get(a) == b for a, b in match.items())]
    return statistics.median(vals) if vals else None


def fmt(v, spec='%.2f'):
    return '-' if v is None else spec % v


def ovs_table(part):
    rows, lines, verdicts = part['rows'], [], {}
    lines += ['| N | run | openvswitch.openvswitch s (ovs-vsctl) | ovs_port/ovs_tunnel loop s (ovs-vsctl)'
              ' | ovs_state s (ovs-vsctl) | speedup anchor/loop | speedup anchor/ovs_state |',
              '|---|---|---|---|---|---|---|']
    for n in part['config']['n']:
        for run in ('first', 'nochange'):
            v = {x: (med(rows, variant=x, n=n, run=run), med_of(rows, 'vsctl', variant=x, n=n, run=run))
                 for x in ('anchor', 'per_object', 'ovs_state')}
            a = v['anchor'][0]
            ratio = [a / v[x][0] if a and v[x][0] else None for x in ('per_object', 'ovs_state')]
            lines.append('| %d | %s | %s (%s) | %s (%s) | %s (%s) | %sx | %sx |' % (
                n, run, fmt(a), fmt(v['anchor'][1], '%d'), fmt(v['per_object'][0]),
                fmt(v['per_object'][1], '%d'), fmt(v['ovs_state'][0]), fmt(v['ovs_state'][1], '%d'),
                fmt(ratio[0], '%.1f'), fmt(ratio[1], '%.1f')))
            if n == 200 and run == 'nochange':
                verdicts['speedup'] = ratio[1]
    return lines, verdicts


def site_table(part):
    rows, lines, verdicts, slopes = part['rows'], [], {}, []
    lines += ['| mode | T | run | site.yml s | ovs-vsctl host1 | ovs-vsctl host2 | changed tasks |'
              ' OVS ports host1 | netns host1 |', '|---|---|---|---|---|---|---|---|---|']
    for mode in part['config']['modes']:
        for t in part['config']['t']:
            for run in ('first', 'nochange'):
                failed = [r for r in rows if r['mode'] == mode and r['t'] == t and r['run'] == run
                          and 'failed' in r]
                m = dict(mode=mode, t=t, run=run)
                if med(rows, **m) is None:
                    why = ' '.join(failed[0]['failed'].split()).replace('|', '/')[:90] if failed else ''
                    lines.append('| %s | %d | %s | FAILED%s (see NOTES) | | | | | |' % (
                        mode, t, run, ': ' + why if why else ' / not run'))
                    continue
                lines.append('| %s | %d | %s | %s | %s | %s | %s | %s | %s |' % (
                    mode, t, run, fmt(med(rows, **m)), fmt(med_of(rows, 'vsctl_host1', **m), '%d'),
                    fmt(med_of(rows, 'vsctl_host2', **m), '%d'), fmt(med_of(rows, 'changed', **m), '%d'),
                    fmt(med_of(rows, 'ports_host1', **m), '%d'), fmt(med_of(rows, 'netns_host1', **m), '%d')))
        ts = part['config']['t']
        nc = {t: med(rows, mode=mode, t=t, run='nochange') for t in ts}
        counts = sorted({r['vsctl_host1'] for r in rows if r.get('mode') == mode
                         and r.get('run') == 'nochange' and 'vsctl_host1' in r})
        verdicts.setdefault('vsctl', {})[mode] = counts
        if mode == 'flow':
            for t in ts:
                ports = med_of(rows, 'ports_host1', mode=mode, t=t, run='nochange')
                if ports is not None:
                    verdicts.setdefault('flow_ports', {})[t] = ports
        if 500 in nc:
            verdicts.setdefault('t500', {})[mode] = nc[500]
        if nc.get(100) is not None and nc.get(500) is not None:
            # two hosts converge in parallel: wall-time slope is per tenant per host
            slope = (nc[500] - nc[100]) / 400 * 1000
            verdicts.setdefault('slope', {})[mode] = slope
            slopes.append('Slope %s mode, no-change run, T=100 -> 500: %.1f ms per tenant per host '
                         '(hosts run in parallel, so wall-time slope = per-host slope).' % (mode, slope))
        first = {t: med(rows, mode=mode, t=t, run='first') for t in ts}
        if first.get(100) is not None and first.get(500) is not None:
            slopes.append('Slope %s mode, first run, T=100 -> 500: %.1f ms per tenant per host.'
                          % (mode, (first[500] - first[100]) / 400 * 1000))
    return lines + ([''] + slopes if slopes else []), verdicts


def dp_table(part):
    lines = ['| path | Gbit/s (median) | runs | ratio to underlay (same run) |', '|---|---|---|---|']
    for mode, entries in part['modes'].items():
        for e in entries:
            tuned = 'tuned' in e['path']
            base = next((u['gbps'] for u in entries if u['path'].startswith('underlay via')
                         and ('tuned' in u['path']) == tuned), None)
            ratio = e['gbps'] / base if e['gbps'] is not None and base else None
            lines.append('| %s | %s | %s | %s |' % (e['path'], fmt(e['gbps'], '%.3f'),
                                                     ', '.join('%.2f' % x for x in e['runs']) or
                                                     (e.get('error') or '-'), fmt(ratio, '%.3f')))
    if part.get('kernel_underlay'):
        e = part['kernel_underlay']
        lines.append('| %s | %s | %s | |' % (e['path'], fmt(e['gbps'], '%.3f'),
                                              ', '.join('%.2f' % x for x in e['runs'])))
    lines += ['', 'Path facts on host1 after site.yml (first mode):', '```']
    lines += part.get('facts', [])
    lines.append('```')
    return lines


def targets(v_ovs, v_site, modes_available):
    def mark(ok):
        return 'met' if ok else 'MISSED'
    out = ['| target | measured | verdict |', '|---|---|---|']
    s = v_ovs.get('speedup')
    out.append('| N=200 no-change: ovs_state >= 20x faster than openvswitch.openvswitch | %s | %s |'
               % (fmt(s, '%.1fx'), '-' if s is None else mark(s >= 20)))
    for mode, secs in v_site.get('t500', {}).items():
        out.append('| site.yml no-change, 2 hosts, T=500 (%s) < 15 s | %s s | %s |'
                   % (mode, fmt(secs), 'not measured (see Notes: extrapolated, MISSED)'
                      if secs is None else mark(secs < 15)))
    for mode, slope in v_site.get('slope', {}).items():
        out.append('| slope T=100->500 (%s) < 20 ms/tenant/host | %.1f ms | %s |'
                   % (mode, slope, mark(slope < 20)))
    for mode, counts in v_site.get('vsctl', {}).items():
        out.append('| ovs-vsctl per host per no-change run constant in T (%s) | %s | %s |'
                   % (mode, counts, mark(len(counts) == 1)))
    for t, ports in v_site.get('flow_ports', {}).items():
        # endpoints + routers + 1 tunnel, plus 6 fixed: local ports of br-int/br-tun/br-phy,
        # the br-int<->br-tun patch pair, the uplink eth0 (port mode: 3T + 3 with one peer)
        want = 2 * t + 1 + 6
        out.append('| flow mode T=%d: OVS ports on host1 = endpoints + routers + 1 tunnel (+6 fixed '
                   'bridge/patch/uplink ports) = %d | %d | %s |' % (t, want, ports, mark(ports == want)))
    if 'flow' not in modes_available:
        out.append('| flow mode at T=500: ports = endpoints + routers + 1 tunnel | flow mode not '
                   'available (ovl.tenant.ovs.TUNNEL_MODES = %s) | not measurable |' % modes_available)
    return out
