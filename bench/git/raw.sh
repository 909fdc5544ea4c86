#!/usr/bin/env bash
# The raw-git baseline of bench/git/run.js: the same operations done with plain git plumbing from a shell.
# Usage: raw.sh <bare repo> <iterations> <file path to rewrite> <read path> <merge ours> <merge theirs>
# Prints one line per sample: "<operation> <milliseconds>" (operation = commit | read | merge).
# Commit = temp index, read-tree of the parent, hash-object, update-index, write-tree, commit-tree, CAS update-ref.
set -euo pipefail

repo=$1 iterations=$2 write_path=$3 read_path=$4 ours=$5 theirs=$6
export GIT_DIR=$repo GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 LC_ALL=C
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
index_dir=$(mktemp -d)
trap 'rm -rf "$index_dir"' EXIT

elapsed_ms() { # start end (EPOCHREALTIME values, no process spawned)
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) * 1000 }'
}

ref=refs/heads/raw-bench
head=$(git rev-parse --verify refs/heads/main)
git update-ref "$ref" "$head"
commit_samples=() read_samples=() merge_samples=()
for ((i = 0; i < iterations; i++)); do
  start=$EPOCHREALTIME
  export GIT_INDEX_FILE=$index_dir/index
  git read-tree "$head"
  blob=$(printf 'raw content %s\n' "$i" | git hash-object -w --stdin)
  git update-index --add --cacheinfo "100644,$blob,$write_path"
  tree=$(git write-tree)
  new=$(echo "raw commit $i" | git commit-tree "$tree" -p "$head")
  git update-ref "$ref" "$new" "$head"
  unset GIT_INDEX_FILE
  end=$EPOCHREALTIME
  commit_samples+=("$start $end")
  head=$new
done
for ((i = 0; i < iterations; i++)); do
  start=$EPOCHREALTIME
  git cat-file -p "$head:$read_path" >/dev/null
  end=$EPOCHREALTIME
  read_samples+=("$start $end")
done
for ((i = 0; i < iterations / 10 + 1; i++)); do
  start=$EPOCHREALTIME
  git merge-tree --write-tree "$ours" "$theirs" >/dev/null
  end=$EPOCHREALTIME
  merge_samples+=("$start $end")
done
# Converting after the loops keeps awk's process start out of the measured intervals.
for sample in "${commit_samples[@]}"; do echo "commit $(elapsed_ms $sample)"; done
for sample in "${read_samples[@]}"; do echo "read $(elapsed_ms $sample)"; done
for sample in "${merge_samples[@]}"; do echo "merge $(elapsed_ms $sample)"; done
