#!/usr/bin/env bash
# Installs everything Tailgate's build and tests need on a fresh Debian machine:
# Node dependencies, redis-server, syslog-ng and chromium (Debian), and — with --cluster — the Go-built etcd,
# kube-apiserver, helm and kustomize for the cluster suites (test/cluster/build.sh). Safe to run again; warm runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

with_cluster=false
for arg in "$@"; do
  case "$arg" in
    --cluster) with_cluster=true ;;
    *) echo "usage: $0 [--cluster]" >&2; exit 2 ;;
  esac
done

need_node_major=20
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt "$need_node_major" ]; then
  echo "setup: Node.js >= $need_node_major is required (found ${node_major})" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing Node dependencies"
  npm ci --no-audit --no-fund
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "setup: installing redis-server from Debian"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
  # The package starts a system service on 6379; tests start their own servers on free ports.
  $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
redis-server --version

if ! command -v syslog-ng >/dev/null 2>&1 || ! dpkg -s syslog-ng-mod-http >/dev/null 2>&1; then
  # A real log shipper for the flow tap's ingest tests (fluentd and fluent-bit are not in Debian).
  echo "setup: installing syslog-ng (core + http destination) from Debian"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq syslog-ng-core syslog-ng-mod-http >/dev/null
  # The package may start the system logger; tests run their own syslog-ng in a temp directory.
  $SUDO systemctl disable --now syslog-ng >/dev/null 2>&1 || true
fi
# sed, not head: head exiting early would SIGPIPE syslog-ng and fail the pipeline under pipefail.
syslog-ng --version | sed -n 1p

if ! command -v chromium >/dev/null 2>&1; then
  # The browser suites drive Debian's Chromium with playwright-core; no browser is ever downloaded.
  echo "setup: installing chromium from Debian"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# Debian's launcher script prints shell noise on stderr; the version line is on stdout.
chromium --version 2>/dev/null

if $with_cluster; then
  bash test/cluster/build.sh
fi

echo "setup: building TypeScript"
npm run build --silent
