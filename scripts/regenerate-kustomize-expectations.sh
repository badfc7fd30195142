#!/usr/bin/env bash
# Regenerates the expected output of every kustomize conformance case with the real kustomize CLI, pinned in
# test/platform/versions.env and built by test/platform/bin/build-binaries.sh.
#
#   test/kustomize/cases/<case>/expected.yaml        stdout of `kustomize build <case>` when it succeeds
#   test/kustomize/cases/<case>/expected-error.txt   its stderr when it fails (absolute paths replaced by <case>)
#
# A failing case also needs two hand-written files: error-reason.txt naming the KustomizeErrorReason kustomize-ts
# must give, and error-location.txt naming the kustomization file and field its error must name
# ("file: kustomization.yaml" and "field: resources[0]", or "field: (none)" when the file as a whole is at fault).
# The script says which ones are missing. A case holding cli-skip.txt is not given to the CLI at all (the file says
# why: for example a YAML alias bomb, which the CLI expands without limit until the machine runs out of memory).
#
# It also writes the golden output of every sample environment (environments/<env> with a kustomization):
#   test/kustomize/golden/environments/<env>.yaml   stdout of `kustomize build environments/<env>`
#
# Usage: scripts/regenerate-kustomize-expectations.sh [case-name ...]   (default: every case, and the goldens)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../test/platform/versions.env
source "$repo/test/platform/versions.env"
kustomize=${GANTRY_CACHE:-$HOME/.cache/gantry}/bin/kustomize-$KUSTOMIZE_VERSION/kustomize
if [ ! -x "$kustomize" ]; then
  echo "kustomize $KUSTOMIZE_VERSION is not built at $kustomize; build it with:" >&2
  echo "  bash test/platform/bin/build-binaries.sh kustomize" >&2
  exit 1
fi

cases_dir=$repo/test/kustomize/cases
if [ $# -gt 0 ]; then cases=("$@"); else mapfile -t cases < <(cd "$cases_dir" && ls -d -- */ | sed 's#/$##'); fi

missing_reasons=()
for name in "${cases[@]}"; do
  dir=$cases_dir/$name
  [ -d "$dir" ] || { echo "no such case: $name" >&2; exit 1; }
  if [ -f "$dir/cli-skip.txt" ]; then echo "skip   $name: $(head -1 "$dir/cli-skip.txt")"; continue; fi
  out=$(mktemp) err=$(mktemp)
  if (cd "$dir" && "$kustomize" build . >"$out" 2>"$err"); then
    mv "$out" "$dir/expected.yaml"
    rm -f "$dir/expected-error.txt" "$err"
    echo "ok     $name"
  else
    # Warnings about deprecated fields go to stderr too; keep only the error itself. kustomize decodes a crds: file's
    # definitions with one of two JSON decoders depending on Go's map order, and about one run in ten words a type
    # error "unable to unmarshal" instead of "cannot unmarshal": the one wording is kept.
    grep -v '^# Warning:' "$err" | sed -E -e "s#$(cd "$dir" && pwd -P)#<case>#g" -e 's/0x[0-9a-f]{8,}/0xADDR/g' \
      -e 's/json: unable to unmarshal/json: cannot unmarshal/g' >"$dir/expected-error.txt"
    rm -f "$dir/expected.yaml" "$out" "$err"
    echo "error  $name: $(head -c 150 "$dir/expected-error.txt" | head -1)"
    { [ -f "$dir/error-reason.txt" ] && [ -f "$dir/error-location.txt" ]; } || missing_reasons+=("$name")
  fi
done
if [ $# -eq 0 ]; then
  golden=$repo/test/kustomize/golden/environments
  mkdir -p "$golden"
  rm -f "$golden"/*.yaml
  for env_dir in "$repo"/environments/*/; do
    env=$(basename "$env_dir")
    [ -f "$env_dir/kustomization.yaml" ] || [ -f "$env_dir/kustomization.yml" ] || [ -f "$env_dir/Kustomization" ] || continue
    (cd "$repo" && "$kustomize" build "environments/$env" >"$golden/$env.yaml")
    echo "golden environments/$env"
  done
fi
if [ ${#missing_reasons[@]} -gt 0 ]; then
  echo "cases where kustomize fails but error-reason.txt or error-location.txt is missing: ${missing_reasons[*]}" >&2
  exit 1
fi
