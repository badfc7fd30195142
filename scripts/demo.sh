#!/usr/bin/env bash
# The main job on the embedded local platform: set up what is missing, then start the platform (Redis, a
# Kubernetes control plane with three kwok nodes, the AWS emulator, an OCI registry, the GitHub emulator) and
# print what runs and how to reach it. Stop it with `npm run platform -- down`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf '\n==> starting the local platform\n' >&2
npm run --silent platform -- up
printf 'Stop everything with: npm run platform -- down\n'
