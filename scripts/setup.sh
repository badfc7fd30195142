#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh Debian machine that has Node, Go and Python:
#   1. checks the toolchains, 2. Debian packages (redis-server, docker-registry, skopeo, prometheus, ...), 3. npm packages,
#   4. the AWS emulator (moto) in a cached virtualenv, 5. the Go-built Kubernetes binaries (cached by version;
#   none of what KUBEBUILDER_ASSETS or GANTRY_KUBECONFIG provides is built, see test/platform/bin/build-binaries.sh),
#   6. the CRDs the local cluster installs (VPA, KEDA, Gateway API: upstream YAML, test/platform/bin/fetch-crds.sh),
#   7. the local base image (Debian + Node.js from Debian packages, test/platform/bin/build-base-image.sh).
# Safe to re-run: each step does nothing when its result is already there. Caches live in $GANTRY_CACHE
# (default ~/.cache/gantry), outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/platform/versions.env
cache=${GANTRY_CACHE:-$HOME/.cache/gantry}
mkdir -p "$cache"
step() { printf '\n==> %s\n' "$*" >&2; }
ok() { printf '    %s\n' "$*" >&2; }
die() { printf '\nsetup failed: %s\n' "$*" >&2; exit 1; }
version_at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

step "1/7 toolchains"
command -v node >/dev/null || die "Node.js is not installed (need >= 20.19): https://nodejs.org or your distribution's nodejs package"
node_v=$(node -p 'process.versions.node'); version_at_least "$node_v" 20.19.0 || die "Node.js $node_v is too old; need >= 20.19"
command -v npm >/dev/null || die "npm is not installed (it ships with Node.js)"
command -v go >/dev/null || die "Go is not installed (need >= 1.26 to build Kubernetes $KUBERNETES_VERSION): https://go.dev/dl"
go_v=$(go env GOVERSION); go_v=${go_v#go}; version_at_least "$go_v" 1.26 || die "Go $go_v is too old; need >= 1.26"
command -v python3 >/dev/null || die "Python 3 is not installed (need >= 3.9 for the AWS emulator, moto)"
ok "node $node_v, go $go_v, $(python3 --version)"

step "2/7 Debian packages"
need_pkgs=()
for pair in redis-server:redis-server docker-registry:docker-registry skopeo:skopeo openssl:openssl git:git \
  buildah:buildah mmdebstrap:mmdebstrap prometheus:prometheus prometheus-pushgateway:prometheus-pushgateway; do
  cmd=${pair%%:*} pkg=${pair##*:}
  command -v "$cmd" >/dev/null || need_pkgs+=("$pkg")
done
python3 -c 'import venv, ensurepip' 2>/dev/null || need_pkgs+=(python3-venv)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  ok "installing: ${need_pkgs[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  [ -z "$sudo" ] || command -v sudo >/dev/null || die "missing packages (${need_pkgs[*]}) and not root: run as root or install them: apt-get install ${need_pkgs[*]}"
  command -v apt-get >/dev/null || die "missing ${need_pkgs[*]} and this is not a Debian-like system: install them with your package manager"
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null \
    || die "apt-get install ${need_pkgs[*]} failed"
  # On a systemd host Debian enables and starts the packages' own services (ports 9090 and 9091, scraping the host).
  # The platform runs its own instances on free ports; a service we just installed only for that is turned off.
  for svc in prometheus prometheus-pushgateway; do
    if [[ " ${need_pkgs[*]} " == *" $svc "* ]] && command -v systemctl >/dev/null && systemctl is-enabled --quiet "$svc" 2>/dev/null; then
      if $sudo systemctl disable --now "$svc" >/dev/null 2>&1; then ok "disabled Debian's $svc service (the local platform starts its own)"; fi
    fi
  done
fi
ok "redis-server, docker-registry, skopeo, openssl, git, buildah, mmdebstrap, prometheus, prometheus-pushgateway present"

step "3/7 npm packages"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed (see the output above)"
else
  ok "node_modules is current"
fi

step "4/7 AWS emulator (moto $MOTO_VERSION)"
venv=$cache/venv-moto-$MOTO_VERSION
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv $venv failed"
  "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" || die "pip install moto[server]==$MOTO_VERSION failed"
  touch "$venv/.complete"
  ok "installed into $venv"
else
  ok "cached in $venv"
fi

step "5/7 Kubernetes $KUBERNETES_VERSION, etcd $ETCD_VERSION, kwok $KWOK_VERSION, kustomize $KUSTOMIZE_VERSION (Go builds, cached)"
[ -z "${GANTRY_KUBECONFIG:-}" ] || ok "GANTRY_KUBECONFIG is set: the cluster it points at replaces the local control plane"
[ -z "${KUBEBUILDER_ASSETS:-}" ] || ok "KUBEBUILDER_ASSETS is set: binaries found in $KUBEBUILDER_ASSETS are used, not built"
bash test/platform/bin/build-binaries.sh || die "building the Go binaries failed (see the message above)"
# kustomize's own krusty tests as conformance cases for kustomize-ts, expectations by the CLI just built (cached).
node --import tsx test/kustomize/krusty/extract-cases.ts || die "extracting the krusty conformance cases failed"
# Public repositories' build roots (Go modules from the proxy) with the CLI's output, for kustomize-ts (cached).
node --import tsx test/kustomize/public-roots/fetch-roots.ts || die "fetching the public build roots failed"

step "6/7 CRDs: Gateway API $GATEWAY_API_VERSION, KEDA $KEDA_VERSION, VPA $VPA_VERSION (upstream YAML from the Go module proxy, cached)"
bash test/platform/bin/fetch-crds.sh || die "fetching the CRDs failed (see the message above)"

step "7/7 base image (Debian $BASE_IMAGE_SUITE + Node.js from Debian packages, cached)"
bash test/platform/bin/build-base-image.sh || die "building the base image failed (see the message above)"
printf '\nsetup complete\n' >&2
