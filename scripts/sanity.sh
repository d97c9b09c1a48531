#!/usr/bin/env bash
# Run Ansible's own `ansible-test sanity` on the project's modules, offline.
#
# ansible-test only runs inside ansible_collections/NS/NAME/, so each run builds
# the collection ovl.overlay (scripts/collection.sh: the repository laid out as
# a collection, names rewritten to FQCN, packed by ansible-galaxy), installs
# the tarball offline under .cache/sanity/, then runs the default sanity tests
# on that installed collection and prints the number of errors per test.
#   scripts/sanity.sh [DIR]   DIR: an installed collection to test instead
#                             (.../ansible_collections/ovl/overlay)
# Exit status: non-zero when any test reports an error.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$ROOT/.cache
SVENV=$CACHE/sanity-venv        # runs ansible-test; the project's .venv is not touched
SHOME=$CACHE/sanity-home        # HOME of ansible-test: its pip bootstrap cache and per-test venvs
PIN=$(grep -E '^ansible-core==' "$ROOT/requirements.txt")   # same ansible-core as .venv
PIP_VERSION=24.2                # the pip ansible-test 2.19 bootstraps into its venvs

log() { printf 'sanity: %s\n' "$*"; }

# 1. The venv that runs ansible-test, rebuilt only when the pin changes.
want=$(printf '%s\n' "$PIN" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$SVENV/.stamp" 2>/dev/null)" != "$want" ]; then
    log "creating $SVENV ($PIN)"
    rm -rf "$SVENV"
    python3 -m venv "$SVENV"
    "$SVENV/bin/pip" install --quiet --disable-pip-version-check "$PIN" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)   # as bootstrap.sh
    echo "$want" > "$SVENV/.stamp"
fi

# 2. ansible-test bootstraps pip into each per-test venv with get-pip.py from a
# host that is not reachable here; it uses ~/.ansible/test/cache/get_pip_X.py
# when present. Stand-in: run pip from its PyPI wheel. Per-test requirements
# then install from PyPI once; ansible-test caches those venvs by hash.
PIPCACHE=$SHOME/.ansible/test/cache
GETPIP=$PIPCACHE/get_pip_${PIP_VERSION//./_}.py
WHEEL=$PIPCACHE/pip-$PIP_VERSION-py3-none-any.whl
if [ ! -f "$WHEEL" ]; then
    mkdir -p "$PIPCACHE"
    "$SVENV/bin/pip" download --quiet --disable-pip-version-check --no-deps \
        --only-binary :all: -d "$PIPCACHE" "pip==$PIP_VERSION" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
fi
cat > "$GETPIP" <<EOF
"""Stand-in for get-pip.py $PIP_VERSION (written by scripts/sanity.sh): pip from its wheel."""
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '$(basename "$WHEEL")'))
from pip._internal.cli.main import main  # noqa: E402
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]  # get-pip-only options
sys.exit(main(['install', '--upgrade', '--force-reinstall'] + args))
EOF

# 3. The collection: the one `make collection` builds (scripts/collection.sh),
# installed from its tarball into .cache/sanity/ (old results go with it); or
# the installed collection given as $1.
if [ -n "${1:-}" ]; then
    VIEW=$(cd "$1" && pwd)
else
    rm -rf "$CACHE/sanity"
    VIEW=$(OVL_VENV=$SVENV "$ROOT/scripts/collection.sh" install "$CACHE/sanity")
fi
# ansible-test lists files with git when the collection lies in a git work
# tree (.cache/ is the repo's and ignored): give it a repository of its own.
if git -C "$VIEW" rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ ! -d "$VIEW/.git" ]; then
    git -C "$VIEW" init -q
fi

# 4. Run the default sanity tests. HOME points ansible-test at the caches above;
# the project's ansible.cfg (exported by the Makefile) must not leak into it.
unset ANSIBLE_CONFIG
log "ansible-test sanity in $VIEW"
rc=0
(cd "$VIEW" && HOME=$SHOME "$SVENV/bin/ansible-test" sanity --python 3.11 --local --color no) \
    2>&1 | tee "$CACHE/sanity.log" || rc=$?

# 5. Summary: errors per test ("ERROR: Found N X issue(s)"; every other test had 0).
echo "sanity summary (errors per test):"
awk '/^Running sanity test / { t = $4; gsub(/"|\047/, "", t); n[t] = 0; order[++k] = t }
     /^ERROR: Found [0-9]+ .* issue\(s\)/ { n[$4] = $3 }
     END { for (i = 1; i <= k; i++) { printf "  %-24s %d\n", order[i], n[order[i]]; s += n[order[i]] }
           printf "  %-24s %d\n", "total", s }' "$CACHE/sanity.log"
exit "$rc"
