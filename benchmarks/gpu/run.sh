#!/usr/bin/env bash
# Run on the GPU machine, from the repository root, with benchmarks/gpu/.bundle.tar.gz and .src carried (prepare.sh makes
# them; nothing is fetched here: the machine has no network). Builds TorchSharp's native library (LibTorchSharp,
# from TorchSharp 0.107's source in .src) against the CUDA libtorch inside this machine's PyTorch, puts it beside
# the published Bench and HandWritten, then runs the harness on CUDA: ours, the hand-written TorchSharp loop and
# PyTorch eager. Writes benchmarks/results/gpu-latest.json (copied to $OUT with the log, if set). Untested so far.
set -uo pipefail
export PYTHONUNBUFFERED=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
gpu=$PWD/benchmarks/gpu
bundle=/tmp/mlgen-bundle
rm -rf "$bundle" && mkdir -p "$bundle" && tar -xzf "$gpu/.bundle.tar.gz" -C "$bundle" || exit 1
prefix=$(python3 -c "import torch; print(torch.utils.cmake_prefix_path)")
libs=$(python3 -c "import torch, os; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")
# A writable copy without -Werror: a newer libtorch's headers may warn where the one TorchSharp was released against did not.
rm -rf /tmp/libtorchsharp && cp -r "$gpu/.src/Native" /tmp/libtorchsharp
sed -i 's/add_definitions(-Werror)//' /tmp/libtorchsharp/CMakeLists.txt
cmake -S /tmp/libtorchsharp -B /tmp/libtorchsharp/build -DCMAKE_BUILD_TYPE=Release -DLIBTORCH_PATH="$prefix" \
  -DCMAKE_PREFIX_PATH="$prefix" >/tmp/libtorchsharp-build.log 2>&1 &&
  cmake --build /tmp/libtorchsharp/build -j "$(nproc)" >>/tmp/libtorchsharp-build.log 2>&1 ||
  { grep -E "error|Error" /tmp/libtorchsharp-build.log | head -40; exit 1; }
cp /tmp/libtorchsharp/build/LibTorchSharp/libLibTorchSharp.so "$bundle/"
# TorchSharp loads torch_cpu / torch_cuda by name: from the app folder first, then from here.
export LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export MLGEN_BENCH_EXE=$bundle/Bench MLGEN_HANDWRITTEN_EXE=$bundle/HandWritten
python3 benchmarks/harness.py --device cuda "$@" | tee /tmp/mlgen-gpu-bench.txt
status=${PIPESTATUS[0]}   # 1 when a target fails: the results are still written and copied
nvidia-smi --query-gpu=name,driver_version --format=csv >> /tmp/mlgen-gpu-bench.txt
if [ -n "${OUT:-}" ]; then cp /tmp/mlgen-gpu-bench.txt benchmarks/results/gpu-latest.json /tmp/libtorchsharp-build.log "$OUT"/ 2>/dev/null; fi
exit "$status"
