#!/usr/bin/env bash
# The whole tern test suite, from a fresh clone on Debian 12, as root:
#   bash scripts/test.sh
# 1. installs the Debian packages it needs (scripts/bootstrap.sh, idempotent);
# 2. builds everything with g++ and ASan+UBSan, runs every test with ctest
#    (unit, codec, crypto known-answer, tshark and strongSwan network tests);
# 3. builds the libFuzzer targets with clang 14 and replays their committed
#    corpora and past crash inputs (also through ctest).
# Exit status 0 only if everything passed. ctest's summary lines are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${TERN_JOBS:-$(nproc)}

bash scripts/bootstrap.sh

status=0
run_suite() {  # name, build dir, cmake args...
  local name=$1 dir=$2
  shift 2
  echo "=== $name: configure and build ($dir)"
  cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
  ninja -C "$dir" -j "$jobs"
  echo "=== $name: ctest"
  if ! (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600); then
    status=1
  fi
}

run_suite "g++ ASan+UBSan" build/test-asan -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=ON
run_suite "clang-14 fuzz replay" build/test-fuzz -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_FUZZ=ON -DTERN_TESTS=OFF

if ((status)); then
  echo "=== tern test suite: FAILED"
else
  echo "=== tern test suite: all passed"
fi
exit $status
