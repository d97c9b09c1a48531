#!/usr/bin/env bash
# make demo / make demo-down: the two-host lab of inventory/hosts.yml
# (containers ovl-demo-host1, -host2, -edge, -outside on --internal networks),
# site.yml on the example tenants, then the verification. What it prints is
# the page a person reads (who reaches whom, the checks per tenant, the
# total); the task logs of both runs and every check go to .cache/demo/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH" ANSIBLE_CONFIG="$ROOT/ansible.cfg"
export LAB_PREFIX=ovl-demo LAB_SUBNET=192.168.250.0/24
OUT=$ROOT/.cache/demo

step() {  # $1 what, $2 log file, then the command: its output goes to the log
    local what=$1 log=$2 t0 rc=0
    shift 2
    t0=$(date +%s)
    printf 'demo: %-58s ' "$what"
    "$@" >"$log" 2>&1 || rc=$?
    if [ $rc -eq 0 ]; then
        echo "ok ($(( $(date +%s) - t0 )) s)"
    else
        echo "FAILED (rc $rc, $(( $(date +%s) - t0 )) s); the end of $log:"
        tail -n 25 "$log" | sed 's/^/  | /'
    fi
    return $rc
}

case "${1:-up}" in
  up)
    mkdir -p "$OUT"
    step "lab up (scripts/lab.sh)" "$OUT/lab.log" scripts/lab.sh up
    step "ansible-playbook site.yml" "$OUT/site.log" ansible-playbook site.yml
    rc=0
    rm -f "$OUT/page.txt" "$OUT/checks.txt"      # never show an earlier run's page
    step "verify (packets between endpoints, SNAT, MTU, tunnels)" "$OUT/verify.log" \
        ansible-playbook -i inventory/hosts.yml playbooks/verify/verify.yml \
        -e overlay_tenants_dir="$ROOT/inventory/tenants" \
        -e ovl_verify_report_dir="$OUT" || rc=$?
    step "topology picture of the lab, live (playbooks/topology.yml)" "$OUT/topology.log" \
        ansible-playbook playbooks/topology.yml -e ovl_topology_live=true \
        -e ovl_topology_dir="$OUT" || rc=$?
    echo
    if [ -s "$OUT/page.txt" ]; then cat "$OUT/page.txt"; fi
    echo "picture: $OUT/topology.svg, $OUT/topology.png (the text form: $OUT/topology.log)"
    echo "logs: $OUT/site.log, $OUT/verify.log"
    exit $rc
    ;;
  down)
    scripts/lab.sh down
    ;;
  *)
    echo "usage: $0 up|down" >&2; exit 2 ;;
esac
