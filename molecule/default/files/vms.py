#!/usr/bin/env python3
"""Lab only: the operator's libvirt VMs on a lab host (issue 22: VMs as
tenant endpoints). Runs on the host as root with its own python3 (stdlib
only, argv lists only, every call bounded); libvirtd must answer
(images/host/lab-libvirtd) and the libvirt network must exist. Each
subcommand prints one JSON document (an error: {"error": ...}, exit 1):

    vms.py up SPEC_JSON        [{name, mac, iface_id, token, kernel, initrd,
                                 network (default "ovl"), portgroup, port
                                 (default 18080), bytes (default 0), memory
                                 (MiB, default 192)}]
                               -> [{name, state, started, boot_seconds, lease}]
    vms.py exec [--timeout S] NAME -- ARGV...   -> {name, rc, stdout}
    vms.py reboot [--timeout S] NAME            -> {name, seconds, lease}
    vms.py lease NAME                           -> {name, lease}
    vms.py down NAME...                         -> [{name, removed}]

The VM is scripts/vm-image.sh's kernel and initrd (images/vm/init: DHCP,
a TCP server sending TOKEN + BYTES zero bytes on PORT, a root shell on
ttyS0), booted directly (no disk). ``up`` defines a VM that does not exist
with virt-install (the line the README shows operators, plus what the
lab's VM needs) and starts it, starts one that is defined but not running,
leaves a running one alone; then waits (bounded) until each VM it started
printed "ovl-vm: ready NAME" on its console, and reads every VM's lease
(/run/ovl-lease, through the console). A lease is {ip, prefix, router, mtu}
(null when the VM got none).

The console, ttyS0, is a unix socket QEMU listens on
(/run/ovl-lab/vm-NAME.sock, one client at a time: a lock file serialises
the callers) with everything the guest writes also appended to
/var/log/ovl-lab/vm-NAME.log (virtlogd), so the boot's lines can be read
after the fact. ``exec`` types a command line into the shell there: ^C
first (whatever a timed-out caller left running), a handshake that turns
echo (and the tty's NL -> CRNL) off, then the command with stdin from
/dev/null between unique begin and end markers (built with printf, so the
typed line never contains them), the end marker carrying $?.
"""
import fcntl
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET

URI = 'qemu:///system'
SOCK_DIR = '/run/ovl-lab'
LOG_DIR = '/var/log/ovl-lab'
# Every domain this helper defines says so in its <description>; `down`
# touches no other.
MARK = 'ovl-lab vm (molecule/default/files/vms.py)'
DEFAULT_PORT = 18080
DEFAULT_MEMORY = 192     # MiB; ~230 MB RSS under TCG
WAIT_READY = 60          # seconds from start to "ovl-vm: ready NAME" (TCG: ~3 s + DHCP)
CALL_TIMEOUT = 60        # seconds for one virsh / virt-install call
EXEC_TIMEOUT = 30
NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$')
MAC_RE = re.compile(r'^([0-9a-f]{2}:){5}[0-9a-f]{2}$')
WORD_RE = re.compile(r'^[^\s,\'"\\]+$')   # one kernel-command-line word, no comma (virt-install)
OFFLOADS_HOST = ('csum', 'gso', 'tso4', 'tso6', 'ecn', 'ufo')
OFFLOADS_GUEST = ('csum', 'tso4', 'tso6', 'ecn', 'ufo')


class Failure(Exception):
    pass


def run(argv, check=True, timeout=CALL_TIMEOUT):
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Failure('%s: no answer within %d s' % (' '.join(argv), timeout))
    if check and proc.returncode != 0:
        raise Failure('%s: %s' % (' '.join(argv), proc.stderr.strip() or proc.stdout.strip()))
    return proc


def virsh(*args, **kwargs):
    return run(['virsh', '-c', URI] + list(args), **kwargs)


def sock_path(name):
    return os.path.join(SOCK_DIR, 'vm-%s.sock' % name)


def log_path(name):
    return os.path.join(LOG_DIR, 'vm-%s.log' % name)


def tap_name(name):
    """The VM's port on br-int, pinned (else libvirt's vnetN moves between
    starts); at most 15 characters, never libvirt's reserved vnet/vif."""
    tap = 'vm-' + name
    if len(tap) > 15 or not re.match(r'^[A-Za-z0-9_.-]+$', name):
        tap = 'vm-' + uuid.uuid5(uuid.NAMESPACE_URL, 'ovl-lab:' + name).hex[:12]
    return tap


def domstate(name):
    """'running', 'shut off', ... or None when no such domain."""
    proc = virsh('domstate', name, check=False)
    if proc.returncode != 0:
        if re.search(r'failed to get domain|[Dd]omain not found', proc.stderr):
            return None
        raise Failure('virsh domstate %s: %s' % (name, proc.stderr.strip()))
    return proc.stdout.strip()


def domain_xml(name):
    return ET.fromstring(virsh('dumpxml', '--inactive', name).stdout)


def ours(name):
    return (domain_xml(name).findtext('description') or '') == MARK


def log_size(name):
    try:
        return os.path.getsize(log_path(name))
    except OSError:
        return 0


def validate(item, index):
    where = 'spec[%d]' % index
    item = dict(item)
    for key in ('name', 'mac', 'iface_id', 'kernel', 'initrd', 'portgroup'):
        if not item.get(key):
            raise Failure('%s: %s is required' % (where, key))
    if not NAME_RE.match(item['name']):
        raise Failure('%s.name: %r is not a VM name (letters, digits, _ . -; 40 at most)'
                      % (where, item['name']))
    where = 'spec[%d] (%s)' % (index, item['name'])
    item['mac'] = item['mac'].lower()
    if not MAC_RE.match(item['mac']):
        raise Failure('%s.mac: %r is not a MAC address' % (where, item['mac']))
    try:
        item['iface_id'] = str(uuid.UUID(item['iface_id']))
    except ValueError:
        raise Failure('%s.iface_id: %r is not a UUID' % (where, item['iface_id']))
    item.setdefault('network', 'ovl')
    item.setdefault('token', item['name'])
    item['port'] = int(item.get('port') or DEFAULT_PORT)
    item['bytes'] = int(item.get('bytes') or 0)
    item['memory'] = int(item.get('memory') or DEFAULT_MEMORY)
    for key in ('token', 'network', 'portgroup', 'kernel', 'initrd'):
        if not WORD_RE.match(str(item[key])):
            raise Failure('%s.%s: %r may not hold blanks, commas, quotes or backslashes'
                          % (where, key, item[key]))
    if not 0 < item['port'] < 65536:
        raise Failure('%s.port: %d is not a TCP port' % (where, item['port']))
    for key in ('kernel', 'initrd'):
        if not os.path.isfile(item[key]):
            raise Failure('%s.%s: %s does not exist on this host (scripts/vm-image.sh builds it)'
                          % (where, key, item[key]))
    return item


def kernel_args(item):
    return ' '.join(['console=ttyS0', 'quiet', 'panic=5', 'ovl.name=' + item['name'],
                     'ovl.token=' + item['token'], 'ovl.port=%d' % item['port'],
                     'ovl.bytes=%d' % item['bytes']])


def virt_install_argv(item):
    """The VM as virt-install (4.1) says it. --network has no sub-options for
    the <driver> offloads: its generic xpathN.set= (relative to <interface>)
    sets them; everything else is a first-class option."""
    offloads = ['xpath%d.set=./driver/host/@%s=off' % (i, o)
                for i, o in enumerate(OFFLOADS_HOST, 1)]
    offloads += ['xpath%d.set=./driver/guest/@%s=off' % (i, o)
                 for i, o in enumerate(OFFLOADS_GUEST, len(OFFLOADS_HOST) + 1)]
    # a network without an Open vSwitch bridge (the bench's anchor, libvirt's
    # NAT kind) takes no virtualport: "virtualport": false in the spec
    port = (['virtualport.parameters.interfaceid=' + item['iface_id']]
            if item.get('virtualport', True) else [])
    network = ','.join(['network=' + item['network'], 'portgroup=' + item['portgroup'],
                        'mac=' + item['mac'], 'model=virtio',
                        'target.dev=' + tap_name(item['name'])] + port + offloads)
    return ['virt-install', '--connect', URI, '--name', item['name'], '--metadata',
            'description=' + MARK, '--memory', str(item['memory']), '--vcpus', '1',
            '--virt-type', 'qemu', '--osinfo', 'detect=off,name=linux2022', '--machine', 'pc',
            '--boot', 'kernel=%s,initrd=%s,kernel_args=%s' % (item['kernel'], item['initrd'],
                                                               kernel_args(item)),
            '--network', network,
            '--serial', 'unix,path=%s,mode=bind,log.file=%s,log.append=on'
            % (sock_path(item['name']), log_path(item['name'])),
            '--disk', 'none', '--graphics', 'none', '--video', 'none', '--sound', 'none',
            '--controller', 'usb,model=none', '--memballoon', 'none', '--rng', 'none',
            '--channel', 'none', '--import', '--noautoconsole']


def check_same(item):
    """A defined VM must be the one asked for: else say what differs."""
    root = domain_xml(item['name'])
    if (root.findtext('description') or '') != MARK:
        raise Failure('%s: a domain of that name exists that this lab did not define'
                      % item['name'])
    iface = root.find('./devices/interface')
    have = {
        'mac': iface.find('mac').get('address') if iface is not None else None,
        'iface_id': (iface.find('./virtualport/parameters').get('interfaceid')
                     if iface is not None and iface.find('./virtualport/parameters') is not None
                     else None),
        'portgroup': iface.find('source').get('portgroup') if iface is not None else None,
        'kernel': root.findtext('./os/kernel'),
        'cmdline': root.findtext('./os/cmdline'),
    }
    want = dict(mac=item['mac'], iface_id=item['iface_id'], portgroup=item['portgroup'],
                kernel=item['kernel'], cmdline=kernel_args(item))
    diff = ['%s %s (want %s)' % (k, have[k], want[k]) for k in want if have[k] != want[k]]
    if diff:
        raise Failure('%s is defined with %s: `vms.py down %s` first'
                      % (item['name'], ', '.join(diff), item['name']))


def parse_lease(line):
    line = (line or '').strip()
    if not line.startswith('ovl-vm: lease '):
        return None
    fields = dict(word.split('=', 1) for word in line.split()[2:] if '=' in word)
    address, _, prefix = fields.get('ip', '').partition('/')
    if not address:
        return None
    return dict(ip=address, prefix=int(prefix) if prefix.isdigit() else None,
                router=fields.get('router') or None,
                mtu=int(fields['mtu']) if fields.get('mtu', '').isdigit() else None)


# --- the console -----------------------------------------------------------

class Console:
    """The VM's ttyS0, through QEMU's unix socket; one caller at a time."""

    def __init__(self, name, deadline):
        self.name, self.deadline, self.buf = name, deadline, b''
        os.makedirs(SOCK_DIR, exist_ok=True)
        self.lock = open(os.path.join(SOCK_DIR, 'vm-%s.lock' % name), 'w')
        while True:
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise Failure('%s: another caller holds its console' % name)
                time.sleep(0.1)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.sock.connect(sock_path(name))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise Failure('%s: its console %s does not answer (is it running?)'
                                  % (name, sock_path(name)))
                time.sleep(0.2)

    def close(self):
        self.sock.close()
        self.lock.close()

    def send(self, data):
        self.sock.sendall(data)

    def expect(self, marker, deadline):
        """Read until *marker* (bytes); returns what came before it, or None
        at the deadline."""
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(min(left, 1.0))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise Failure('%s: its console closed (the VM stopped?)' % self.name)
            self.buf += chunk
        before, _, self.buf = self.buf.partition(marker)
        return before

    def handshake(self):
        """^C, then echo off until the shell proves it reads lines."""
        tag = os.urandom(6).hex()
        self.send(b'\x03')
        time.sleep(0.1)
        # 'OVLS %s' typed, 'OVLS_%s' printed: the echo never matches.
        line = ("stty -echo -onlcr; printf '%%s_%%s\\n' OVLS %s\n" % tag).encode()
        while True:
            self.send(line)
            if self.expect(('OVLS_%s\n' % tag).encode(),
                           min(self.deadline, time.monotonic() + 2)) is not None:
                return
            if time.monotonic() > self.deadline:
                raise Failure('%s: no shell answers on its console' % self.name)

    def run(self, argv):
        tag = os.urandom(6).hex()
        begin, end = ('OVLB_%s\n' % tag).encode(), ('\nOVLE_%s:' % tag).encode()
        line = ("printf '%%s_%%s\\n' OVLB %s; %s </dev/null; "
                "printf '\\n%%s_%%s:%%s\\n' OVLE %s $?; stty echo onlcr\n"
                % (tag, ' '.join(shlex.quote(a) for a in argv), tag))
        if len(line) > 4000:
            raise Failure('%s: the command line is longer than a tty line (4000)' % self.name)
        self.send(line.encode())
        if self.expect(begin, self.deadline) is None:
            return None, ''
        out = self.expect(end, self.deadline)
        if out is None:
            partial = self.buf.decode('utf-8', 'replace')
            self.send(b'\x03')
            time.sleep(0.2)     # input still queued in QEMU is lost at close
            return None, partial
        rc = self.expect(b'\n', self.deadline)
        return (int(rc) if rc is not None and rc.strip().isdigit() else None,
                out.decode('utf-8', 'replace'))


def console_exec(name, argv, timeout=EXEC_TIMEOUT):
    state = domstate(name)
    if state != 'running':
        raise Failure('%s is %s' % (name, state or 'not defined'))
    deadline = time.monotonic() + timeout
    con = Console(name, deadline)
    try:
        con.handshake()
        rc, out = con.run(argv)
    finally:
        con.close()
    result = dict(name=name, rc=rc, stdout=out)
    if rc is None:
        result['error'] = 'no exit code within %d s' % timeout
    return result


def read_lease(name, timeout=EXEC_TIMEOUT):
    got = console_exec(name, ['cat', '/run/ovl-lease'], timeout)
    if got['rc'] != 0:
        raise Failure('%s: cat /run/ovl-lease: rc %s %s' % (name, got['rc'], got['stdout']))
    return parse_lease(got['stdout'])


def wait_ready(since, timeout=WAIT_READY):
    """Wait until each VM's log, from its offset, has "ovl-vm: ready NAME".
    since: {name: (log offset, monotonic time of its start)}; returns
    {name: seconds from its start}."""
    started, left, done = time.monotonic(), dict(since), {}
    while left:
        for name, (offset, t0) in list(left.items()):
            try:
                with open(log_path(name), 'rb') as handle:
                    if os.fstat(handle.fileno()).st_size < offset:
                        offset, left[name] = 0, (0, t0)     # a new log
                    handle.seek(offset)
                    text = handle.read()
            except FileNotFoundError:
                text = b''
            if re.search(rb'ovl-vm: ready %s\r?\n' % re.escape(name.encode()), text):
                done[name] = round(time.monotonic() - t0, 2)
                del left[name]
        if left and time.monotonic() - started > timeout:
            raise Failure('%s: no "ovl-vm: ready" on the console within %d s; see %s'
                          % (', '.join(sorted(left)), timeout,
                             ', '.join(log_path(n) for n in sorted(left))))
        if left:
            time.sleep(0.2)
    return done


# --- subcommands -----------------------------------------------------------

def up(spec):
    items = [validate(item, i) for i, item in enumerate(spec)]
    names = [item['name'] for item in items]
    if len(set(names)) != len(names):
        raise Failure('spec: a name appears twice: %s' % names)
    os.makedirs(SOCK_DIR, exist_ok=True)
    os.makedirs(LOG_DIR, exist_ok=True)
    started = {}
    for item in items:
        name = item['name']
        state = domstate(name)
        if state is None:
            started[name] = (log_size(name), time.monotonic())
            run(virt_install_argv(item))
        else:
            check_same(item)
            if state != 'running':
                started[name] = (log_size(name), time.monotonic())
                virsh('start', name)
    seconds = wait_ready(started)
    out = []
    for item in items:
        name = item['name']
        out.append(dict(name=name, state=domstate(name), started=name in started,
                        boot_seconds=seconds.get(name), lease=read_lease(name)))
    return out


def reboot(name, timeout):
    if domstate(name) != 'running':
        raise Failure('%s is not running' % name)
    deadline = time.monotonic() + timeout
    con = Console(name, deadline)
    try:
        con.handshake()
        offset = log_size(name)
        t0 = time.monotonic()
        con.send(b'stty echo onlcr; reboot -f\n')
        # Stay connected until the kernel says it restarts: QEMU drops the
        # input it has not handed to the UART yet when the client goes.
        if con.expect(b'reboot: Restarting system', min(deadline, t0 + 15)) is None:
            raise Failure('%s: no "reboot: Restarting system" on its console' % name)
    finally:
        con.close()
    wait_ready({name: (offset, t0)}, max(1, int(deadline - time.monotonic())))
    lease = read_lease(name)
    return dict(name=name, seconds=round(time.monotonic() - t0, 2), lease=lease)


def down(names):
    out = []
    for name in names:
        state = domstate(name)
        if state is None:
            out.append(dict(name=name, removed=False))
            continue
        if not ours(name):
            raise Failure('%s: not a VM of this lab (no "%s" description): left alone'
                          % (name, MARK))
        if state != 'shut off':
            virsh('destroy', name)
        virsh('undefine', name)
        for path in (sock_path(name), log_path(name),
                     os.path.join(SOCK_DIR, 'vm-%s.lock' % name)):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        out.append(dict(name=name, removed=True))
    return out


def main(argv):
    if len(argv) < 2 or argv[1] not in ('up', 'exec', 'reboot', 'lease', 'down'):
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    timeout = EXEC_TIMEOUT if cmd == 'exec' else WAIT_READY + EXEC_TIMEOUT
    if args[:1] == ['--timeout']:
        timeout, args = float(args[1]), args[2:]
    if cmd == 'up':
        return up(json.loads(args[0]))
    if cmd == 'exec':
        if len(args) < 3 or args[1] != '--':
            sys.exit('usage: vms.py exec [--timeout S] NAME -- ARGV...')
        return console_exec(args[0], args[2:], timeout)
    if cmd == 'reboot':
        return reboot(args[0], timeout)
    if cmd == 'lease':
        return dict(name=args[0], lease=read_lease(args[0], timeout))
    return down(args)


if __name__ == '__main__':
    try:
        result = main(sys.argv)
    except Failure as exc:
        print(json.dumps({'error': str(exc)}))
        sys.exit(1)
    print(json.dumps(result))
    if isinstance(result, dict) and result.get('error'):
        sys.exit(1)     # exec: no exit code within its timeout
