#!/usr/bin/env bash
# Two-host Docker lab for the overlay: host1, host2 (overlay hosts) and outside.
#   scripts/lab.sh up|down|status
# Env: LAB_PREFIX (default ovl-demo), LAB_SUBNET (default 192.168.250.0/24),
#      OVL_HOST_IMAGE (default ovl-host:bookworm), LAB_SKIP_IMAGE=1 to not
#      (re)check the image.
# The underlay is a user-defined Docker network created with --internal:
# nothing leaves the machine. host1=.11, host2=.12, outside=.100.
# Containers run WITHOUT --privileged (it fails here): capabilities + devices
# as measured in ../shared/GUIDE.md. OVS is not started on host1/host2 (the
# product does that); `outside` runs the listener (TCP 8080 + ICMP records).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${LAB_PREFIX:-ovl-demo}
SUBNET=${LAB_SUBNET:-192.168.250.0/24}
IMAGE=${OVL_HOST_IMAGE:-ovl-host:bookworm}
DOCKER=${DOCKER:-docker}
NET="$PREFIX-underlay"
LISTENER_PORT=${LAB_LISTENER_PORT:-8080}

base=${SUBNET%/*}; base=${base%.*}       # 192.168.250
HOSTS=("host1:$base.11" "host2:$base.12" "outside:$base.100")

# Flags that work here (no --privileged, no --ulimit).
RUN_FLAGS=(--cap-add NET_ADMIN --cap-add SYS_ADMIN --cap-add NET_RAW --cap-add SYS_NICE
           --cap-add IPC_LOCK --device /dev/net/tun
           --security-opt seccomp=unconfined --security-opt systempaths=unconfined
           --security-opt apparmor=unconfined)

is_missing() {  # stderr text of a failed docker call -> 0 when "does not exist"
    grep -qiE 'no such (network|container|object)|not found' <<<"$1"
}

container_state() {
    local st
    if st=$("$DOCKER" container inspect --format '{{.State.Status}}' "$1" 2>/dev/null) && [ -n "$st" ]; then
        echo "$st"
    else
        echo absent
    fi
}

up() {
    "$HERE/docker-engine.sh" >/dev/null
    [ "${LAB_SKIP_IMAGE:-0}" = 1 ] || "$HERE/host-image.sh"
    if ! "$DOCKER" network inspect "$NET" >/dev/null 2>&1; then
        echo "lab: network $NET ($SUBNET, internal)"
        "$DOCKER" network create --internal --subnet "$SUBNET" \
            --label ovl.lab="$PREFIX" "$NET" >/dev/null
    fi
    for spec in "${HOSTS[@]}"; do
        role=${spec%%:*}; ip=${spec#*:}; name="$PREFIX-$role"
        state=$(container_state "$name")
        case "$state" in
            running) continue ;;
            absent) ;;
            *) echo "lab: $name is $state: recreating"; "$DOCKER" rm -f "$name" >/dev/null ;;
        esac
        echo "lab: container $name ($ip)"
        "$DOCKER" run -d --name "$name" --hostname "$role" \
            --network "$NET" --ip "$ip" --label ovl.lab="$PREFIX" --label ovl.role="$role" \
            "${RUN_FLAGS[@]}" --init "$IMAGE" sleep infinity >/dev/null
        # The underlay is a veth: with TX checksum offload on, a packet that OVS
        # (userspace datapath) receives from it keeps a partial checksum and the
        # kernel behind br-phy drops it. A real NIC computes the checksum;
        # emulate that on every underlay end.
        "$DOCKER" exec "$name" ethtool -K eth0 tx off >/dev/null
        if [ "$role" = outside ]; then
            "$DOCKER" exec -d "$name" /usr/local/bin/ovl-listener \
                --port "$LISTENER_PORT" --name "$name"
        fi
    done
    # Wait (bounded) until the listener answers on outside.
    for _ in $(seq 1 50); do
        if "$DOCKER" exec "$PREFIX-outside" python3 -c \
            "import socket; socket.create_connection(('127.0.0.1', $LISTENER_PORT), 1).close()" 2>/dev/null; then
            status; return 0
        fi
        sleep 0.2
    done
    echo "lab: listener on $PREFIX-outside did not come up" >&2
    return 1
}

remove_container() {  # gone afterwards, also if another caller is removing it
    local name=$1 err tries=0
    until err=$("$DOCKER" rm -f "$name" 2>&1 >/dev/null); do
        is_missing "$err" && return 0
        if grep -q 'already in progress' <<<"$err" && [ $tries -lt 120 ]; then
            tries=$((tries + 1)); sleep 1; continue
        fi
        echo "lab: $err" >&2
        return 1
    done
}

down() {
    for spec in "${HOSTS[@]}"; do
        remove_container "$PREFIX-${spec%%:*}" || return 1
    done
    if ! err=$("$DOCKER" network rm "$NET" 2>&1 >/dev/null); then
        is_missing "$err" || { echo "lab: $err" >&2; return 1; }
    fi
    echo "lab: $PREFIX down"
}

status() {
    "$DOCKER" network inspect "$NET" >/dev/null 2>&1 && echo "network $NET: present ($SUBNET)" \
        || echo "network $NET: absent"
    for spec in "${HOSTS[@]}"; do
        name="$PREFIX-${spec%%:*}"
        printf '%-24s %-8s %s\n' "$name" "$(container_state "$name")" "${spec#*:}"
    done
}

case "${1:-}" in
    up) up ;;
    down) "$HERE/docker-engine.sh" >/dev/null; down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status  (env LAB_PREFIX, LAB_SUBNET)" >&2; exit 2 ;;
esac
