#!/bin/sh
# The image's entry point (Dockerfile: /app/bin/tailgate-entrypoint): the first argument names the
# component, the rest are its flags. `exec` makes Node PID 1's only process, so SIGTERM reaches the
# component's own orderly shutdown (the gateway's hand-over). Resolves the apps next to its own
# directory, so it runs the same from the image (/app/bin) and a built checkout (scripts/).
set -eu
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
role=${1:-gateway}
[ "$#" -gt 0 ] && shift
case "$role" in
  gateway) exec node "$root/apps/gateway/dist/main.js" "$@" ;;
  agent) exec node "$root/apps/agent/dist/main.js" "$@" ;;
  worker) exec node "$root/apps/worker/dist/main.js" "$@" ;;
  *)
    echo "usage: tailgate-entrypoint gateway|agent|worker [flags]" >&2
    exit 64
    ;;
esac
