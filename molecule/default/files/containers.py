#!/usr/bin/env python3
"""Lab only: the operator's containers on a lab host with a Docker engine
(issue 21). Runs on the host (its own python3, argv lists only):

    containers.py up SPEC_JSON      [{name, tenant, ip (or null: the host's range)}]
    containers.py rm NAME...

``up``: each container runs (``docker run -d --restart always --network
TENANT [--ip A] ovl-busybox:lab``, or ``docker start`` when it exists and is
stopped), and its network namespace is attached by its name (``ip netns
attach``; again each time: a restart gives it a new one), so the verify
probes it as it probes a namespace endpoint. Prints [{name, tenant, ip,
netns}] with the address Docker (our IPAM) gave it."""
import json
import subprocess
import sys
import time

IMAGE = 'ovl-busybox:lab'


def run(argv, check=True):
    proc = subprocess.run(argv, capture_output=True, text=True)
    if check and proc.returncode != 0:
        sys.exit('%s: %s' % (' '.join(argv), proc.stderr.strip() or proc.stdout.strip()))
    return proc


def state(name):
    proc = run(['docker', 'inspect', '--format', '{{json .State}}', name], check=False)
    return json.loads(proc.stdout) if proc.returncode == 0 else None


def up(spec):
    out = []
    for item in spec:
        name = item['name']
        have = state(name)
        if have is None:
            argv = ['docker', 'run', '-d', '--restart', 'always', '--name', name,
                    '--network', item['tenant']]
            if item.get('ip'):
                argv += ['--ip', item['ip']]
            run(argv + [IMAGE])
        elif not have.get('Running'):
            run(['docker', 'start', name])
        for _ in range(100):
            have = state(name)
            if have and have.get('Running') and have.get('Pid'):
                break
            time.sleep(0.1)
        else:
            sys.exit('%s does not run: %s' % (name, have))
        nets = json.loads(run(['docker', 'inspect', '--format',
                               '{{json .NetworkSettings.Networks}}', name]).stdout)
        address = (nets.get(item['tenant']) or {}).get('IPAddress')
        if not address:
            sys.exit('%s has no address on network %s: %s' % (name, item['tenant'], nets))
        run(['ip', 'netns', 'delete', name], check=False)
        run(['ip', 'netns', 'attach', name, str(have['Pid'])])
        out.append(dict(name=name, tenant=item['tenant'], ip=address, netns=name))
    return out


def rm(names):
    for name in names:
        run(['ip', 'netns', 'delete', name], check=False)
        run(['docker', 'rm', '-f', name], check=False)
    return []


if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in ('up', 'rm'):
        sys.exit(__doc__)
    result = up(json.loads(sys.argv[2])) if sys.argv[1] == 'up' else rm(sys.argv[2:])
    print(json.dumps(result))
