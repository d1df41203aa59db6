#!/usr/bin/env bash
# Shared, idempotent set-up for webui.sh and test.sh. Source it; call the ensure_* functions.
# Everything it fetches lands in .cache/ (git-ignored); a second run with nothing changed does nothing.
set -euo pipefail

WD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WD_CACHE="$WD_ROOT/.cache"
WD_ORT_VERSION="1.22.0"
# sha256 of libonnxruntime.so.1 inside onnxruntime-node@1.22.0 (linux x64 / arm64)
WD_ORT_SHA256_X64="08cf3bf4218f0e816c2a534e960d85221274cb319569bdf1136b29da7065b015"
WD_ORT_SHA256_ARM64=""
WD_DOTNET_CONFIG="${WD_DOTNET_CONFIG:-Release}"

wd_log() { printf '[setup] %s\n' "$*" >&2; }

# Fetches libonnxruntime.so.1 (CPU) from the npm package onnxruntime-node without running its install scripts.
ensure_onnxruntime() {
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) wd_log "unsupported CPU $(uname -m)"; return 1 ;;
  esac
  local dir="$WD_CACHE/onnxruntime/$WD_ORT_VERSION/linux-$arch"
  WD_ORT_LIB="$dir/libonnxruntime.so.1"
  export WD_ORT_LIB
  if [[ -f "$WD_ORT_LIB" ]]; then return 0; fi
  wd_log "fetching ONNX Runtime $WD_ORT_VERSION (npm pack onnxruntime-node, no install scripts)"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent --ignore-scripts "onnxruntime-node@$WD_ORT_VERSION" >/dev/null)
  tar -xzf "$tmp"/onnxruntime-node-*.tgz -C "$tmp" "package/bin/napi-v6/linux/$arch/libonnxruntime.so.1"
  local expected="$WD_ORT_SHA256_X64"; [[ $arch == arm64 ]] && expected="$WD_ORT_SHA256_ARM64"
  local actual; actual="$(sha256sum "$tmp/package/bin/napi-v6/linux/$arch/libonnxruntime.so.1" | cut -d' ' -f1)"
  if [[ -n "$expected" && "$actual" != "$expected" ]]; then
    wd_log "checksum mismatch for libonnxruntime.so.1: expected $expected, got $actual"; rm -rf "$tmp"; return 1
  fi
  mkdir -p "$dir"
  mv "$tmp/package/bin/napi-v6/linux/$arch/libonnxruntime.so.1" "$WD_ORT_LIB.partial"
  mv "$WD_ORT_LIB.partial" "$WD_ORT_LIB"
  rm -rf "$tmp"
}

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
  wd_log "dotnet build ($WD_DOTNET_CONFIG)"
  dotnet build "$WD_ROOT/WebDiffusion.sln" -c "$WD_DOTNET_CONFIG" --nologo -v quiet -clp:ErrorsOnly
}
