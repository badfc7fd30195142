#!/usr/bin/env bash
# The main job on the embedded local platform: set up what is missing, start the platform (Redis, a Kubernetes
# control plane with three kwok nodes, the AWS emulator, an OCI registry, the GitHub emulator) or reuse the running
# one, then run the pipeline on this checkout's apps/ and environments/ (scripts/demo.ts): a push deployed to dev and
# staging, a bad change rolled back on its own, a promotion to production, each reported to the GitHub emulator.
# The platform keeps running afterwards; stop it with `npm run platform -- down`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n==> the pipeline on the local platform (scripts/demo.ts)\n' >&2
node --import tsx scripts/demo.ts
printf '\nStop everything with: npm run platform -- down\n'
