#!/usr/bin/env bash
# Build a lab host image from Debian packages only (no registry is used):
#   scripts/host-image.sh [full|stock]
#   full  (default) ovl-host:bookworm ($OVL_HOST_IMAGE): every tool the lab and
#         the product use is pre-installed, plus the `outside` listener;
#         debootstrap (minbase) -> docker import (base) -> Dockerfile layer (images/host).
#   stock ovl-host-stock:bookworm ($OVL_STOCK_IMAGE): what a new user's stock
#         Debian 12 host with Open vSwitch looks like: minbase + python3 +
#         openvswitch-switch (and their Depends) only - no ethtool, iptables,
#         nftables, tcpdump, ping; debootstrap -> docker import, no extra layer.
# Cached: the image carries a label ovl.input-hash computed from this script,
# the flavor, the package list and (full only) images/host/** and
# images/outside/**; when an image with the same hash exists nothing is
# rebuilt. The debootstrap tarball is cached under $OVL_CACHE_DIR (default
# /var/cache/ovl-lab), keyed by suite+mirror+packages.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
FLAVOR=${1:-full}
SUITE=${OVL_SUITE:-bookworm}
MIRROR=${OVL_MIRROR:-http://deb.debian.org/debian}
CACHE=${OVL_CACHE_DIR:-/var/cache/ovl-lab}
DOCKER=${DOCKER:-docker}
case "$FLAVOR" in
    full)
        IMAGE=${OVL_HOST_IMAGE:-ovl-host:bookworm}
        # libvirt + QEMU (issue 22, VMs as tenant endpoints; started by
        # images/host/lab-libvirtd): libvirt-daemon (libvirtd, virtlogd, the
        # network driver; its Depends bring the qemu driver), libvirt-clients
        # (virsh), qemu-system-x86 (TCG here), virtinst (virt-install, what
        # the README shows operators) and dnsmasq-base (the tenants' DHCP).
        # Not libvirt-daemon-system: its polkitd, logrotate, the
        # libvirt-qemu user and units serve a systemd host, not the lab;
        # lab-libvirtd writes the one qemu.conf the lab needs. dbus and
        # dbus-user-session only because debootstrap does not resolve virtual
        # packages: virtinst -> libosinfo -> libsoup -> glib-networking ->
        # dconf-service needs a dbus-session-bus (what apt would pick).
        PACKAGES=python3,python3-minimal,iproute2,openvswitch-switch,ovn-central,ovn-host,iptables,nftables,iputils-ping,iputils-arping,tcpdump,procps,ethtool,iperf3,kmod,ca-certificates,docker.io,busybox-static,libvirt-daemon,libvirt-clients,qemu-system-x86,virtinst,dnsmasq-base,dbus,dbus-user-session ;;
    stock)
        IMAGE=${OVL_STOCK_IMAGE:-ovl-host-stock:bookworm}
        # python3: Ansible modules; the docker connection needs only /bin/sh and
        # coreutils (dd, sleep), which minbase has.
        PACKAGES=python3,openvswitch-switch ;;
    *) echo "usage: $0 [full|stock]" >&2; exit 2 ;;
esac

"$HERE/docker-engine.sh" >/dev/null

# Input hash: everything that shapes the image.
input_hash=$( { echo "$FLAVOR $SUITE $MIRROR $PACKAGES"; cat "$0";
                if [ "$FLAVOR" = full ]; then   # what the Dockerfile uses, not images/kvm
                    find "$ROOT/images/host" "$ROOT/images/outside" "$ROOT/images/.dockerignore" -type f \
                        -not -path "*/__pycache__/*" -not -name "*.pyc" -print0 \
                        | sort -z | xargs -0 sha256sum | sed "s#$ROOT/##"
                fi; } \
              | sha256sum | cut -c1-16)

up_to_date() {
    local current
    current=$("$DOCKER" image inspect --format '{{ index .Config.Labels "ovl.input-hash" }}' "$IMAGE" 2>/dev/null || true)
    [ "$current" = "$input_hash" ] || return 1
    echo "host-image: $IMAGE is up to date (input hash $input_hash)"
}
up_to_date && exit 0

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 900 9 || { echo "host-image: another build holds $CACHE/.lock" >&2; exit 1; }
# A parallel caller may have built it while we waited for the lock.
up_to_date && exit 0

rootfs_key=$(echo "$SUITE $MIRROR $PACKAGES" | sha256sum | cut -c1-16)
tarball="$CACHE/rootfs-$SUITE-$rootfs_key.tar"
if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || { echo "host-image: install debootstrap (apt-get install -y debootstrap)" >&2; exit 1; }
    work=$(mktemp -d "$CACHE/debootstrap.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "host-image: debootstrap $SUITE ($PACKAGES) into $work"
    debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$work/root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
    # Slim down: apt caches and docs are not needed in the lab (a stock host
    # also starts with no package lists: `apt-get update` first).
    rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* \
           "$work/root/usr/share/doc" "$work/root/usr/share/man"
    tar -C "$work/root" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$work"; trap - EXIT
fi

if [ "$FLAVOR" = stock ]; then
    # The stock host is the debootstrap root as it is: one import, no layer.
    echo "host-image: docker import $tarball -> $IMAGE"
    "$DOCKER" import --change 'ENV container=docker' --change 'CMD ["sleep", "infinity"]' \
        --change "LABEL ovl.input-hash=$input_hash" --change "LABEL ovl.flavor=stock" \
        "$tarball" "$IMAGE" >/dev/null
    echo "host-image: built $IMAGE (input hash $input_hash)"
    exit 0
fi

base="ovl-host-base:$rootfs_key"
if ! "$DOCKER" image inspect "$base" >/dev/null 2>&1; then
    echo "host-image: docker import $tarball -> $base"
    "$DOCKER" import "$tarball" "$base" >/dev/null
fi

echo "host-image: building $IMAGE on $base"
# The legacy builder needs no buildx plugin (a newer CLI otherwise asks for it).
DOCKER_BUILDKIT=0 "$DOCKER" build -q \
    --build-arg "BASE=$base" \
    --label "ovl.input-hash=$input_hash" \
    -t "$IMAGE" -f "$ROOT/images/host/Dockerfile" "$ROOT/images" >/dev/null
echo "host-image: built $IMAGE (input hash $input_hash)"
