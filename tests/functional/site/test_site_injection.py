"""Names with shell metacharacters, through a real ``ansible-playbook
site.yml``: each is refused on the controller, naming the file (or host) and
the field, before any host task; nothing runs (the canary file, which each
value would create if any shell saw it, is never made).

The hosts are Docker containers that do not exist (as in
test_site_validation.py): a host task would show UNREACHABLE.
"""
import os
import subprocess

import pytest
import yaml

from test_site_validation import HOSTS, PLAYBOOK, ROOT


def payloads(canary):
    return ['x;touch %s' % canary, 'x$(touch %s)' % canary, 'x`touch %s`' % canary,
            'x|touch %s' % canary, 'x&&touch %s' % canary, 'x\ntouch %s' % canary,
            "x';touch %s;'" % canary]


def tenant(**over):
    data = {'name': 'blue', 'vni': 100, 'subnet': '10.0.0.0/24', 'snat': True,
            'endpoints': [{'name': 'blue-a', 'host': 'host1', 'ip': '10.0.0.11'},
                          {'name': 'blue-b', 'host': 'host2', 'ip': '10.0.0.12'}]}
    data.update(over)
    return data


def endpoint(**over):
    ep = {'name': 'blue-a', 'host': 'host1', 'ip': '10.0.0.11'}
    ep.update(over)
    return tenant(endpoints=[ep, {'name': 'blue-b', 'host': 'host2', 'ip': '10.0.0.12'}])


def inventory_of(bad):
    """Every place at once (every independent error is reported at once):
    tenant files, host variables, play variables; and what the error of
    each must name."""
    def ep(**over):
        return [dict({'name': 'a1', 'host': 'host1', 'ip': '10.0.0.11'}, **over)]
    files = {
        'nm.yml': dict(tenant(name=bad), vni=101),
        'en.yml': tenant(name='en', vni=102, endpoints=ep(name=bad)),
        'eh.yml': tenant(name='eh', vni=103, endpoints=ep(name='eh-1', host=bad)),
        'ei.yml': tenant(name='ei', vni=104, endpoints=ep(name='ei-1', ip='10.0.0.11' + bad)),
        'gw.yml': tenant(name='gw', vni=105, gateway='10.0.0.1' + bad, endpoints=[]),
        'f%s.yml' % bad.replace('/', '_'): tenant(name='fx', vni=106, endpoints=[]),
    }
    hostvars = {'host1': {'overlay_underlay_interface': bad},
                'host2': {'overlay_integration_bridge': bad}}
    playvars = {'overlay_owner': bad, 'overlay_nat_backend': bad}
    named = [('nm.yml', 'name'), ('en.yml', 'endpoints[0].name'), ('eh.yml', 'endpoints[0].host'),
             ('ei.yml', 'endpoints[0].ip'), ('gw.yml', 'gateway'), ('.yml', 'name'),
             ('host1', 'overlay_underlay_interface'), ('host2', 'overlay_integration_bridge'),
             ('overlay_owner',), ('overlay_nat_backend',)]
    return files, hostvars, playvars, named


@pytest.mark.parametrize('index', range(7))
def test_names_with_shell_metacharacters_run_nothing(index, tmp_path):
    if not os.path.exists(PLAYBOOK):
        pytest.skip('no .venv (make deps)')
    canary = str(tmp_path / 'canary')
    bad = payloads(canary)[index]
    files, hostvars, playvars, named = inventory_of(bad)
    tenants = tmp_path / 'tenants'
    tenants.mkdir()
    for name, data in files.items():
        (tenants / name).write_text(yaml.safe_dump(data))
    hosts = dict((h, dict(v)) for h, v in HOSTS.items())
    for host, values in hostvars.items():
        hosts[host].update(values)
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(yaml.safe_dump({'all': {'children': {'overlay_hosts': {
        'vars': {'ansible_connection': 'community.docker.docker'}, 'hosts': hosts}}}}))
    extra = tmp_path / 'play.yml'
    extra.write_text(yaml.safe_dump(dict(playvars, overlay_tenants_dir=str(tenants),
                                         overlay_base_dir=str(tenants))))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_STDOUT_CALLBACK='default')
    proc = subprocess.run([PLAYBOOK, '-i', str(inventory), os.path.join(ROOT, 'site.yml'),
                           '-e', '@' + str(extra)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    lines = out.splitlines()
    for words in named:
        assert any(all(w in line for w in words) for line in lines), (
            'no line names %r in:\n%s' % (words, out))
    assert 'Traceback' not in out
    assert 'UNREACHABLE' not in out and 'TASK [overlay_preflight' not in out, out
    assert not os.path.exists(canary), 'a value ran a command:\n' + out
    assert sorted(os.listdir(str(tmp_path))) == ['hosts.yml', 'play.yml', 'tenants']
