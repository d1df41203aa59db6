#!/usr/bin/env bash
# Sets up what is missing, builds, runs every test (.NET and UI) and ends with one line:
#   N passed, N failed, N skipped
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/scripts/setup.sh"
set +e

setup_failed=0
ensure_chromium || setup_failed=1
ensure_ui || setup_failed=1
ensure_dotnet_build || { echo "dotnet build failed"; echo "0 passed, 1 failed"; exit 1; }

results="$WD_ROOT/TestResults"
rm -rf "$results"; mkdir -p "$results"

dotnet_rc=0
for proj in "$WD_ROOT"/tests/*/*.csproj; do
  name="$(basename "$proj" .csproj)"
  echo "=== $name"
  dotnet test "$proj" -c "$WD_DOTNET_CONFIG" --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results/$name" || dotnet_rc=1
done

ui_rc=0
if [[ -f "$WD_ROOT/src/webui/package.json" ]]; then
  echo "=== webui (vitest)"
  (cd "$WD_ROOT/src/webui" && npx vitest run --reporter=default --reporter=json --outputFile="$results/vitest.json") || ui_rc=1
fi

python3 - "$results" "$dotnet_rc" "$ui_rc" "$setup_failed" <<'PY'
import glob, json, os, sys, xml.etree.ElementTree as ET
results, dotnet_rc, ui_rc, setup_failed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
passed = failed = skipped = 0
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
trx_files = glob.glob(os.path.join(results, "**", "*.trx"), recursive=True)
for trx in trx_files:
    c = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        failed += 1
        continue
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
vj = os.path.join(results, "vitest.json")
if os.path.exists(vj):
    v = json.load(open(vj))
    passed += v.get("numPassedTests", 0)
    failed += v.get("numFailedTests", 0)
    skipped += v.get("numPendingTests", 0) + v.get("numTodoTests", 0)
    if ui_rc and v.get("numFailedTests", 0) == 0:
        failed += 1  # vitest failed outside a test (e.g. a suite did not load)
elif ui_rc:
    failed += 1
if dotnet_rc and failed == 0:
    failed += 1  # a test host crashed or a project produced no result
if setup_failed:
    print("set-up step failed (see above)")
    failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
