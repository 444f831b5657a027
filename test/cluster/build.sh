#!/usr/bin/env bash
# Builds the real etcd and kube-apiserver that the cluster test suite runs, from Go modules only,
# and caches the binaries in a directory keyed by both versions. A warm run only checks the cache.
#
# Usage: test/cluster/build.sh            build (or find) the binaries; prints the bin dir last
#        test/cluster/build.sh --update   regenerate the wrapper go.mod/go.sum in go/ for new versions
#        test/cluster/build.sh --k8s-tools  build (or find) only helm and kustomize; prints their bin dir last
#
# A plain run also builds helm and kustomize (the chart and kustomize suites need them).
#
# Env (defaults):
#   TAILGATE_K8S_VERSION   1.36.3
#   TAILGATE_ETCD_VERSION  3.6.16
#   TAILGATE_K8S_BIN       $HOME/.cache/tailgate/k8s-bin/<k8s>-<etcd>
#   TAILGATE_HELM_VERSION       3.21.4  (helm.sh/helm/v3)
#   TAILGATE_KUSTOMIZE_VERSION  5.8.2   (sigs.k8s.io/kustomize/kustomize/v5; its kustomize/api is v0.21.2)
#   TAILGATE_K8S_TOOLS_BIN      $HOME/.cache/tailgate/k8s-tools/helm-<helm>-kustomize-<kustomize>/bin
set -euo pipefail

K8S="${TAILGATE_K8S_VERSION:-1.36.3}"
ETCD="${TAILGATE_ETCD_VERSION:-3.6.16}"
BIN="${TAILGATE_K8S_BIN:-$HOME/.cache/tailgate/k8s-bin/$K8S-$ETCD}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WRAPPERS="$HERE/go"
UPDATE=0
[ "${1:-}" = "--update" ] && UPDATE=1
HELM="${TAILGATE_HELM_VERSION:-3.21.4}"
KUSTOMIZE="${TAILGATE_KUSTOMIZE_VERSION:-5.8.2}"
TOOLS_BIN="${TAILGATE_K8S_TOOLS_BIN:-$HOME/.cache/tailgate/k8s-tools/helm-$HELM-kustomize-$KUSTOMIZE/bin}"
TOOLS_ONLY=0
[ "${1:-}" = "--k8s-tools" ] && TOOLS_ONLY=1

log() { printf '[tailgate cluster build] %s\n' "$*" >&2; }
die() { printf '[tailgate cluster build] ERROR: %s\n' "$*" >&2; exit 1; }

# Go must never fetch a toolchain, must not see a stray go.work, and builds static binaries.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS=-mod=mod
require_go() {
  command -v go >/dev/null 2>&1 || die "go is not on PATH; install Go >= 1.26 (building kube-apiserver v$K8S needs it)"
}

# The machine has 2 cores shared with running tests: build politely.
NICE=(nice -n 10)

binary_ok() { # <path> <expected substring of --version>
  local out
  [ -x "$1" ] && out="$("$1" --version 2>/dev/null)" && [[ "$out" == *"$2"* ]]
}

# Copies the committed wrapper module (if it matches the wanted version) into a scratch dir, or
# generates a fresh one there with generate_<name>. Builds in scratch so the repo stays untouched.
prepare_module() { # <name> <version-marker> <generator> <scratch>
  local name="$1" marker="$2" generator="$3" dir="$4"
  mkdir -p "$dir"
  if [ "$UPDATE" = 0 ] && [ -f "$WRAPPERS/$name/go.mod" ] && grep -q -- "$marker" "$WRAPPERS/$name/go.mod"; then
    cp "$WRAPPERS/$name/go.mod" "$WRAPPERS/$name/go.sum" "$dir/"
    log "$name: using committed wrapper module go/$name"
  else
    log "$name: generating wrapper module ($marker)"
    (cd "$dir" && "$generator")
    (cd "$dir" && "${NICE[@]}" go mod tidy) || die "$name: go mod tidy failed"
    if [ "$UPDATE" = 1 ]; then
      mkdir -p "$WRAPPERS/$name"
      cp "$dir/go.mod" "$dir/go.sum" "$WRAPPERS/$name/"
      log "$name: wrote go/$name/go.mod and go.sum"
    fi
  fi
}

generate_etcd() {
  printf 'module local/etcdbuild\n\ngo 1.25.0\n\ntool go.etcd.io/etcd/server/v3\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$ETCD" > go.mod
}

generate_kube_apiserver() {
  local kgomod
  # The tag's own go.mod lists its staging modules as `k8s.io/X => ./staging/src/k8s.io/X`;
  # each becomes `k8s.io/X => k8s.io/X v0.<minor>.<patch>` (the published staging tags).
  local info
  info="$(go mod download -json "k8s.io/kubernetes@v$K8S" 2>&1)" \
    || die "kube-apiserver: could not download k8s.io/kubernetes@v$K8S: $(sed -n 's/.*"Error": *"\(.*\)".*/\1/p' <<<"$info")"
  kgomod="$(sed -n 's/.*"GoMod": *"\([^"]*\)".*/\1/p' <<<"$info")"
  [ -f "$kgomod" ] || die "kube-apiserver: no go.mod for k8s.io/kubernetes@v$K8S in the module cache"
  local goline
  goline="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$kgomod" | head -n1)"
  {
    printf 'module local/kasbuild\n\ngo %s\n\n' "${goline:-1.25.0}"
    sed -n 's/^godebug /godebug /p' "$kgomod"
    printf '\ntool k8s.io/kubernetes/cmd/kube-apiserver\n\nrequire k8s.io/kubernetes v%s\n\n' "$K8S"
    sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#replace \1 => \1 v0.'"${K8S#1.}"'#p' "$kgomod"
  } > go.mod
  local n
  n="$(grep -c '^replace ' go.mod || true)"
  [ "$n" -ge 20 ] || die "kube-apiserver: only $n staging replaces generated from k8s.io/kubernetes@v$K8S go.mod"
  log "kube-apiserver: $n staging replace lines generated"
}

build_etcd() { # <scratch>
  require_go
  local dir="$1/etcd" start=$SECONDS
  prepare_module etcd "go.etcd.io/etcd/server/v3 v$ETCD" generate_etcd "$dir"
  log "etcd v$ETCD: compiling (cold builds take a few minutes)"
  (cd "$dir" && "${NICE[@]}" go build -v -trimpath -ldflags='-s -w' -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3 2>&1 | progress etcd) \
    || die "etcd v$ETCD: go build failed"
  mv "$BIN/etcd.tmp" "$BIN/etcd"
  log "etcd v$ETCD: built in $((SECONDS - start))s"
}

build_kube_apiserver() { # <scratch>
  require_go
  local dir="$1/kube-apiserver" start=$SECONDS minor="${K8S#*.}"
  minor="${minor%%.*}"
  prepare_module kube-apiserver "k8s.io/kubernetes v$K8S" generate_kube_apiserver "$dir"
  local pkg=k8s.io/component-base/version cgv=k8s.io/client-go/pkg/version
  local ldflags="-s -w -X $pkg.gitVersion=v$K8S -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  ldflags+=" -X $cgv.gitVersion=v$K8S -X $cgv.gitMajor=1 -X $cgv.gitMinor=$minor -X $cgv.gitTreeState=clean"
  log "kube-apiserver v$K8S: compiling (a cold build took about 7 minutes on 2 cores)"
  (cd "$dir" && "${NICE[@]}" go build -v -trimpath -tags providerless -ldflags "$ldflags" \
      -o "$BIN/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver 2>&1 | progress kube-apiserver) \
    || die "kube-apiserver v$K8S: go build failed"
  mv "$BIN/kube-apiserver.tmp" "$BIN/kube-apiserver"
  log "kube-apiserver v$K8S: built in $((SECONDS - start))s"
}

# `go build -v` names every package it compiles; print one line per 200 so a cold build shows life
# without flooding the log. Anything that is not a bare import path (compiler errors, `# pkg`
# headers, `go:` messages) passes through.
progress() { # <name>
  local n=0 line
  while IFS= read -r line; do
    if [[ ! "$line" =~ ^[A-Za-z0-9._~/-]+$ ]]; then
      printf '%s\n' "$line" >&2
    else
      n=$((n + 1))
      [ $((n % 200)) = 0 ] && log "$1: $n packages compiled"
    fi
  done
  return 0
}

# helm and kustomize: plain `go build` of their main packages from wrapper modules, like the
# control plane. Neither has a --version flag; `helm version --short` and `kustomize version` say it.
tool_reports() { # <expected substring> <command...>
  local want="$1" out
  shift
  [ -x "$1" ] && out="$("$@" 2>/dev/null)" && [[ "$out" == *"$want"* ]]
}

generate_helm() {
  printf 'module local/helmbuild\n\ngo 1.26.0\n\ntool helm.sh/helm/v3/cmd/helm\n\nrequire helm.sh/helm/v3 v%s\n' "$HELM" > go.mod
}

generate_kustomize() {
  printf 'module local/kustomizebuild\n\ngo 1.26.0\n\ntool sigs.k8s.io/kustomize/kustomize/v5\n\nrequire sigs.k8s.io/kustomize/kustomize/v5 v%s\n' "$KUSTOMIZE" > go.mod
}

build_helm() { # <scratch>
  require_go
  local dir="$1/helm" start=$SECONDS
  prepare_module helm "helm.sh/helm/v3 v$HELM" generate_helm "$dir"
  # As helm's Makefile does: the version, and the Kubernetes version `helm template` and `helm lint`
  # assume (.Capabilities.KubeVersion) taken from the client-go it is built with (v0.36 → 1.36);
  # without them it would claim v1.20 and charts with a kubeVersion constraint would not render.
  local cgo minor
  cgo="$(cd "$dir" && go list -m -f '{{.Version}}' k8s.io/client-go)" || die "helm: cannot tell its k8s.io/client-go version"
  minor="${cgo#v0.}"
  minor="${minor%%.*}"
  local v=helm.sh/helm/v3/internal/version
  local ldflags="-s -w -X $v.version=v$HELM -X $v.gitTreeState=clean"
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$minor"
  done
  log "helm v$HELM: compiling (a cold build took about 2.5 minutes on 2 cores)"
  (cd "$dir" && "${NICE[@]}" go build -v -trimpath -ldflags "$ldflags" -o "$TOOLS_BIN/helm.tmp" helm.sh/helm/v3/cmd/helm 2>&1 | progress helm) \
    || die "helm v$HELM: go build failed"
  mv "$TOOLS_BIN/helm.tmp" "$TOOLS_BIN/helm"
  log "helm v$HELM: built in $((SECONDS - start))s (assumes Kubernetes 1.$minor)"
}

build_kustomize() { # <scratch>
  require_go
  local dir="$1/kustomize" start=$SECONDS
  prepare_module kustomize "sigs.k8s.io/kustomize/kustomize/v5 v$KUSTOMIZE" generate_kustomize "$dir"
  log "kustomize v$KUSTOMIZE: compiling"
  # kustomize reads its own version from the build info (the module's version in the dependency list).
  (cd "$dir" && "${NICE[@]}" go build -v -trimpath -ldflags='-s -w' -o "$TOOLS_BIN/kustomize.tmp" sigs.k8s.io/kustomize/kustomize/v5 2>&1 | progress kustomize) \
    || die "kustomize v$KUSTOMIZE: go build failed"
  mv "$TOOLS_BIN/kustomize.tmp" "$TOOLS_BIN/kustomize"
  log "kustomize v$KUSTOMIZE: built in $((SECONDS - start))s"
}

ensure_k8s_tools() { # <scratch>
  mkdir -p "$TOOLS_BIN"
  # Its own lock: a tools-only run (the test setup) and a full run may meet here.
  exec 8>"$TOOLS_BIN/.build.lock"
  if ! flock -n 8; then
    log "another build.sh is building into $TOOLS_BIN; waiting for it"
    flock 8
  fi
  if [ "$UPDATE" = 1 ] || ! tool_reports "v$HELM" "$TOOLS_BIN/helm" version --short; then
    build_helm "$1"
  fi
  tool_reports "v$HELM" "$TOOLS_BIN/helm" version --short || die "helm at $TOOLS_BIN/helm does not report v$HELM"
  if [ "$UPDATE" = 1 ] || ! tool_reports "v$KUSTOMIZE" "$TOOLS_BIN/kustomize" version; then
    build_kustomize "$1"
  fi
  tool_reports "v$KUSTOMIZE" "$TOOLS_BIN/kustomize" version || die "kustomize at $TOOLS_BIN/kustomize does not report v$KUSTOMIZE"
  exec 8>&-
  log "helm and kustomize ready in $TOOLS_BIN"
}

if [ "$TOOLS_ONLY" = 1 ]; then
  SCRATCH="$(mktemp -d)"
  trap 'rm -rf "$SCRATCH"' EXIT
  ensure_k8s_tools "$SCRATCH"
  printf '%s\n' "$TOOLS_BIN"
  exit 0
fi

mkdir -p "$BIN"
# setup.sh and a test run may both get here: only one of them builds, the other waits and reuses.
exec 9>"$BIN/.build.lock"
if ! flock -n 9; then
  log "another build.sh is building into $BIN; waiting for it"
  flock 9
fi
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

if [ "$UPDATE" = 1 ] || ! binary_ok "$BIN/etcd" "etcd Version: $ETCD"; then
  build_etcd "$SCRATCH"
fi
binary_ok "$BIN/etcd" "etcd Version: $ETCD" || die "etcd at $BIN/etcd does not report version $ETCD"

if [ "$UPDATE" = 1 ] || ! binary_ok "$BIN/kube-apiserver" "v$K8S"; then
  build_kube_apiserver "$SCRATCH"
fi
binary_ok "$BIN/kube-apiserver" "Kubernetes v$K8S" || die "kube-apiserver at $BIN/kube-apiserver does not report v$K8S"

ensure_k8s_tools "$SCRATCH"

log "binaries ready in $BIN"
printf '%s\n' "$BIN"
