"""The floor of a first run (issue 13): on fresh lab hosts, the same namespaces,
veths, addresses, routes, OVS bridges/ports/tunnels, gateway ARP flows and NAT
rules that site.yml makes for T tenants, made by plain batched commands:

  ip -batch -                    every namespace (netns add), every veth pair
                                 (peer straight into its namespace), host-side
                                 MTU/up and addresses      (one process)
  ip -batch -  (in NS)           inside each namespace: up, MTU, addresses, routes
                                 (one process per namespace, started inside it
                                 with setns: `ip -n`/`ip netns exec` would copy
                                 the mount table per call, ~20-75 ms at 1000
                                 namespaces)
  ovs-vsctl                      every bridge, port, tag and tunnel (one transaction)
  ovs-ofctl --bundle add-flows   the gateway ARP flows / br-tun's pipeline (one process,
                                 one OpenFlow bundle; port numbers from one
                                 dump-ports-desc: one flow-mod at a time with names
                                 took 28 s for 1000 flows)
  ip addr del/add, ip link up    the VTEP address onto br-phy (netdev, one batch)
  iptables-restore --noflush     the NAT rules, one per namespace (in the router
                                 namespaces, started there with setns)

The objects come from the product's own desired state (ovl.tenant.host_state on
the same inventory the site bench writes), so floor and site.yml build the same
network; the commands are written here by hand, not by the product's planners
(the NAT rule text is the planner's: it is the rule set, not a way to run it).
Left out of the floor (site.yml does them, the floor does not): TX checksum
offload off on the veths, ip_forward in the router namespaces and on the host,
the project's marker files and ifalias marks, tenant-tag external_ids reads.
So the floor is lower than what the same network strictly needs.

Timed as site.yml is: wall time on the controller from the start until both
hosts are done (they run at the same time), each host's commands run by
bench/floor_exec.py inside the host (docker exec)."""
import json
import os
import subprocess
import sys
import threading
import time

from lab import HOSTS, ROOT, container, dexec

EXEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'floor_exec.py')
MODULE_UTILS = os.path.join(ROOT, 'module_utils')


def _import_product():
    import ansible.module_utils
    if MODULE_UTILS not in ansible.module_utils.__path__:
        ansible.module_utils.__path__.append(MODULE_UTILS)
    from ansible.module_utils.ovl.inventory.load import load_inventory
    from ansible.module_utils.ovl.tenant.host_state import host_state
    from ansible.module_utils.ovl.nat.driver import plan_all, want_of
    from ansible.module_utils.ovl.nat.read import iptables_have
    return load_inventory, host_state, plan_all, want_of, iptables_have


def lab_hostvars(mode):
    """The host variables of the site bench's inventory (sitebench.write_inventory)."""
    return dict((h, {'overlay_underlay_ip': ip, 'overlay_underlay_interface': 'eth0',
                     'overlay_datapath_type': 'netdev', 'overlay_tunnel_mode': mode})
                for h, ip in HOSTS.items())


def desired_states(tenants_dir, hostvars, schema_path):
    """{host: host_state} for every lab host, tags 1..T in tenant order (what a
    first run on a fresh host assigns)."""
    load_inventory, host_state, _p, _w, _h = _import_product()
    with open(schema_path) as f:
        schema = json.load(f)
    inventory, errors = load_inventory(tenants_dir, hostvars, schema)
    if errors:
        raise RuntimeError('floor: inventory errors: %s' % errors[:3])
    out = {}
    for host in HOSTS:
        tenants = inventory.tenants_on(host)
        tags = dict((t.name, i + 1) for i, t in enumerate(tenants))
        out[host] = host_state(inventory, host, tags,
                               {'underlay_interface': 'eth0', 'underlay_prefixlen': 24})
    return out


def ip_steps(ip):
    """[(argv, stdin)]: one host batch, then one batch per namespace."""
    host, inner = [], {}
    for ns in ip['namespaces']:
        host.append('netns add %s' % ns['name'])
        inner.setdefault(ns['name'], [])
    for link in ip['links']:
        peer_ns = link['peer_netns']
        mac = (' address %s' % link['peer_address']) if link.get('peer_address') else ''
        host.append('link add %s type veth peer name %s%s netns %s'
                    % (link['name'], link['peer'], mac, peer_ns))
        mtu = (' mtu %d' % link['mtu']) if link.get('mtu') else ''
        host.append('link set %s%s up' % (link['name'], mtu))
        inner.setdefault(peer_ns, []).append('link set %s%s up' % (link['peer'], mtu))
    for addr in ip['addresses']:
        line = 'addr add %s dev %s' % (addr['address'], addr['dev'])
        (inner.setdefault(addr['netns'], []) if addr.get('netns') else host).append(line)
    for route in ip['routes']:
        line = 'route add %s via %s' % (route['dst'], route['via'])
        (inner.setdefault(route['netns'], []) if route.get('netns') else host).append(line)
    steps = [(['ip', '-batch', '-'], '\n'.join(host) + '\n', None)]
    steps += [(['ip', '-batch', '-'], '\n'.join(lines) + '\n', ns)
              for ns, lines in sorted(inner.items())]
    return steps


def ovs_step(ovs):
    """One ovs-vsctl transaction: bridges, ports with tags, tunnel options."""
    argv = ['ovs-vsctl']
    for br in ovs['bridges']:
        argv += ['--', 'add-br', br['name'], '--', 'set', 'Bridge', br['name'],
                 'datapath_type=%s' % br['datapath_type'], 'fail_mode=%s' % br['fail_mode']]
    for port in ovs['ports']:
        argv += ['--', 'add-port', port['bridge'], port['name']]
        if port.get('tag'):
            argv += ['tag=%d' % port['tag']]
        if port.get('protected'):
            argv += ['protected=true']
        if port['type'] not in ('system', ''):
            argv += ['--', 'set', 'Interface', port['name'], 'type=%s' % port['type']]
            options = dict(port.get('options') or {})
            if port.get('peer'):
                options['peer'] = port['peer']          # patch ports (flow mode)
            argv += ['options:%s=%s' % (k, v) for k, v in sorted(options.items())]
    return (argv, None, None)


def flow_step(int_flows):
    lines = [','.join(x for x in ('table=%d' % f['table'], 'priority=%d' % f['priority'],
                                  f.get('match') or '', 'actions=%s' % f['actions']) if x)
             for f in int_flows['flows']]
    return (['ovs-ofctl', '--bundle', 'add-flows', int_flows['bridge'], '-'], '\n'.join(lines) + '\n',
            None)


def underlay_step(underlay):
    lines = ['addr del %s/%d dev %s' % (underlay['address'], underlay['prefixlen'], underlay['from_dev']),
             'addr add %s/%d dev %s' % (underlay['address'], underlay['prefixlen'], underlay['dev']),
             'link set %s up' % underlay['dev']]
    return (['ip', '-batch', '-'], '\n'.join(lines) + '\n', None)


def nat_steps(nat, backend='iptables'):
    """One iptables-restore --noflush per namespace, with the rule text the
    product renders against an empty namespace."""
    _l, _s, plan_all, want_of, iptables_have = _import_product()
    wants = want_of(dict(namespaces=nat['namespaces'], owner='ovl', prune=True, backend=backend))
    plans = plan_all(wants, [iptables_have('') for _w in wants], backend)
    steps = []
    for want, plan in plans:
        steps.append((['iptables-restore', '--noflush'], plan['stdin'], want['netns']))
    return steps


def host_steps(state):
    steps = ip_steps(state['ip'])
    steps.append(ovs_step(state['ovs']))
    for flows in (state['int_flows'], state['tun_flows']):
        if flows and flows['flows']:
            steps.append(flow_step(flows))
    if state['underlay']:
        steps.append(underlay_step(state['underlay']))
    return steps + nat_steps(state['nat'])


def run_floor(states):
    """Run every host's steps at the same time; (wall seconds, {host: seconds inside})."""
    results, errors = {}, []

    def one(host):
        payload = json.dumps([list(item) for item in host_steps(states[host])])
        dexec(host, ['sh', '-c', 'cat > /tmp/floor_exec.py'], stdin=open(EXEC).read())
        res = subprocess.run(['docker', 'exec', '-i', container(host), 'python3', '/tmp/floor_exec.py'],
                             input=payload, capture_output=True, text=True)
        if res.returncode != 0:
            errors.append('%s: %s' % (host, (res.stderr or res.stdout)[-1500:]))
            return
        results[host] = json.loads(res.stdout)
    # the steps are computed before the clock starts: the floor times the commands only
    for host in states:
        host_steps(states[host])
    t0 = time.monotonic()
    threads = [threading.Thread(target=one, args=(h,)) for h in states]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    if errors:
        raise RuntimeError('floor failed: %s' % '; '.join(errors))
    return wall, results


def bench(ts, modes, log, write_inventory, fresh, counts):
    """Rows {mode, t, secs, hosts: {host: {secs, processes, per_tool}}, ports_host1,
    netns_host1}: one floor per mode and T on fresh lab hosts (OVS started), as
    the site bench's first runs. *write_inventory(t, mode)* is the site
    bench's (the same tenants), *fresh()* brings fresh hosts, *counts(host)*
    (OVS ports, namespaces) after the floor, to compare with site.yml's."""
    rows = []
    schema = os.path.join(ROOT, 'schema', 'tenant.schema.json')
    for mode in modes:
        for t in ts:
            inv = write_inventory(t, mode)
            states = desired_states(os.path.join(os.path.dirname(inv), 'tenants'),
                                    lab_hostvars(mode), schema)
            fresh()
            wall, per_host = run_floor(states)
            ports, netns = counts('host1')
            rows.append({'mode': mode, 't': t, 'secs': wall, 'hosts': per_host,
                         'ports_host1': ports, 'netns_host1': netns})
            log('floor %-4s T=%-3d %7.2f s  (host1 inside %.2f s, %d processes: %s) '
                'ports(h1)=%d netns(h1)=%d' % (mode, t, wall, per_host['host1']['secs'],
                                               per_host['host1']['processes'],
                                               per_host['host1']['per_tool'], ports, netns))
    return rows


if __name__ == '__main__':  # a quick look: python3 bench/floor.py TENANTS_DIR
    st = desired_states(sys.argv[1], lab_hostvars('port'),
                        os.path.join(ROOT, 'schema', 'tenant.schema.json'))
    for argv, stdin, netns in host_steps(st['host1'])[:3]:
        print(netns, argv[:8], (stdin or '')[:300])
