#!/usr/bin/env bash
# Run on the GPU machine, from the repository root, with .gpu/ carried (benchmarks/gpu/prepare.sh makes it):
# builds the shim against the CUDA libtorch inside that machine's PyTorch wheel, then runs the training
# harness on CUDA against PyTorch eager. Writes benchmarks/results/gpu-latest.json (and copies to $OUT if set).
set -euo pipefail
export PYTHONUNBUFFERED=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
export PKG_CONFIG_PATH=$PWD/.gpu/stb/lib/pkgconfig
prefix=$(python3 -c "import torch; print(torch.utils.cmake_prefix_path)")
libs=$(python3 -c "import torch, os; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")
cmake -S src/ML.Generative/native -B /tmp/mlgen-native -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release -G Ninja >/tmp/mlgen-build.log
cmake --build /tmp/mlgen-native -j "$(nproc)" >>/tmp/mlgen-build.log || { grep -E "error" /tmp/mlgen-build.log | head -40; exit 1; }
cp /tmp/mlgen-native/libMLGenerativeNative.so .gpu/bench/
export LD_LIBRARY_PATH=$libs:$PWD/.gpu/stb/lib MLGEN_BENCH_EXE=$PWD/.gpu/bench/Bench
python3 benchmarks/harness.py --device cuda "$@" | tee /tmp/mlgen-gpu-bench.txt
nvidia-smi --query-gpu=name,driver_version --format=csv >> /tmp/mlgen-gpu-bench.txt
if [ -n "${OUT:-}" ]; then cp /tmp/mlgen-gpu-bench.txt benchmarks/results/gpu-latest.json "$OUT"/; fi
