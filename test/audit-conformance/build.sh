#!/usr/bin/env bash
# Builds the audit conformance checker (main.go: the apiserver's own audit.k8s.io decoding) and
# caches the binary in a directory keyed by the hash of its sources. A warm run only checks the
# cache. k8s.io/apiserver is pinned to the version test/cluster builds kube-apiserver from, so the
# module cache already holds it after test/cluster/build.sh; go.sum was seeded from that build's.
#
# Usage: test/audit-conformance/build.sh     build (or find) the binary; prints its path last
#
# Env (defaults):
#   TAILGATE_AUDIT_CONFORMANCE_BIN   $HOME/.cache/tailgate/audit-conformance/<hash>
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HASH="$(cat "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go" | sha256sum | cut -c1-16)"
BIN="${TAILGATE_AUDIT_CONFORMANCE_BIN:-$HOME/.cache/tailgate/audit-conformance/$HASH}"

log() { printf '[tailgate audit conformance] %s\n' "$*" >&2; }

# Same rules as test/cluster/build.sh: no toolchain downloads, no stray go.work, static binary.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=mod
command -v go >/dev/null 2>&1 || { log "ERROR: go is not on PATH (scripts/setup.sh --cluster needs it too)"; exit 1; }

mkdir -p "$BIN"
# Two test runs may get here at once: one builds, the other waits and reuses.
exec 9>"$BIN/.build.lock"
flock 9
if [ ! -x "$BIN/audit-conformance" ]; then
  start=$SECONDS
  log "compiling into $BIN"
  (cd "$HERE" && nice -n 10 go build -trimpath -ldflags='-s -w' -o "$BIN/audit-conformance.tmp" .)
  mv "$BIN/audit-conformance.tmp" "$BIN/audit-conformance"
  log "built in $((SECONDS - start))s"
fi
printf '%s\n' "$BIN/audit-conformance"
