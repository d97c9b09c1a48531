"""The forwarding layer of overlay_apply: pure plan, in-process writes."""
import os

from ansible.module_utils.ovl.core.files import read_text, write_file
from ansible.module_utils.ovl.host.forward import conf_with, plan_forward


def test_nothing_to_do_when_both_are_set():
    assert plan_forward('1\n', 'net.ipv4.ip_forward=1\n') == []


def test_live_value_then_boot_file():
    steps = plan_forward('0\n', None, conf='/x/60-overlay.conf')
    assert [s.argv for s in steps] == [['sysctl', '-w', 'net.ipv4.ip_forward=1'],
                                       ['tee', '/x/60-overlay.conf']]
    assert steps[1].stdin == 'net.ipv4.ip_forward=1\n'


def test_other_lines_of_the_file_are_kept():
    text = '# ours\nnet.ipv4.conf.all.rp_filter = 2\nnet.ipv4.ip_forward = 0\n'
    assert conf_with(text, 'net.ipv4.ip_forward', '1') == (
        '# ours\nnet.ipv4.conf.all.rp_filter = 2\nnet.ipv4.ip_forward=1\n')
    assert conf_with('# net.ipv4.ip_forward=0\n', 'net.ipv4.ip_forward', '1') == (
        '# net.ipv4.ip_forward=0\nnet.ipv4.ip_forward=1\n')


def test_write_is_atomic_and_readable(tmp_path):
    path = str(tmp_path / 'sysctl.d' / '60-overlay.conf')
    assert read_text(path) is None
    write_file(path, 'net.ipv4.ip_forward=1\n')
    assert read_text(path) == 'net.ipv4.ip_forward=1\n'
    assert oct(os.stat(path).st_mode & 0o777) == '0o644'
    assert os.listdir(os.path.dirname(path)) == ['60-overlay.conf']
