#!/usr/bin/env bash
# Runs every benchmark after one build; each prints its medians/ratios against the targets in bench/README.md.
#   ./bench/run-all.sh            (or: pnpm bench)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Installs what a fresh clone needs (pnpm, node modules, git, redis-server) and builds, like bin/test.
# shellcheck source=../bin/lib/bootstrap.sh
. "$ROOT/bin/lib/bootstrap.sh"
bootstrap
cd "$ROOT"
# Every bench runs even when an earlier one misses its target (or fails); the exit status says
# whether all met theirs.
missed=()
for bench in mongo-embedded git jobs authoring http; do
  echo "== bench/$bench"
  node "bench/$bench/run.js" || missed+=("$bench")
  echo
done
if [ ${#missed[@]} -gt 0 ]; then
  echo "missed or failed: ${missed[*]}" >&2
  exit 1
fi
