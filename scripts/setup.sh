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
  wd_apt update -qq && wd_apt install -y -qq chromium
}

# apt-get, waiting for a dpkg/apt lock held by another apt run (up to 10 minutes) instead of failing at once.
wd_apt() {
  local attempt
  mkdir -p "$WD_CACHE"
  for attempt in $(seq 1 60); do
    if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=10 "$@" >/dev/null 2>"$WD_CACHE/apt.err"; then
      return 0
    fi
    if ! grep -qiE "lock|dpkg was interrupted" "$WD_CACHE/apt.err"; then cat "$WD_CACHE/apt.err" >&2; return 1; fi
    [[ $attempt == 1 ]] && wd_log "apt/dpkg is locked by another process; waiting"
    sleep 10
  done
  cat "$WD_CACHE/apt.err" >&2
  return 1
}

# dotnet build, skipped when nothing it reads changed since the last successful build with the same flavour
# (./webui.sh --help then answers at once). WD_ORT_FLAVOR=Cuda builds on Microsoft.ML.OnnxRuntime.Gpu.Linux.
ensure_dotnet_build() {
  local flavor="${WD_ORT_FLAVOR:-Cpu}"
  local stamp="$WD_CACHE/dotnet-build-$WD_DOTNET_CONFIG.stamp"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$flavor" ]] && [[ -z "$(find "$WD_ROOT/src" "$WD_ROOT/tests" "$WD_ROOT/bench" \
      \( -name bin -o -name obj -o -name node_modules \) -prune -o -type f -newer "$stamp" -print -quit)" ]] \
      && [[ -z "$(find "$WD_ROOT" -maxdepth 1 -type f \( -name '*.props' -o -name '*.sln' -o -name global.json -o -name .editorconfig \) \
      -newer "$stamp" -print -quit)" ]]; then
    return 0
  fi
  wd_log "dotnet build ($WD_DOTNET_CONFIG, ONNX Runtime $flavor)"
  mkdir -p "$WD_CACHE"
  # written before the build, so the stamp carries its start time: a file edited during the build triggers the next one
  echo "$flavor" > "$stamp.started"
  dotnet build "$WD_ROOT/WebDiffusion.sln" -c "$WD_DOTNET_CONFIG" -p:OrtFlavor="$flavor" --nologo -v quiet -clp:ErrorsOnly || return 1
  mv "$stamp.started" "$stamp"
}
