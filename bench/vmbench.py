"""The operator's VMs (issue 22), on a two-host lab whose hosts run libvirtd
(scripts/lab.sh LAB_VM_HOSTS; QEMU under TCG): VM start to its first packet
in the tenant: `virt-install` of the lab's VM (scripts/vm-image.sh: the
cloud kernel, a busybox initramfs that asks DHCP for its address) on the
libvirt network `ovl`, portgroup blue, on host2, timed from just before
virt-install to the first reply of a ping (every 20 ms, iputils with -D
timestamps; the VM's MAC is given to the pinger, so no failed ARP makes it
back off) from a namespace endpoint of blue on host1, across the hosts
(its address from blue's DHCP on host2); against the anchor, the same VM
on a libvirt network of libvirt's default kind (NAT, virbr, libvirt's own
dnsmasq leasing the same kind of static address) pinged from its host. The
lab's containers share this machine's clock. Ratio of the medians.
"""
import json
import os
import re
import statistics
import time
import uuid


from lab import OUT, ROOT, ansible_env, container, dexec, lab, part_inventory, playbook, run

VM_DIR = '/var/lib/ovl-lab/vm'
HELPER = '/usr/local/bin/ovl-lab-vms'
OURS = dict(name='bench-vm', mac='52:54:00:0b:00:31', ip='10.0.0.31', network='ovl', dev='eth0')
ANCHOR = dict(name='anchor-vm', mac='52:54:00:0c:00:31', ip='192.168.122.31', network='anchor',
              dev='virbr9')
ANCHOR_XML = """<network>
  <name>anchor</name>
  <forward mode='nat'/>
  <bridge name='virbr9' stp='off'/>
  <portgroup name='blue'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
      <host mac='%s' ip='%s'/>
    </dhcp>
  </ip>
</network>
""" % (ANCHOR['mac'], ANCHOR['ip'])


def write_inventory():
    tenant = {'name': 'blue', 'vni': 100, 'subnet': '10.0.0.0/24', 'snat': False, 'dhcp': True,
              'endpoints': [{'name': 'blue-ns', 'host': 'host1', 'ip': '10.0.0.11'},
                            {'name': OURS['name'], 'host': 'host2', 'ip': OURS['ip'],
                             'kind': 'vm', 'mac': OURS['mac']}]}
    return part_inventory('vm', {'blue': tenant})


def install(host):
    """The lab's VM helper, kernel and initramfs on *host*."""
    image = run([os.path.join(ROOT, 'scripts', 'vm-image.sh')]).stdout.strip().splitlines()[-1]
    dexec(host, ['mkdir', '-p', VM_DIR])
    for src, dst in ((os.path.join(ROOT, 'molecule', 'default', 'files', 'vms.py'), HELPER),
                     (os.path.join(image, 'vmlinuz'), VM_DIR + '/vmlinuz'),
                     (os.path.join(image, 'initrd.img'), VM_DIR + '/initrd.img')):
        run(['docker', 'cp', src, '%s:%s' % (container(host), dst)])


def spec(vm):
    return [dict(name=vm['name'], mac=vm['mac'], network=vm['network'], portgroup='blue',
                 iface_id=str(uuid.uuid5(uuid.NAMESPACE_URL, vm['name'])),
                 token='blue/' + vm['name'], virtualport=vm['network'] == 'ovl',
                 kernel=VM_DIR + '/vmlinuz', initrd=VM_DIR + '/initrd.img')]


def first_ping(src_host, netns, dst_host, vm):
    """Seconds from just before the VM's virt-install on *dst_host* to the
    first reply of a ping from *netns* on *src_host* (None: the host's own)."""
    log = '/tmp/ovl-bench-vm-ping.log'
    pre = ['ip', 'netns', 'exec', netns] if netns else []
    # the VM's MAC is known: no ARP on the pinger's side (a failed ARP
    # before the VM is up makes ping back off; the same for both)
    dexec(src_host, pre + ['ip', 'neigh', 'replace', vm['ip'], 'lladdr', vm['mac'], 'dev',
                           vm['dev'], 'nud', 'permanent'])
    dexec(src_host, ['sh', '-c', ': > %s' % log])
    dexec(src_host, ['sh', '-c', '%s ping -D -n -i 0.02 -W 1 -w 60 %s > %s 2>&1 &'
                     % (' '.join(pre), vm['ip'], log)])
    time.sleep(0.3)
    t0 = time.time()
    res = dexec(dst_host, ['python3', HELPER, 'up', json.dumps(spec(vm))], timeout=180,
                check=False)
    if res.returncode != 0:
        raise RuntimeError('%s: vms.py up %s: %s' % (dst_host, vm['name'], res.stdout[-1500:]))
    up = json.loads(res.stdout)
    first = None
    for _ in range(300):
        out = dexec(src_host, ['cat', log]).stdout
        m = re.search(r'^\[(\d+\.\d+)\] \d+ bytes from', out, re.M)
        if m:
            first = float(m.group(1))
            break
        time.sleep(0.1)
    dexec(src_host, ['pkill', '-f', 'ping -D -n -i 0.02'], check=False)
    dexec(dst_host, ['python3', HELPER, 'down', vm['name']])
    if first is None:
        raise RuntimeError('no reply from %s (%s on %s): %s' % (vm['ip'], vm['network'],
                                                                dst_host, up))
    return first - t0, up[0].get('lease')


def bench(repeat, log):
    lab('down')
    lab('up', vms='host1 host2')
    inventory, hosts = write_inventory()
    env = ansible_env()
    secs, _counts = playbook(os.path.join(ROOT, 'site.yml'), inventory, hosts, env,
                             os.path.join(OUT, 'vm', 'site.log'))
    log('vm: site.yml (libvirt network, DHCP) in %.1f s' % secs)
    install('host2')
    dexec('host2', ['sh', '-c', 'cat > /tmp/anchor.xml && virsh -q net-define /tmp/anchor.xml '
                    '&& virsh -q net-start anchor'], stdin=ANCHOR_XML)
    ours, anchor = [], []
    for _ in range(repeat):
        took, lease = first_ping('host1', 'blue-ns', 'host2', OURS)
        ours.append(took)
        atook, alease = first_ping('host2', None, 'host2', ANCHOR)
        anchor.append(atook)
        log('vm: first ping %.2f s (blue, across hosts, lease %s) vs %.2f s (libvirt NAT '
            'network, same host, lease %s)' % (took, lease, atook, alease))
    return {'first_ping': {'ovl': ours, 'anchor': anchor,
                           'ratio': statistics.median(ours) / statistics.median(anchor)},
            'site_secs': secs}
