"""The allowed import directions inside module_utils/ovl (docs/design.md):

    tenant (the model and its pure builders) -> ovs, ip, nat, flows -> core
    host (host side, the layer table) -> tenant, ovs, ip, nat, flows, docker -> core
    report (controller side: drift, topology) -> host, tenant, ovs, ip, nat, flows -> core
    inventory (controller side: load and validate) -> tenant, core
    docker (the Docker network plugin, a daemon on the host, and its layer) -> ip, ovs, core
    ovn (the OVN backend: NB model, planner, chassis) -> ovs, core
    floating (floating addresses on the host, its layer) -> ip, core

A concern package (ovs, ip, nat, flows) imports only itself and core, never
another concern, tenant or host; core imports only core; tenant never
imports host (host_state runs on the controller for the filters and on the
host in overlay_apply; the host side builds its own state from the model). The test reads the
import statements of every file, so a new sideways import fails here.
"""
import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PKG = os.path.join(ROOT, 'module_utils', 'ovl')
PREFIX = 'ansible.module_utils.ovl'
CONCERNS = ('ovs', 'ip', 'nat', 'flows')
ALLOWED = dict({'core': {'core'}, 'tenant': {'tenant', 'core', 'ovn'} | set(CONCERNS),
                'host': {'host', 'core', 'tenant', 'docker', 'libvirt', 'dhcp', 'floating', 'ovn'}
                | set(CONCERNS),
                'report': {'report', 'host', 'core', 'tenant'} | set(CONCERNS),
                'inventory': {'inventory', 'tenant', 'core'},
                'docker': {'docker', 'core', 'ip', 'ovs'},
                'libvirt': {'libvirt', 'core', 'ovs'},
                'dhcp': {'dhcp', 'core'},
                'floating': {'floating', 'core', 'ip'},
                'ovn': {'ovn', 'core', 'ovs'}},
               **dict((c, {c, 'core'}) for c in CONCERNS))


def ovl_files():
    for here, _dirs, files in os.walk(PKG):
        for name in sorted(files):
            if name.endswith('.py'):
                yield os.path.join(here, name)


def package_of(path):
    rel = os.path.relpath(path, PKG).split(os.sep)
    return rel[0] if len(rel) > 1 else ''


def imported(path):
    """Dotted names of ansible.module_utils.ovl modules *path* imports."""
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == PREFIX:
                found.extend(PREFIX + '.' + a.name for a in node.names)
            elif node.module.startswith('ansible.module_utils'):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.startswith('ansible.module_utils'))
    return found


def test_every_package_is_known():
    packages = sorted(set(package_of(p) for p in ovl_files()) - {''})
    assert packages == sorted(ALLOWED)


@pytest.mark.parametrize('path', list(ovl_files()), ids=lambda p: os.path.relpath(p, PKG))
def test_imports_follow_the_layers(path):
    mine = package_of(path)
    for name in imported(path):
        if not name.startswith(PREFIX + '.'):
            # ansible's own module_utils (basic, common...) only; no flat project modules
            assert name.split('.')[2] in ('basic', 'common', 'six', 'compat'), (path, name)
            continue
        target = name[len(PREFIX) + 1:].split('.')[0]
        assert target in ALLOWED[mine], '%s (package %s) imports %s' % (
            os.path.relpath(path, ROOT), mine, name)


def test_the_checker_sees_a_sideways_import(tmp_path):
    """The checker itself can fail: a planted flows -> ovs import is found."""
    bad = tmp_path / 'bad.py'
    bad.write_text('from ansible.module_utils.ovl.ovs.read import parse_state\n')
    assert imported(str(bad)) == ['ansible.module_utils.ovl.ovs.read']
    assert 'ovs' not in ALLOWED['flows']


CONTROLLER_ONLY = ('jsonschema', 'yaml')


def _module_path(dotted):
    rel = dotted[len(PREFIX) + 1:].replace('.', os.sep)
    for candidate in (os.path.join(PKG, rel + '.py'), os.path.join(PKG, rel, '__init__.py')):
        if os.path.exists(candidate):
            return candidate
    return None


def shipped_with(paths):
    """Every ovl file the files *paths* import, transitively (what AnsiballZ
    ships to a host with a module that imports them)."""
    seen, todo = set(), list(paths)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported(path):
            target = _module_path(name) if name.startswith(PREFIX + '.') else None
            if target:
                todo.append(target)
    return seen


def third_party(path):
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    return set(x.split('.')[0] for x in names)


def test_the_host_side_ships_no_controller_only_module():
    """host/ builds its state with tenant.host_state on the host: nothing it
    pulls in may need the controller's jsonschema or PyYAML (a host has
    neither), and the tenant files' loader and schema stay on the controller."""
    host = [p for p in ovl_files() if package_of(p) == 'host']
    shipped = shipped_with(host)
    assert os.path.join(PKG, 'tenant', 'host_state.py') in shipped      # the check sees it
    for path in shipped:
        assert not third_party(path) & set(CONTROLLER_ONLY), path
    assert [p for p in shipped if package_of(p) == 'inventory'] == []
    assert third_party(os.path.join(PKG, 'inventory', 'schema.py')) & set(CONTROLLER_ONLY)
