#!/usr/bin/env bash
# Runs the protocol fuzz suite longer than CI does, or replays one run:
#   scripts/fuzz.sh --runs 2000          # 100,000 requests and 20,000 handshakes
#   scripts/fuzz.sh --seed 12345         # the run that printed this seed
# --runs is batches per property (CI: 200, i.e. 10,000 requests and 2,000 handshakes).
set -euo pipefail
cd "$(dirname "$0")/.."
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) export TAILGATE_FUZZ_RUNS="$2"; shift 2 ;;
    --seed) export TAILGATE_FUZZ_SEED="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seed S]" >&2; exit 2 ;;
  esac
done
exec node_modules/.bin/vitest run --project adversarial test/adversarial/protocol-fuzz.test.ts
