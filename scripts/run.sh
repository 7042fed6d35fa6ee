#!/usr/bin/env bash
# The README's main command: setup when needed, then the main job (mlgen quickstart: a VAE on Fashion-MNIST for a
# few minutes; grids, one-class AUROC, FID, model zip, HTML report), then a fresh process that loads the saved
# model zip and samples from it. Arguments are passed to mlgen instead (e.g. scripts/run.sh info).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build src/Examples -c Release -v q -nologo
mlgen() { dotnet src/Examples/bin/Release/net10.0/mlgen.dll "$@"; }
if [ $# -gt 0 ]; then
  mlgen "$@"
  exit
fi
out=${MLGEN_QUICKSTART_OUT:-quickstart}
mlgen quickstart --out "$out"
echo
echo "Loading $out/model.zip in a new process and sampling from it:"
mlgen sample "$out/model.zip" -n 64 --seed 1 --grid "$out/samples-from-zip.png"
