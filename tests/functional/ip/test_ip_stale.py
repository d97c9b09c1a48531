"""A stale /run/netns entry (what `docker restart` of a lab host leaves: the
file stays, no namespace is mounted on it) of one of our namespaces is seen
as missing and recreated with its links; a foreign stale entry is refused."""
import os
import subprocess
import time

import ip_state
from ansible.module_utils.ovl.core.netns import list_netns
from fixtures.netns import sh
from modrun import run_module


def make_stale(name):
    subprocess.run(['umount', '/run/netns/' + name], check=True)
    assert os.path.exists('/run/netns/' + name)


def test_our_stale_namespace_is_recreated(make_netns, tmp_path):
    host = make_netns('tst')
    ep = 'tsq%d' % (os.getpid() % 10000)
    args = dict(owner='s%d' % (os.getpid() % 10000), mark_dir=str(tmp_path), prune=True,
                namespaces=[dict(name=host), dict(name=ep)],
                links=[dict(name='ove1', kind='veth', peer='eth0', netns=host, peer_netns=ep)],
                addresses=[dict(netns=ep, dev='eth0', address='10.3.0.2/24')])
    try:
        assert not run_module(ip_state, args)['failed']
        make_stale(ep)
        assert ep in list_netns()[1] and ep not in list_netns()[0]
        # the kernel frees the namespace, and with it the veth's other end,
        # asynchronously (cleanup_net): wait until the host end is gone too,
        # as it is after a restart (seen under load: the read still saw ove1)
        for _ in range(100):
            if 'ove1' not in sh('ip', '-n', host, '-o', 'link', 'show'):
                break
            time.sleep(0.1)
        again = run_module(ip_state, args)
        assert not again['failed'], again['msg']
        # (its marker is written again first, then the stale entry goes and the namespace is made)
        made = [c for c in again['commands'] if c[:2] == ['ip', 'netns']]
        assert made[:2] == [['ip', 'netns', 'del', ep], ['ip', 'netns', 'add', ep]]
        assert ep in list_netns()[0]
        assert '10.3.0.2/24' in sh('ip', '-n', ep, '-o', 'addr', 'show', 'dev', 'eth0')
        assert run_module(ip_state, args)['changed'] is False
    finally:
        subprocess.run(['ip', 'netns', 'del', ep], capture_output=True)


def test_a_foreign_stale_entry_is_not_touched(make_netns, tmp_path):
    name = make_netns('tsx')
    make_stale(name)
    result = run_module(ip_state, dict(mark_dir=str(tmp_path), namespaces=[dict(name=name)]))
    assert result['failed'] and 'is not ours' in result['msg']
    assert os.path.exists('/run/netns/' + name)
