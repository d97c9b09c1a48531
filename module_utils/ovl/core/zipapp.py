# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""A program a host runs with its own ``python3 -I`` (no Ansible there), as
one file: a zipapp of loaded modules under their import names and a
``__main__``. Built from the very modules the running process has loaded
(a module's payload, or the repository), so a host gets the code of the
run that installs it. Deterministic (sorted names, fixed times): the same
sources give the same bytes, so a run compares hashes."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import hashlib
import importlib
import io
import sys
import zipfile

PREFIX = 'ansible.module_utils.'
SHEBANG = b'#!/usr/bin/python3 -I\n'
EPOCH = (1980, 1, 1, 0, 0, 0)
ROOTS = {'ansible/__init__.py': b'', 'ansible/module_utils/__init__.py': b''}


def source(full_name):
    module = sys.modules[full_name]
    return module.__loader__.get_data(module.__file__)


def archive_path(full_name, is_package):
    parts = full_name.split('.')
    return '/'.join(parts) + ('/__init__.py' if is_package else '.py')


def _shippable(name):
    """The module *name*, imported, when its source can be read; else None
    (a name that is not a module: ``from X import function``)."""
    if not name.startswith(PREFIX):
        return None
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    loader = getattr(module, '__loader__', None)
    if module.__name__ != name or not getattr(module, '__file__', None) \
            or not hasattr(loader, 'get_data'):
        return None     # six.moves' aliases are other modules
    return module


def _imports(full_name, module):
    """The ``ansible.module_utils`` names the source of *module* imports,
    at any depth of its code (the lazy imports inside functions too, as
    Ansible's own module_utils finder sees them)."""
    tree = ast.parse(source(full_name))
    package = full_name if hasattr(module, '__path__') else full_name.rpartition('.')[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = package.split('.')
                base = '.'.join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            yield base
            for alias in node.names:
                yield base + '.' + alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name


def closure(roots):
    """Every ``ansible.module_utils`` module *roots* import, transitively,
    found by reading their sources: the same set whatever this process
    happens to have loaded, so the archive's bytes are the same from run to
    run. Returns (names, packages)."""
    seen, packages, todo = set(), set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        module = _shippable(name)
        if module is None:
            continue
        seen.add(name)
        if hasattr(module, '__path__'):
            packages.add(name)
        todo.append(name.rpartition('.')[0])
        todo.extend(_imports(name, module))
    return sorted(seen), packages


def module_members(full_names, packages, main_text):
    """{path in the archive: bytes}: *full_names* (loaded modules; those in
    *packages* as packages), the two roots and ``__main__``."""
    out = dict(ROOTS)
    out['__main__.py'] = main_text.encode('utf-8')
    for name in full_names:
        out[archive_path(name, name in packages)] = source(name)
    return out


def members_digest(members):
    """A digest of *members* (paths and bytes) without compressing them: a
    run compares it with the one the installed file carries (``archive``'s
    *comment*, ``comment_of``) and builds the archive only to write it."""
    hasher = hashlib.sha256()
    for path, data in sorted(members.items()):
        hasher.update(path.encode('utf-8') + b'\0' + hashlib.sha256(data).digest())
    return hasher.hexdigest()


def comment_of(path):
    """The comment of the zip archive at *path* (text), None when there is
    no readable archive."""
    try:
        with zipfile.ZipFile(path) as archive_file:
            return archive_file.comment.decode('ascii', 'replace')
    except (IOError, OSError, zipfile.BadZipfile):
        return None


def archive(members, comment=None):
    """The zipapp's bytes (*comment*: text kept in the archive)."""
    buf = io.BytesIO()
    buf.write(SHEBANG)
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as out:
        if comment:
            out.comment = comment.encode('ascii')
        for path, data in sorted(members.items()):
            info = zipfile.ZipInfo(path, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    return buf.getvalue()


def digest(data):
    return hashlib.sha256(data).hexdigest()
