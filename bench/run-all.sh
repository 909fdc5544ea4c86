#!/usr/bin/env bash
# Runs every benchmark after one build; each prints its medians/ratios against the SPEC §12 targets.
#   ./bench/run-all.sh            (or: pnpm bench)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TURBO_TELEMETRY_DISABLED=1
npx turbo run build --output-logs=errors-only >/dev/null
for bench in mongo-embedded git jobs authoring http; do
  echo "== bench/$bench"
  node "bench/$bench/run.js"
  echo
done
