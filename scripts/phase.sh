#!/usr/bin/env bash
# phase.sh NAME CMD...: run CMD, then print how long phase NAME took (and
# append it to .cache/phases.txt, which `make test` prints at the end).
set -uo pipefail
name=$1; shift
start=$(date +%s)
"$@"; rc=$?
secs=$(( $(date +%s) - start ))
mkdir -p .cache
printf '%-14s %5d s  %s\n' "$name" "$secs" "$([ $rc -eq 0 ] && echo ok || echo "FAILED rc=$rc")" \
    | tee -a .cache/phases.txt
exit $rc
