#!/usr/bin/env bash
# Shared, idempotent set-up for webui.sh and test.sh. Source it; call the ensure_* functions.
# Everything it fetches lands in .cache/ (git-ignored); a second run with nothing changed does nothing.
set -euo pipefail

WD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WD_CACHE="$WD_ROOT/.cache"
WD_DOTNET_CONFIG="${WD_DOTNET_CONFIG:-Release}"

wd_log() { printf '[setup] %s\n' "$*" >&2; }

# npm ci for the UI only when package-lock.json changed; build only when a UI source is newer than the bundle.
ensure_ui() {
  local ui="$WD_ROOT/src/webui"
  [[ -f "$ui/package.json" ]] || { wd_log "no UI project at src/webui"; return 0; }
  local stamp="$WD_CACHE/ui-lock.sha256"
  local want; want="$(sha256sum "$ui/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -d "$ui/node_modules" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    wd_log "npm ci (src/webui)"
    (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error)
    mkdir -p "$WD_CACHE"; echo "$want" > "$stamp"
  fi
  local index="$WD_ROOT/wwwroot/index.html"
  if [[ ! -f "$index" ]] || [[ -n "$(find "$ui" -path "$ui/node_modules" -prune -o -type f -newer "$index" -print -quit)" ]]; then
    wd_log "building the UI into wwwroot/"
    (cd "$ui" && npm run --silent build)
  fi
}

# Debian's chromium for the browser tests (root only; no browser downloads work here).
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [[ "$(id -u)" != 0 ]]; then wd_log "chromium missing and not root: install it with apt-get install chromium"; return 1; fi
  wd_log "installing Debian chromium"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

ensure_dotnet_build() {
  # WD_ORT_FLAVOR=Cuda builds on Microsoft.ML.OnnxRuntime.Gpu.Linux instead of the CPU package
  wd_log "dotnet build ($WD_DOTNET_CONFIG, ONNX Runtime ${WD_ORT_FLAVOR:-Cpu})"
  dotnet build "$WD_ROOT/WebDiffusion.sln" -c "$WD_DOTNET_CONFIG" -p:OrtFlavor="${WD_ORT_FLAVOR:-Cpu}" --nologo -v quiet -clp:ErrorsOnly
}
