"""The license is granted and said the same way everywhere: LICENSE holds the
Apache License 2.0, galaxy.yml and every role's meta name it, and every Python
file of the collection's content (library/, module_utils/ovl/, filter_plugins/,
doc_fragments/) carries the SPDX line right after its shebang and coding lines.
Files are those git tracks (a file still being written is not judged yet)."""
import glob
import os
import re
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SPDX = '# SPDX-License-Identifier: Apache-2.0'
CODING = re.compile(r'^[ \t\f]*#.*?coding[:=]')   # PEP 263
CONTENT = ('library', 'module_utils/ovl', 'filter_plugins', 'doc_fragments')


def python_files():
    try:
        out = subprocess.run(['git', 'ls-files', '--'] + list(CONTENT), cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):   # not a git checkout: every file
        out = [os.path.relpath(p, ROOT) for d in CONTENT
               for p in glob.glob(os.path.join(ROOT, d, '**', '*.py'), recursive=True)]
    return sorted(p for p in out if p.endswith('.py') and os.path.exists(os.path.join(ROOT, p)))


def spdx_problem(lines):
    """None when *lines* (a file's first lines) carry the SPDX line in its place, else why not."""
    i = 1 if lines and lines[0].startswith('#!') else 0
    if len(lines) > i and CODING.match(lines[i]):
        i += 1
    if len(lines) <= i or lines[i].rstrip('\n') != SPDX:
        return 'line %d is not %r (after the shebang and coding lines)' % (i + 1, SPDX)
    if any(CODING.match(line) for line in lines[i + 1:]):
        return 'the coding line must come before the SPDX line'
    return None


def test_license_file_is_apache_2():
    with open(os.path.join(ROOT, 'LICENSE')) as handle:
        text = handle.read()
    assert text.split()[:5] == ['Apache', 'License', 'Version', '2.0,', 'January']
    assert 'END OF TERMS AND CONDITIONS' in text and len(text) > 11000


def test_galaxy_and_roles_declare_the_same_license():
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        assert yaml.safe_load(handle)['license'] == ['Apache-2.0']
    metas = glob.glob(os.path.join(ROOT, 'roles', '*', 'meta', 'main.yml'))
    assert metas
    for path in metas:
        with open(path) as handle:
            assert yaml.safe_load(handle)['galaxy_info']['license'] == 'Apache-2.0', path


def test_there_are_files_to_judge():
    files = python_files()
    assert 'library/overlay_apply.py' in files and 'filter_plugins/overlay.py' in files
    assert len([f for f in files if f.startswith('module_utils/ovl/')]) > 50


@pytest.mark.parametrize('path', python_files())
def test_every_content_file_carries_the_spdx_line(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
        head = [handle.readline() for _ in range(3)]
    assert spdx_problem(head) is None, '%s: %s' % (path, spdx_problem(head))


@pytest.mark.parametrize('head, ok', [
    (['#!/usr/bin/python\n', '# -*- coding: utf-8 -*-\n', SPDX + '\n'], True),
    (['# -*- coding: utf-8 -*-\n', SPDX + '\n', '"""Doc."""\n'], True),
    ([SPDX + '\n', '"""Doc."""\n', ''], True),
    (['#!/usr/bin/python\n', '# -*- coding: utf-8 -*-\n', '"""Doc."""\n'], False),
    ([SPDX + '\n', '# -*- coding: utf-8 -*-\n', ''], False),
    (['# -*- coding: utf-8 -*-\n', '# SPDX-License-Identifier: MIT\n', ''], False),
])
def test_the_checker_sees_a_missing_or_misplaced_line(head, ok):
    assert (spdx_problem(head) is None) == ok
