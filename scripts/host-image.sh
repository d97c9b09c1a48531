#!/usr/bin/env bash
# Build the lab host image (default ovl-host:bookworm) from Debian packages only:
#   debootstrap (minbase) -> docker import (base) -> Dockerfile layer (images/host).
# No registry is used. Cached: the image carries a label ovl.input-hash computed
# from this script, the package list and images/**; when an image with the same
# hash exists nothing is rebuilt. The debootstrap tarball is cached under
# $OVL_CACHE_DIR (default /var/cache/ovl-lab), keyed by suite+packages.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
IMAGE=${OVL_HOST_IMAGE:-ovl-host:bookworm}
SUITE=${OVL_SUITE:-bookworm}
MIRROR=${OVL_MIRROR:-http://deb.debian.org/debian}
CACHE=${OVL_CACHE_DIR:-/var/cache/ovl-lab}
DOCKER=${DOCKER:-docker}
PACKAGES=python3,python3-minimal,iproute2,openvswitch-switch,iptables,nftables,iputils-ping,iputils-arping,tcpdump,procps,ethtool,iperf3,kmod,ca-certificates

"$HERE/docker-engine.sh" >/dev/null

# Input hash: everything that shapes the image.
input_hash=$( { echo "$SUITE $MIRROR $PACKAGES"; cat "$0";
                find "$ROOT/images" -type f -not -path "*/__pycache__/*" -not -name "*.pyc" -print0 | sort -z | xargs -0 sha256sum | sed "s#$ROOT/##"; } \
              | sha256sum | cut -c1-16)

current=$("$DOCKER" image inspect --format '{{ index .Config.Labels "ovl.input-hash" }}' "$IMAGE" 2>/dev/null || true)
if [ "$current" = "$input_hash" ]; then
    echo "host-image: $IMAGE is up to date (input hash $input_hash)"
    exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 900 9 || { echo "host-image: another build holds $CACHE/.lock" >&2; exit 1; }

rootfs_key=$(echo "$SUITE $MIRROR $PACKAGES" | sha256sum | cut -c1-16)
tarball="$CACHE/rootfs-$SUITE-$rootfs_key.tar"
if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || { echo "host-image: install debootstrap (apt-get install -y debootstrap)" >&2; exit 1; }
    work=$(mktemp -d "$CACHE/debootstrap.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "host-image: debootstrap $SUITE ($PACKAGES) into $work"
    debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$work/root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
    # Slim down: apt caches and docs are not needed in the lab.
    rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* \
           "$work/root/usr/share/doc" "$work/root/usr/share/man"
    tar -C "$work/root" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$work"; trap - EXIT
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
