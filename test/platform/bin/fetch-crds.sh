#!/usr/bin/env bash
# Fetches the CustomResourceDefinitions the local platform installs, as each upstream project ships them in its Go
# module (downloaded through the Go module proxy, so no Git host or release page is contacted), into a cache outside
# the repository, one directory per project and version:
#   $GANTRY_CACHE/crds/gateway-api-<v>/   sigs.k8s.io/gateway-api            config/crd/standard/*.yaml
#   $GANTRY_CACHE/crds/keda-<v>/          github.com/kedacore/keda/v2        config/crd/bases/keda.sh_*.yaml
#   $GANTRY_CACHE/crds/vpa-<v>/           k8s.io/autoscaler/vertical-pod-autoscaler  deploy/vpa-v1-crd-gen.yaml
# These files are upstream's own controller-gen output (with the full validation schemas), so nothing is generated
# here. A directory appears only once complete (filled in a scratch dir, then renamed), so an interrupted run is
# redone and a present directory is never partial. App Mesh's controller module is not on the proxy: its CRDs are
# written in test/platform/crds/ instead.
#
# Usage: fetch-crds.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$here/versions.env"
cache=${GANTRY_CACHE:-$HOME/.cache/gantry}
mkdir -p "$cache/crds"
log() { printf '[fetch-crds] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# fetch <name> <module> <version> <glob relative to the module root>...
fetch() {
  local name=$1 module=$2 version=$3; shift 3
  local dest=$cache/crds/$name-$version
  if [ -d "$dest" ]; then log "$name $version: cached in $dest"; return; fi
  command -v go >/dev/null || die "Go is not installed (needed once to download the $name CRDs from the Go module proxy)"
  local t0=$SECONDS w dir
  w=$(mktemp -d "$cache/crds/.fetch-$name.XXXXXX")
  # Outside any module, so go.mod files around the caller do not matter; GOFLAGS cleared for the same reason.
  dir=$(cd "$w" && GOFLAGS= GOTOOLCHAIN=local go mod download -json "$module@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || die "$module@$version: go mod download gave no directory"
  local pattern f n=0
  for pattern in "$@"; do
    for f in $dir/$pattern; do
      [ -e "$f" ] || die "$module@$version: $pattern matches nothing (did the module move its CRDs?)"
      cp "$f" "$w/"; n=$((n + 1))
    done
  done
  chmod 0644 "$w"/*.yaml
  mv "$w" "$dest"
  log "$name $version: $n files into $dest in $(( SECONDS - t0 )) s"
}

fetch gateway-api sigs.k8s.io/gateway-api "$GATEWAY_API_VERSION" 'config/crd/standard/gateway.networking.k8s.io_*routes.yaml' \
  'config/crd/standard/gateway.networking.k8s.io_gateway*.yaml' 'config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml'
fetch keda github.com/kedacore/keda/v2 "$KEDA_VERSION" 'config/crd/bases/keda.sh_*.yaml'
fetch vpa k8s.io/autoscaler/vertical-pod-autoscaler "$VPA_VERSION" 'deploy/vpa-v1-crd-gen.yaml'
