#!/usr/bin/env bash
# The README's main command: setup when needed, then the main job of the mlgen app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet run --project src/Examples -c Release -- "${@:-info}"
