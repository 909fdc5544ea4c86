# Shared by bin/conman and bin/test: installs what a fresh clone needs, then builds. Idempotent and quick
# when everything is already in place.
PNPM_VERSION="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

log() { printf '[conman] %s\n' "$*" >&2; }

ensure_system_packages() {
  local missing=()
  command -v git >/dev/null 2>&1 || missing+=(git)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  # Gate, deploy and migration commands run in a bubblewrap sandbox (docs/security.md).
  command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
  for extra in "$@"; do
    case "$extra" in
      protoc) command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler) ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${missing[*]} with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "missing system packages: ${missing[*]}. Install them (e.g. sudo apt-get install ${missing[*]}) and run again."
    exit 1
  fi
}

ensure_pnpm() {
  if ! command -v corepack >/dev/null 2>&1; then
    PNPM=(npx --yes "pnpm@$PNPM_VERSION")
    return 0
  fi
  PNPM=(corepack "pnpm@$PNPM_VERSION")
  # Older corepack releases carry outdated registry signing keys and refuse to fetch pnpm; the tarball
  # still comes from the npm registry with its integrity hash checked.
  if ! corepack "pnpm@$PNPM_VERSION" --version >/dev/null 2>&1; then
    export COREPACK_INTEGRITY_KEYS=0
    corepack "pnpm@$PNPM_VERSION" --version >/dev/null
  fi
}

pnpm_cmd() { "${PNPM[@]}" "$@"; }

# turbo runs package scripts through the package manager it finds on PATH; a fresh machine has no
# `pnpm` there (only corepack), so put a shim running the pinned version first on PATH.
ensure_pnpm_on_path() {
  local shim_dir="${XDG_CACHE_HOME:-$HOME/.cache}/conman/bin"
  mkdir -p "$shim_dir"
  printf '#!/bin/sh\nexec %s "$@"\n' "${PNPM[*]}" >"$shim_dir/pnpm"
  chmod +x "$shim_dir/pnpm"
  export PATH="$shim_dir:$PATH"
}

ensure_node_modules() {
  local marker="$ROOT/node_modules/.modules.yaml"
  if [ ! -f "$marker" ] || [ "$ROOT/pnpm-lock.yaml" -nt "$marker" ]; then
    log "installing node modules (pnpm $PNPM_VERSION)"
    (cd "$ROOT" && pnpm_cmd install --frozen-lockfile --reporter=append-only >&2)
  fi
}

build_all() {
  (cd "$ROOT" && pnpm_cmd exec turbo run build --output-logs=errors-only >&2)
}

bootstrap() {
  command -v node >/dev/null 2>&1 || { log "Node.js 20.19+ is required"; exit 1; }
  ensure_system_packages "$@"
  ensure_pnpm
  ensure_pnpm_on_path
  ensure_node_modules
  build_all
}
