#!/usr/bin/env python3
"""QEMU lab of the project: real kernels for the kernel datapath (see docs/kvm-lab.md).

    scripts/kvm-lab.sh up|down|status|reboot NAME|ssh NAME [CMD...]|probe|inventory

Guests (image from scripts/kvm-image.sh, one fresh qcow2 overlay each per run):
host1..hostN (KVM_HOSTS, default 2) and `outside` (a small guest that stands for
the internet; runs the listener of images/outside/listener.py).

* Management: QEMU user networking with restrict=on (the guest reaches nothing)
  and one hostfwd 127.0.0.1:PORT -> guest:22 each. SSH key and known_hosts are
  made per run in the run directory; inventory.yml there is for Ansible
  (OpenSSH connection plugin).
* Underlay: a Linux bridge inside a network namespace of ours (PREFIX-ul); each
  guest's tap is opened inside that namespace and handed to QEMU as an fd, so
  QEMU (and its hostfwd) stays in the machine's namespace and nothing of the
  underlay is there. Guests see it as eth1 (net.ifnames=0), eth0 is management.
* A routed hop: `outside` is not on the underlay but on a second bridge of that
  namespace (br-wan, KVM_WAN_SUBNET, default 100.64.<third octet>.0/24), and
  the namespace routes between the two (.254 on both, no NAT): the edge router,
  every guest's default route (ovl.gateway). For the verify's inbound check,
  outside has one more address per host, wan .(100+I), which the namespace
  routes to hostI (source routing, table 100+I).
* Acceleration: KVM when a real KVM boot reaches SSH (probe, bounded), else TCG.

Standard library only; runs as root. Every wait is bounded.
"""
import ctypes
import errno
import fcntl
import ipaddress
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from contextlib import contextmanager

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def env_int(name, default, lo, hi):
    raw = os.environ.get(name, str(default))
    try:
        val = int(raw)
    except ValueError:
        sys.exit("kvm-lab: %s=%r is not a number" % (name, raw))
    if not lo <= val <= hi:
        sys.exit("kvm-lab: %s=%d must be within %d..%d" % (name, val, lo, hi))
    return val


class Config:
    def __init__(self):
        self.prefix = os.environ.get("KVM_PREFIX", "ovk")
        if not (self.prefix.replace("-", "").isalnum() and len(self.prefix) <= 8):
            sys.exit("kvm-lab: KVM_PREFIX=%r: letters, digits and '-', at most 8" % self.prefix)
        self.run_dir = os.path.abspath(os.environ.get(
            "KVM_RUN_DIR", os.path.join(ROOT, ".cache", "kvm-lab", self.prefix)))
        self.cache = os.environ.get("OVL_CACHE_DIR", "/var/cache/ovl-lab")
        self.hosts = env_int("KVM_HOSTS", 2, 1, 9)
        self.outside = env_int("KVM_OUTSIDE", 1, 0, 1)
        subnet = os.environ.get("KVM_SUBNET", "192.168.244.0/24")
        try:
            self.subnet = ipaddress.ip_network(subnet)
        except ValueError as exc:
            sys.exit("kvm-lab: KVM_SUBNET=%r: %s" % (subnet, exc))
        if self.subnet.prefixlen != 24 or not self.subnet.is_private or self.subnet.version != 4:
            sys.exit("kvm-lab: KVM_SUBNET=%s must be a private IPv4 /24" % subnet)
        self.port_base = env_int("KVM_SSH_PORT_BASE", 10220, 1024, 65000)
        self.memory = env_int("KVM_MEMORY", 512, 256, 8192)
        self.outside_memory = env_int("KVM_OUTSIDE_MEMORY", 256, 192, 8192)
        self.cpus = env_int("KVM_CPUS", 1, 1, 4)
        self.accel = os.environ.get("KVM_ACCEL", "auto")
        if self.accel not in ("auto", "kvm", "tcg"):
            sys.exit("kvm-lab: KVM_ACCEL=%r: auto, kvm or tcg" % self.accel)
        self.probe_timeout = env_int("KVM_PROBE_TIMEOUT", 40, 5, 600)
        self.boot_timeout = env_int("KVM_BOOT_TIMEOUT", 420, 10, 3600)
        self.tb_size = env_int("KVM_TCG_TB_SIZE", 128, 32, 2048)
        self.netns = self.prefix + "-ul"
        self.bridge = "br-ul"
        self.wan_bridge = "br-wan"
        self.qemu = os.environ.get("QEMU", "qemu-system-x86_64")
        third = (int(self.subnet.network_address) >> 8) & 0xFF
        wan = os.environ.get("KVM_WAN_SUBNET", "100.64.%d.0/24" % third)
        try:
            self.wan = ipaddress.ip_network(wan)
        except ValueError as exc:
            sys.exit("kvm-lab: KVM_WAN_SUBNET=%r: %s" % (wan, exc))
        if self.wan.prefixlen != 24 or self.wan.version != 4 or self.wan.overlaps(self.subnet):
            sys.exit("kvm-lab: KVM_WAN_SUBNET=%s must be an IPv4 /24 apart from the underlay" % wan)

    def edge(self, net):
        """The edge router's address (.254) on *net*."""
        return str(net.network_address + 254)

    def wan_source(self, index):
        """outside's address that the edge routes to host<index>."""
        return str(self.wan.network_address + 100 + index)

    def guests(self):
        net = int(self.subnet.network_address)
        third = (net >> 8) & 0xFF
        out = []
        for i in range(1, self.hosts + 1):
            out.append(dict(name="host%d" % i, role="host", last=10 + i,
                            port=self.port_base + i, memory=self.memory))
        if self.outside:
            out.append(dict(name="outside", role="outside", last=100,
                            port=self.port_base, memory=self.outside_memory))
        for g in out:
            outside = g["role"] == "outside"
            base = int(self.wan.network_address) if outside else net
            g["ip"] = str(ipaddress.ip_address(base + g["last"]))
            g["cidr"] = "%s/24" % g["ip"]
            g["gateway"] = self.edge(self.wan if outside else self.subnet)
            g["bridge"] = self.wan_bridge if outside else self.bridge
            if outside:
                g["extra"] = ["%s/24" % self.wan_source(i) for i in range(1, self.hosts + 1)]
            g["mac"] = "52:54:00:%02x:01:%02x" % (third, g["last"])
            g["mgmt_mac"] = "52:54:00:%02x:00:%02x" % (third, g["last"])
            g["tap"] = "tap-" + g["name"]
        return out

    def path(self, *parts):
        return os.path.join(self.run_dir, *parts)


def log(msg):
    print("kvm-lab: " + msg, flush=True)


class LabError(RuntimeError):
    pass


def run(argv, check=True, timeout=60, **kw):
    """argv list only; bounded."""
    res = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if check and res.returncode != 0:
        raise LabError("%s failed (rc %d): %s"
                       % (" ".join(argv), res.returncode, (res.stderr or res.stdout).strip()))
    return res


# --- machine packages --------------------------------------------------------

HOST_PACKAGES = ["qemu-system-x86", "qemu-utils", "openssh-client", "iproute2"]


def ensure_packages():
    missing = []
    for pkg in HOST_PACKAGES:
        res = run(["dpkg-query", "-W", "-f=${Status}", pkg], check=False)
        if "install ok installed" not in res.stdout:
            missing.append(pkg)
    if not missing:
        return
    log("apt-get install " + " ".join(missing))
    envp = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], timeout=600, env=envp)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing,
        timeout=900, env=envp)


# --- network namespace and taps ----------------------------------------------

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "setns: " + os.strerror(err))


@contextmanager
def in_netns(name):
    """Run the body in network namespace NAME (this thread), then come back."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        _setns(target)
        try:
            yield
        finally:
            _setns(own)
    finally:
        os.close(target)
        os.close(own)


def netns_exists(name):
    return os.path.exists("/run/netns/" + name) and run(
        ["ip", "netns", "exec", name, "true"], check=False).returncode == 0


def make_underlay(cfg):
    if not netns_exists(cfg.netns):
        if os.path.exists("/run/netns/" + cfg.netns):
            run(["ip", "netns", "del", cfg.netns], check=False)
        run(["ip", "netns", "add", cfg.netns])
    ns = ["ip", "-n", cfg.netns]
    run(ns + ["link", "set", "lo", "up"])
    if run(ns + ["link", "show", cfg.bridge], check=False).returncode != 0:
        run(ns + ["link", "add", cfg.bridge, "type", "bridge", "stp_state", "0",
                  "forward_delay", "0"])
    run(ns + ["link", "set", cfg.bridge, "up"])
    # the edge router: .254 on both bridges, forwarding, no NAT; outside's
    # per-host sources routed to that host
    if run(ns + ["link", "show", cfg.wan_bridge], check=False).returncode != 0:
        run(ns + ["link", "add", cfg.wan_bridge, "type", "bridge", "stp_state", "0",
                  "forward_delay", "0"])
    run(ns + ["link", "set", cfg.wan_bridge, "up"])
    run(ns + ["addr", "replace", "%s/24" % cfg.edge(cfg.subnet), "dev", cfg.bridge])
    run(ns + ["addr", "replace", "%s/24" % cfg.edge(cfg.wan), "dev", cfg.wan_bridge])
    run(["ip", "netns", "exec", cfg.netns, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
    for index in range(1, cfg.hosts + 1):
        table = str(100 + index)
        host = str(cfg.subnet.network_address + 10 + index)
        run(ns + ["route", "replace", "default", "via", host, "table", table])
        run(ns + ["rule", "del", "from", cfg.wan_source(index)], check=False)
        run(ns + ["rule", "add", "from", cfg.wan_source(index), "table", table])


def open_tap(cfg, tap, bridge=None):
    """A tap in the underlay namespace, enslaved to the bridge; returns its fd.
    Not persistent: it disappears when the last fd (QEMU's) closes."""
    with in_netns(cfg.netns):
        fd = os.open("/dev/net/tun", os.O_RDWR | os.O_CLOEXEC)
        try:
            fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", tap.encode(),
                                                   IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
        except OSError:
            os.close(fd)
            raise
    run(["ip", "-n", cfg.netns, "link", "set", tap, "master", bridge or cfg.bridge, "up"])
    return fd


# --- QEMU --------------------------------------------------------------------

def kernel_cmdline(guest, pubkey_b64, extra=()):
    words = ["console=ttyS0", "quiet", "root=/dev/vda", "rw", "net.ifnames=0",
             "panic=-1", "ovl.hostname=" + guest["name"], "ovl.role=" + guest["role"],
             "ovl.sshkey=" + pubkey_b64]
    if guest.get("cidr"):
        words.append("ovl.underlay=" + guest["cidr"])
    if guest.get("gateway"):
        words.append("ovl.gateway=" + guest["gateway"])
    if guest.get("extra"):
        words.append("ovl.extra=" + ",".join(guest["extra"]))
    return " ".join(words + list(extra))


def qemu_argv(cfg, image, guest, accel, disk, tap_fd, pubkey_b64, extra_append=()):
    """The full QEMU command line of one guest (a pure function of its inputs)."""
    name = guest["name"]
    if accel == "kvm":
        accel_args = ["-accel", "kvm", "-cpu", "host"]
    else:
        accel_args = ["-accel", "tcg,tb-size=%d" % cfg.tb_size]
    argv = [cfg.qemu, "-name", "ovl-%s-%s" % (cfg.prefix, name), "-machine", "pc"] + accel_args + [
        "-m", str(guest["memory"]), "-smp", str(cfg.cpus),
        "-nodefaults", "-no-user-config", "-vga", "none", "-display", "none",
        "-kernel", os.path.join(image, "vmlinuz"), "-initrd", os.path.join(image, "initrd.img"),
        "-append", kernel_cmdline(guest, pubkey_b64, extra_append),
        # eth0: management, slot 3; eth1: underlay, slot 4; disk slot 5.
        "-netdev", "user,id=mgmt,restrict=on,hostfwd=tcp:127.0.0.1:%d-:22" % guest["port"],
        "-device", "virtio-net-pci,netdev=mgmt,mac=%s,addr=0x3" % guest["mgmt_mac"],
    ]
    if tap_fd is not None:
        argv += ["-netdev", "tap,id=ul,fd=%d" % tap_fd,
                 "-device", "virtio-net-pci,netdev=ul,mac=%s,addr=0x4" % guest["mac"]]
    argv += [
        "-drive", "file=%s,if=none,id=disk,format=qcow2,cache=unsafe,discard=unmap" % disk,
        "-device", "virtio-blk-pci,drive=disk,addr=0x5",
        "-device", "virtio-rng-pci,addr=0x6",
        "-serial", "file:" + cfg.path(name + ".console"),
        "-monitor", "none",
        "-qmp", "unix:%s,server=on,wait=off" % cfg.path(name + ".qmp"),
        "-pidfile", cfg.path(name + ".pid"),
    ]
    return argv


def build_image():
    """scripts/kvm-image.sh (cached); its progress goes to our stderr, the
    image directory is the last line of its stdout."""
    res = subprocess.run([os.path.join(HERE, "kvm-image.sh")], stdout=subprocess.PIPE,
                         text=True, timeout=1800)
    if res.returncode != 0 or not res.stdout.strip():
        raise SystemExit("kvm-lab: scripts/kvm-image.sh failed (rc %d)" % res.returncode)
    image = res.stdout.strip().splitlines()[-1]
    for f in ("base.img", "vmlinuz", "initrd.img", "manifest"):
        if not os.path.exists(os.path.join(image, f)):
            raise SystemExit("kvm-lab: image %s lacks %s" % (image, f))
    return image


def make_overlay(cfg, image, name):
    disk = cfg.path(name + ".qcow2")
    if os.path.exists(disk):
        os.unlink(disk)
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw",
         "-b", os.path.join(image, "base.img"), disk])
    return disk


def start_qemu(cfg, argv, name, tap_fd=None):
    """Start QEMU detached (own session, stdio to files); return its pid."""
    pidfile = cfg.path(name + ".pid")
    if os.path.exists(pidfile):
        os.unlink(pidfile)
    with open(cfg.path(name + ".qemu.log"), "ab") as errlog:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=errlog, stderr=errlog,
                                start_new_session=True,
                                pass_fds=(tap_fd,) if tap_fd is not None else ())
    if tap_fd is not None:
        os.close(tap_fd)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("qemu for %s exited (rc %s): %s"
                               % (name, proc.returncode, tail(cfg.path(name + ".qemu.log"))))
        if os.path.exists(pidfile):
            return proc.pid
        time.sleep(0.05)
    raise RuntimeError("qemu for %s wrote no pidfile in 30 s" % name)


def tail(path, lines=15):
    try:
        with open(path, "rb") as fh:
            data = fh.read()[-8000:].decode("utf-8", "replace")
    except FileNotFoundError:
        return "(no %s)" % path
    return "\n".join(data.splitlines()[-lines:]).strip() or "(empty %s)" % os.path.basename(path)


def is_our_qemu(cfg, pid, name):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as fh:
            args = fh.read().split(b"\0")
    except (FileNotFoundError, ProcessLookupError):
        return False
    return cfg.path(name + ".pid").encode() in args


def pid_of(cfg, name):
    try:
        with open(cfg.path(name + ".pid")) as fh:
            pid = int(fh.read().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if is_our_qemu(cfg, pid, name) else None


def stop_qemu(cfg, name, grace=10.0):
    pid = pid_of(cfg, name)
    if pid is None:
        return False
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not alive(pid):
                return True
            time.sleep(0.1)
    raise RuntimeError("qemu %s (pid %d) did not exit" % (name, pid))


def alive(pid):
    """False once the process is gone or a zombie (its memory and fds freed)."""
    try:
        with open("/proc/%d/stat" % pid) as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return None


# --- SSH ---------------------------------------------------------------------

def ssh_base(cfg, port, connect_timeout=5):
    return ["ssh", "-F", "/dev/null", "-i", cfg.path("id_ed25519"), "-o", "IdentitiesOnly=yes",
            "-o", "UserKnownHostsFile=" + cfg.path("known_hosts"),
            "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=%d" % connect_timeout, "-o", "LogLevel=ERROR",
            "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
            "-p", str(port), "root@127.0.0.1"]


def ssh_run(cfg, port, command, timeout=60, check=True):
    """command: argv for the guest; each word quoted for the guest's shell."""
    res = subprocess.run(ssh_base(cfg, port) + ["--"] + [shell_quote(w) for w in command],
                         capture_output=True, text=True, timeout=timeout)
    if check and res.returncode != 0:
        raise RuntimeError("ssh :%d %s: rc %d: %s" % (port, " ".join(command), res.returncode,
                                                       (res.stderr or res.stdout).strip()))
    return res


def shell_quote(word):
    return "'" + word.replace("'", "'\\''") + "'"


def ssh_banner(port, timeout=2.0):
    """True when something that speaks SSH answers on 127.0.0.1:port. QEMU's
    user networking accepts the TCP connection even before the guest listens,
    so only the banner counts."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            return sock.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def wait_ssh(cfg, waits, timeout):
    """waits: {name: (port, pid, t0)}; returns {name: seconds from t0 to a
    working key login}. Raises with the console tail of a guest that died or
    did not answer in time."""
    done = {}
    deadline = time.monotonic() + timeout
    while len(done) < len(waits):
        for name, (port, pid, t0) in waits.items():
            if name in done:
                continue
            if not is_our_qemu(cfg, pid, name):
                raise RuntimeError("%s: qemu exited during boot\n%s\n--- console:\n%s"
                                   % (name, tail(cfg.path(name + ".qemu.log")),
                                      tail(cfg.path(name + ".console"))))
            if ssh_banner(port) and ssh_run(cfg, port, ["true"], timeout=30,
                                            check=False).returncode == 0:
                done[name] = round(time.monotonic() - t0, 1)
                log("%s: ssh up after %.1f s" % (name, done[name]))
        if len(done) == len(waits):
            break
        if len(done) < len(waits):
            if time.monotonic() > deadline:
                late = sorted(set(waits) - set(done))
                raise RuntimeError("no ssh within %d s: %s\n--- console of %s:\n%s"
                                   % (timeout, ", ".join(late), late[0],
                                      tail(cfg.path(late[0] + ".console"))))
            time.sleep(1)
    return done


def wait_booted(cfg, waits, timeout):
    """After ssh: wait (bounded) until systemd has finished booting (OVS
    started, all units done); returns {name: seconds from t0}."""
    out = {}
    for name, (port, _pid, t0) in waits.items():
        left = max(5, int(timeout - (time.monotonic() - t0)))
        res = ssh_run(cfg, port, ["timeout", str(left), "systemctl", "is-system-running", "--wait"],
                      timeout=left + 15, check=False)
        state = res.stdout.strip()
        if state not in ("running", "degraded"):
            raise LabError("%s: boot did not finish (systemctl is-system-running: %r)"
                           % (name, state or res.stderr.strip()))
        if state == "degraded":
            failed = ssh_run(cfg, port, ["systemctl", "--failed", "--no-legend", "--plain"],
                             check=False).stdout.strip()
            log("%s: degraded: %s" % (name, failed))
        out[name] = round(time.monotonic() - t0, 1)
    return out


def port_free(port):
    """As QEMU's hostfwd binds it (SO_REUSEADDR: TIME-WAIT leftovers of an
    earlier run do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_key(cfg):
    key = cfg.path("id_ed25519")
    if not os.path.exists(key):
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ovl-kvm-lab-" + cfg.prefix,
             "-f", key])
    with open(key + ".pub") as fh:
        kind, b64 = fh.read().split()[:2]
    assert kind == "ssh-ed25519"
    return b64


# --- acceleration ------------------------------------------------------------

def boot_id():
    with open("/proc/sys/kernel/random/boot_id") as fh:
        return fh.read().strip()


def qemu_version(cfg):
    return run([cfg.qemu, "--version"]).stdout.splitlines()[0]


def probe_kvm(cfg, image, pubkey_b64):
    """Boot a throwaway guest with KVM (-cpu host) and wait, bounded, for SSH.
    Returns (ok, evidence)."""
    if not os.path.exists("/dev/kvm"):
        return False, "no /dev/kvm"
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
    except OSError as exc:
        return False, "/dev/kvm: %s" % exc
    guest = dict(name="kvmprobe", role="probe", port=free_port(), memory=256,
                 mgmt_mac="52:54:00:00:00:99", cidr="")
    disk = make_overlay(cfg, image, guest["name"])
    argv = qemu_argv(cfg, image, guest, "kvm", disk, None, pubkey_b64)
    t0 = time.monotonic()
    try:
        pid = start_qemu(cfg, argv, guest["name"])
        secs = wait_ssh(cfg, {guest["name"]: (guest["port"], pid, t0)}, cfg.probe_timeout)
        return True, "KVM guest (-cpu host) reached ssh in %.1f s" % secs[guest["name"]]
    except RuntimeError as exc:
        lines = [x.strip() for x in str(exc).splitlines() if x.strip()]
        return False, "KVM boot failed after %.1f s: %s" % (time.monotonic() - t0,
                                                             " | ".join(lines[:6]))
    finally:
        stop_qemu(cfg, guest["name"], grace=2)
        for ext in (".qcow2", ".pid", ".qmp", ".console", ".qemu.log"):
            if os.path.exists(cfg.path(guest["name"] + ext)):
                os.unlink(cfg.path(guest["name"] + ext))


def choose_accel(cfg, image, pubkey_b64, force_probe=False):
    """KVM_ACCEL=kvm|tcg is taken as said. auto: the probe's result, cached per
    machine boot and QEMU version in $OVL_CACHE_DIR/kvm-probe.json."""
    if cfg.accel != "auto" and not force_probe:
        return cfg.accel, "KVM_ACCEL=%s (no probe)" % cfg.accel
    cache = os.path.join(cfg.cache, "kvm-probe.json")
    key = {"boot_id": boot_id(), "qemu": qemu_version(cfg),
           "kernel": open(os.path.join(image, "manifest")).read().split("kernel=")[1].split()[0]}
    if not force_probe:
        try:
            with open(cache) as fh:
                saved = json.load(fh)
            if all(saved.get(k) == v for k, v in key.items()):
                return saved["accel"], "cached probe of this machine boot (%s): %s" % (
                    saved["when"], saved["evidence"])
        except (FileNotFoundError, ValueError, KeyError):
            pass
    log("probing KVM with a real guest boot (at most %d s)" % cfg.probe_timeout)
    ok, evidence = probe_kvm(cfg, image, pubkey_b64)
    accel = "kvm" if ok else "tcg"
    os.makedirs(cfg.cache, exist_ok=True)
    with open(cache + ".tmp", "w") as fh:
        json.dump(dict(key, accel=accel, evidence=evidence,
                       when=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())), fh, indent=1)
    os.replace(cache + ".tmp", cache)
    return accel, "probe: " + evidence


# --- files for Ansible and people ----------------------------------------------

def q(value):
    """A YAML scalar: JSON strings and numbers are valid YAML."""
    return json.dumps(value)


def host_routes(cfg):
    """The routes every host guest gets at boot (ovl-lab-boot): the verify
    checks they are still there after the product's runs."""
    gateway = cfg.edge(cfg.subnet)
    return [dict(dst="default", gateway=gateway),
            dict(dst="198.18.0.0/15", gateway=gateway, metric=50)]


def write_inventory(cfg, guests):
    lines = ["# Made by scripts/kvm-lab.sh up (run %s); removed by down." % cfg.run_dir,
             "all:", "  vars:",
             "    ansible_connection: ssh",
             "    ansible_host: 127.0.0.1",
             "    ansible_user: root",
             "    ansible_python_interpreter: /usr/bin/python3",
             "    ansible_ssh_private_key_file: " + q(cfg.path("id_ed25519")),
             "    ansible_ssh_common_args: " + q(
                 "-o UserKnownHostsFile=%s -o StrictHostKeyChecking=accept-new "
                 "-o IdentitiesOnly=yes" % cfg.path("known_hosts")),
             "    ansible_control_path_dir: " + q(cfg.path("cp")),
             "    lab_kind: kvm",
             "    lab_underlay_subnet: " + q(str(cfg.subnet)),
             "    lab_wan_subnet: " + q(str(cfg.wan)),
             "  children:",
             "    kvm_lab:",
             "      hosts:"]
    for g in guests:
        lines += ["        %s:" % g["name"],
                  "          ansible_port: %d" % g["port"],
                  "          lab_underlay_ip: " + q(g["ip"])]
        if g["role"] == "host":
            lines.append("          overlay_underlay_ip: " + q(g["ip"]))
        else:
            lines += ["          lab_outside_ip: " + q(g["ip"]),
                      "          lab_outside_via: " + q(cfg.edge(cfg.wan)),
                      "          lab_inbound_sources: " + q(dict(
                          ("host%d" % i, cfg.wan_source(i)) for i in range(1, cfg.hosts + 1)))]
    lines += ["    overlay_hosts:", "      vars:",
              "        lab_host_routes: " + q(host_routes(cfg)), "      hosts:"]
    lines += ["        %s: {}" % g["name"] for g in guests if g["role"] == "host"]
    outside = [g for g in guests if g["role"] == "outside"]
    if outside:
        lines += ["    lab_outside:", "      hosts:", "        outside: {}"]
    tmp = cfg.path("inventory.yml.tmp")
    with open(tmp, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, cfg.path("inventory.yml"))
    # For a Molecule scenario with the delegated driver: its create playbook
    # can hand this list on as the instance config (keys as Molecule reads them).
    with open(cfg.path("molecule_instances.yml"), "w") as fh:
        for g in guests:
            fh.write("- instance: %s\n  address: 127.0.0.1\n  port: %d\n  user: root\n"
                     "  identity_file: %s\n  connection: ssh\n"
                     % (g["name"], g["port"], q(cfg.path("id_ed25519"))))
    with open(cfg.path("ssh_config"), "w") as fh:
        for g in guests:
            fh.write("Host %s\n  HostName 127.0.0.1\n  Port %d\n  User root\n"
                     "  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n"
                     "  StrictHostKeyChecking accept-new\n  BatchMode yes\n\n"
                     % (g["name"], g["port"], cfg.path("id_ed25519"), cfg.path("known_hosts")))


def load_state(cfg):
    try:
        with open(cfg.path("state.json")) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None


def save_state(cfg, state):
    with open(cfg.path("state.json.tmp"), "w") as fh:
        json.dump(state, fh, indent=1)
    os.replace(cfg.path("state.json.tmp"), cfg.path("state.json"))


@contextmanager
def lab_lock(cfg):
    os.makedirs(cfg.cache, exist_ok=True)
    with open(os.path.join(cfg.cache, ".kvm-lab-%s.lock" % cfg.prefix), "w") as fh:
        deadline = time.monotonic() + 900
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    raise SystemExit("kvm-lab: another kvm-lab holds the lock of %s" % cfg.prefix)
                time.sleep(0.5)
        yield


# --- commands ----------------------------------------------------------------

def running(cfg, state):
    return state is not None and all(pid_of(cfg, g["name"]) for g in state["guests"])


def cmd_up(cfg):
    if os.geteuid() != 0:
        sys.exit("kvm-lab: run as root (network namespace, taps)")
    state = load_state(cfg)
    if running(cfg, state) and netns_exists(cfg.netns):
        log("already up (%s)" % cfg.run_dir)
        return cmd_status(cfg)
    if state is not None or os.path.exists(cfg.run_dir):
        log("leftovers of an earlier run: taking them down first")
        teardown(cfg)
    shutil.rmtree(cfg.run_dir + ".failed", ignore_errors=True)
    t_up = time.monotonic()
    ensure_packages()
    guests = cfg.guests()
    busy = [str(g["port"]) for g in guests if not port_free(g["port"])]
    if busy:
        sys.exit("kvm-lab: 127.0.0.1 port(s) %s in use; set KVM_SSH_PORT_BASE" % ", ".join(busy))
    t0 = time.monotonic()
    image = build_image()
    image_secs = round(time.monotonic() - t0, 1)
    os.makedirs(cfg.run_dir, exist_ok=True)
    os.makedirs(cfg.path("cp"), exist_ok=True)
    pub = make_key(cfg)
    open(cfg.path("known_hosts"), "a").close()
    accel, evidence = choose_accel(cfg, image, pub)
    log("acceleration: %s (%s)" % (accel, evidence))
    with open(cfg.path("accel"), "w") as fh:
        fh.write("%s\n%s\n" % (accel, evidence))
    state = dict(prefix=cfg.prefix, accel=accel, accel_evidence=evidence, image=image,
                 netns=cfg.netns, bridge=cfg.bridge, subnet=str(cfg.subnet),
                 image_seconds=image_secs, guests=[])
    save_state(cfg, state)
    try:
        make_underlay(cfg)
        waits = {}
        for g in guests:
            disk = make_overlay(cfg, image, g["name"])
            fd = open_tap(cfg, g["tap"], g["bridge"])
            argv = qemu_argv(cfg, image, g, accel, disk, fd, pub)
            t_start = time.monotonic()
            g["pid"] = start_qemu(cfg, argv, g["name"], tap_fd=fd)
            waits[g["name"]] = (g["port"], g["pid"], t_start)
            state["guests"].append(g)
            save_state(cfg, state)
            log("%s: qemu pid %d, ssh 127.0.0.1:%d, underlay %s on eth1 (%s)"
                % (g["name"], g["pid"], g["port"], g["cidr"], accel))
        secs = wait_ssh(cfg, waits, cfg.boot_timeout)
        booted = wait_booted(cfg, waits, cfg.boot_timeout)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        if os.environ.get("KVM_KEEP_ON_FAILURE") == "1":
            raise SystemExit("kvm-lab: up failed: %s\n(KVM_KEEP_ON_FAILURE=1: the lab is left "
                             "running; scripts/kvm-lab.sh down removes it)" % exc)
        # A guest that hangs or loops keeps burning a core: take it all down,
        # keep the logs.
        keep = cfg.run_dir + ".failed"
        shutil.rmtree(keep, ignore_errors=True)
        os.makedirs(keep)
        for f in os.listdir(cfg.run_dir):
            if f.endswith((".console", ".qemu.log", "state.json", "accel")):
                shutil.copy(cfg.path(f), keep)
        teardown(cfg)
        raise SystemExit("kvm-lab: up failed: %s\n(lab taken down; consoles and QEMU logs "
                         "in %s; KVM_KEEP_ON_FAILURE=1 keeps a failed lab running)" % (exc, keep))
    for g in state["guests"]:
        g["boot_to_ssh_seconds"] = secs[g["name"]]
        g["boot_finished_seconds"] = booted[g["name"]]
    state["up_seconds"] = round(time.monotonic() - t_up, 1)
    save_state(cfg, state)
    write_inventory(cfg, state["guests"])
    log("up in %.1f s (image %.1f s); inventory %s" % (state["up_seconds"], image_secs,
                                                      cfg.path("inventory.yml")))
    return cmd_status(cfg)


def teardown(cfg):
    state = load_state(cfg) or {}
    names = [g["name"] for g in state.get("guests", [])]
    if os.path.isdir(cfg.run_dir):
        names += [f[:-4] for f in os.listdir(cfg.run_dir) if f.endswith(".pid")]
    # Ansible's ssh control masters of this run.
    cpdir = cfg.path("cp")
    if os.path.isdir(cpdir):
        for sock in os.listdir(cpdir):
            subprocess.run(["ssh", "-o", "ControlPath=" + os.path.join(cpdir, sock), "-O", "exit",
                            "kvm-lab"], capture_output=True, timeout=10, check=False)
    stopped = [n for n in sorted(set(names)) if stop_qemu(cfg, n)]
    if os.path.exists("/run/netns/" + cfg.netns):
        run(["ip", "netns", "del", cfg.netns])
    if os.path.isdir(cfg.run_dir):
        shutil.rmtree(cfg.run_dir)
    return stopped


def cmd_down(cfg):
    if os.geteuid() != 0:
        sys.exit("kvm-lab: run as root")
    t0 = time.monotonic()
    stopped = teardown(cfg)
    log("down in %.1f s (stopped: %s)" % (time.monotonic() - t0, ", ".join(stopped) or "nothing"))
    return 0


def cmd_status(cfg):
    """Exit status 0 only when every guest of the run is running."""
    state = load_state(cfg)
    print("run dir   %s (%s)" % (cfg.run_dir, "present" if state else "absent"))
    print("netns     %s: %s" % (cfg.netns, "present" if netns_exists(cfg.netns) else "absent"))
    if not state:
        for g in cfg.guests():
            print("%-8s  absent   ssh 127.0.0.1:%d  underlay %s" % (g["name"], g["port"], g["ip"]))
        return 1
    print("accel     %s (%s)" % (state["accel"], state["accel_evidence"]))
    print("inventory %s" % cfg.path("inventory.yml"))
    for g in state["guests"]:
        pid = pid_of(cfg, g["name"])
        rss = rss_kib(pid) if pid else None
        print("%-8s  %-7s  ssh 127.0.0.1:%d  underlay %s eth1  pid %s  rss %s MiB  "
              "boot->ssh %s s, booted %s s"
              % (g["name"], "running" if pid else "stopped", g["port"], g["cidr"], pid or "-",
                 rss // 1024 if rss else "-", g.get("boot_to_ssh_seconds", "-"),
                 g.get("boot_finished_seconds", "-")))
    return 0 if running(cfg, state) else 1


def guest_of(cfg, name):
    state = load_state(cfg)
    if not state:
        sys.exit("kvm-lab: not up (%s)" % cfg.run_dir)
    for g in state["guests"]:
        if g["name"] == name:
            return state, g
    sys.exit("kvm-lab: no guest %r (have %s)" % (name, ", ".join(g["name"] for g in state["guests"])))


def cmd_reboot(cfg, name):
    """Reboot from inside the guest (systemctl reboot); QEMU resets in place and
    boots the same kernel, command line and disk. Waits, bounded, for a new
    boot id over SSH and then for the boot to finish (OVS up)."""
    state, g = guest_of(cfg, name)
    before = ssh_run(cfg, g["port"], ["cat", "/proc/sys/kernel/random/boot_id"]).stdout.strip()
    t0 = time.monotonic()
    ssh_run(cfg, g["port"], ["systemctl", "reboot"], check=False, timeout=30)
    deadline = t0 + cfg.boot_timeout
    while time.monotonic() < deadline:
        if not pid_of(cfg, name):
            sys.exit("kvm-lab: %s: qemu exited during reboot\n%s" % (name, tail(cfg.path(name + ".console"))))
        if ssh_banner(g["port"]):
            res = ssh_run(cfg, g["port"], ["cat", "/proc/sys/kernel/random/boot_id"], check=False,
                          timeout=30)
            now = res.stdout.strip()
            if res.returncode == 0 and now and now != before:
                secs = round(time.monotonic() - t0, 1)
                done = wait_booted(cfg, {name: (g["port"], None, t0)}, cfg.boot_timeout)[name]
                g["reboot_to_ssh_seconds"] = secs
                g["reboot_finished_seconds"] = done
                save_state(cfg, state)
                log("%s: rebooted, ssh up after %.1f s, booted after %.1f s (boot id %s -> %s)"
                    % (name, secs, done, before[:8], now[:8]))
                return 0
        time.sleep(2)
    sys.exit("kvm-lab: %s: no ssh within %d s after reboot\n%s"
             % (name, cfg.boot_timeout, tail(cfg.path(name + ".console"))))


def cmd_ssh(cfg, name, command):
    _, g = guest_of(cfg, name)
    argv = ssh_base(cfg, g["port"])
    if command:
        argv += ["--"] + command   # run by the guest's shell, as ssh does
    os.execvp(argv[0], argv)


def cmd_probe(cfg):
    if os.geteuid() != 0:
        sys.exit("kvm-lab: run as root")
    image = build_image()
    os.makedirs(cfg.run_dir, exist_ok=True)
    try:
        pub = make_key(cfg)
        accel, evidence = choose_accel(cfg, image, pub, force_probe=True)
    finally:
        if not load_state(cfg):  # a probe alone leaves nothing behind
            shutil.rmtree(cfg.run_dir, ignore_errors=True)
    print("%s (%s)" % (accel, evidence))
    return 0


USAGE = """usage: scripts/kvm-lab.sh up|down|status|reboot NAME|ssh NAME [CMD...]|probe|inventory
env: KVM_HOSTS (2) KVM_OUTSIDE (1) KVM_PREFIX (ovk) KVM_SUBNET (192.168.244.0/24)
     KVM_SSH_PORT_BASE (10220: outside=BASE, hostN=BASE+N) KVM_MEMORY (512)
     KVM_OUTSIDE_MEMORY (256) KVM_CPUS (1) KVM_ACCEL (auto|kvm|tcg)
     KVM_PROBE_TIMEOUT (40) KVM_BOOT_TIMEOUT (420) KVM_RUN_DIR OVL_CACHE_DIR"""


def main(argv):
    cfg = Config()
    if not argv:
        print(USAGE, file=sys.stderr)
        return 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "status":
        return cmd_status(cfg)
    if cmd == "inventory":
        print(cfg.path("inventory.yml"))
        return 0 if os.path.exists(cfg.path("inventory.yml")) else 1
    if cmd == "ssh" and rest:
        return cmd_ssh(cfg, rest[0], rest[1:])
    with lab_lock(cfg):
        if cmd == "up" and not rest:
            return cmd_up(cfg)
        if cmd == "down" and not rest:
            return cmd_down(cfg)
        if cmd == "reboot" and len(rest) == 1:
            return cmd_reboot(cfg, rest[0])
        if cmd == "probe" and not rest:
            return cmd_probe(cfg)
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (LabError, subprocess.TimeoutExpired) as exc:
        sys.exit("kvm-lab: %s" % exc)
