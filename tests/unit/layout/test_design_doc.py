"""docs/design.md says what the code is (issue 19): every `ovl.…` name it
cites exists, every package of module_utils/ovl has its row in the package
table and every module file of the package is named there, `module.attr`
in a row exists in that package, and the import directions it states are
the ones the import-graph test pins."""
import ast
import os
import re

import pytest

from test_import_graph import ALLOWED

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PKG = os.path.join(ROOT, 'module_utils', 'ovl')
with open(os.path.join(ROOT, 'docs', 'design.md')) as _handle:
    DOC = _handle.read()
ROWS = dict(re.findall(r'^\s*\| `ovl\.(\w+)` \| (.*)\|\s*$', DOC, re.M))
PACKAGES = sorted(d for d in os.listdir(PKG) if os.path.isfile(os.path.join(PKG, d, '__init__.py')))


def names_in(package, module):
    """Top-level names defined in module_utils/ovl/<package>/<module>.py (None: no file)."""
    path = os.path.join(PKG, package, module + '.py')
    if not os.path.isfile(path):
        return None
    with open(path) as handle:
        tree = ast.parse(handle.read())
    found = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                found.update(t.id for t in ast.walk(target) if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update((a.asname or a.name).split('.')[0] for a in node.names)
    return found


def resolves(dotted):
    parts = dotted.split('.')[1:]          # without the leading 'ovl'
    if not parts or parts[0] not in PACKAGES:
        return False
    if len(parts) == 1:
        return True
    defined = names_in(parts[0], parts[1])
    if defined is None:
        return False
    return len(parts) == 2 or parts[2] in defined


def test_every_ovl_name_the_doc_cites_exists():
    cited = sorted(set(re.findall(r'`(ovl(?:\.\w+)+)', DOC)))
    assert cited and [c for c in cited if not resolves(c)] == []


@pytest.mark.parametrize('package', PACKAGES)
def test_every_package_and_module_is_in_the_table(package):
    assert package in ROWS, 'docs/design.md: no row for ovl.%s in the package table' % package
    modules = sorted(f[:-3] for f in os.listdir(os.path.join(PKG, package))
                     if f.endswith('.py') and f != '__init__.py')
    named = set(re.findall(r'`(\w+)', ROWS[package]))
    assert [m for m in modules if m not in named] == []


@pytest.mark.parametrize('package', sorted(ROWS))
def test_module_attr_in_a_row_exists(package):
    for module, attr in re.findall(r'`(\w+)\.(\w+)`', ROWS[package]):
        defined = names_in(package, module)
        assert defined is not None and attr in defined, 'ovl.%s.%s.%s' % (package, module, attr)


def test_the_import_directions_are_the_pinned_ones():
    stated = dict((p, set(t.strip(' `') for t in targets.split(','))) for p, targets in
                  re.findall(r'^\s*\| `(\w+)` may import \| (.*?) \|\s*$', DOC, re.M))
    assert stated == ALLOWED
