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
    noop = med(rows, variant='noop', run='nochange')
    if noop:
        a200 = med(rows, variant='anchor', n=200, run='nochange')
        lines += ['', 'An ansible-playbook run with one ping task and no OVS work takes %.2f s here '
                  '(median): no run of a playbook can be faster, so the anchor\'s N=200 no-change '
                  'run can be at most %s times any playbook\'s.' % (noop, fmt(a200 / noop if a200 else None,
                                                                             '%.0f'))]
        verdicts['noop'] = noop
    return lines, verdicts


def site_table(part):
    rows, lines, verdicts, slopes = part['rows'], [], {}, []
    lines += ['| mode | T | run | site.yml s | ovs-vsctl host1 | ovs-vsctl host2 | changed tasks |'
              ' OVS ports host1 | netns host1 | host tasks host1 | controller CPU s |',
              '|---|---|---|---|---|---|---|---|---|---|---|']
    for mode in part['config']['modes']:
        for t in part['config']['t']:
            for run in ('first', 'nochange'):
                failed = [r for r in rows if r['mode'] == mode and r['t'] == t and r['run'] == run
                          and 'failed' in r]
                m = dict(mode=mode, t=t, run=run)
                if med(rows, **m) is None:
                    why = ' '.join(failed[0]['failed'].split()).replace('|', '/')[:90] if failed else ''
                    lines.append('| %s | %d | %s | FAILED%s (see NOTES) | | | | | | | |' % (
                        mode, t, run, ': ' + why if why else ' / not run'))
                    continue
                lines.append('| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                    mode, t, run, fmt(med(rows, **m)), fmt(med_of(rows, 'vsctl_host1', **m), '%d'),
                    fmt(med_of(rows, 'vsctl_host2', **m), '%d'), fmt(med_of(rows, 'changed', **m), '%d'),
                    fmt(med_of(rows, 'ports_host1', **m), '%d'), fmt(med_of(rows, 'netns_host1', **m), '%d'),
                    fmt(med_of(rows, 'tasks_host1', **m), '%d'), fmt(med_of(rows, 'controller_cpu', **m))))
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


def floor_table(part, site):
    """First run of site.yml vs the floor of the same network, per mode and T."""
    lines = ['| mode | T | floor s (wall, both hosts) | host1 inside s | host1 processes | host1 per tool s |'
             ' site.yml first run s | ratio | OVS ports host1 floor / site.yml | netns host1 floor / site.yml |',
             '|---|---|---|---|---|---|---|---|---|---|']
    srows = (site or {}).get('rows', [])
    for r in part['rows']:
        first = med(srows, mode=r['mode'], t=r['t'], run='first')
        h1 = r['hosts']['host1']
        sp = med_of(srows, 'ports_host1', mode=r['mode'], t=r['t'], run='first')
        sn = med_of(srows, 'netns_host1', mode=r['mode'], t=r['t'], run='first')
        lines.append('| %s | %d | %.2f | %.2f | %d | %s | %s | %s | %d / %s | %d / %s |' % (
            r['mode'], r['t'], r['secs'], h1['secs'], h1['processes'],
            ', '.join('%s %.2f' % kv for kv in sorted(h1['per_tool'].items(), key=lambda kv: -kv[1])),
            fmt(first), fmt(first / r['secs'] if first else None, '%.2fx'),
            r['ports_host1'], fmt(sp, '%d'), r['netns_host1'], fmt(sn, '%d')))
    return lines


def fleet_table(part, proj):
    lines = ['| H | run | site.yml s | controller CPU s | controller CPU per host s | host CPU per host s'
             ' (median) | host tasks per host |', '|---|---|---|---|---|---|---|']
    rows = part['rows']
    for h in part['config']['h']:
        for run in ('first', 'nochange'):
            sel = [r for r in rows if r['h'] == h and r['run'] == run]
            if not sel:
                continue
            cpu = statistics.median(r['controller_cpu'] for r in sel)
            hcpu = statistics.median(statistics.median(r['host_cpu'].values()) for r in sel)
            tasks = sorted(set(n for r in sel for n in r['tasks'].values()))
            lines.append('| %d | %s | %.2f | %.2f | %.3f | %.3f | %s |' % (
                h, run, statistics.median(r['secs'] for r in sel), cpu, cpu / h, hcpu,
                '/'.join(str(n) for n in tasks)))
    if proj:
        lines += ['', 'Controller CPU of a no-change run = %.2f s + %.3f s x H (least squares over H = %s); '
                  'marginal CPU per added host: %s.' % (
                      proj['fixed'], proj['per_host'], ', '.join(str(h) for h in sorted(proj['cpu'])),
                      ', '.join('H=%d->%d %.3f s' % m for m in proj['marginal']) or '-'),
                  '', 'Projection (no-change run; a host\'s own run = %.2f s, the wall time at H=%d; '
                  'forks = %d):' % (proj['wall_small'], proj['small_h'], proj['rows'][0]['forks']),
                  '', '| hosts | controller CPU s per run | wall s at forks (hosts in flight) |'
                  ' wall s if the controller\'s CPU is the limit (8 cores) |', '|---|---|---|---|']
        for p in proj['rows']:
            lines.append('| %d | %.0f | %.0f | %.0f |' % (p['h'], p['controller_cpu'], p['wall_forks'],
                                                         p['wall_cpu_bound_8cores']))
    return lines


def targets13(v_ovs, site, floor_part, fleet_part):
    def mark(ok):
        return 'met' if ok else 'MISSED'
    out = ['| target | measured | verdict |', '|---|---|---|']
    srows = (site or {}).get('rows', [])
    for r in (floor_part or {}).get('rows', []):
        first = med(srows, mode=r['mode'], t=r['t'], run='first')
        ratio = first / r['secs'] if first else None
        out.append('| first run, 2 hosts, T=%d (%s): within 3x of the floor | %s s vs floor %.2f s = %s |'
                   ' %s |' % (r['t'], r['mode'], fmt(first), r['secs'], fmt(ratio, '%.2fx'),
                              '-' if ratio is None else mark(ratio <= 3)))
    for mode in (site or {}).get('config', {}).get('modes', []):
        t10, t500 = med(srows, mode=mode, t=10, run='nochange'), med(srows, mode=mode, t=500, run='nochange')
        if t10 and t500:
            out.append('| no-change run T=500 at most 1.2x T=10 (%s) | %.2f s / %.2f s = %.2fx | %s |'
                       % (mode, t500, t10, t500 / t10, mark(t500 / t10 <= 1.2)))
        tasks = sorted({r[k] for r in srows if r.get('mode') == mode and r.get('run') == 'nochange'
                        for k in ('tasks_host1', 'tasks_host2') if k in r})
        if tasks:
            out.append('| host tasks per host in a no-change run at most 3 (%s) | %s | %s |'
                       % (mode, '/'.join(str(x) for x in tasks), mark(max(tasks) <= 3)))
    s = v_ovs.get('speedup')
    out.append('| N=200 no-change: ovs_state at least 100x openvswitch.openvswitch | %s | %s |'
               % (fmt(s, '%.1fx'), '-' if s is None else mark(s >= 100)))
    if fleet_part:
        from fleet import projection
        proj = projection(fleet_part['rows'], fleet_part['config'].get('forks', 50))
        if proj and proj['marginal']:
            ms = [m[2] for m in proj['marginal']]
            spread = max(ms) / min(ms) if min(ms) > 0 else float('inf')
            out.append('| controller CPU per host per no-change run: stated, flat from H=%d to %d | '
                       '%.3f s per host (fit; fixed %.2f s per run); marginal %s (max/min %.2f) | %s |'
                       % (min(proj['cpu']), max(proj['cpu']), proj['per_host'], proj['fixed'],
                          ', '.join('%d->%d %.3f s' % m for m in proj['marginal']), spread,
                          mark(spread <= 1.5) + ' (flat: marginal max/min <= 1.5)'))
    return out


def docker_table(dk):
    """The docker part: first ping (ours across hosts vs Docker's bridge on one
    host) and the Join times at N containers."""
    fp, join = dk['first_ping'], dk['join']
    med = statistics.median
    lines = ['| figure | value | target |', '|---|---|---|',
             '| `docker run --network blue` on host2 to the first ping from host1 (median of %d) '
             '| %.3f s | |' % (len(fp['ovl']), med(fp['ovl'])),
             '| `docker run` on Docker\'s bridge network to the first ping on the same host (anchor) '
             '| %.3f s | |' % med(fp['anchor']),
             '| ratio | %.2fx | <= 1.5x |' % fp['ratio']]
    if join.get('first20') is not None:
        lines += ['| Join answered, first 20 of %d containers on one host (median) | %.1f ms | |'
                  % (join['n'], join['first20']),
                  '| Join answered, last 20 (%d ports on br-int) (median) | %.1f ms | flat |'
                  % (join['ports'], join['last20']),
                  '| %d `docker run` one after another | %.0f s | |' % (join['n'], join['seconds'])]
    wait = join.get('wait') or {}
    if wait.get('first20') is not None:
        lines += ['| ProgramExternalConnectivity (waits for ovs-vswitchd to take the port in), '
                  'first 20 (median) | %.1f ms | |' % wait['first20'],
                  '| ProgramExternalConnectivity, last 20 (median) | %.1f ms | |' % wait['last20']]
    return lines


def vm_table(vm):
    """The vm part: VM start to its first packet in the tenant (across hosts)
    against the same VM on a libvirt NAT network pinged from its host."""
    fp = vm['first_ping']
    med = statistics.median
    return ['| figure | value | target |', '|---|---|---|',
            '| `virt-install` on host2 (network ovl, portgroup blue, DHCP) to the first ping from '
            'host1 (median of %d) | %.2f s | |' % (len(fp['ovl']), med(fp['ovl'])),
            '| the same VM on a libvirt NAT network (libvirt\'s dnsmasq) to the first ping from '
            'its host (anchor) | %.2f s | |' % med(fp['anchor']),
            '| ratio | %.2fx | |' % fp['ratio']]


def fip_table(fp):
    """The fip part: a floating address moved with its endpoint by site.yml."""
    mv = fp['move']
    med = statistics.median
    return ['| figure | value | target |', '|---|---|---|',
            '| longest gap of outside\'s 20 ms pings while site.yml moves the endpoint and its '
            'floating address to the other host (median of %d) | %.2f s | |'
            % (len(mv['ovl_gap']), med(mv['ovl_gap'])),
            '| the longest of them | %.2f s | |' % max(mv['ovl_gap']),
            '| the first reply after the run\'s end (median) | %.2f s | |' % med(mv['ovl_after'])]


def switch_table(sw):
    """The switch part: ovs -> ovn -> ovs, two site.yml runs each way, per T."""
    out = ['| switch | T | first run (changed) | second run (changed) | third run (changed) | '
           'last tenant answers, from the first run\'s start | longest gap of tenant 1\'s 20 ms '
           'pings | traffic back after the first run returned |',
           '|---|---|---|---|---|---|---|---|']
    for r in sw['rows']:
        out.append('| %s | %d | %s | %s | %s | %s |' % (
            'ovs -> ovn' if r['to'] == 'ovn' else 'ovn -> ovs', r['t'],
            ' | '.join('%.2f s (%d)' % (run['secs'], run['changed']) for run in r['runs']),
            fmt_s(r['last_tenant_reach']), fmt_s(r['gap']), fmt_s(r['back_after'])))
    return out


def fmt_s(value):
    return '-' if value is None else '%.2f s' % value


def ovn_table(ob):
    """The ovn part: the same tenants on both backends, per T."""
    rows = ob['rows']
    out = ['| figure | T | ovs backend (port mode) | ovn backend |', '|---|---|---|---|']

    def pick(backend, t, run):
        return [r for r in rows if r['backend'] == backend and r['t'] == t and r['run'] == run]

    for t in sorted({r['t'] for r in rows}):
        def both(run, key, spec='%.2f s', agg=statistics.median):
            vals = []
            for backend in ('ovs', 'ovn'):
                got = [r[key] for r in pick(backend, t, run) if r.get(key) is not None]
                vals.append(spec % agg(got) if got else '-')
            return vals
        first = both('first', 'secs')
        out.append('| site.yml first run | %d | %s | %s |' % (t, first[0], first[1]))
        nochange = both('nochange', 'secs')
        out.append('| site.yml no-change run (median) | %d | %s | %s |' % (t, nochange[0], nochange[1]))
        cpu = both('nochange', 'controller_cpu')
        out.append('| controller CPU of a no-change run, all hosts (median) | %d | %s | %s |'
                   % (t, cpu[0], cpu[1]))
        per = [v if v == '-' else '%.2f s' % (float(v.split()[0]) / 2) for v in cpu]
        out.append('| the same per host (2 hosts) | %d | %s | %s |' % (t, per[0], per[1]))
        rest = both('first', 'last_tenant_reach')
        out.append('| after the first run returned, until the last tenant\'s endpoints answer '
                   '(the backend at rest) | %d | %s | %s |' % (t, rest[0], rest[1]))
        cpu1 = both('first', 'controller_cpu')
        out.append('| controller CPU of the first run | %d | %s | %s |' % (t, cpu1[0], cpu1[1]))
        new = both('new-tenant', 'first_packet')
        out.append('| a new tenant file: from its site.yml run\'s start to the first ping between '
                   'its endpoints | %d | %s | %s |' % (t, new[0], new[1]))
        nb = [r['layers'].get('host1', {}).get('ovn_nb') for r in pick('ovn', t, 'first')]
        nbn = [r['layers'].get('host1', {}).get('ovn_nb') for r in pick('ovn', t, 'nochange')]
        ovs1 = [r['layers'].get('host1', {}).get('ovs') for r in pick('ovs', t, 'first')]
        out.append('| first run, host1: the ovs layer (one OVSDB transaction) / the ovn_nb layer '
                   '(read, plan and ONE NB transaction of every tenant) | %d | %s | %s |'
                   % (t, fmt(ovs1[0]) + ' s' if ovs1 and ovs1[0] is not None else '-',
                      fmt(nb[0]) + ' s' if nb and nb[0] is not None else '-'))
        out.append('| no-change run, host1: the ovn_nb layer (read and plan, nothing written) '
                   '(median) | %d | | %s |' % (t, fmt(statistics.median(nbn)) + ' s'
                                                if nbn and None not in nbn else '-'))
        daemons = pick('ovn', t, 'daemons')
        if daemons:
            cpu = daemons[0]['cpu']
            out.append('| CPU of OVN\'s daemons over the whole sequence (host1: ovn-northd, NB/SB '
                       'servers, ovn-controller; host2: ovn-controller) | %d | | %s |'
                       % (t, ', '.join('%s %.1f s' % (h, c) for h, c in sorted(cpu.items()))))
    return out
