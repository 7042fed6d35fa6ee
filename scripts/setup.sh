#!/usr/bin/env bash
# Installs the Debian packages ML.Generative needs, only those missing (idempotent; runs as root).
#   libtorch-dev         tensors, autograd, conv kernels (libtorch 1.13, CPU, oneDNN, OpenMP)
#   libopenblas0-pthread the BLAS libtorch calls; Debian's reference BLAS is ~4x slower for training
#   libstb-dev           image decoding/encoding in the native shim
#   cmake g++ pkg-config builds the native shim
#   dataset-fashion-mnist the default data set (/usr/share/datasets/fashion-mnist)
#   python3-torch python3-numpy  the PyTorch reference for tests' golden values and the benchmarks
#   python3-pil          an independent image encoder/decoder for the image tests
#   chromium             headless browser the HTML report test renders and screenshots the report with
set -euo pipefail
packages=(libtorch-dev libopenblas0-pthread libstb-dev cmake g++ pkg-config dataset-fashion-mnist python3-torch python3-numpy python3-pil chromium)
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
