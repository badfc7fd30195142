#!/usr/bin/env bash
# Builds the local platform's Go binaries from the Go module proxy into a cache outside the repository,
# one directory per component and version:
#   $GANTRY_CACHE/bin/kubernetes-<v>/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl}
#   $GANTRY_CACHE/bin/etcd-<v>/etcd
#   $GANTRY_CACHE/bin/kwok-<v>/{kwok,stages-fast.yaml}
#   $GANTRY_CACHE/bin/kustomize-<v>/kustomize
# A file appears in the cache only once its build has fully succeeded (built in a scratch dir, then renamed into
# place), so an interrupted build is redone on the next run and a present file is never half-built.
#
# What the user already has is not built, by the same rules the platform uses to find binaries (binaries.ts,
# platform.ts), and each skip is printed with its reason:
#   KUBEBUILDER_ASSETS=<dir>  a binary present there (etcd, kube-apiserver, kubectl, ... as envtest has) is taken
#                             from there, so only the missing ones are built. kwok's stage file is always read
#                             from the cache.
#   GANTRY_KUBECONFIG=<file>  no control plane is started, so the default run skips kubernetes, etcd and kwok;
#                             kustomize is still built (the sample-config tests compare against it). Components
#                             named on the command line are built regardless.
#
# Usage: build-binaries.sh [kubernetes|etcd|kwok|kustomize ...]   (default: all)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$here/versions.env"
cache=${GANTRY_CACHE:-$HOME/.cache/gantry}
bindir=$cache/bin
mkdir -p "$bindir"
log() { printf '[build-binaries] %s\n' "$*" >&2; }
# elapsed <start-seconds>: "N s" since then, for the "built ... in" lines that BENCHMARKS.md quotes.
elapsed() { echo "$(( SECONDS - $1 )) s"; }
die() { log "ERROR: $*"; exit 1; }

# Go is checked only before the first build: a run that finds everything cached or provided needs no Go.
go_checked=false
need_go() {
  $go_checked && return
  command -v go >/dev/null || die "Go is not installed (need Go >= 1.26 to build Kubernetes $KUBERNETES_VERSION). Install it from https://go.dev/dl or your distribution."
  local gov; gov=$(go env GOVERSION); gov=${gov#go}
  case "$gov" in 1.2[6-9]*|1.[3-9][0-9]*) ;; *) die "Go $gov is too old: Kubernetes $KUBERNETES_VERSION needs Go >= 1.26.";; esac
  export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
  go_checked=true
}

# One build at a time per cache: a second run (say the demo and the tests started together) waits for the first
# and then finds its results cached, instead of building Kubernetes twice on the same cores.
exec 9>"$cache/build.lock"
if ! flock -n 9; then
  log "another build is running in $cache; waiting for it to finish"
  flock 9
fi

# scratch <name>: a fresh wrapper-module directory
scratch() { local d; d=$(mktemp -d "$cache/build-$1.XXXXXX"); echo "$d"; }
# publish <scratch-out-dir> <final-dir>: renames each built file into place (same filesystem, so atomic); files
# already in the final dir (built earlier, when another part came from KUBEBUILDER_ASSETS) stay.
publish() { local f; mkdir -p "$2"; for f in "$1"/*; do mv -f "$f" "$2/"; done; rmdir "$1"; }
# in_assets <binary>: true when KUBEBUILDER_ASSETS holds it (binaries.ts takes any file there, and tells the user
# to chmod +x one that is not executable).
in_assets() { [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -e "$KUBEBUILDER_ASSETS/$1" ]; }
# join_words <word ...>: "a, b, c"
join_words() { local IFS=,; local s="$*"; echo "${s//,/, }"; }

build_kubernetes() {
  local v=$KUBERNETES_VERSION dest=$bindir/kubernetes-$KUBERNETES_VERSION b
  local wanted=() provided=() cached=()
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    if in_assets "$b"; then provided+=("$b"); elif [ -x "$dest/$b" ]; then cached+=("$b"); else wanted+=("$b"); fi
  done
  [ ${#provided[@]} -eq 0 ] || log "kubernetes $v: $(join_words "${provided[@]}") not built: present in KUBEBUILDER_ASSETS ($KUBEBUILDER_ASSETS)"
  [ ${#cached[@]} -eq 0 ] || log "kubernetes $v: $(join_words "${cached[@]}") cached in $dest"
  [ ${#wanted[@]} -gt 0 ] || return 0
  need_go
  local minor; minor=$(echo "$v" | cut -d. -f2)
  local sv="v0.$minor.${v##*.}" w t0=$SECONDS; w=$(scratch kubernetes)
  local tools=() pkgs=()
  for b in "${wanted[@]}"; do tools+=("k8s.io/kubernetes/cmd/$b@$v"); pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  log "kubernetes $v: building $(join_words "${wanted[@]}") (cold: 15-40 min on 2 cores; log: $w/build.log)"
  # k8s.io/kubernetes maps its staging modules with relative replaces, which Go ignores in a dependency; mirror
  # them at the matching published v0.N.P tags. The list is read from upstream's own go.mod so it never drifts.
  local upstream; upstream=$(cd "$w" && go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [ -f "$upstream" ] || die "could not download k8s.io/kubernetes@$v's go.mod from the Go module proxy"
  {
    echo "module gantry.local/kubernetes-binaries"
    grep -E '^(go|godebug) ' "$upstream"
    echo "require k8s.io/kubernetes $v"
    echo "replace ("
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/.*#\t\1 => \1 '"$sv"'#p' "$upstream"
    echo ")"
  } > "$w/go.mod"
  (
    cd "$w"
    go get -tool "${tools[@]}"
    local ldf="-s -w" p
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldf="$ldf -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
    done
    mkdir -p out
    go build -trimpath -ldflags "$ldf" -o out/ "${pkgs[@]}"
  ) >"$w/build.log" 2>&1 || die "kubernetes $v build failed; last lines of $w/build.log:
$(tail -20 "$w/build.log")"
  publish "$w/out" "$dest"; rm -rf "$w"
  log "kubernetes $v: built into $dest in $(elapsed "$t0")"
}

build_etcd() {
  local v=$ETCD_VERSION dest=$bindir/etcd-$ETCD_VERSION
  if in_assets etcd; then log "etcd $v: not built: present in KUBEBUILDER_ASSETS ($KUBEBUILDER_ASSETS)"; return; fi
  if [ -x "$dest/etcd" ]; then log "etcd $v: cached in $dest"; return; fi
  need_go
  local w t0=$SECONDS; w=$(scratch etcd)
  log "etcd $v: building (a few minutes cold; log: $w/build.log)"
  # etcd's server module has relative replaces too, so `go install` refuses it; a wrapper module of its own
  # (not the Kubernetes one, whose requirements would raise etcd's api/client modules) builds it.
  (
    cd "$w"
    printf 'module gantry.local/etcd-binary\ngo 1.26.0\n' > go.mod
    go get -tool "go.etcd.io/etcd/server/v3@$v"
    mkdir -p out && go build -trimpath -ldflags "-s -w" -o out/etcd go.etcd.io/etcd/server/v3
  ) >"$w/build.log" 2>&1 || die "etcd $v build failed; last lines of $w/build.log:
$(tail -20 "$w/build.log")"
  publish "$w/out" "$dest"; rm -rf "$w"
  log "etcd $v: built into $dest in $(elapsed "$t0")"
}

build_kustomize() {
  local v=$KUSTOMIZE_VERSION dest=$bindir/kustomize-$KUSTOMIZE_VERSION
  if [ -x "$dest/kustomize" ]; then log "kustomize $v: cached in $dest"; return; fi
  need_go
  local w t0=$SECONDS; w=$(scratch kustomize)
  log "kustomize $v: building (log: $w/build.log)"
  ( cd "$w" && mkdir -p out && GOBIN="$w/out" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$v" ) \
    >"$w/build.log" 2>&1 || die "kustomize $v build failed; last lines of $w/build.log:
$(tail -20 "$w/build.log")"
  publish "$w/out" "$dest"; rm -rf "$w"
  log "kustomize $v: built into $dest in $(elapsed "$t0")"
}

build_kwok() {
  local v=$KWOK_VERSION dest=$bindir/kwok-$KWOK_VERSION binary=true
  if in_assets kwok; then binary=false; log "kwok $v: kwok not built: present in KUBEBUILDER_ASSETS ($KUBEBUILDER_ASSETS)"; fi
  if [ -s "$dest/stages-fast.yaml" ] && { ! $binary || [ -x "$dest/kwok" ]; }; then log "kwok $v: cached in $dest"; return; fi
  build_kustomize
  need_go
  local w t0=$SECONDS; w=$(scratch kwok)
  log "kwok $v: building$($binary || echo ' its stage file only') (log: $w/build.log)"
  (
    cd "$w" && mkdir -p out
    if $binary; then GOBIN="$w/out" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$v"; fi
    # kwok 0.8 ships no built-in stages; its module carries the upstream "fast" stage set as kustomize files.
    local src; src=$(go mod download -json "sigs.k8s.io/kwok@$v" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    "$bindir/kustomize-$KUSTOMIZE_VERSION/kustomize" build "$src/kustomize/stage/fast" > out/stages-fast.yaml
  ) >"$w/build.log" 2>&1 || die "kwok $v build failed; last lines of $w/build.log:
$(tail -20 "$w/build.log")"
  publish "$w/out" "$dest"; rm -rf "$w"
  log "kwok $v: built into $dest in $(elapsed "$t0")"
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  if [ -n "${GANTRY_KUBECONFIG:-}" ]; then
    log "kubernetes, etcd, kwok: not built: GANTRY_KUBECONFIG=$GANTRY_KUBECONFIG is used instead of a local control plane"
    targets=(kustomize)
  else
    targets=(etcd kustomize kwok kubernetes)
  fi
fi
for t in "${targets[@]}"; do
  case "$t" in
    kubernetes|etcd|kwok|kustomize) "build_$t" ;;
    *) die "unknown component '$t' (expected kubernetes, etcd, kwok or kustomize)";;
  esac
done
