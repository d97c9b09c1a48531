#!/usr/bin/env bash
# QEMU lab on real kernels (kernel OVS datapath, kernel VXLAN and conntrack,
# Ansible over SSH, reboots): host1..hostN and outside as virtual machines.
#   scripts/kvm-lab.sh up|down|status|reboot NAME|ssh NAME [CMD...]|probe|inventory
# (status exits 0 only when every guest is running).
# Env: KVM_HOSTS (2), KVM_OUTSIDE (1), KVM_PREFIX (ovk), KVM_SUBNET
#      (192.168.244.0/24: hostN=.1N, outside=.100), KVM_SSH_PORT_BASE (10220:
#      outside=BASE, hostN=BASE+N), KVM_MEMORY (512 MiB), KVM_OUTSIDE_MEMORY (256),
#      KVM_CPUS (1), KVM_ACCEL (auto|kvm|tcg), KVM_PROBE_TIMEOUT (40 s),
#      KVM_BOOT_TIMEOUT (420 s), KVM_RUN_DIR (.cache/kvm-lab/PREFIX),
#      OVL_CACHE_DIR (/var/cache/ovl-lab: image and KVM probe result).
# The image comes from scripts/kvm-image.sh; the logic is in kvm_lab.py
# (Python standard library, the machine's python3). See docs/kvm-lab.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
exec python3 "$HERE/kvm_lab.py" "$@"
