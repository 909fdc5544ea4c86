#!/usr/bin/env bash
# Regenerates the TypeScript for the Gitaly subset (proto/gitaly, proto/google/rpc) with ts-proto.
# Usage: proto/generate.sh [output-dir]   (default: packages/git/src/gitaly/gen, which is committed)
# Needs protoc (Debian package protobuf-compiler, which also ships the google/protobuf well-known types)
# and the ts-proto devDependency of @conman/git. The version annotation is off so that the output does not
# depend on the exact protoc release.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="${1:-$repo_root/packages/git/src/gitaly/gen}"
protoc_bin="${PROTOC:-/usr/bin/protoc}"
plugin="$repo_root/packages/git/node_modules/.bin/protoc-gen-ts_proto"

if [[ ! -x "$protoc_bin" ]]; then
  echo "protoc not found at $protoc_bin (apt-get install protobuf-compiler, or set PROTOC)" >&2
  exit 1
fi
if [[ ! -x "$plugin" ]]; then
  echo "ts-proto plugin not found at $plugin (run pnpm install)" >&2
  exit 1
fi

rm -rf "$out_dir"
mkdir -p "$out_dir"
cd "$repo_root/proto"
"$protoc_bin" \
  --plugin="protoc-gen-ts_proto=$plugin" \
  --ts_proto_out="$out_dir" \
  --ts_proto_opt=outputServices=grpc-js,esModuleInterop=true,env=node,useOptionals=messages,forceLong=string,oneof=unions-value,annotateFilesWithVersion=false \
  -I . \
  gitaly/*.proto google/rpc/*.proto
