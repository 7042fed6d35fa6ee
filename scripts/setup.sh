#!/usr/bin/env bash
# Installs the Debian packages ML.Generative needs, only those missing (idempotent; runs as root).
# Tensors, autograd and kernels come from NuGet (TorchSharp + libtorch-cpu-linux-x64, restored by dotnet), and the
# build itself makes TorchSharp's native library load on Debian 12 (build/ML.Generative.targets): nothing native
# is compiled here.
#   dataset-fashion-mnist        the default data set (/usr/share/datasets/fashion-mnist)
#   python3-torch python3-numpy  PyTorch 1.13, the reference for tests' golden values and the benchmarks
#   python3-pil                  an independent image encoder/decoder for the image tests
#   chromium                     headless browser the HTML report test renders and screenshots the report with
set -euo pipefail
packages=(dataset-fashion-mnist python3-torch python3-numpy python3-pil chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "setup: the .NET SDK (dotnet) is required" >&2; exit 1; }
