#!/usr/bin/env bash
# Packs the library (with the native shim for linux-x64), the FID package and the mlgen .NET tool into
# artifacts/packages (or the folder given as $1). Builds first, so the shim is compiled by CMake as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/packages}
bash scripts/setup.sh
for project in src/ML.Generative src/ML.Generative.Fid src/Examples; do
  dotnet pack "$project" -c Release -o "$out" -v q -nologo
done
echo "packages in $(cd "$out" && pwd):"
ls "$out"
