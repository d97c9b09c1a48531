# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Files of the project on a host: read one (None when absent), write one
atomically; whether a pid file names a live process. Errors as
``CommandError`` naming the path."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import tempfile

from ansible.module_utils.ovl.core.runner import CommandError


def read_text(path):
    """The file's text, or None when it does not exist."""
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        if getattr(exc, 'errno', None) == errno.ENOENT:
            return None
        raise CommandError('cannot read %s: %s' % (path, exc.strerror or exc))


def write_file(path, text, mode=0o644):
    """Write *text* (str or bytes) to *path* atomically (a temporary file in
    the same directory, renamed over it), with *mode*; the directory is made
    if missing."""
    directory = os.path.dirname(path)
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.ovl-')
        try:
            with os.fdopen(fd, 'wb' if isinstance(text, bytes) else 'w') as handle:
                handle.write(text)
            os.chmod(tmp, mode)
            os.rename(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (IOError, OSError) as exc:
        raise CommandError('cannot write %s: %s' % (path, exc.strerror or exc))


def pid_alive(path):
    """True when the pid file *path* names a live process."""
    try:
        with open(path) as handle:
            pid = int(handle.read().strip())
    except (IOError, OSError, ValueError):
        return False
    return os.path.exists('/proc/%d' % pid)
