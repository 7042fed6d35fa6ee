#!/usr/bin/env bash
# Run here (no GPU needed): gathers what the GPU machine lacks into .gpu/ (git-ignored through
# .git/info/exclude): a self-contained, compressed single-file Bench (the .NET runtime travels inside it),
# and stb's headers and library for the shim's image code. About 40 MB in all.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .git/info && grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu/stb/include/stb .gpu/stb/lib/pkgconfig
cp /usr/include/stb/*.h .gpu/stb/include/stb/
cp -a /usr/lib/x86_64-linux-gnu/libstb.so* .gpu/stb/lib/
cat > .gpu/stb/lib/pkgconfig/stb.pc <<'PC'
prefix=${pcfiledir}/../..
libdir=${prefix}/lib
includedir=${prefix}/include

Name: stb
Description: stb, carried to the GPU machine
Version: 0.0
Libs: -L${libdir} -lstb
Cflags: -I${includedir}
PC
dotnet publish benchmarks/Bench -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
  -p:EnableCompressionInSingleFile=true -p:MlgSkipNative=true -o .gpu/bench -v q -nologo
rm -f .gpu/bench/*.pdb .gpu/bench/*.xml .gpu/bench/libMLGenerativeNative.so
du -sh .gpu
