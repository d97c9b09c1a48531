"""Switching a running fleet between backends (issue 24), on the two-host lab,
the same T tenant files as the ovn part (two endpoints each, one per host,
SNAT): the fleet converged on the ovs backend (port mode), then switched to
ovn and back, each way by three site.yml runs. Per switch: each run's time
and what it changed (the contract: two runs converge, the third changes
nothing; going back to ovs the central stops in the second run once no
other chassis uses it), the time from the first
run's start until the last tenant's endpoints answer, and the traffic gap of
the first tenant (its host1 endpoint pings its host2 endpoint every 20 ms
through both runs): the longest gap between replies, and how long after the
first run returned the traffic came back.

The gap is what a tenant sees while its hosts change backends: the endpoint
ports are re-bound (VLAN tag to OVN logical port and back) and br-int's
flows are replaced by ovn-controller's, or by NORMAL.
"""
import os
import time

from lab import (OUT, ROOT, ansible_env, lab_fresh, part_inventory, ping_gap, playbook,
                 prepare_host, recap, start_ping, stop_ping)
from ovnbench import backend_vars, first_packet, tenant

SITE = os.path.join(ROOT, 'site.yml')
HOSTS = ('host1', 'host2')
LOG = '/tmp/ovl-bench-switch-ping.log'


def switch(to, t, tenants, env, log):
    """Three site.yml runs with overlay_backend *to*; the row of figures."""
    inv, hosts = part_inventory('switch-' + to, tenants, extra=backend_vars(to, t))
    start_ping('host1', '10.0.0.12', LOG, netns=tenant(1)[0] + '-a', deadline=900)
    row = dict(to=to, t=t, runs=[])
    t0 = time.time()
    for n in (1, 2, 3):
        logf = os.path.join(OUT, 'switch-%s-%d-run%d.log' % (to, t, n))
        secs, _counts = playbook(SITE, inv, hosts, env, logf)
        row['runs'].append(dict(secs=round(secs, 2), changed=recap(logf)))
        if n == 1:
            end = time.time()
            reach = first_packet(tenant(t)[0])
            row['last_tenant_reach'] = None if reach is None else round(time.time() - t0, 2)
    longest, back = ping_gap(stop_ping('host1', LOG), t0, end)
    row['gap'], row['back_after'] = round(longest, 2), round(back, 2)
    log('switch part to %-3s T=%-3d runs %s, last tenant answers %s s after the first run '
        'started, longest gap %s s (back %s s after the first run)'
        % (to, t, row['runs'], row['last_tenant_reach'], row['gap'], row['back_after']))
    return row


def bench(ts, log):
    rows = []
    env = ansible_env()
    for t in ts:
        tenants = dict(tenant(i) for i in range(1, t + 1))
        inv, hosts = part_inventory('switch-ovs', tenants, extra=backend_vars('ovs', t))
        lab_fresh()
        for h in HOSTS:
            prepare_host(h)
        playbook(SITE, inv, hosts, env, os.path.join(OUT, 'switch-start-%d.log' % t))
        if first_packet(tenant(t)[0]) is None:
            raise RuntimeError('switch part: the ovs backend did not converge at T=%d' % t)
        rows.append(switch('ovn', t, tenants, env, log))
        rows.append(switch('ovs', t, tenants, env, log))
    return {'rows': rows}
