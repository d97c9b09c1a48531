#!/usr/bin/env python3
"""Lab only: the operator's containers on a lab host with a Docker engine
(issue 21). Runs on the host (its own python3, argv lists only):

    containers.py up SPEC_JSON      [{name, tenant, ip (or null: the host's range)}]
    containers.py rm NAME...
    containers.py plugin-restart    the plugin stopped and started again, as a
                                    supervisor would (the lab has no systemd)

``up``: each container runs (``docker run -d --init --restart always --network
TENANT [--ip A] ovl-busybox:lab``, the image imported from busybox-static
first when the engine lacks it); one that exists must be running already
(a restart, of the container, of dockerd, of the plugin or of the host,
brought it back by itself: ``up`` never starts it, it fails naming its
state), and its network namespace is attached by its name (``ip netns
attach``; again each time: a restart gives it a new one), so the verify
probes it as it probes a namespace endpoint. Prints [{name, tenant, ip,
netns}] with the address Docker (our IPAM) gave it."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

IMAGE = 'ovl-busybox:lab'
APPLETS = ('sh', 'sleep', 'cat', 'ip', 'ping', 'nc', 'httpd', 'ifconfig', 'hostname')
WAIT_RUNNING = 60     # seconds; a host that just booted under TCG is slow


def run(argv, check=True):
    proc = subprocess.run(argv, capture_output=True, text=True)
    if check and proc.returncode != 0:
        sys.exit('%s: %s' % (' '.join(argv), proc.stderr.strip() or proc.stdout.strip()))
    return proc


def state(name):
    proc = run(['docker', 'inspect', '--format', '{{json .State}}', name], check=False)
    return json.loads(proc.stdout) if proc.returncode == 0 else None


def image():
    """The lab's image, from the host's busybox-static (no registry)."""
    if run(['docker', 'image', 'inspect', IMAGE], check=False).returncode == 0:
        return
    root = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(root, 'bin'))
        os.makedirs(os.path.join(root, 'tmp'))
        shutil.copy('/bin/busybox', os.path.join(root, 'bin', 'busybox'))
        for applet in APPLETS:
            os.symlink('busybox', os.path.join(root, 'bin', applet))
        tar = subprocess.Popen(['tar', '-C', root, '-c', '.'], stdout=subprocess.PIPE)
        proc = subprocess.run(['docker', 'import', '-c', 'CMD ["sleep", "infinity"]', '-',
                               IMAGE], stdin=tar.stdout, capture_output=True, text=True)
        tar.stdout.close()
        if tar.wait() != 0 or proc.returncode != 0:
            sys.exit('docker import %s: %s' % (IMAGE, proc.stderr.strip()))
    finally:
        shutil.rmtree(root)


def up(spec):
    out = []
    if spec:
        image()
    for item in spec:
        name = item['name']
        if state(name) is None:
            argv = ['docker', 'run', '-d', '--init', '--restart', 'always', '--name', name,
                    '--network', item['tenant']]
            if item.get('ip'):
                argv += ['--ip', item['ip']]
            run(argv + [IMAGE])
        deadline = time.monotonic() + WAIT_RUNNING
        while True:
            have = state(name)
            if have and have.get('Running') and have.get('Pid'):
                break
            if time.monotonic() > deadline:
                sys.exit('%s does not run (nobody starts it here: it must have come back by '
                         'itself): %s' % (name, json.dumps(have)))
            time.sleep(0.2)
        nets = json.loads(run(['docker', 'inspect', '--format',
                               '{{json .NetworkSettings.Networks}}', name]).stdout)
        address = (nets.get(item['tenant']) or {}).get('IPAddress')
        if not address:
            sys.exit('%s has no address on network %s: %s' % (name, item['tenant'], nets))
        run(['ip', 'netns', 'delete', name], check=False)
        run(['ip', 'netns', 'attach', name, str(have['Pid'])])
        out.append(dict(name=name, tenant=item['tenant'], ip=address, netns=name))
    return out


def plugin_restart(pidfile='/run/ovl/docker-plugin.pid'):
    with open(pidfile) as handle:
        pid = int(handle.read())
    with open('/proc/%d/cmdline' % pid, 'rb') as handle:
        argv = [a.decode() for a in handle.read().split(b'\0') if a]
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not os.path.exists('/proc/%d' % pid) or not open('/proc/%d/cmdline' % pid).read():
            break
        time.sleep(0.1)
    else:
        sys.exit('the plugin (pid %d) did not stop' % pid)
    with open('/var/log/ovl-docker-plugin.log', 'ab') as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, cwd='/')
    with open(pidfile, 'w') as handle:
        handle.write('%d\n' % proc.pid)
    sock = argv[argv.index('--socket') + 1]
    for _ in range(100):
        if os.path.exists(sock):
            return [dict(stopped=pid, started=proc.pid)]
        time.sleep(0.1)
    sys.exit('the plugin did not come back on %s' % sock)


def rm(names):
    for name in names:
        run(['ip', 'netns', 'delete', name], check=False)
        run(['docker', 'rm', '-f', name], check=False)
    return []


if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in ('up', 'rm', 'plugin-restart'):
        sys.exit(__doc__)
    if sys.argv[1] == 'up':
        result = up(json.loads(sys.argv[2]))
    elif sys.argv[1] == 'rm':
        result = rm(sys.argv[2:])
    else:
        result = plugin_restart()
    print(json.dumps(result))
