"""Faults during a converge: every faulted run changes something (tenant
green is added or removed across all three hosts), the fault hits it at a
task, then one plain site.yml run must bring back the full state: every pair
of a tenant reaches, no tenant reaches another, foreign objects unchanged
(the ``converged`` fixture checks all of it after each test)."""
import json
import random
import subprocess
import time

import pytest

from lab import changed_hosts, container, dexec, signal

GREEN = dict(name='green', vni=300, subnet='10.0.0.0/24', snat=True, endpoints=[
    dict(name='green-1', host='host1', ip='10.0.0.21'),
    dict(name='green-2', host='host2', ip='10.0.0.22'),
    dict(name='green-3', host='host3', ip='10.0.0.23')])
# the one task of every layer (overlay_apply: ip, then OVS, flows, underlay, NAT); a
# fault at its start hits the host while its layers run
APPLY_TASK = 'TASK [overlay_network : Converge the host'
OVS_TASK = APPLY_TASK
# tasks a random interrupt may hit (the per-host play, in run order)
TASKS = ['TASK [overlay_preflight : The host', 'TASK [overlay_preflight : Check tools',
         'TASK [overlay_preflight : What the preflight found', APPLY_TASK]
FOREIGN_FLOWS = [('br-foreign', 'cookie=0x1234,priority=5,udp,tp_dst=9,actions=drop'),
                 ('br-int', 'cookie=0x4321,priority=1,udp,tp_dst=9,actions=drop')]


def toggle_green(lab):
    """Add tenant green if it is not there, remove it if it is: the next run
    has work on every host."""
    if 'green' in lab.tenants:
        del lab.tenants['green']
        what = 'removing green'
    else:
        lab.tenants['green'] = json.loads(json.dumps(GREEN))
        what = 'adding green'
    lab.write_tenants()
    return what


def ovs_pid(host, daemon):
    return dexec(host, ['cat', '/var/run/openvswitch/%s.pid' % daemon]).stdout.strip()


def ovsdb_rows(lab, host):
    return lab.foreign()[host].split('$ ovs-ofctl')[0]


def replant_flows(host):
    """ovs-vswitchd started anew has no OpenFlow rules: the foreign owner adds
    its own again (ours come from the next run)."""
    for bridge, flow in FOREIGN_FLOWS:
        dexec(host, ['ovs-ofctl', 'add-flow', bridge, flow])


def rerun(lab, results, name, fault_rc):
    start = time.time()
    rc, out = lab.site()
    assert rc == 0, out[-3000:]
    results.setdefault('during', {})[name] = dict(
        faulted_rc=fault_rc, rerun_s=round(time.time() - start), rerun_changed=changed_hosts(out))
    return out


def faulted_run(lab, at, fault, delay=0.0):
    """site.yml with *fault(proc)* done *delay* s after the output reaches *at*."""
    proc = lab.site_background()
    reached = lab.wait_for(proc, at)
    time.sleep(delay)
    fault(proc)
    rc, out = lab.finish(proc)
    assert reached, 'the run never reached %r:\n%s' % (at, out[-3000:])
    return rc, out


def test_vswitchd_killed_mid_run(converged, results):
    toggle_green(converged)
    before = ovsdb_rows(converged, 'host2')
    pid = ovs_pid('host2', 'ovs-vswitchd')
    rc, _out = faulted_run(converged, OVS_TASK, lambda proc: dexec('host2', ['kill', '-9', pid]))
    assert dexec('host2', ['test', '-e', '/proc/' + pid], check=False).returncode != 0
    # nobody restarts it: the next run's preflight must
    rerun(converged, results, 'ovs-vswitchd killed (SIGKILL) at the layers task', rc)
    assert ovsdb_rows(converged, 'host2') == before
    replant_flows('host2')


def test_ovsdb_server_restarted_mid_run(converged, results):
    toggle_green(converged)

    def restart(proc):
        dexec('host2', ['ovs-appctl', '-t', 'ovsdb-server', 'exit'])
        time.sleep(2)
        dexec('host2', ['/usr/share/openvswitch/scripts/ovs-ctl', '--no-ovs-vswitchd', 'start'],
              timeout=120)
    rc, _out = faulted_run(converged, OVS_TASK, restart)
    rerun(converged, results, 'ovsdb-server restarted at the layers task (2 s down)', rc)


def test_one_host_unreachable(converged, results):
    """host3 paused for the whole run: host1 and host2 converge all the way
    (the next run changes nothing there), the run fails naming host3 only."""
    what = toggle_green(converged)
    subprocess.run(['docker', 'pause', container('host3')], check=True, timeout=60)
    try:
        rc, out = converged.site(timeout=600)
    finally:
        subprocess.run(['docker', 'unpause', container('host3')], check=True, timeout=60)
    assert rc != 0
    recap = out[out.rindex('PLAY RECAP'):]
    bad = [line.split()[0] for line in recap.splitlines()
           if 'unreachable=' in line and ('unreachable=0' not in line or 'failed=0' not in line)]
    assert bad == ['host3'], recap
    changed = changed_hosts(out)
    assert changed['host1'] > 0 and changed['host2'] > 0, (what, recap)
    again = rerun(converged, results, 'host3 unreachable (docker pause) for a whole run', rc)
    counts = changed_hosts(again)
    assert counts['host1'] == 0 and counts['host2'] == 0 and counts['host3'] > 0, counts


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGKILL], ids=['SIGINT', 'SIGKILL'])
def test_run_interrupted_at_a_random_task(converged, results, sig):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or
    SIGKILL of ansible-playbook and its workers, at a task and moment drawn
    at random (recorded in the results)."""
    seed = int(time.time())
    rnd = random.Random(seed)
    at, delay = rnd.choice(TASKS), round(rnd.random() * 1.5, 2)
    toggle_green(converged)
    rc, out = faulted_run(converged, at, lambda proc: converged.interrupt(proc, sig), delay)
    assert rc != 0 or 'PLAY RECAP' in out
    time.sleep(5)        # modules already started on a host finish there on their own
    rerun(converged, results, '%s at %s +%.2f s (seed %d)' % (
        sig.name, at[len('TASK ['):], delay, seed), rc)
