#!/usr/bin/env bash
# The README's test command: setup when needed, build everything, run every
# test project, and print the totals as "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export MLGEN_QUIET=1
log=$(mktemp)
dotnet test MLGenerative.sln -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# Sum the per-assembly summaries: "Passed!  - Failed:     0, Passed:     6, Skipped:     0, Total: ..."
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "the build or test run failed before tests could report"; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
