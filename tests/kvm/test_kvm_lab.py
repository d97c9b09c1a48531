"""Smoke check of the QEMU lab (scripts/kvm-lab.sh): real kernels, kernel OVS
datapath, kernel VXLAN and conntrack, Ansible over SSH, a reboot that keeps
the OVS database, and a `down` that leaves nothing behind.

Not part of `make unit` / `make functional` (they collect tests/unit, tests/lab
and tests/functional only). Run as root, it takes a few minutes under TCG:

    .venv/bin/pytest -q -s -p no:cacheprovider tests/kvm
    KVM_SMOKE_HOSTS=3 .venv/bin/pytest -q -s -p no:cacheprovider tests/kvm

It brings up its own lab (prefix ovksm, 192.168.245.0/24, ports 10320+) so a
lab of the default prefix is not touched, and takes it down at the end. The
figures (boot to SSH, memory, iperf3, up/down/reboot times) are printed and
written to .cache/kvm-smoke.json.
"""
import json
import os
import re
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(ROOT, "scripts", "kvm-lab.sh")
HOSTS = int(os.environ.get("KVM_SMOKE_HOSTS", "2"))
ENV = {"KVM_PREFIX": "ovksm", "KVM_SUBNET": "192.168.245.0/24", "KVM_SSH_PORT_BASE": "10320",
       "KVM_HOSTS": str(HOSTS), "KVM_OUTSIDE": "1"}
NET = "192.168.245."
FIGURES = {}

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the KVM lab needs root")


def lab_env():
    env = dict(os.environ)
    env.update(ENV)
    env["PATH"] = os.path.join(ROOT, ".venv", "bin") + os.pathsep + env.get("PATH", "")
    env["ANSIBLE_CONFIG"] = os.path.join(ROOT, "ansible.cfg")
    return env


def lab(*args, timeout=900):
    t0 = time.monotonic()
    res = subprocess.run([LAB, *args], env=lab_env(), capture_output=True, text=True,
                         timeout=timeout)
    sys.stdout.write(res.stdout)
    sys.stderr.write(res.stderr)
    return res, round(time.monotonic() - t0, 1)


@pytest.fixture(scope="module")
def kvm():
    os.environ.update(ENV)
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    import kvm_lab  # noqa: E402  (reads the environment set above)
    cfg = kvm_lab.Config()
    lab("down")
    res, secs = lab("up", timeout=1800)
    assert res.returncode == 0, res.stderr
    FIGURES["up_seconds"] = secs
    with open(cfg.path("state.json")) as fh:
        state = json.load(fh)
    yield kvm_lab, cfg, state
    res, secs = lab("down")
    FIGURES["down_seconds"] = secs
    assert res.returncode == 0, res.stderr
    leftovers = leftovers_of(cfg)
    FIGURES["down_leftovers"] = leftovers
    out = os.path.join(ROOT, ".cache", "kvm-smoke.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(FIGURES, fh, indent=1, sort_keys=True)
    print("\nkvm smoke figures (%s):\n%s" % (out, json.dumps(FIGURES, indent=1, sort_keys=True)))
    assert leftovers == [], leftovers


def leftovers_of(cfg):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as fh:
                if cfg.run_dir.encode() in fh.read():
                    found.append("process %s" % pid)
        except OSError:
            pass
    if os.path.exists("/run/netns/" + cfg.netns):
        found.append("netns " + cfg.netns)
    if os.path.exists(cfg.run_dir):
        found.append("run dir " + cfg.run_dir)
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    found += ["link " + m for m in re.findall(r"^\d+: (tap-[^:@]+)", links, re.M)]
    for g in cfg.guests():
        if not _port_free(g["port"]):
            found.append("port %d" % g["port"])
    return found


def _port_free(port):
    import socket
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def sh(kvm, name, argv, timeout=120, check=True):
    kvm_lab, cfg, state = kvm
    port = next(g["port"] for g in state["guests"] if g["name"] == name)
    return kvm_lab.ssh_run(cfg, port, argv, timeout=timeout, check=check)


def hosts(state):
    return [g for g in state["guests"] if g["role"] == "host"]


def test_up_records_accel_and_boot_times(kvm):
    _, cfg, state = kvm
    assert state["accel"] in ("kvm", "tcg")
    with open(cfg.path("accel")) as fh:
        assert fh.readline().strip() == state["accel"]
    FIGURES["accel"] = state["accel"]
    FIGURES["accel_evidence"] = state["accel_evidence"]
    FIGURES["image_step_seconds"] = state["image_seconds"]
    FIGURES["boot_to_ssh_seconds"] = {g["name"]: g["boot_to_ssh_seconds"] for g in state["guests"]}
    FIGURES["boot_finished_seconds"] = {g["name"]: g["boot_finished_seconds"]
                                        for g in state["guests"]}
    assert [g["name"] for g in state["guests"]] == ["host%d" % i for i in range(1, HOSTS + 1)] + ["outside"]


def test_ansible_ping_over_openssh_with_the_run_key(kvm):
    _, cfg, state = kvm
    inv = cfg.path("inventory.yml")
    env = lab_env()
    res = subprocess.run(["ansible-inventory", "-i", inv, "--host", "host1"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    hv = json.loads(res.stdout)
    assert hv["ansible_connection"] == "ssh"
    assert hv["ansible_host"] == "127.0.0.1" and hv["ansible_user"] == "root"
    assert hv["ansible_ssh_private_key_file"] == cfg.path("id_ed25519")
    assert "overlay_underlay_interface" not in hv
    t0 = time.monotonic()
    res = subprocess.run(["ansible", "all", "-i", inv, "-m", "ping"], env=env,
                         capture_output=True, text=True, timeout=300)
    FIGURES["ansible_ping_all_seconds"] = round(time.monotonic() - t0, 1)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.count("SUCCESS") == len(state["guests"]), res.stdout
    res = subprocess.run(["ansible", "overlay_hosts", "-i", inv, "-m", "ansible.builtin.setup",
                          "-a", "filter=ansible_hostname"], env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    for g in hosts(state):
        assert re.search(r'"?ansible_hostname"?: "?%s"?\n' % g["name"], res.stdout), res.stdout


def test_guests_have_no_route_out(kvm):
    _, _, state = kvm
    for g in state["guests"]:
        routes = sh(kvm, g["name"], ["ip", "-4", "route", "show", "default"]).stdout.strip()
        assert routes == "", (g["name"], routes)


def test_underlay_ping_between_all_guests(kvm):
    _, _, state = kvm
    for src in state["guests"]:
        for dst in state["guests"]:
            if src is dst:
                continue
            res = sh(kvm, src["name"], ["ping", "-c", "2", "-W", "3", "-I", "eth1", dst["ip"]],
                     check=False)
            assert res.returncode == 0, (src["name"], dst["name"], res.stdout)


def test_kernel_ovs_datapath(kvm):
    _, _, state = kvm
    for g in hosts(state):
        sh(kvm, g["name"], ["modprobe", "openvswitch"])
        sh(kvm, g["name"], ["ovs-vsctl", "--may-exist", "add-br", "br0", "--", "set", "bridge",
                            "br0", "datapath_type=system"])
        out = sh(kvm, g["name"], ["ovs-dpctl", "show"]).stdout
        assert "system@ovs-system" in out and "br0 (internal)" in out, out
        assert "openvswitch" in sh(kvm, g["name"], ["lsmod"]).stdout


def test_kernel_vxlan_between_host1_and_host2(kvm):
    _, _, state = kvm
    h1, h2 = hosts(state)[:2]
    for me, peer, addr in ((h1, h2, "10.42.0.1/24"), (h2, h1, "10.42.0.2/24")):
        sh(kvm, me["name"], ["ip", "link", "add", "vx42", "type", "vxlan", "id", "42", "remote",
                             peer["ip"], "dstport", "4789", "dev", "eth1"])
        sh(kvm, me["name"], ["ip", "addr", "add", addr, "dev", "vx42"])
        sh(kvm, me["name"], ["ip", "link", "set", "vx42", "up"])
    res = sh(kvm, h1["name"], ["ping", "-c", "3", "-W", "3", "10.42.0.2"], check=False)
    assert res.returncode == 0, res.stdout
    # TCP across the tunnel too (ping can pass while TCP is broken).
    sh(kvm, h2["name"], ["iperf3", "-s", "-1", "-D", "-B", "10.42.0.2"])
    time.sleep(1)
    out = sh(kvm, h1["name"], ["iperf3", "-J", "-t", "3", "-c", "10.42.0.2"], timeout=60).stdout
    FIGURES["iperf3_vxlan_host1_host2_mbit"] = round(
        json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e6)
    for g in (h1, h2):
        sh(kvm, g["name"], ["ip", "link", "del", "vx42"])


CT_CLIENT = """
import socket, sys
s = socket.create_connection((sys.argv[1], 8080), 5)
s.sendall(b"HELLO kvm-smoke\\n")
print(s.recv(64).decode().strip())
"""


def test_kernel_conntrack_snat_to_outside(kvm):
    """A namespace on host1 behind MASQUERADE reaches outside; the kernel
    conntrack table holds the translated flow and outside sees host1's address."""
    _, _, state = kvm
    h1 = hosts(state)[0]
    outside = next(g for g in state["guests"] if g["role"] == "outside")
    run = lambda argv: sh(kvm, h1["name"], argv)  # noqa: E731
    run(["ip", "netns", "add", "ct"])
    run(["ip", "link", "add", "ct0", "type", "veth", "peer", "name", "ct1", "netns", "ct"])
    run(["ip", "addr", "add", "10.99.0.1/24", "dev", "ct0"])
    run(["ip", "link", "set", "ct0", "up"])
    run(["ip", "-n", "ct", "addr", "add", "10.99.0.2/24", "dev", "ct1"])
    run(["ip", "-n", "ct", "link", "set", "ct1", "up"])
    run(["ip", "-n", "ct", "route", "add", "default", "via", "10.99.0.1"])
    run(["sysctl", "-qw", "net.ipv4.ip_forward=1"])
    run(["iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "10.99.0.0/24", "-o", "eth1",
         "-j", "MASQUERADE"])
    res = run(["ip", "netns", "exec", "ct", "python3", "-c", CT_CLIENT, outside["ip"]])
    assert res.stdout.strip() == "outside", res.stdout
    # A netlink dump (conntrack -L): reading /proc/net/nf_conntrack in pages
    # skips entries when earlier ones expire meanwhile (TIME_WAIT of ssh).
    table = run(["conntrack", "-L", "-p", "tcp", "--orig-src", "10.99.0.2",
                 "--orig-port-dst", "8080"]).stdout
    want = re.compile(r"src=10\.99\.0\.2 dst=%s .*dport=8080 .*src=%s dst=%s "
                      % (re.escape(outside["ip"]), re.escape(outside["ip"]), re.escape(h1["ip"])))
    assert want.search(table), table
    seen = sh(kvm, "outside", ["cat", "/var/log/ovl-listener.log"]).stdout
    recs = [json.loads(x) for x in seen.splitlines() if x.strip()]
    assert any(r.get("hello") == "kvm-smoke" and r["src"] == h1["ip"] for r in recs), recs
    run(["iptables", "-t", "nat", "-D", "POSTROUTING", "-s", "10.99.0.0/24", "-o", "eth1",
         "-j", "MASQUERADE"])
    run(["ip", "netns", "del", "ct"])


def test_iperf3_underlay_host1_to_host2(kvm):
    _, _, state = kvm
    h1, h2 = hosts(state)[:2]
    sh(kvm, h2["name"], ["iperf3", "-s", "-1", "-D", "-B", h2["ip"]])
    time.sleep(1)
    out = sh(kvm, h1["name"], ["iperf3", "-J", "-t", "5", "-c", h2["ip"]], timeout=60).stdout
    mbit = json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e6
    FIGURES["iperf3_underlay_host1_host2_mbit"] = round(mbit)
    assert mbit > 10


def test_reboot_keeps_disk_and_ovs_database(kvm):
    _, cfg, state = kvm
    sh(kvm, "host1", ["ovs-vsctl", "--may-exist", "add-br", "test0"])
    before = sh(kvm, "host1", ["cat", "/proc/sys/kernel/random/boot_id"]).stdout.strip()
    res, secs = lab("reboot", "host1", timeout=900)
    assert res.returncode == 0, res.stderr
    FIGURES["reboot_host1_seconds"] = secs
    # The per-run known_hosts has host1's key from before: accept-new would
    # refuse a changed key, so these logins also show the disk is the same.
    after = sh(kvm, "host1", ["cat", "/proc/sys/kernel/random/boot_id"]).stdout.strip()
    assert after and after != before
    sh(kvm, "host1", ["ovs-vsctl", "--timeout=30", "br-exists", "test0"])
    out = sh(kvm, "host1", ["ovs-dpctl", "show"]).stdout
    assert "test0 (internal)" in out and "br0 (internal)" in out, out
    assert sh(kvm, "host1", ["hostname"]).stdout.strip() == "host1"
    assert NET + "11/24" in sh(kvm, "host1", ["ip", "-4", "-o", "addr", "show", "eth1"]).stdout
    res = subprocess.run(["ansible", "host1", "-i", cfg.path("inventory.yml"), "-m", "ping"],
                         env=lab_env(), capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    res = sh(kvm, "host1", ["ping", "-c", "2", "-W", "3", NET + "12"], check=False)
    assert res.returncode == 0, res.stdout


def test_ansible_reboot_module(kvm):
    """The Ansible side of a reboot (ansible.builtin.reboot over OpenSSH)."""
    _, cfg, state = kvm
    name = hosts(state)[-1]["name"]
    before = sh(kvm, name, ["cat", "/proc/sys/kernel/random/boot_id"]).stdout.strip()
    t0 = time.monotonic()
    res = subprocess.run(["ansible", name, "-i", cfg.path("inventory.yml"), "-m",
                          "ansible.builtin.reboot", "-a", "reboot_timeout=600"],
                         env=lab_env(), capture_output=True, text=True, timeout=900)
    FIGURES["ansible_reboot_%s_seconds" % name] = round(time.monotonic() - t0, 1)
    assert res.returncode == 0, res.stdout + res.stderr
    assert sh(kvm, name, ["cat", "/proc/sys/kernel/random/boot_id"]).stdout.strip() != before
    # The module returns once SSH answers; OVS may still be starting.
    state_now = sh(kvm, name, ["timeout", "300", "systemctl", "is-system-running", "--wait"],
                   timeout=330, check=False).stdout.strip()
    FIGURES["ansible_reboot_%s_booted_seconds" % name] = round(time.monotonic() - t0, 1)
    assert state_now == "running", state_now
    sh(kvm, name, ["ovs-vsctl", "--timeout=30", "br-exists", "br0"])


def test_memory_per_guest(kvm):
    kvm_lab, cfg, state = kvm
    mem = {}
    for g in state["guests"]:
        pid = kvm_lab.pid_of(cfg, g["name"])
        used = sh(kvm, g["name"], ["free", "-m"]).stdout.splitlines()[1].split()
        mem[g["name"]] = {"qemu_rss_mib": kvm_lab.rss_kib(pid) // 1024, "guest_ram_mib": g["memory"],
                          "guest_used_mib": int(used[2])}
    FIGURES["memory"] = mem
    status, _ = lab("status")
    assert status.returncode == 0
