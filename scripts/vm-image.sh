#!/usr/bin/env bash
# Build the lab's tiny VM (issue 22: libvirt VMs as tenant endpoints; lab
# only) from Debian packages only, no root needed for the build itself:
#   vmlinuz      Debian's cloud kernel: the package linux-image-cloud-amd64
#                names (apt-get download + dpkg-deb -x; nothing installed)
#   initrd.img   a gzip'd newc cpio written by this script (no cpio, no
#                root: device nodes are just entries): busybox-static with its
#                applet links, the modules of a virtio-net NIC on virtio-pci
#                (the cloud kernel has them as modules) with their load order,
#                and images/vm/** (init = /init, ovl-dhcp, ovl-token)
# Boot it with direct kernel boot (molecule/default/files/vms.py):
#   console=ttyS0 ovl.name=NAME ovl.token=TOKEN [ovl.port=P] [ovl.bytes=N]
# (images/vm/init says what each does).
# Cached by an input hash (this script, images/vm/**): when
# $OVL_CACHE_DIR/vm-image-HASH/ has its manifest nothing is rebuilt.
# Prints the image directory on the last line of stdout (vmlinuz,
# initrd.img, manifest). Usage: scripts/vm-image.sh [--print-dir]
#   --print-dir   print the directory the current inputs map to; build nothing.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CACHE=${OVL_CACHE_DIR:-/var/cache/ovl-lab}
KERNEL_META=linux-image-cloud-amd64
# The NIC: virtio_pci (+ virtio_pci_modern_dev, virtio_pci_legacy_dev,
# virtio, virtio_ring) and virtio_net (+ net_failover, failover). Their
# dependencies come from each module's own modinfo (depends=), built-in
# ones (modules.builtin) are skipped.
MODULES=(virtio_pci virtio_net)
# Tools this script needs on the machine, by Debian package.
HOST_PACKAGES=(python3)

log() { printf 'vm-image: %s\n' "$*" >&2; }

guest_files() {  # the files packed into the initrd, NUL-separated
    find "$ROOT/images/vm" -type f -print0 | sort -z
}

input_hash=$( { echo "$KERNEL_META ${MODULES[*]}"; cat "$0";
                guest_files | xargs -0 sha256sum | sed "s#$ROOT/##"; } | sha256sum | cut -c1-16)
out="$CACHE/vm-image-$input_hash"

if [ "${1:-}" = "--print-dir" ]; then
    echo "$out"; exit 0
fi

if [ -s "$out/manifest" ]; then
    log "up to date (input hash $input_hash)"
    echo "$out"; exit 0
fi

install_host_packages() {
    local missing=() pkg
    for pkg in "${HOST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || { log "need root to install: ${missing[*]}"; exit 1; }
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

kernel_package() {  # the package linux-image-cloud-amd64 depends on
    apt-cache show --no-all-versions "$KERNEL_META" 2>/dev/null \
        | sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/^ *//; s/ .*//' \
        | grep -m1 '^linux-image-' || true
}

install_host_packages
mkdir -p "$CACHE"
exec 9>"$CACHE/.vm-image.lock"
flock -w 600 9 || { log "another build holds $CACHE/.vm-image.lock"; exit 1; }
if [ -s "$out/manifest" ]; then  # built by whoever held the lock
    log "up to date (input hash $input_hash)"
    echo "$out"; exit 0
fi

started=$SECONDS
work=$(mktemp -d "$CACHE/vm-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir "$work/debs"
# In a directory _apt may write to, else apt warns that it downloads as root.
chmod 0777 "$work/debs"
download() {  # the kernel package linux-image-cloud-amd64 names, and busybox-static
    kpkg=$(kernel_package)
    [ -n "$kpkg" ] || { echo "apt-cache knows no $KERNEL_META" >"$work/download.log"; return 1; }
    log "apt-get download $kpkg busybox-static"
    (cd "$work/debs" && apt-get download -q "$kpkg" busybox-static >"$work/download.log" 2>&1)
}
if ! download; then   # a fresh machine has no (or stale) package lists
    [ "$(id -u)" -eq 0 ] || { tail -n 5 "$work/download.log" >&2; log "run apt-get update (as root)"; exit 1; }
    log "apt-get update"
    apt-get update -qq
    download || { tail -n 20 "$work/download.log" >&2; exit 1; }
fi
mkdir "$work/kernel" "$work/busybox"
dpkg-deb -x "$work/debs/${kpkg}_"*.deb "$work/kernel"
dpkg-deb -x "$work/debs/busybox-static_"*.deb "$work/busybox"
kver=${kpkg#linux-image-}
[ -f "$work/kernel/boot/vmlinuz-$kver" ] || { log "$kpkg has no boot/vmlinuz-$kver"; exit 1; }
[ -d "$work/kernel/lib/modules/$kver" ] || { log "$kpkg has no lib/modules/$kver"; exit 1; }

mkdir "$work/out"
cp "$work/kernel/boot/vmlinuz-$kver" "$work/out/vmlinuz"
# The initrd: python3's stdlib writes the newc archive and gzips it, so
# /dev/console is an entry (the kernel opens it for /init's stdio before
# devtmpfs is mounted) and no file needs to be owned by root on this machine.
python3 - "$work/kernel/lib/modules/$kver" "$work/busybox/bin/busybox" "$ROOT/images/vm" \
    "$work/out/initrd.img" "$work/out/modules" "${MODULES[@]}" <<'PY'
import gzip
import io
import lzma
import os
import shutil
import subprocess
import sys

moddir, busybox, guest, initrd, order_file = sys.argv[1:6]
wanted = sys.argv[6:]


def key(name):
    return name.replace('-', '_')


def module_files():
    found = {}
    for top, _dirs, files in os.walk(os.path.join(moddir, 'kernel')):
        for name in files:
            for ext in ('.ko', '.ko.xz', '.ko.zst', '.ko.gz'):
                if name.endswith(ext):
                    found[key(name[:-len(ext)])] = os.path.join(top, name)
    return found


def builtin():
    path = os.path.join(moddir, 'modules.builtin')
    with open(path) as handle:
        return {key(os.path.basename(line.strip())[:-len('.ko')]) for line in handle if line.strip()}


def plain(path):
    """The module's ELF bytes: busybox insmod loads no compressed module."""
    with open(path, 'rb') as handle:
        data = handle.read()
    if path.endswith('.xz'):
        return lzma.decompress(data)
    if path.endswith('.gz'):
        return gzip.decompress(data)
    if path.endswith('.zst'):
        if not shutil.which('zstd'):
            sys.exit('vm-image: %s is zstd-compressed: install zstd' % path)
        return subprocess.run(['zstd', '-dc', path], check=True, capture_output=True).stdout
    return data


def depends(data):
    marker = b'\0depends='
    at = data.find(marker)
    if at < 0:
        return []
    value = data[at + len(marker):data.index(b'\0', at + 1)].decode()
    return [key(d) for d in value.split(',') if d]


files, built_in = module_files(), builtin()
order, blobs, seen = [], {}, set()


def visit(name, chain):
    if name in seen:
        return
    if name in chain:
        sys.exit('vm-image: module dependency loop: %s' % ' -> '.join(chain + [name]))
    if name not in files:
        if name in built_in:
            seen.add(name)
            return
        sys.exit('vm-image: module %s is neither in %s nor built in' % (name, moddir))
    data = plain(files[name])
    for dep in depends(data):
        visit(dep, chain + [name])
    seen.add(name)
    order.append(name)
    blobs[name] = data


for name in wanted:
    visit(key(name), [])


class Newc:
    """A newc ("070701") archive: every entry owned by root, mtime 0."""

    def __init__(self):
        self.buf, self.ino = io.BytesIO(), 1

    def entry(self, name, mode, data=b'', rdev=(0, 0)):
        raw = name.encode() + b'\0'
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(raw), 0)
        self.ino += 1
        self.buf.write(b'070701' + b''.join(b'%08X' % f for f in fields) + raw)
        self.buf.write(b'\0' * (-(110 + len(raw)) % 4))
        self.buf.write(data)
        self.buf.write(b'\0' * (-len(data) % 4))

    def dir(self, name):
        self.entry(name, 0o040755)

    def file(self, name, data, perm=0o644):
        self.entry(name, 0o100000 | perm, data)

    def link(self, name, target):
        self.entry(name, 0o120777, target.encode())

    def chr(self, name, perm, major, minor):
        self.entry(name, 0o020000 | perm, rdev=(major, minor))

    def close(self):
        self.entry('TRAILER!!!', 0)
        return self.buf.getvalue()


def read(path):
    with open(path, 'rb') as handle:
        return handle.read()


arc = Newc()
for d in ('bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'run', 'tmp',
          'etc', 'root', 'lib', 'lib/modules'):
    arc.dir(d)
arc.chr('dev/console', 0o600, 5, 1)
arc.chr('dev/null', 0o666, 1, 3)
arc.file('bin/busybox', read(busybox), 0o755)
applets = subprocess.run([busybox, '--list-full'], check=True, capture_output=True,
                         text=True).stdout.split()
for applet in sorted(applets):
    if applet != 'bin/busybox':
        arc.link(applet, '/bin/busybox')
arc.file('init', read(os.path.join(guest, 'init')), 0o755)
for name in sorted(os.listdir(guest)):
    if name != 'init':
        arc.file('bin/' + name, read(os.path.join(guest, name)), 0o755)
arc.file('etc/passwd', b'root:x:0:0:root:/root:/bin/sh\n')
arc.file('etc/group', b'root:x:0:\n')
for name in order:
    arc.file('lib/modules/%s.ko' % name, blobs[name])
arc.file('lib/modules/ovl-load-order', ''.join('%s.ko\n' % n for n in order).encode())
with open(initrd, 'wb') as handle:
    handle.write(gzip.compress(arc.close(), compresslevel=9, mtime=0))
with open(order_file, 'w') as handle:
    handle.write(' '.join(order) + '\n')
PY
{
    echo "input_hash=$input_hash"
    echo "kernel_package=$kpkg"
    echo "kernel_version=$(dpkg-deb -f "$work/debs/${kpkg}_"*.deb Version)"
    echo "busybox_version=$(dpkg-deb -f "$work/debs/busybox-static_"*.deb Version)"
    echo "modules=$(cat "$work/out/modules")"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "build_seconds=$((SECONDS - started))"
} > "$work/out/manifest"
rm -f "$work/out/modules"
chmod 0644 "$work/out/"*
rm -rf "$out"
mv "$work/out" "$out"
# Older images, unless a running QEMU still uses one (a VM that is up keeps
# its kernel and initrd).
for old in "$CACHE"/vm-image-*; do
    [ "$old" = "$out" ] && continue
    if grep -qaF -- "$old/" /proc/[0-9]*/cmdline 2>/dev/null; then
        log "keeping $old: in use by a running VM"
        continue
    fi
    rm -rf "$old"
done
log "built $out in $((SECONDS - started)) s ($kpkg, modules: $(sed -n 's/^modules=//p' "$out/manifest"))"
echo "$out"
