"""ovl.dhcp.read on a made-up /proc: servers found by their directory on the
command line (not by a pid file), the namespace judged by inode or, where
/proc/PID/ns is not readable, by the age of the namespace's marker."""
import os
import time

from ansible.module_utils.ovl.dhcp.read import read


def proc_entry(proc, pid, argv, started_ticks=0):
    d = proc / str(pid)
    d.mkdir()
    (d / 'cmdline').write_bytes(b'\0'.join(a.encode() for a in argv) + b'\0')
    fields = ['S'] + ['0'] * 18 + [str(started_ticks)] + ['0'] * 5
    (d / 'stat').write_text('%d (dnsmasq) %s\n' % (pid, ' '.join(fields)))


def test_servers_are_found_by_their_directory_and_judged_by_the_markers_age(tmp_path):
    root, proc, netns, marks = (tmp_path / n for n in ('dhcp', 'proc', 'netns', 'marks'))
    for d in (root / 'blue', proc, netns, marks):
        d.mkdir(parents=True)
    (root / 'blue' / 'hosts').write_text('x\n')
    here = str(root / 'blue') + '/'
    uptime = 1000.0
    (proc / 'uptime').write_text('%.2f 0\n' % uptime)
    hz = os.sysconf('SC_CLK_TCK')
    boot = time.time() - uptime
    proc_entry(proc, 40, ['/usr/sbin/dnsmasq', '--dhcp-hostsfile=%shosts' % here],
               started_ticks=int((time.time() - 100 - boot) * hz))
    proc_entry(proc, 41, ['/usr/sbin/dnsmasq', '--pid-file=%spid' % here],
               started_ticks=int((time.time() - 50 - boot) * hz))
    proc_entry(proc, 42, ['/usr/sbin/dnsmasq', '--pid-file=/elsewhere/pid'])
    (netns / 'ovr-blue').write_text('')
    (marks / 'ovr-blue').write_text('')
    os.utime(str(marks / 'ovr-blue'), (time.time() - 200, time.time() - 200))
    got = read(str(root), str(netns), {'blue': 'ovr-blue'}, str(marks), str(proc))
    assert got['blue']['pid'] == 40 and got['blue']['extra'] == [41]
    assert got['blue']['netns_ok'] is True and got['blue']['hosts'] == 'x\n'
    # the namespace made again after the server started: not the one it serves
    os.utime(str(marks / 'ovr-blue'), None)
    assert read(str(root), str(netns), {'blue': 'ovr-blue'}, str(marks), str(proc))[
        'blue']['netns_ok'] is False
