#!/usr/bin/env bash
# make demo / make demo-down: the two-host lab of inventory/hosts.yml
# (containers ovl-demo-host1, -host2, -outside on an --internal network),
# site.yml on the example tenants, then the verification matrix.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/.venv/bin:$PATH" ANSIBLE_CONFIG="$ROOT/ansible.cfg"
export LAB_PREFIX=ovl-demo LAB_SUBNET=192.168.250.0/24

case "${1:-up}" in
  up)
    scripts/lab.sh up
    echo "demo: ansible-playbook site.yml (inventory/hosts.yml, inventory/tenants/*.yml)"
    ansible-playbook site.yml
    echo "demo: verification (packets between endpoints, SNAT, MTU, VXLAN capture)"
    ansible-playbook -i inventory/hosts.yml playbooks/verify/verify.yml \
        -e overlay_tenants_dir="$ROOT/inventory/tenants"
    ;;
  down)
    scripts/lab.sh down
    ;;
  *)
    echo "usage: $0 up|down" >&2; exit 2 ;;
esac
