"""Injection: nothing a tenant file, a variable or a module argument holds can
run anything.

1. The code: every process is started from an argv list, never through a
   shell (an AST scan of every Python file the product, its lab and its tools
   run, and of every playbook task).
2. The one place processes start (``Runner``/``Step``) refuses a string.
3. Every module, given a name or value with shell metacharacters, or with a
   newline that would add a line to what it feeds on stdin (``ip -batch``,
   ``iptables-restore``, ``nft -f``, ``ovs-ofctl --bundle``), fails naming the
   field and value and starts no process at all.
The tenant files and variables with such names are refused by a real
``ansible-playbook site.yml`` in tests/functional/site/test_site_injection.py.
"""
import ast
import glob
import os

import pytest
import yaml

from ansible.module_utils.ovl.core import runner as ovl_runner
from ansible.module_utils.ovl.core.step import step
import ip_address
import ip_link
import ip_move_address
import ip_route
import ip_state
import nat_state
import netns
import ovs_bridge
import ovs_flows
import ovs_port
import ovs_state
import ovs_tunnel
import overlay_announce
import snat
from modrun import run_module

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SKIP_DIRS = ('.venv', '.git', '.cache', 'tests/unit', 'node_modules')
# calls that start a process: their first argument must not be a string
STARTERS = {'run', 'Popen', 'call', 'check_call', 'check_output', 'run_command', 'spawn',
            'check', 'run_in', 'execv', 'execvp', 'execve'}
FORBIDDEN = {('os', 'system'), ('os', 'popen'), ('subprocess', 'getoutput'),
             ('subprocess', 'getstatusoutput'), ('os', 'spawnl'), ('os', 'spawnlp'),
             ('pty', 'spawn'), ('commands', 'getoutput')}
SHELL_MODULES = {'shell', 'ansible.builtin.shell', 'raw', 'ansible.builtin.raw', 'script',
                 'ansible.builtin.script', 'ansible.builtin.expect', 'expect'}
COMMAND_MODULES = {'command', 'ansible.builtin.command'}


def python_files():
    found = []
    for path in glob.glob(os.path.join(ROOT, '**', '*.py'), recursive=True):
        rel = os.path.relpath(path, ROOT)
        if not rel.startswith(SKIP_DIRS):
            found.append(rel)
    return sorted(found)


def stringy(node):
    """True for an expression that is plainly a string: a literal, an
    f-string, '...' % x, '...' + x or '...'.format(x)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return stringy(node.left) or stringy(node.right)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ('format', 'join') and stringy(node.func.value)):
        return True
    return False


def shell_uses(source, name='<test>'):
    """[(line, what)] of every way *source* could start a shell."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg in ('shell', 'use_unsafe_shell') and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is False):
                found.append((node.lineno, '%s=%s' % (kw.arg, ast.unparse(kw.value))))
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if (func.value.id, func.attr) in FORBIDDEN:
                found.append((node.lineno, '%s.%s' % (func.value.id, func.attr)))
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, 'id', '')
        if called in STARTERS and node.args and stringy(node.args[0]):
            found.append((node.lineno, '%s(<string>)' % called))
    return found


def test_the_scan_finds_each_way_to_a_shell():
    """The scan itself, on code that does each forbidden thing."""
    bad = '\n'.join([
        'subprocess.run("ip link", shell=True)',
        'subprocess.Popen(["ip"], shell=flag)',
        'os.system("ip link")',
        'os.popen("ip")',
        'module.run_command("ovs-vsctl " + name)',
        'module.run_command(["ovs-vsctl", name], use_unsafe_shell=True)',
        'runner.check("ip link del %s" % name)',
        'subprocess.check_output(f"ip {x}")',
        'spawn("ip {}".format(x))',
    ])
    assert sorted(set(line for line, _ in shell_uses(bad))) == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    good = 'subprocess.run(["ip", "link"], shell=False)\nrunner.check(["ip"] + args)\n'
    assert shell_uses(good) == []


def test_no_python_file_starts_a_shell():
    files = python_files()
    assert any(f.startswith('library/') for f in files) and any(
        f.startswith('module_utils/ovl/core/') for f in files)
    found = {}
    for rel in files:
        with open(os.path.join(ROOT, rel), encoding='utf-8') as handle:
            uses = shell_uses(handle.read(), rel)
        if uses:
            found[rel] = uses
    assert found == {}


def yaml_tasks(node):
    if isinstance(node, list):
        for item in node:
            for task in yaml_tasks(item):
                yield task
    elif isinstance(node, dict):
        if any(k in node for k in ('name', 'block')) or set(node) & (SHELL_MODULES | COMMAND_MODULES):
            yield node
        for key in ('tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always'):
            if key in node:
                for task in yaml_tasks(node[key]):
                    yield task


def playbook_files():
    found = []
    for pattern in ('site.yml', 'playbooks/**/*.yml', 'roles/**/*.yml', 'molecule/**/*.yml',
                    'bench/**/*.yml'):
        found += glob.glob(os.path.join(ROOT, pattern), recursive=True)
    return sorted(set(found))


def test_no_task_runs_a_shell_and_commands_are_argv():
    files = playbook_files()
    assert len(files) > 20
    found = []
    for path in files:
        with open(path, encoding='utf-8') as handle:
            try:
                data = yaml.safe_load(handle)
            except yaml.YAMLError:
                continue        # molecule.yml with ${VAR} templates parses; others are data
        for task in yaml_tasks(data):
            rel = os.path.relpath(path, ROOT)
            for key in set(task) & SHELL_MODULES:
                found.append((rel, task.get('name'), key))
            for key in set(task) & COMMAND_MODULES:
                args = task[key]
                if not (isinstance(args, dict) and 'argv' in args and 'cmd' not in args):
                    found.append((rel, task.get('name'), '%s without argv' % key))
    assert found == []


@pytest.mark.parametrize('argv', ['ip link', 'ovs-vsctl show; touch /tmp/x', b'ip'])
def test_the_one_step_and_the_runner_refuse_a_string(argv):
    with pytest.raises(TypeError):
        step(argv)

    class Module(object):
        @staticmethod
        def get_bin_path(name, required=False):
            return '/bin/' + name
    started = []
    real = ovl_runner.spawn
    ovl_runner.spawn = lambda *a, **k: started.append(a)
    try:
        with pytest.raises(TypeError):
            ovl_runner.Runner(Module()).run(argv)
        with pytest.raises(TypeError):
            ovl_runner.Runner(Module()).check(argv)
    finally:
        ovl_runner.spawn = real
    assert started == []


# Each value would run `touch` (or add a line to a stdin payload) were it
# given to a shell or pasted into a batch.
POISON = ['x;touch /tmp/ovl-canary', 'x$(touch /tmp/ovl-canary)', 'x`touch /tmp/ovl-canary`',
          'x|touch', 'x&&touch', 'x\ntouch', "x'y", 'x"y', 'x y', 'x>y', 'x\x00y']
VETH = dict(name='ove1', kind='veth', peer='eth0', peer_netns='ep', mtu=1450, tx_offload=False)
BLUE = dict(id='blue', source='10.0.0.0/24', out_interface='qg0', netns='ovr-blue')
PORT = dict(bridge='br-int', name='p1', type='vxlan', remote_ip='192.0.2.2', key='100')
FLOW = dict(table=0, priority=1, match='in_port=1', actions='drop')
NATNS = dict(netns='ovr-blue', snat=[dict(id='blue', source='10.0.0.0/24', out_interface='qg0')],
             block_inbound=[dict(id='blue', in_interface='qg0')])
# (module, args with the value at BAD, the field the message must name)
CASES = [
    (netns, lambda b: dict(name=b), 'name'),
    (ip_link, lambda b: dict(VETH, name=b), 'name'),
    (ip_link, lambda b: dict(VETH, peer=b), 'peer'),
    (ip_link, lambda b: dict(VETH, peer_netns=b), 'peer_netns'),
    (ip_link, lambda b: dict(VETH, netns=b), 'netns'),
    (ip_link, lambda b: dict(VETH, owner=b), 'owner'),
    (ip_address, lambda b: dict(netns=b, dev='eth0', address=['10.0.0.2/24']), 'netns'),
    (ip_address, lambda b: dict(netns='ep', dev=b, address=['10.0.0.2/24']), 'dev'),
    (ip_address, lambda b: dict(netns='ep', dev='eth0', address=[b]), 'address'),
    (ip_route, lambda b: dict(netns=b, dst='default', via='10.0.0.1'), 'netns'),
    (ip_route, lambda b: dict(netns='ep', dst=b, via='10.0.0.1'), 'dst'),
    (ip_route, lambda b: dict(netns='ep', dst='default', via=b), 'via'),
    (ip_route, lambda b: dict(netns='ep', dst='default', dev=b), 'dev'),
    (ip_move_address, lambda b: dict(address='192.0.2.1', dev=b), 'dev'),
    (ip_move_address, lambda b: dict(address=b, dev='br-phy'), 'address'),
    (ip_state, lambda b: dict(namespaces=[dict(name=b)]), 'name'),
    (ip_state, lambda b: dict(links=[dict(VETH, name=b)]), 'name'),
    (ip_state, lambda b: dict(links=[dict(VETH, peer_netns=b)]), 'peer_netns'),
    (ip_state, lambda b: dict(addresses=[dict(netns='ep', dev=b, address=['10.0.0.2/24'])]),
     'dev'),
    (ip_state, lambda b: dict(routes=[dict(netns='ep', dst='default', via=b)]), 'via'),
    (ip_state, lambda b: dict(namespaces=[dict(name='ep', sysctls={b: '1'})]), 'sysctl'),
    (ip_state, lambda b: dict(namespaces=[dict(name='ep', sysctls={'net.ipv4.ip_forward': b})]),
     'sysctl value'),
    (ip_state, lambda b: dict(owner=b), 'owner'),
    (snat, lambda b: dict(BLUE, id=b), 'id'),
    (snat, lambda b: dict(BLUE, netns=b), 'netns'),
    (snat, lambda b: dict(BLUE, out_interface=b), 'out_interface'),
    (snat, lambda b: dict(BLUE, source=b), 'source'),
    (snat, lambda b: dict(BLUE, action='snat', to_source=b), 'to_source'),
    (snat, lambda b: dict(BLUE, backend='nft', id=b), 'id'),
    (nat_state, lambda b: dict(namespaces=[dict(NATNS, netns=b)]), 'netns'),
    (nat_state, lambda b: dict(namespaces=[dict(NATNS, snat=[dict(NATNS['snat'][0], id=b)])]),
     'id'),
    (nat_state, lambda b: dict(backend='nft', namespaces=[
        dict(NATNS, block_inbound=[dict(id='blue', in_interface=b)])]), 'in_interface'),
    (ovs_bridge, lambda b: dict(name=b), 'name'),
    (ovs_bridge, lambda b: dict(name='br-int', external_ids={'k': b}), 'external_ids'),
    (ovs_bridge, lambda b: dict(name='br-int', other_config={b: '1'}), 'other_config'),
    (ovs_port, lambda b: dict(bridge='br-int', name=b), 'name'),
    (ovs_port, lambda b: dict(bridge=b, name='p1'), 'bridge'),
    (ovs_port, lambda b: dict(bridge='br-int', name='p1', peer=b, type='patch'), 'peer'),
    (ovs_port, lambda b: dict(bridge='br-int', name='p1', options={'k': b}), 'options'),
    (ovs_tunnel, lambda b: dict(PORT, name=b), 'name'),
    (ovs_tunnel, lambda b: dict(PORT, remote_ip=b), 'remote_ip'),
    (ovs_tunnel, lambda b: dict(PORT, key=b), 'key'),
    (ovs_state, lambda b: dict(bridges=[dict(name=b)]), 'name'),
    (ovs_state, lambda b: dict(bridges=[dict(name='br-int')],
                               ports=[dict(bridge='br-int', name=b)]), 'name'),
    (ovs_state, lambda b: dict(bridges=[dict(name='br-int')],
                               ports=[dict(bridge='br-int', name='p1', tenant=b)]), 'tenant'),
    (ovs_state, lambda b: dict(bridges=[dict(name='br-int')],
                               ports=[dict(bridge='br-int', name='p1', external_ids={'k': b})]),
     'external_ids'),
    (ovs_state, lambda b: dict(reopen=[b]), 'reopen'),
    (ovs_flows, lambda b: dict(bridge=b, flows=[FLOW]), 'bridge'),
    (ovs_flows, lambda b: dict(bridge='br-int', flows=[dict(FLOW, actions=b)]), 'actions'),
    (ovs_flows, lambda b: dict(bridge='br-int', flows=[dict(FLOW, match=b)]), 'match'),
    (ovs_flows, lambda b: dict(bridge='br-int', target=b, flows=[FLOW]), 'target'),
    (overlay_announce, lambda b: dict(endpoints=[dict(netns=b, dev='eth0', address='10.0.0.2')]),
     'netns'),
    (overlay_announce, lambda b: dict(endpoints=[dict(netns='ep', dev=b, address='10.0.0.2')]),
     'dev'),
    (overlay_announce, lambda b: dict(endpoints=[dict(netns='ep', dev='eth0', address=b)]),
     'address'),
]
# values that are fine text in some fields (a space in an OpenFlow match is
# not a new flow); a newline or NUL never is
# (a sysctl's value may hold spaces: net.ipv4.ping_group_range = "0 10"; it
# is written to /proc/sys by the module, not passed to a command)
ONLY_LINE_BREAKS = {'actions', 'match', 'external_ids', 'options'}
SPACES_ALLOWED = {'sysctl value'}


def never_run(argv, data):
    raise AssertionError('a process was started: %r' % (argv,))


@pytest.mark.parametrize('module, make, field', CASES,
                         ids=['%s-%s-%d' % (c[0].__name__, c[2], i) for i, c in enumerate(CASES)])
@pytest.mark.parametrize('bad', POISON, ids=range(len(POISON)))
@pytest.mark.parametrize('check_mode', [False, True], ids=['apply', 'check'])
def test_a_poisoned_value_fails_before_any_process(module, make, field, bad, check_mode):
    if field in ONLY_LINE_BREAKS and '\n' not in bad and '\x00' not in bad:
        pytest.skip('%s is free text on one line' % field)
    if field in SPACES_ALLOWED and bad == 'x y':
        pytest.skip('%s may hold spaces' % field)
    result = run_module(module, make(bad), check_mode=check_mode, fake=never_run)
    assert result['failed'] is True, result
    assert result['_argv'] == [] and result['_inproc'] == []
    assert field.split()[0] in result['msg'], result['msg']
