#!/usr/bin/env bash
# Sets up and runs the built-in demo: one process, no Redis, no cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
exec node apps/gateway/dist/demo/main.js "$@"
