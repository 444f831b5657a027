#!/usr/bin/env bash
# The one command that sets up and runs every check Tailgate has: type-check, lint, format,
# unit, integration (real redis-server, real socket.io-client) and cluster (real etcd and
# kube-apiserver) suites, then the benchmark smoke run. Nothing is skipped: a missing
# dependency fails the run.
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
mkdir -p .cache
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json
echo "== benchmark smoke (fails only on gross ratio regressions)"
node_modules/.bin/tsx --tsconfig tsconfig.base.json --conditions=@tailgate/source bench/run.ts --size smoke
node -e '
const r = require("./.cache/vitest-results.json");
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
'
