#!/usr/bin/env bash
# Before/after lines for benchmarks/README.md: one lever switched off at a time, our side only, same run.
# The levers left after the move to TorchSharp: the glibc allocator settings (MLGEN_MALLOC) and the thread count.
# Usage: benchmarks/levers.sh [steps] [cases...]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-5}; shift || true
cases=${*:-vae28 vae32 vaegan32 wae64}
dotnet build benchmarks/Bench -c Release -v q -nologo >/dev/null
dll=benchmarks/Bench/bin/Release/net10.0/Bench.dll
bench() { env MLGEN_QUIET=1 "$@" dotnet "$dll" train "$case" "$steps" 1 2>/dev/null |
  /usr/bin/python3 -c "import sys,json,statistics as s; d=json.loads(sys.stdin.read()); print(f\"{s.median(d['ms']):8.0f} ms {d['peak_rss_mb']:6.0f} MB {d['minflt_per_step']:8.0f} faults/step\")"; }
echo "case          lever off                               median/step  peak RSS  minor faults"
for case in $cases; do
  printf "%-13s %-40s %s\n" "$case" "(library defaults)" "$(bench X=1)"
  printf "%-13s %-40s %s\n" "$case" "MLGEN_MALLOC=off (glibc's defaults)" "$(bench MLGEN_MALLOC=off)"
  printf "%-13s %-40s %s\n" "$case" "1 torch thread" "$(bench MLGEN_TORCH_THREADS=1)"
done
