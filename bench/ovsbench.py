"""Part 1: the same OVS state (1 bridge, N tagged internal ports, N VXLAN ports)
built by openvswitch.openvswitch 2.1.1 and by this project's modules."""
import os
import zipfile

import yaml

from lab import BENCH, OUT, HOSTS, VENV_BIN, ansible_env, container, dexec, playbook, recap, run

ANCHOR_VERSION = '10.7.0'
CACHE = os.path.join(BENCH, '.cache')
COLLECTIONS = os.path.join(CACHE, 'collections')
BRIDGE = 'br-bench'
HOST = 'host1'
VARIANTS = ('anchor', 'per_object', 'ovs_state', 'noop')


def anchor_collection():
    """openvswitch.openvswitch from the ansible 10.7.0 wheel, in its own dir."""
    marker = os.path.join(COLLECTIONS, 'ansible_collections', 'openvswitch', 'openvswitch',
                          'MANIFEST.json')
    if os.path.exists(marker):
        return COLLECTIONS
    wheels = os.path.join(CACHE, 'wheels')
    wheel = os.path.join(wheels, 'ansible-%s-py3-none-any.whl' % ANCHOR_VERSION)
    if not os.path.exists(wheel):
        run([os.path.join(VENV_BIN, 'pip'), 'download', '--quiet', '--no-deps',
             '--only-binary=:all:', '-d', wheels, 'ansible==%s' % ANCHOR_VERSION], timeout=600)
    prefix = 'ansible_collections/openvswitch/openvswitch/'
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(COLLECTIONS, [n for n in zf.namelist() if n.startswith(prefix)])
    return COLLECTIONS


def _play(tasks, n):
    return [{'name': 'bench OVS %d' % n, 'hosts': 'bench', 'gather_facts': False,
             'tasks': tasks}]


def playbooks(n):
    """{variant: path} of the three generated playbooks for N."""
    remote = HOSTS['host2']
    items = '{{ range(1, %d) | list }}' % (n + 1)
    anchor = [
        {'name': 'bridge', 'openvswitch.openvswitch.openvswitch_bridge':
            {'bridge': BRIDGE, 'state': 'present'}},
        {'name': 'userspace datapath', 'openvswitch.openvswitch.openvswitch_db':
            {'table': 'Bridge', 'record': BRIDGE, 'col': 'datapath_type', 'value': 'netdev'}},
        {'name': 'tagged internal ports', 'loop': items, 'openvswitch.openvswitch.openvswitch_port':
            {'bridge': BRIDGE, 'port': 'bp{{ item }}', 'tag': '{{ item }}',
             'set': ['Interface bp{{ item }} type=internal']}},
        {'name': 'vxlan ports', 'loop': items, 'openvswitch.openvswitch.openvswitch_port':
            {'bridge': BRIDGE, 'port': 'bv{{ item }}',
             'set': ['Interface bv{{ item }} type=vxlan options:key={{ item }} '
                     'options:remote_ip=%s' % remote]}},
    ]
    per_object = [
        {'name': 'bridge', 'ovs_bridge': {'name': BRIDGE, 'datapath_type': 'netdev'}},
        {'name': 'tagged internal ports', 'loop': items, 'ovs_port':
            {'name': 'bp{{ item }}', 'bridge': BRIDGE, 'type': 'internal', 'tag': '{{ item }}'}},
        {'name': 'vxlan ports', 'loop': items, 'ovs_tunnel':
            {'name': 'bv{{ item }}', 'bridge': BRIDGE, 'remote_ip': remote, 'key': '{{ item }}'}},
    ]
    ports = ([{'name': 'bp%d' % i, 'bridge': BRIDGE, 'type': 'internal', 'tag': i}
              for i in range(1, n + 1)] +
             [{'name': 'bv%d' % i, 'bridge': BRIDGE, 'type': 'vxlan', 'remote_ip': remote,
               'key': str(i)} for i in range(1, n + 1)])
    state = [{'name': 'whole OVS state', 'ovs_state': {
        'bridges': [{'name': BRIDGE, 'datapath_type': 'netdev'}], 'ports': ports}}]
    # the floor of any playbook run here: one ping, no OVS work
    noop = [{'name': 'no OVS work (ansible-playbook floor)', 'ansible.builtin.ping': {}}]
    paths = {}
    for name, tasks in (('anchor', anchor), ('per_object', per_object), ('ovs_state', state),
                        ('noop', noop)):
        paths[name] = os.path.join(OUT, 'ovs-%s-%d.yml' % (name, n))
        with open(paths[name], 'w') as f:
            yaml.safe_dump(_play(tasks, n), f, sort_keys=False, width=120)
    return paths


def inventory():
    path = os.path.join(OUT, 'ovs-inventory.yml')
    inv = {'all': {'hosts': {'bench': {
        'ansible_host': container(HOST), 'ansible_connection': 'community.docker.docker',
        'ansible_python_interpreter': '/usr/bin/python3'}}}}
    with open(path, 'w') as f:
        yaml.safe_dump(inv, f)
    return path


def delete_bridge():
    dexec(HOST, ['/usr/bin/ovs-vsctl', '--if-exists', 'del-br', BRIDGE])


def check_state(n):
    out = dexec(HOST, ['/usr/bin/ovs-vsctl', 'list-ports', BRIDGE]).stdout.split()
    dp = dexec(HOST, ['/usr/bin/ovs-vsctl', 'get', 'Bridge', BRIDGE, 'datapath_type']).stdout
    if len(out) != 2 * n or 'netdev' not in dp:
        raise RuntimeError('%s has %d ports (want %d), datapath %s' % (BRIDGE, len(out), 2 * n, dp))


def bench(ns, repeat, log, loop_repeat=None, variants=VARIANTS, rows=None, saved=None,
          loop_ns=None):
    """Append rows {variant, n, run, secs, vsctl, changed} for every repeat to *rows*
    (saved(rows) after each one, so a crash keeps what was measured). The per_object
    loop runs only for N in *loop_ns* (None: every N)."""
    colls = anchor_collection()
    inv = inventory()
    rows = [] if rows is None else rows
    for n in ns:
        paths = playbooks(n)
        for variant in variants:
            if variant == 'per_object' and loop_ns is not None and n not in loop_ns:
                continue
            env = ansible_env(colls if variant == 'anchor' else None)
            reps = repeat if variant in ('ovs_state', 'noop') or loop_repeat is None else loop_repeat
            if variant == 'noop' and n != ns[0]:
                continue            # does not depend on N
            for r in range(reps):
                delete_bridge()
                for kind in ('first', 'nochange'):
                    logf = os.path.join(OUT, 'ovs-%s-%d-%s-%d.log' % (variant, n, kind, r))
                    secs, counts = playbook(paths[variant], inv, [HOST], env, logf)
                    if variant != 'noop':
                        check_state(n)
                    row = {'variant': variant, 'n': n, 'run': kind, 'secs': secs,
                           'vsctl': counts[HOST], 'changed': recap(logf)}
                    rows.append(row)
                    if saved:
                        saved(rows)
                    log('ovs %-10s N=%-3d %-8s %6.2f s  ovs-vsctl=%-4d changed=%d'
                        % (variant, n, kind, secs, row['vsctl'], row['changed']))
            delete_bridge()
    return rows
