#!/usr/bin/env bash
# The whole test suite on the local platform: set up what is missing, check (types, lint, dependency rule,
# config), then run every jest test. The `platform` tests start real services themselves and stop them after.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n==> checks: typecheck, lint (incl. the dependency rule), sample config\n' >&2
npm run --silent check
printf '\n==> tests\n' >&2
npm test -- "$@"
