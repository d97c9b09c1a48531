#!/usr/bin/env bash
# Install the Ansible collections the lab needs (community.docker, ansible.posix)
# into the venv's site-packages, taken from the `ansible` community wheel on
# PyPI (Galaxy is not reachable). Idempotent; the wheel is cached.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
ANSIBLE_WHEEL_VERSION=${ANSIBLE_WHEEL_VERSION:-12.3.0}
CACHE=${OVL_CACHE_DIR:-/var/cache/ovl-lab}/wheels
COLLECTIONS=${OVL_COLLECTIONS:-community/docker ansible/posix}

PY="$VENV/bin/python"
[ -x "$PY" ] || { echo "collections: no venv at $VENV (create it first)" >&2; exit 1; }
SITE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
DEST="$SITE/ansible_collections"

missing=()
for c in $COLLECTIONS; do
    [ -f "$DEST/$c/MANIFEST.json" ] || missing+=("$c")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "collections: present in $DEST ($COLLECTIONS)"
    exit 0
fi

mkdir -p "$CACHE"
wheel=$(ls "$CACHE"/ansible-"$ANSIBLE_WHEEL_VERSION"-py3-none-any.whl 2>/dev/null || true)
if [ -z "$wheel" ]; then
    echo "collections: downloading ansible==$ANSIBLE_WHEEL_VERSION wheel (no deps) into $CACHE"
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: -d "$CACHE" "ansible==$ANSIBLE_WHEEL_VERSION"
    wheel=$(ls "$CACHE"/ansible-"$ANSIBLE_WHEEL_VERSION"-py3-none-any.whl)
fi

echo "collections: extracting ${missing[*]} from $(basename "$wheel")"
"$PY" - "$wheel" "$SITE" "${missing[@]}" <<'PYEOF'
import os, shutil, sys, tempfile, zipfile
wheel, site, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
prefixes = ["ansible_collections/%s/" % c for c in wanted]
with zipfile.ZipFile(wheel) as zf:
    names = [n for n in zf.namelist() if any(n.startswith(p) for p in prefixes)]
    if not names:
        sys.exit("collections: %s not found in %s" % (wanted, wheel))
    tmp = tempfile.mkdtemp(dir=site)
    try:
        zf.extractall(tmp, names)
        for c in wanted:
            dst = os.path.join(site, "ansible_collections", c)
            if os.path.exists(dst):
                shutil.rmtree(dst)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.move(os.path.join(tmp, "ansible_collections", c), dst)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
PYEOF
for c in "${missing[@]}"; do
    [ -f "$DEST/$c/MANIFEST.json" ] || { echo "collections: $c missing after extract" >&2; exit 1; }
done
echo "collections: installed ${missing[*]} into $DEST"
