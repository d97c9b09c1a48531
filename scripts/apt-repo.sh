#!/usr/bin/env bash
# Local Debian package repository for the lab's stock hosts (the lab network is
# --internal: no archive is reachable from inside).
#   scripts/apt-repo.sh        -> prints the repository directory on stdout
# On this machine (which reaches the Debian archive) apt, with a private
# configuration (APT_CONFIG: nothing of the machine's /etc/apt is used), takes
# the stock image's own /var/lib/dpkg/status as the installed set and downloads
# $OVL_APT_PACKAGES with every dependency (and recommendation) the stock host
# lacks; apt-ftparchive makes the folder a flat repository (Packages, Release).
# scripts/lab.sh mounts it read-only at /srv/ovl-apt in every stock host, with
# sources.list = `deb [trusted=yes] file:/srv/ovl-apt ./` (the file
# sources.list in the folder).
# Cached: $OVL_CACHE_DIR/apt-<suite>-<key>, key = stock image id + packages +
# suite + mirror + this script; an existing complete folder is reused.
# Env: OVL_STOCK_IMAGE (ovl-host-stock:bookworm, built by
#      `scripts/host-image.sh stock`), OVL_APT_PACKAGES, OVL_SUITE, OVL_MIRROR,
#      OVL_CACHE_DIR (/var/cache/ovl-lab), OVL_KEYRING.
set -euo pipefail

IMAGE=${OVL_STOCK_IMAGE:-ovl-host-stock:bookworm}
PACKAGES=${OVL_APT_PACKAGES:-iproute2 iptables nftables ethtool iputils-ping tcpdump ovn-host ovn-central}
SUITE=${OVL_SUITE:-bookworm}
MIRROR=${OVL_MIRROR:-http://deb.debian.org/debian}
CACHE=${OVL_CACHE_DIR:-/var/cache/ovl-lab}
KEYRING=${OVL_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
DOCKER=${DOCKER:-docker}

log() { echo "apt-repo: $*" >&2; }

image_id=$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null) \
    || { log "no image $IMAGE: run scripts/host-image.sh stock"; exit 1; }
key=$( { echo "$image_id $SUITE $MIRROR $PACKAGES"; cat "$0"; } | sha256sum | cut -c1-16)
repo="$CACHE/apt-$SUITE-$key"

complete() { [ -s "$repo/Packages" ] && [ -s "$repo/Release" ] && [ -s "$repo/sources.list" ]; }
if complete; then
    log "$repo is up to date ($(du -sh "$repo" | cut -f1))"
    echo "$repo"; exit 0
fi

for tool in apt-get apt-ftparchive; do
    command -v "$tool" >/dev/null || { log "install $tool (apt-get install -y apt-utils)"; exit 1; }
done
[ -r "$KEYRING" ] || { log "no keyring $KEYRING (apt-get install -y debian-archive-keyring)"; exit 1; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.apt-lock"
flock -w 900 9 || { log "another build holds $CACHE/.apt-lock"; exit 1; }
if complete; then echo "$repo"; exit 0; fi   # built by a parallel caller

work=$(mktemp -d "$CACHE/apt.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc/apt.conf.d" "$work/etc/sources.list.d" "$work/etc/preferences.d" \
         "$work/state/lists/partial" "$work/cache/archives/partial" "$work/log" "$work/repo"

# The installed set is the stock image's, read from the image itself.
"$DOCKER" run --rm --network none --entrypoint cat "$IMAGE" /var/lib/dpkg/status >"$work/status"

arch=$(dpkg --print-architecture)
cat >"$work/apt.conf" <<CONF
Dir::Etc "$work/etc/";
Dir::State "$work/state/";
Dir::State::status "$work/status";
Dir::Cache "$work/cache/";
Dir::Log "$work/log/";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
APT::Sandbox::User "root";
Acquire::Languages "none";
CONF
echo "deb [signed-by=$KEYRING] $MIRROR $SUITE main" >"$work/etc/sources.list"

log "apt-get update ($MIRROR $SUITE main, private lists)"
APT_CONFIG="$work/apt.conf" apt-get -qq update >"$work/log/update.log" 2>&1 \
    || { tail -n 20 "$work/log/update.log" >&2; exit 1; }
log "download $PACKAGES + what $IMAGE lacks"
# shellcheck disable=SC2086  # PACKAGES is a word list
APT_CONFIG="$work/apt.conf" apt-get -q -y --download-only install $PACKAGES >"$work/log/install.log" 2>&1 \
    || { tail -n 20 "$work/log/install.log" >&2; exit 1; }

mv "$work/cache/archives/"*.deb "$work/repo/"
( cd "$work/repo"
  apt-ftparchive packages . >Packages 2>/dev/null
  apt-ftparchive release . >../Release && mv ../Release Release   # not listing itself
  echo "deb [trusted=yes] file:/srv/ovl-apt ./" >sources.list )
chmod -R a+rX "$work/repo"
mv "$work/repo" "$repo"
log "built $repo ($(grep -c "^Package:" "$repo/Packages") packages, $(du -sh "$repo" | cut -f1))"
echo "$repo"
