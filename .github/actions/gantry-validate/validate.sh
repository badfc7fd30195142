#!/usr/bin/env bash
# The gantry-validate action's work, runnable anywhere: `validate.sh <gantry command...>`, for example
# `validate.sh node dist/cli/main.js` or `validate.sh gantry`.
#   GANTRY_DIR         the repository's root (apps/, environments/); default .
#   GANTRY_RENDER_DIR  where <environment>.yaml renders go; default gantry-rendered
# 1. `gantry check --annotate github`: every problem on stderr, and as a workflow command that marks its line.
# 2. `gantry render environments/<name>` for every environment (a directory with env.yaml), into GANTRY_RENDER_DIR.
# 3. A table of the results in $GITHUB_STEP_SUMMARY when Actions provides one.
# Exit 0 when everything is valid and rendered, 1 otherwise (every step runs either way, so all problems show).
set -uo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: validate.sh <gantry command...>  (for example: validate.sh node dist/cli/main.js)" >&2
  exit 2
fi
gantry=("$@")
dir=${GANTRY_DIR:-.}
out=${GANTRY_RENDER_DIR:-gantry-rendered}
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
status=0

if [ ! -d "$dir/environments" ] && [ ! -d "$dir/apps" ]; then
  echo "::error title=gantry validate::$dir has neither apps/ nor environments/: set the action's directory input to the repository's root"
  exit 1
fi

echo "::group::gantry check $dir"
if "${gantry[@]}" check "$dir" --annotate github; then check=ok; else check=FAIL; status=1; fi
echo "::endgroup::"

mkdir -p "$out"
rows=()
for envfile in "$dir"/environments/*/env.yaml; do
  [ -f "$envfile" ] || continue
  name=$(basename "$(dirname "$envfile")")
  if "${gantry[@]}" render "$dir/environments/$name" >"$out/$name.yaml"; then
    objects=$(grep -c '^kind: ' "$out/$name.yaml" || true)
    echo "rendered environments/$name: $objects objects → $out/$name.yaml"
    rows+=("| environments/$name | ok | $objects objects, $out/$name.yaml |")
  else
    rm -f "$out/$name.yaml"
    echo "::error file=$dir/environments/$name/kustomization.yaml,title=gantry render::environments/$name does not render (see the log above)"
    rows+=("| environments/$name | FAIL | does not render |")
    status=1
  fi
done

{
  echo "### gantry validate: $([ "$status" -eq 0 ] && echo valid || echo 'problems found')"
  echo
  echo "\`gantry check\`: $check"
  echo
  echo "| environment | render | output |"
  echo "|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >>"$summary"
exit "$status"
