"""Runs inside a lab host (docker exec -i ... python3 floor_exec.py): reads
[[argv, stdin or null, netns or null], ...] as JSON on stdin and runs each in
order (argv lists, no shell), a step with a netns inside that namespace
(entered with setns(2) before the process starts, as the product does);
stops at the first failure. Prints {"secs", "processes", "per_tool":
{tool: seconds}} as JSON."""
import ctypes
import json
import os
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
home = os.open('/proc/self/ns/net', os.O_RDONLY)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns')


def run(argv, data, netns):
    if not netns:
        return subprocess.run(argv, input=data, capture_output=True, text=True)
    fd = os.open('/run/netns/' + netns, os.O_RDONLY)
    try:
        setns(fd)
    finally:
        os.close(fd)
    try:
        return subprocess.run(argv, input=data, capture_output=True, text=True)
    finally:
        setns(home)


def numbered(bridge, text):
    """The flows' port names as OpenFlow numbers (one dump-ports-desc): with
    names, ovs-ofctl looks every one up itself (28 s for 1000 flows here)."""
    desc = subprocess.run(['ovs-ofctl', 'dump-ports-desc', bridge], capture_output=True,
                          text=True, check=True).stdout
    ports = {}
    for line in desc.splitlines():
        line = line.strip()
        if '(' in line and '):' in line and line[0].isdigit():
            number, name = line.split('(', 1)
            ports[name.split(')', 1)[0]] = number
    out = []
    for flow in text.splitlines():
        parts = []
        for field in flow.split(','):
            key, _eq, value = field.partition('=')
            parts.append('%s=%s' % (key, ports[value]) if key == 'in_port' and value in ports
                         else field)
        out.append(','.join(parts))
    return '\n'.join(out) + '\n'


steps = json.load(sys.stdin)
per_tool = {}
t0 = time.monotonic()
for argv, data, netns in steps:
    s0 = time.monotonic()
    if argv[0] == 'ovs-ofctl' and 'add-flows' in argv:
        data = numbered(argv[argv.index('add-flows') + 1], data)
    res = run(argv, data, netns)
    if res.returncode != 0:
        sys.stderr.write('%s%s (rc=%d): %s\n' % ('[%s] ' % netns if netns else '', ' '.join(argv[:8]),
                                                res.returncode, res.stderr[-1000:]))
        sys.exit(1)
    tool = argv[0] + (' (in a namespace)' if netns else '')
    per_tool[tool] = per_tool.get(tool, 0.0) + time.monotonic() - s0
print(json.dumps({'secs': time.monotonic() - t0, 'processes': len(steps),
                  'per_tool': dict((k, round(v, 3)) for k, v in per_tool.items())}))
