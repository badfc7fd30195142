#!/usr/bin/env bash
# Benchmark: cold setup, as on a brand-new machine: the Go builds (Kubernetes, etcd, kwok, kustomize) with empty
# Go module and build caches, and the moto virtualenv, each timed. Uses throwaway caches under a temp dir, so the
# real cache is untouched. Downloads go through the Go module proxy and PyPI as on a new machine.
#   bash bench/cold-setup.sh [--write]      (about 20-40 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
source test/platform/versions.env
root=$(mktemp -d /tmp/gantry-cold-XXXXXX)
trap 'chmod -R u+w "$root" 2>/dev/null; rm -rf "$root"' EXIT
export GANTRY_CACHE=$root/cache GOMODCACHE=$root/gomod GOCACHE=$root/gobuild
declare -A secs
for c in etcd kustomize kwok kubernetes; do
  t0=$(date +%s)
  bash test/platform/bin/build-binaries.sh "$c" 2>&1 | sed 's/^/    /' >&2
  secs[$c]=$(( $(date +%s) - t0 ))
done
t0=$(date +%s)
python3 -m venv "$root/venv" && "$root/venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir "moto[server]==$MOTO_VERSION"
secs[moto]=$(( $(date +%s) - t0 ))
total=0; for c in "${!secs[@]}"; do total=$(( total + secs[$c] )); done
fmt() { printf '%dm%02ds' $(( $1 / 60 )) $(( $1 % 60 )); }
table="Command: \`bash bench/cold-setup.sh --write\` on $(nproc) cores, $(date -u +%F); empty Go module, Go build and
pip caches; downloads from the Go module proxy and PyPI. (npm ci and apt-get are not included: they take under a
minute each and depend on the mirror.)

| step | time |
|---|---|
| etcd $ETCD_VERSION (go build) | $(fmt "${secs[etcd]}") |
| kustomize $KUSTOMIZE_VERSION (go install) | $(fmt "${secs[kustomize]}") |
| kwok $KWOK_VERSION (go install) + stages | $(fmt "${secs[kwok]}") |
| Kubernetes $KUBERNETES_VERSION: kube-apiserver, kube-controller-manager, kube-scheduler, kubectl | $(fmt "${secs[kubernetes]}") |
| moto[server] $MOTO_VERSION virtualenv | $(fmt "${secs[moto]}") |
| **total** | **$(fmt "$total")** |"
printf '%s\n' "$table"
if [ "${1:-}" = "--write" ]; then
  BODY="$table" node --import tsx -e "import('./bench/benchmarks-file.ts').then(m => m.replaceSection('Local platform: cold setup', process.env.BODY))"
fi
