#!/usr/bin/env bash
# Packs the library (it carries the Debian 12 TorchSharp fix in buildTransitive/), the FID package and the mlgen .NET tool into
# artifacts/packages (or the folder given as $1).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/packages}
bash scripts/setup.sh
for project in src/ML.Generative src/ML.Generative.Fid src/Examples; do
  dotnet pack "$project" -c Release -o "$out" -v q -nologo
done
echo "packages in $(cd "$out" && pwd):"
ls "$out"
