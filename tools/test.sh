#!/usr/bin/env bash
# The test suite, as CI runs it: installs what is missing, then
#   1. a Release build with every test, the exhaustive sweep included (ctest prints the counts);
#   2. the same suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
#   bash tools/test.sh            (LTA_TEST_QUICK=1: skip the exhaustive sweep)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
lta_install_deps
slow=ON
[ "${LTA_TEST_QUICK:-0}" = 1 ] && slow=OFF
jobs=$(nproc)

echo "== Release build, full suite"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Release -DLTA_SLOW_TESTS=$slow >/dev/null
cmake --build build-test
(cd build-test && ctest --output-on-failure -j "$jobs")

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build, full suite"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTA_SLOW_TESTS=$slow \
      -DLTA_SANITIZE=address,undefined -DLTA_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan
(cd build-asan && ctest --output-on-failure -j "$jobs")
