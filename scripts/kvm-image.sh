#!/usr/bin/env bash
# Build the QEMU guest image of the KVM lab (scripts/kvm-lab.sh) from Debian
# packages only, without loop mounts:
#   debootstrap (minbase + kernel + sshd + OVS ...) -> tarball (cached)
#   -> guest files (images/kvm/**), initramfs with the virtio modules
#   -> raw ext4 base image made with `mke2fs -d` (no mount), plus the extracted
#      kernel and initrd for QEMU's -kernel/-initrd.
# Cached by an input hash (this script, the package list, images/kvm/**,
# images/outside/listener.py): when $OVL_CACHE_DIR/kvm-image-HASH/ is complete
# nothing is rebuilt. The debootstrap tarball is cached by suite+packages, so a
# change of the guest files does not debootstrap again.
# Prints the image directory on the last line of stdout (base.img, vmlinuz,
# initrd.img, manifest). Usage: scripts/kvm-image.sh [--print-dir]
#   --print-dir   print the directory the current inputs map to; build nothing.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SUITE=${OVL_SUITE:-bookworm}
MIRROR=${OVL_MIRROR:-http://deb.debian.org/debian}
CACHE=${OVL_CACHE_DIR:-/var/cache/ovl-lab}
SIZE=${KVM_IMAGE_SIZE:-3G}
# What the guests need: a real init (they reboot and run units; dbus, so that
# logind answers `shutdown -r`, which ansible.builtin.reboot runs), sshd and
# python3 for Ansible, the product's tools (conntrack: a netlink dump of the
# table; reading /proc/net/nf_conntrack can skip entries while others expire),
# the cloud kernel (virtio as modules) and initramfs-tools to put those
# modules into the initrd. Docker as Debian ships it (docker.io: its
# docker.service with iptables on; apparmor, which Debian installs with it and
# the cloud kernel enables) and busybox-static, the one binary of the
# lab's container image: the operator's containers under systemd (issue 21).
PACKAGES=systemd-sysv,dbus,udev,kmod,openssh-server,python3,openvswitch-switch,docker.io,apparmor,busybox-static,iptables,nftables,conntrack,iproute2,iputils-ping,iputils-arping,iperf3,tcpdump,procps,ethtool,e2fsprogs,linux-image-cloud-amd64,initramfs-tools
# Tools this script needs on the machine, by Debian package.
HOST_PACKAGES=(debootstrap e2fsprogs qemu-utils)
# Loaded by the initramfs: the root disk and both NICs are virtio-pci.
INITRD_MODULES=(virtio_pci virtio_blk virtio_net virtio_rng)
# Units a lab guest does not need; masked (not disabled: a first boot applies
# presets, which would enable them again).
# Under TCG every unit costs boot time.
MASK_UNITS=(apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer
            e2scrub_reap.service fstrim.timer getty@tty1.service serial-getty@ttyS0.service
            getty-static.service systemd-pstore.service uuidd.socket remote-fs.target
            systemd-binfmt.service proc-sys-fs-binfmt_misc.automount dev-hugepages.mount
            sys-kernel-debug.mount sys-kernel-tracing.mount sys-fs-fuse-connections.mount
            modprobe@dm_mod.service modprobe@fuse.service modprobe@loop.service
            systemd-sysusers.service systemd-journal-flush.service)

log() { printf 'kvm-image: %s\n' "$*" >&2; }

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

guest_files() {  # the files copied into the image, NUL-separated
    find "$ROOT/images/kvm" -type f -print0 | sort -z
    printf '%s\0' "$ROOT/images/outside/listener.py"
}

input_hash=$( { echo "$SUITE $MIRROR $PACKAGES $SIZE ${INITRD_MODULES[*]} ${MASK_UNITS[*]}"; cat "$0";
                guest_files | xargs -0 sha256sum | sed "s#$ROOT/##"; } | sha256sum | cut -c1-16)
out="$CACHE/kvm-image-$input_hash"

if [ "${1:-}" = "--print-dir" ]; then
    echo "$out"; exit 0
fi

if [ -s "$out/manifest" ]; then
    log "up to date (input hash $input_hash)"
    echo "$out"; exit 0
fi

[ "$(id -u)" -eq 0 ] || { log "run as root (debootstrap, chroot)"; exit 1; }
install_host_packages
mkdir -p "$CACHE"
exec 9>"$CACHE/.kvm-image.lock"
flock -w 1200 9 || { log "another build holds $CACHE/.kvm-image.lock"; exit 1; }
if [ -s "$out/manifest" ]; then  # built by whoever held the lock
    log "up to date (input hash $input_hash)"
    echo "$out"; exit 0
fi

started=$SECONDS
work=$(mktemp -d "$CACHE/kvm-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

rootfs_key=$(echo "$SUITE $MIRROR $PACKAGES" | sha256sum | cut -c1-16)
tarball="$CACHE/kvm-rootfs-$SUITE-$rootfs_key.tar"
if [ ! -s "$tarball" ]; then
    log "debootstrap $SUITE ($PACKAGES)"
    debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$work/root" "$MIRROR" \
        >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
    rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* \
           "$work/root/usr/share/doc" "$work/root/usr/share/man"
    tar -C "$work/root" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    log "debootstrap done in $((SECONDS - started)) s"
else
    log "rootfs from $tarball"
    mkdir "$work/root"
    tar -C "$work/root" --numeric-owner -xf "$tarball"
fi
r="$work/root"

# Guest files.
install -m 0755 "$ROOT/images/kvm/ovl-lab-boot" "$r/usr/local/sbin/ovl-lab-boot"
install -m 0644 "$ROOT/images/kvm/ovl-lab-boot.service" "$r/etc/systemd/system/ovl-lab-boot.service"
install -m 0644 "$ROOT/images/kvm/ovl-listener.service" "$r/etc/systemd/system/ovl-listener.service"
install -m 0644 "$ROOT/images/kvm/sshd-ovl-lab.conf" "$r/etc/ssh/sshd_config.d/ovl-lab.conf"
install -m 0755 "$ROOT/images/outside/listener.py" "$r/usr/local/bin/ovl-listener"
install -m 0644 "$ROOT/images/kvm/modprobe-ovl-lab.conf" "$r/etc/modprobe.d/ovl-lab.conf"
chroot "$r" systemctl enable ovl-lab-boot.service ovl-listener.service >/dev/null 2>&1
chroot "$r" systemctl mask "${MASK_UNITS[@]}" >/dev/null 2>&1

# Per-guest state is made at first boot, not baked in: host keys (ovl-lab-boot),
# machine-id (systemd), the OVS database and system-id (ovs-ctl).
rm -f "$r"/etc/ssh/ssh_host_* "$r/etc/openvswitch/conf.db" "$r/etc/openvswitch/system-id.conf" \
      "$r/var/lib/dbus/machine-id"
: > "$r/etc/machine-id"
echo localhost > "$r/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$r/etc/hosts"
printf 'LABEL=ovlroot / ext4 defaults,errors=remount-ro 0 0\n' > "$r/etc/fstab"
passwd_locked=$(chroot "$r" passwd -S root | cut -d' ' -f2)
[ "$passwd_locked" = L ] || chroot "$r" passwd -l root >/dev/null

# Initramfs: only the listed modules (and their dependencies); ext4 is built in.
# gzip: the guest has no zstd (initramfs-tools would fall back with a warning).
sed -i -e 's/^MODULES=.*/MODULES=list/' -e 's/^COMPRESS=.*/COMPRESS=gzip/' "$r/etc/initramfs-tools/initramfs.conf"
printf '%s\n' "${INITRD_MODULES[@]}" > "$r/etc/initramfs-tools/modules"
kver=$(basename "$(find "$r/lib/modules" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)")
chroot "$r" update-initramfs -u -k "$kver" >"$work/initramfs.log" 2>&1 \
    || { tail -n 30 "$work/initramfs.log" >&2; exit 1; }
chroot "$r" lsinitramfs "/boot/initrd.img-$kver" > "$work/initrd.list"
for m in "${INITRD_MODULES[@]}"; do
    grep -q -- "/${m//_/[-_]}\.ko\$" "$work/initrd.list" || { log "initrd lacks $m.ko"; exit 1; }
done

mkdir -p "$work/out"
cp "$r/boot/vmlinuz-$kver" "$work/out/vmlinuz"
cp "$r/boot/initrd.img-$kver" "$work/out/initrd.img"
# Raw ext4 filled from the directory: no loop device, no mount.
mke2fs -q -t ext4 -L ovlroot -d "$r" "$work/out/base.img" "$SIZE" >&2
{
    echo "input_hash=$input_hash"
    echo "suite=$SUITE"
    echo "kernel=$kver"
    echo "packages=$PACKAGES"
    echo "ovs=$(chroot "$r" dpkg-query -W -f='${Version}' openvswitch-switch)"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "build_seconds=$((SECONDS - started))"
} > "$work/out/manifest"
rm -rf "$out"
mv "$work/out" "$out"
# Older images of this lab, unless a running QEMU still uses one (a lab that
# is up keeps its image).
for old in "$CACHE"/kvm-image-*; do
    [ "$old" = "$out" ] && continue
    if grep -qaF -- "$old/" /proc/[0-9]*/cmdline 2>/dev/null; then
        log "keeping $old: in use by a running guest"
        continue
    fi
    rm -rf "$old"
done
# Debootstrap tarballs of other package lists.
find "$CACHE" -maxdepth 1 -name "kvm-rootfs-*.tar" -not -name "$(basename "$tarball")" -delete
log "built $out in $((SECONDS - started)) s (kernel $kver)"
echo "$out"
