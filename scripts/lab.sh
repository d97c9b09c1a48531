#!/usr/bin/env bash
# N-host Docker lab for the overlay: host1..hostN (overlay hosts), an edge
# router and outside, one routed hop away.
#   scripts/lab.sh up|down|status
# Env: LAB_PREFIX (default ovl-demo), LAB_SUBNET (default 192.168.250.0/24),
#      LAB_WAN_SUBNET (outside's network; default 100.64.<third octet of
#      LAB_SUBNET>.0/24, e.g. 100.64.250.0/24),
#      LAB_HOSTS (number of overlay hosts, default 2, 1..89),
#      LAB_PHYS_SUBNET (optional: a physical network, eth1 of every host),
#      LAB_STOCK_HOSTS (hosts that run the stock image, space- or
#      comma-separated, e.g. "host3"; default none),
#      LAB_DOCKER_HOSTS (hosts that run a Docker engine of their own, for the
#      tenants' containers, e.g. "host1 host2"; full image only; default none),
#      LAB_VM_HOSTS (hosts that run libvirtd, for the tenants' VMs: QEMU under
#      TCG inside the host; full image only; default none),
#      OVL_HOST_IMAGE (default ovl-host:bookworm), OVL_STOCK_IMAGE (default
#      ovl-host-stock:bookworm), LAB_SKIP_IMAGE=1 to not (re)check the images.
# The underlay is a user-defined Docker network created with --internal:
# nothing leaves the machine. hostI=.(10+I) (host1 .11, host2 .12, ...),
# edge=.254. `outside` (the internet of the SNAT tests) is NOT on the underlay:
# it sits on a second --internal network (the "wan", outside=.100) behind
# `edge`, a plain router (no NAT) with a leg on each network (.254 on both);
# every host's default route is via edge (as a real host's is via its
# gateway), outside's too. So SNAT, no-inbound and published services are
# proven through a routed hop, with the hosts' own default route. Docker drops
# routed (off-subnet) packets on --internal networks (DOCKER-ISOLATION, with
# br_netfilter); a rule in DOCKER-USER accepts what stays on one lab bridge
# (-i BR -o BR), so still nothing leaves the machine. For the inbound check,
# outside has one more address per host, wan .(100+I), that edge routes to
# hostI (source routing: table 100+I, default via hostI), so outside can aim
# at every host's tenant addresses through edge. Every container carries the labels ovl.lab=<prefix> and
# ovl.role=<name>: `down` removes every container of the prefix (whatever
# LAB_HOSTS was at `up`), `up` removes hosts of the prefix beyond LAB_HOSTS and
# recreates a host whose image (or local repo) differs from the one asked for.
# Stock hosts (scripts/host-image.sh stock: python3 + openvswitch-switch only)
# get the local apt repository of scripts/apt-repo.sh read-only at
# /srv/ovl-apt, and /etc/apt/sources.list = `deb [trusted=yes]
# file:/srv/ovl-apt ./` (read-only), so `apt-get update && apt-get install`
# works with no network. `outside` always runs the full image.
# Containers run WITHOUT --privileged (it fails here): capabilities + devices
# as measured in ../shared/GUIDE.md. OVS is not started on the hosts (the
# product does that); `outside` runs the listener (TCP 8080 + ICMP records).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${LAB_PREFIX:-ovl-demo}
SUBNET=${LAB_SUBNET:-192.168.250.0/24}
IMAGE=${OVL_HOST_IMAGE:-ovl-host:bookworm}
STOCK_IMAGE=${OVL_STOCK_IMAGE:-ovl-host-stock:bookworm}
NHOSTS=${LAB_HOSTS:-2}
STOCK=${LAB_STOCK_HOSTS:-}; STOCK=" ${STOCK//,/ } "   # " host3 host5 ", for matching
ENGINES=${LAB_DOCKER_HOSTS:-}; ENGINES=" ${ENGINES//,/ } "
DOCKER=${DOCKER:-docker}
NET="$PREFIX-underlay"
WAN_NET="$PREFIX-wan"
# LAB_PHYS_SUBNET: a physical network for provider tenants (vlan, flat), a third
# --internal network every overlay host sits on as eth1 (overlay_bridge_mappings)
PHYS_SUBNET=${LAB_PHYS_SUBNET:-}
PHYS_NET="$PREFIX-phys"
LISTENER_PORT=${LAB_LISTENER_PORT:-8080}
REPO_MOUNT=/srv/ovl-apt

die() { echo "lab: $*" >&2; exit 2; }

# .11 .. .99 are free for hosts (.254 is edge); outside is on the wan.
[[ $NHOSTS =~ ^[1-9][0-9]*$ ]] && [ "$NHOSTS" -le 89 ] \
    || die "LAB_HOSTS=$NHOSTS: want a number of overlay hosts, 1..89"
base=${SUBNET%/*}; base=${base%.*}       # 192.168.250
WAN_SUBNET=${LAB_WAN_SUBNET:-100.64.${base##*.}.0/24}
wan=${WAN_SUBNET%/*}; wan=${wan%.*}       # 100.64.250
phys=${PHYS_SUBNET%/*}; phys=${phys%.*}   # e.g. 172.31.251
EDGE_IP=$base.254; EDGE_WAN_IP=$wan.254; OUTSIDE_IP=$wan.100
HOSTS=()
for i in $(seq 1 "$NHOSTS"); do HOSTS+=("host$i:$base.$((10 + i))"); done
HOSTS+=("edge:$EDGE_IP" "outside:$OUTSIDE_IP")
for s in $STOCK; do
    [[ $s =~ ^host[0-9]+$ ]] && [ "${s#host}" -ge 1 ] && [ "${s#host}" -le "$NHOSTS" ] \
        || die "LAB_STOCK_HOSTS: $s is not one of host1..host$NHOSTS (outside always runs $IMAGE)"
done
is_stock() { [[ $STOCK == *" $1 "* ]]; }
for s in $ENGINES; do
    [[ $s =~ ^host[0-9]+$ ]] && [ "${s#host}" -ge 1 ] && [ "${s#host}" -le "$NHOSTS" ] && ! is_stock "$s" \
        || die "LAB_DOCKER_HOSTS: $s is not one of host1..host$NHOSTS on the full image"
done
has_engine() { [[ $ENGINES == *" $1 "* ]]; }
VMHOSTS=${LAB_VM_HOSTS:-}; VMHOSTS=" ${VMHOSTS//,/ } "
for s in $VMHOSTS; do
    [[ $s =~ ^host[0-9]+$ ]] && [ "${s#host}" -ge 1 ] && [ "${s#host}" -le "$NHOSTS" ] && ! is_stock "$s" \
        || die "LAB_VM_HOSTS: $s is not one of host1..host$NHOSTS on the full image"
done
has_vms() { [[ $VMHOSTS == *" $1 "* ]]; }

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

container_spec() {  # "image|repo mounted at /srv/ovl-apt|networks|engine" of an existing container
    "$DOCKER" container inspect --format \
        "{{.Config.Image}}|{{range .Mounts}}{{if eq .Destination \"$REPO_MOUNT\"}}{{.Source}}{{end}}{{end}}|{{range \$k, \$v := .NetworkSettings.Networks}}{{\$k}} {{end}}|{{index .Config.Labels \"ovl.engine\"}}" \
        "$1" 2>/dev/null || true
}

networks_of() {  # the Docker networks a role sits on, as container_spec lists them (sorted)
    case "$1" in
        edge) echo "$NET $WAN_NET " ;;
        outside) echo "$WAN_NET " ;;
        *) if [ -n "$PHYS_SUBNET" ]; then echo "$PHYS_NET $NET "; else echo "$NET "; fi ;;
    esac
}

first_network() {  # the network a role's container is started on (its eth0)
    case "$1" in
        outside) echo "$WAN_NET" ;;
        *) echo "$NET" ;;
    esac
}

in_ns() {  # $1 container, then a command run in its network namespace with
    # this machine's tools (stock hosts have no iproute2)
    local pid
    pid=$("$DOCKER" container inspect --format '{{.State.Pid}}' "$1")
    shift
    nsenter -t "$pid" -n "$@"
}

make_network() {  # $1 name, $2 subnet: --internal, and routed packets that stay
    # on its bridge accepted (DOCKER-USER, before Docker's isolation drops them)
    local id br
    if ! "$DOCKER" network inspect "$1" >/dev/null 2>&1; then
        echo "lab: network $1 ($2, internal)"
        "$DOCKER" network create --internal --subnet "$2" --label ovl.lab="$PREFIX" "$1" >/dev/null
    fi
    id=$("$DOCKER" network inspect --format '{{.Id}}' "$1"); br="br-${id:0:12}"
    iptables -C DOCKER-USER -i "$br" -o "$br" -m comment --comment "ovl-lab $PREFIX" -j ACCEPT \
        2>/dev/null || iptables -I DOCKER-USER -i "$br" -o "$br" -m comment \
        --comment "ovl-lab $PREFIX" -j ACCEPT
}

drop_network() {  # $1 name: its DOCKER-USER rule, then the network
    local id br err
    if id=$("$DOCKER" network inspect --format '{{.Id}}' "$1" 2>/dev/null); then
        br="br-${id:0:12}"
        while iptables -D DOCKER-USER -i "$br" -o "$br" -m comment --comment "ovl-lab $PREFIX" \
            -j ACCEPT 2>/dev/null; do :; done
    fi
    if ! err=$("$DOCKER" network rm "$1" 2>&1 >/dev/null); then
        is_missing "$err" || { echo "lab: $err" >&2; return 1; }
    fi
}

routes() {  # the routed hop: edge forwards, every host's and outside's default
    # route is via edge; outside's per-host sources are routed by edge to that host
    local i
    in_ns "$PREFIX-edge" sysctl -qw net.ipv4.ip_forward=1
    for i in $(seq 1 "$NHOSTS"); do
        in_ns "$PREFIX-host$i" ip route replace default via "$EDGE_IP"
        # one more route of the host's own (a management network, never a target)
        in_ns "$PREFIX-host$i" ip route replace 198.18.0.0/15 via "$EDGE_IP" metric 50
        in_ns "$PREFIX-outside" ip addr replace "$wan.$((100 + i))/24" dev eth0
        in_ns "$PREFIX-edge" ip route replace default via "$base.$((10 + i))" table $((100 + i))
        in_ns "$PREFIX-edge" ip rule del from "$wan.$((100 + i))" 2>/dev/null || true
        in_ns "$PREFIX-edge" ip rule add from "$wan.$((100 + i))" table $((100 + i))
    done
    in_ns "$PREFIX-outside" ip route replace default via "$EDGE_WAN_IP"
}

lab_containers() {  # "name role" of every container of this prefix
    "$DOCKER" ps -a --filter "label=ovl.lab=$PREFIX" --format '{{.Names}} {{.Label "ovl.role"}}'
}

underlay_tx_off() {  # $1 container
    # The underlay is a veth: with TX checksum offload on, a packet that OVS
    # (userspace datapath) receives from it keeps a partial checksum and the
    # kernel behind br-phy drops it. A real NIC computes the checksum;
    # emulate that on every underlay end. Done with this machine's ethtool in
    # the container's network namespace, so it works on stock hosts too
    # (they have no ethtool).
    local pid
    command -v ethtool >/dev/null || die "install ethtool on this machine (scripts/bootstrap.sh)"
    pid=$("$DOCKER" container inspect --format '{{.State.Pid}}' "$1")
    nsenter -t "$pid" -n ethtool -K "${2:-eth0}" tx off >/dev/null
}

up() {
    local repo="" want role ip name state img src extra
    "$HERE/docker-engine.sh" >/dev/null
    if [ "${LAB_SKIP_IMAGE:-0}" != 1 ]; then
        "$HERE/host-image.sh"
        [ -z "${STOCK// /}" ] || "$HERE/host-image.sh" stock
    fi
    [ -z "${STOCK// /}" ] || repo=$("$HERE/apt-repo.sh")
    command -v iptables >/dev/null && command -v nsenter >/dev/null \
        || die "install iptables and util-linux on this machine (scripts/bootstrap.sh)"
    make_network "$NET" "$SUBNET"
    make_network "$WAN_NET" "$WAN_SUBNET"
    [ -z "$PHYS_SUBNET" ] || make_network "$PHYS_NET" "$PHYS_SUBNET"
    # Hosts of this prefix beyond LAB_HOSTS (an earlier, larger lab) go.
    want=" ${HOSTS[*]%%:*} "
    while read -r name role; do
        [ -n "$name" ] && [[ $want != *" $role "* ]] || continue
        echo "lab: $name is not in LAB_HOSTS=$NHOSTS: removing"
        remove_container "$name"
    done < <(lab_containers)
    for spec in "${HOSTS[@]}"; do
        role=${spec%%:*}; ip=${spec#*:}; name="$PREFIX-$role"
        img=$IMAGE; src=""; extra=(); engine=""
        if has_engine "$role"; then
            # Docker inside the host (GUIDE): its own cgroup namespace, its
            # storage on a tmpfs (gone with the host), dockerd started below
            engine=1
            extra=(--cgroupns private --tmpfs /var/lib/docker:rw,exec,size=1g --label ovl.engine=1)
        fi
        if is_stock "$role"; then
            img=$STOCK_IMAGE; src=$repo
            extra=(-v "$repo:$REPO_MOUNT:ro" -v "$repo/sources.list:/etc/apt/sources.list:ro")
        fi
        state=$(container_state "$name")
        case "$state" in
            running)
                if [ "$(container_spec "$name")" = "$img|$src|$(networks_of "$role")|$engine" ]; then
                    [ -z "$engine" ] || "$DOCKER" exec "$name" /usr/local/sbin/ovl-lab-dockerd start
                    ! has_vms "$role" || "$DOCKER" exec "$name" /usr/local/sbin/ovl-lab-libvirtd start
                    continue
                fi
                echo "lab: $name runs another image or repo: recreating"; remove_container "$name" ;;
            absent) ;;
            *) echo "lab: $name is $state: recreating"; remove_container "$name" ;;
        esac
        echo "lab: container $name ($ip, $img)"
        "$DOCKER" run -d --name "$name" --hostname "$role" \
            --network "$(first_network "$role")" --ip "$ip" \
            --label ovl.lab="$PREFIX" --label ovl.role="$role" \
            "${extra[@]}" "${RUN_FLAGS[@]}" --init "$img" sleep infinity >/dev/null
        underlay_tx_off "$name" eth0
        if [ -n "$PHYS_SUBNET" ] && [[ $role == host* ]]; then
            # eth1: the physical network (its address is never used by the product)
            "$DOCKER" network connect --ip "$phys.${ip##*.}" "$PHYS_NET" "$name"
            underlay_tx_off "$name" eth1
        fi
        if [ -n "$engine" ]; then
            "$DOCKER" exec "$name" /usr/local/sbin/ovl-lab-dockerd start
        fi
        if has_vms "$role"; then
            "$DOCKER" exec "$name" /usr/local/sbin/ovl-lab-libvirtd start
        fi
        if [ "$role" = edge ]; then
            "$DOCKER" network connect --ip "$EDGE_WAN_IP" "$WAN_NET" "$name"
            underlay_tx_off "$name" eth1
        fi
        if [ "$role" = outside ]; then
            "$DOCKER" exec -d "$name" /usr/local/bin/ovl-listener \
                --port "$LISTENER_PORT" --name "$name"
        fi
    done
    routes
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
    local names=" " name _role
    # Every container labelled with this prefix, plus the names LAB_HOSTS
    # implies (in case one lost its label).
    for spec in "${HOSTS[@]}"; do names+="$PREFIX-${spec%%:*} "; done
    while read -r name _role; do
        [ -n "$name" ] && [[ $names != *" $name "* ]] && names+="$name "
    done < <(lab_containers)
    for name in $names; do
        remove_container "$name" || return 1
    done
    drop_network "$NET" || return 1
    drop_network "$WAN_NET" || return 1
    drop_network "$PHYS_NET" || return 1
    echo "lab: $PREFIX down"
}

status() {
    local name role
    "$DOCKER" network inspect "$NET" >/dev/null 2>&1 && echo "network $NET: present ($SUBNET)" \
        || echo "network $NET: absent"
    "$DOCKER" network inspect "$WAN_NET" >/dev/null 2>&1 \
        && echo "network $WAN_NET: present ($WAN_SUBNET, behind $PREFIX-edge)" \
        || echo "network $WAN_NET: absent"
    for spec in "${HOSTS[@]}"; do
        name="$PREFIX-${spec%%:*}"
        printf '%-24s %-8s %-16s %s\n' "$name" "$(container_state "$name")" "${spec#*:}" \
            "$(container_spec "$name" | cut -d'|' -f1)"
    done
    # Containers of this prefix that LAB_HOSTS does not name (a larger lab).
    while read -r name role; do
        [ -n "$name" ] && [[ " ${HOSTS[*]%%:*} " != *" $role "* ]] || continue
        printf '%-24s %-8s %-16s %s\n' "$name" "$(container_state "$name")" "-" \
            "(not in LAB_HOSTS=$NHOSTS)"
    done < <(lab_containers)
}

case "${1:-}" in
    up) up ;;
    routes) routes ;;   # again, e.g. after a `docker restart` of a host (Docker resets them)
    down) "$HERE/docker-engine.sh" >/dev/null; down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status|routes  (env LAB_PREFIX, LAB_SUBNET, LAB_HOSTS, LAB_STOCK_HOSTS)" >&2; exit 2 ;;
esac
