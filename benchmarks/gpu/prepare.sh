#!/usr/bin/env bash
# Run here (no GPU needed), before a GPU run: gathers what the GPU machine lacks (no network, no .NET SDK) under
# benchmarks/gpu/ (git-ignored; carry both to the GPU machine):
#   .bundle.tar.gz  Bench and HandWritten, published self-contained into one folder (the .NET runtime travels with
#             them; about 95 MB, 42 MB packed), minus libtorch's CPU binaries and the CPU-built libLibTorchSharp.so:
#             run.sh builds that library against the GPU machine's CUDA libtorch and puts it beside them.
#   .src/     TorchSharp 0.107.0's native sources (src/Native of a TorchSharp checkout at that release, given as
#             TORCHSHARP_SRC), which run.sh compiles. They are TorchSharp's (MIT), not part of this repository.
# Usage: TORCHSHARP_SRC=/path/to/TorchSharp benchmarks/gpu/prepare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
gpu=benchmarks/gpu
src=${TORCHSHARP_SRC:?set TORCHSHARP_SRC to a TorchSharp checkout at release 0.107.0 (git clone https://github.com/dotnet/TorchSharp)}
grep -q '<MinorVersion>107</MinorVersion>' "$src/build/BranchInfo.props" || { echo "prepare.sh: $src is not TorchSharp 0.107" >&2; exit 1; }
rm -rf "$gpu/.src" "$gpu/.bundle" "$gpu/.bundle.tar.gz" && mkdir -p "$gpu/.src"
cp -r "$src/src/Native" "$gpu/.src/Native"
for project in Bench HandWritten; do
  dotnet publish "benchmarks/$project" -c Release -r linux-x64 --self-contained -o "$gpu/.bundle" -v q -nologo
done
# libtorch comes from the GPU machine's PyTorch; these CPU builds would shadow it (the app folder is searched first).
rm -f "$gpu"/.bundle/libtorch*.so "$gpu"/.bundle/libc10.so "$gpu"/.bundle/libgomp-*.so.1 "$gpu"/.bundle/libshm.so \
  "$gpu"/.bundle/lib*backend*.so "$gpu"/.bundle/libaoti_custom_ops.so "$gpu"/.bundle/libLibTorchSharp.so "$gpu"/.bundle/*.pdb
tar -czf "$gpu/.bundle.tar.gz" -C "$gpu/.bundle" . && rm -rf "$gpu/.bundle"
du -sh "$gpu/.src" "$gpu/.bundle.tar.gz"
