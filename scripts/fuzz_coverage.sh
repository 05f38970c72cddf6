#!/usr/bin/env bash
# Measures which code the committed fuzz corpora reach: builds every libFuzzer
# target with clang source-based coverage, replays fuzz/corpus/<name>/ and
# fuzz/crashes/<name>/ once, and prints line and region coverage per source
# directory (default src/wire and src/esp) over all targets together.
#   bash scripts/fuzz_coverage.sh [DIR...]        e.g. src/wire src/esp src/ike
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
((${#dirs[@]})) || dirs=(src/wire src/esp)
build=build/fuzz-coverage
cmake -S . -B $build -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DTERN_FUZZ=ON -DTERN_COVERAGE=ON \
  -DTERN_TESTS=OFF >/dev/null
ninja -C $build >/dev/null
rm -rf "$build/profiles" && mkdir -p "$build/profiles"
objects=()
for f in fuzz/*_fuzzer.cc; do
  name=$(basename "$f" _fuzzer.cc)
  inputs=("fuzz/corpus/$name")
  [[ -d fuzz/crashes/$name ]] && inputs+=("fuzz/crashes/$name")
  LLVM_PROFILE_FILE="$build/profiles/$name.profraw" "$build/fuzz/fuzz_$name" -runs=0 "${inputs[@]}" \
    >"$build/profiles/$name.log" 2>&1 || { echo "replay of $name failed: $build/profiles/$name.log"; exit 1; }
  objects+=(-object "$build/fuzz/fuzz_$name")
done
llvm-profdata-14 merge -sparse "$build"/profiles/*.profraw -o "$build/profiles/all.profdata"
# The first -object is positional for llvm-cov; the rest are named.
first=${objects[1]}
rest=("${objects[@]:2}")
printf '%-12s %8s %8s %8s %8s\n' directory lines 'lines%' regions 'regions%'
# stderr: llvm-cov warns of "mismatched data" for the functions every target
# defines differently (LLVMFuzzerTestOneInput and the targets' own helpers).
for dir in "${dirs[@]}"; do
  report=$(llvm-cov-14 report "$first" "${rest[@]}" -instr-profile="$build/profiles/all.profdata" "$dir" 2>/dev/null)
  awk -v d="$dir" '/^TOTAL/ {printf "%-12s %8s %8s %8s %8s\n", d, $8, $10, $2, $4}' <<<"$report"
  # Files no target links are not in the report at all: name them, so the
  # percentages above are not read as covering the whole directory.
  for f in "$dir"/*.cc; do
    grep -qE "(^|/)$(basename "$f")[[:space:]]" <<<"$report" || echo "  not linked into any fuzz target: $f"
  done
done
echo "per file: llvm-cov-14 report $first ${rest[*]} -instr-profile=$build/profiles/all.profdata ${dirs[*]}"
