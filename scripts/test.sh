#!/usr/bin/env bash
# The one command that sets up and runs every check Tailgate has: type-check, lint, format,
# unit, integration (real redis-server, real socket.io-client) and cluster (real etcd and
# kube-apiserver) suites. Nothing is skipped: a missing dependency fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --cluster

echo "== type-check tests and tools"
node_modules/.bin/tsc -p tsconfig.test.json
echo "== lint"
node_modules/.bin/eslint --max-warnings 0 .
echo "== format"
node_modules/.bin/prettier --check . >/dev/null || { node_modules/.bin/prettier --list-different .; exit 1; }
echo "== tests"
node_modules/.bin/vitest run
