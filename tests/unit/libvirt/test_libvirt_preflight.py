"""The libvirt layer's preflight (issue 22): libvirtd must answer, and a
network of our name must be ours (its marker) or absent; nothing is asked
on a host without VM endpoints. The runner is a stand-in that answers as
virsh does (no libvirtd in unit tests)."""
from ansible.module_utils.ovl.libvirt.network import xml
from ansible.module_utils.ovl.libvirt.preflight import libvirt_problems


class Virsh(object):
    def __init__(self, rc=0, out='', err=''):
        self.answer, self.calls = (rc, out, err), []

    def run(self, argv):
        self.calls.append(argv)
        return self.answer


def test_a_host_without_vms_is_not_asked(tmp_path):
    runner = Virsh()
    assert libvirt_problems(runner, None, 'host1', '/usr/bin/virsh', str(tmp_path)) == []
    assert runner.calls == []


def test_libvirtd_not_answering_is_named(tmp_path):
    runner = Virsh(1, '', 'error: failed to connect to the hypervisor\n')
    problems = libvirt_problems(runner, 'ovl', 'host1', '/usr/bin/virsh', str(tmp_path))
    assert problems and problems[0].startswith('host1: libvirtd does not answer on qemu:///system')
    assert 'systemctl start libvirtd' in problems[0]


def test_an_absent_network_or_ours_is_fine(tmp_path):
    absent = Virsh(1, '', "error: Network not found: no network with matching name 'ovl'\n")
    assert libvirt_problems(absent, 'ovl', 'host1', '/usr/bin/virsh', str(tmp_path)) == []
    (tmp_path / 'ovl.xml').write_text(xml('ovl', 'br-int', {'blue': 1}))
    ours = Virsh(0, xml('ovl', 'br-int', {'blue': 1}))
    assert libvirt_problems(ours, 'ovl', 'host1', '/usr/bin/virsh', str(tmp_path)) == []


def test_a_network_of_our_name_that_we_did_not_make_is_refused(tmp_path):
    theirs = Virsh(0, "<network><name>ovl</name><forward mode='nat'/></network>")
    problems = libvirt_problems(theirs, 'ovl', 'host1', '/usr/bin/virsh', str(tmp_path))
    assert problems == [
        'host1: overlay_libvirt_network: the libvirt network ovl exists and was not made by this '
        'project (no %s/ovl.xml): name another one, or remove it (virsh net-undefine ovl)'
        % tmp_path]
