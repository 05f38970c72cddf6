#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 600), one after the
# other, growing a scratch corpus seeded from fuzz/corpus/<name>/. Prints the
# execution count per target. New crash inputs land in fuzz/artifacts/<name>/;
# after fixing, copy them to fuzz/crashes/<name>/ so CI replays them forever.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
build=build/fuzz
cmake -S . -B $build -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DTERN_FUZZ=ON -DTERN_TESTS=OFF >/dev/null
ninja -C $build >/dev/null
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in fuzz/*_fuzzer.cc; do n=$(basename "$f" _fuzzer.cc); targets+=("$n"); done
fi
for name in "${targets[@]}"; do
  work=build/fuzz-corpus/$name
  mkdir -p "$work" "fuzz/artifacts/$name"
  log=build/fuzz-$name.log
  echo "=== fuzz_$name for ${seconds}s"
  "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$name/" \
    "$work" "fuzz/corpus/$name" >"$log" 2>&1 || { echo "fuzz_$name FAILED: see $log"; tail -30 "$log"; exit 1; }
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]*' || true)
  echo "fuzz_$name: $execs executions, $cov"
done
