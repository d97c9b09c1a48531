"""Unit tests of molecule/default/files/vms.py (the lab's libvirt VM helper,
issue 22), pure python: the virt-install line (every offload off, the port
pinned by interface id and tap name, the console socket with its log), the
lease line's parsing, the spec's validation and the tap names."""
import importlib.util
import pathlib

import pytest

PATH = pathlib.Path(__file__).resolve().parents[2] / "molecule/default/files/vms.py"
spec = importlib.util.spec_from_file_location("ovl_lab_vms", PATH)
vms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(vms)

UUID = "5c2a9a4e-7a4e-4c55-9a56-0c7a1ef1e001"


@pytest.fixture
def item(tmp_path):
    kernel, initrd = tmp_path / "vmlinuz", tmp_path / "initrd.img"
    kernel.write_bytes(b"k")
    initrd.write_bytes(b"i")
    return {"name": "blue-vm1", "portgroup": "blue", "mac": "52:54:00:00:05:01",
            "iface_id": UUID, "token": "blue/blue-vm1", "kernel": str(kernel),
            "initrd": str(initrd)}


def option(argv, name):
    return argv[argv.index(name) + 1]


def test_virt_install_line(item):
    argv = vms.virt_install_argv(vms.validate(item, 0))
    assert argv[:3] == ["virt-install", "--connect", "qemu:///system"]
    assert option(argv, "--name") == "blue-vm1"
    assert option(argv, "--virt-type") == "qemu"
    assert option(argv, "--memory") == "192"
    assert "--import" in argv and "--noautoconsole" in argv
    assert option(argv, "--disk") == "none"
    network = option(argv, "--network").split(",")
    assert network[:6] == ["network=ovl", "portgroup=blue", "mac=52:54:00:00:05:01",
                           "model=virtio", "target.dev=vm-blue-vm1",
                           "virtualport.parameters.interfaceid=" + UUID]
    sets = sorted(n.split("=", 1)[1] for n in network if n.startswith("xpath"))
    host, guest = ("csum", "gso", "tso4", "tso6", "ecn", "ufo"), ("csum", "tso4", "tso6", "ecn", "ufo")
    want = sorted(["./driver/host/@%s=off" % o for o in host]
                  + ["./driver/guest/@%s=off" % o for o in guest])
    assert sets == want
    keys = [n.split(".", 1)[0] for n in network if n.startswith("xpath")]
    assert len(set(keys)) == len(keys), "each xpathN must be a distinct N"
    assert option(argv, "--serial") == (
        "unix,path=/run/ovl-lab/vm-blue-vm1.sock,mode=bind,"
        "log.file=/var/log/ovl-lab/vm-blue-vm1.log,log.append=on")
    boot = option(argv, "--boot")
    assert boot.startswith("kernel=%s,initrd=%s,kernel_args=" % (item["kernel"], item["initrd"]))
    assert boot.endswith("console=ttyS0 quiet panic=5 ovl.name=blue-vm1 ovl.token=blue/blue-vm1 "
                         "ovl.port=18080 ovl.bytes=0")
    assert option(argv, "--metadata") == "description=" + vms.MARK


@pytest.mark.parametrize("line, want", [
    ("ovl-vm: lease ip=10.0.0.21/24 router=10.0.0.1 mtu=1400\n",
     {"ip": "10.0.0.21", "prefix": 24, "router": "10.0.0.1", "mtu": 1400}),
    ("ovl-vm: lease ip=10.0.0.21/24 router= mtu=",
     {"ip": "10.0.0.21", "prefix": 24, "router": None, "mtu": None}),
    ("ovl-vm: no lease\n", None),
    ("", None),
    ("ovl-vm: lease ip= router= mtu=", None),
])
def test_parse_lease(line, want):
    assert vms.parse_lease(line) == want


@pytest.mark.parametrize("change, message", [
    ({"name": "bad name"}, "is not a VM name"),
    ({"mac": "52:54:00:00:05"}, "is not a MAC address"),
    ({"iface_id": "nope"}, "is not a UUID"),
    ({"token": "has space"}, "may not hold blanks"),
    ({"token": "a,b"}, "may not hold blanks, commas"),
    ({"port": 70000}, "is not a TCP port"),
    ({"kernel": "/nonexistent/vmlinuz"}, "scripts/vm-image.sh builds it"),
    ({"portgroup": None}, "portgroup is required"),
])
def test_validate_refuses(item, change, message):
    item.update(change)
    with pytest.raises(vms.Failure, match=message):
        vms.validate(item, 3)


def test_validate_defaults(item):
    got = vms.validate(dict(item, mac="52:54:00:00:05:0A", iface_id=UUID.upper()), 0)
    assert (got["mac"], got["iface_id"], got["network"], got["port"], got["bytes"], got["memory"]) \
        == ("52:54:00:00:05:0a", UUID, "ovl", 18080, 0, 192)


@pytest.mark.parametrize("name", ["a", "blue-vm1", "a-very-long-vm-name-indeed", "x" * 40])
def test_tap_name(name):
    tap = vms.tap_name(name)
    assert len(tap) <= 15
    assert not tap.startswith(("vnet", "vif", "macvtap"))
    assert tap == vms.tap_name(name)
