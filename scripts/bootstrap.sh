#!/usr/bin/env bash
# Install what the project needs on a Debian 12 machine: apt packages, the
# .venv with pinned Python packages, and the Ansible collections. Idempotent:
# a second run installs nothing. Usage: scripts/bootstrap.sh [--no-apt]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
APT_PACKAGES=(openvswitch-switch iproute2 iptables nftables ethtool tcpdump procps
              iputils-ping iperf3 docker.io debootstrap apt-utils python3-venv make graphviz)

log() { printf 'bootstrap: %s\n' "$*"; }

install_apt() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$pkg")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "apt packages present"
        return
    fi
    [ "$(id -u)" -eq 0 ] || { log "need root to install: ${missing[*]}"; exit 1; }
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # openvswitch-switch's postinst may try to start a service; that is fine
    # to fail in a container: the project starts OVS itself where needed.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_venv() {
    local stamp="$VENV/.requirements.sha256"
    local want
    want=$(sha256sum "$ROOT/requirements.txt" | cut -d' ' -f1)
    if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        log "venv up to date ($VENV)"
        return
    fi
    log "creating $VENV with pinned packages"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    echo "$want" > "$stamp"
}

# OVN's ovn-nbctl and NB schema for the functional tests of the NB planner
# (tests/functional/ovn), unpacked from the Debian packages into .cache/ovn:
# installing ovn-central here would start OVN's daemons on this machine.
install_ovn_tools() {
    local dest="$ROOT/.cache/ovn" work
    [ -x "$dest/usr/bin/ovn-nbctl" ] && { log "OVN tools present ($dest)"; return; }
    work=$(mktemp -d)
    log "unpacking ovn-common and ovn-central into $dest"
    ( cd "$work" && { apt-get download -qq ovn-common ovn-central 2>/dev/null \
                      || { apt-get update -qq && apt-get download -qq ovn-common ovn-central; }; } )
    mkdir -p "$dest"
    for deb in "$work"/*.deb; do dpkg -x "$deb" "$dest"; done
    rm -rf "$work"
}

[ "${1:-}" = "--no-apt" ] || { install_apt; install_ovn_tools; }
install_venv
VENV="$VENV" "$ROOT/scripts/collections.sh"
log "done"
