#!/usr/bin/env bash
# Start a Docker engine if none answers; idempotent and bounded.
# Works with whichever docker CLI is first on PATH (Debian 20.10 or a newer one
# in /usr/local/bin): only `docker info` is used, which both understand.
set -euo pipefail

DOCKER=${DOCKER:-docker}
TIMEOUT=${DOCKER_START_TIMEOUT:-60}
LOG=${DOCKERD_LOG:-/var/log/dockerd.log}

# Generous: a loaded machine answers slowly, and a slow answer is not a dead engine.
engine_up() { timeout 30 "$DOCKER" info >/dev/null 2>&1; }

if engine_up; then
    echo "docker-engine: already running"
    exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker-engine: dockerd not found; install it: apt-get install -y docker.io" >&2
    exit 1
fi

# Another dockerd may be starting right now (e.g. a parallel run): only start
# ours if no dockerd process exists at all.
if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "docker-engine: starting dockerd (log: $LOG)"
    # setsid: its own session, so it outlives the shell (and process group)
    # that started it; a test run ending must not take the engine with it.
    setsid -f dockerd >>"$LOG" 2>&1 </dev/null
fi

deadline=$(( $(date +%s) + TIMEOUT ))
until engine_up; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "docker-engine: dockerd did not answer within ${TIMEOUT}s; see $LOG" >&2
        tail -n 20 "$LOG" >&2 || true
        exit 1
    fi
    sleep 1
done
echo "docker-engine: running ($("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
