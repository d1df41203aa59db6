#!/usr/bin/env bash
# Sets up what is missing, builds, then serves WebDiffusion on http://127.0.0.1:7860.
# ./webui.sh --help lists the flags; ./webui.sh <verb> runs a command instead of serving.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/scripts/setup.sh"

ensure_ui
ensure_dotnet_build

cd "$WD_ROOT"
exec dotnet "$WD_ROOT/src/WebDiffusion.Server/bin/$WD_DOTNET_CONFIG/net10.0/WebDiffusion.Server.dll" --content-root "$WD_ROOT" "$@"
