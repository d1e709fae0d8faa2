#!/usr/bin/env bash
# The test suite, as CI runs it: installs what is missing, then
#   1. a Release build with every test, the exhaustive sweep included (ctest prints the counts);
#   2. a build of a named kernel subset (keys, API and quick sweep);
#   3. on x86-64, the NEON kernels cross-compiled for AArch64 (compiled only: running them
#      under emulation belongs to the CPU-speed work);
#   4. the same suite built with AddressSanitizer and UndefinedBehaviorSanitizer;
#   5. the package: installed into a fresh prefix, examples/ and the Python package on top;
#   6. the fuzz targets (clang, libFuzzer, ASan + UBSan): every committed input replayed, then
#      a bounded run of each (LTA_FUZZ_SECONDS, default 45).
# Where nvcc is found, build 1 also compiles every CUDA kernel (sm80, sm90, generic); the CUDA
# tests then run on a GPU, and without one they report themselves skipped (exit code 77).
#   bash tools/test.sh            (LTA_TEST_QUICK=1: skip the exhaustive sweep)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
extra=()
[ "$(uname -m)" = x86_64 ] && extra=(gcc-aarch64-linux-gnu) # to compile the NEON kernels too
extra+=(clang libclang-rt-14-dev) # fuzzing: clang and its libFuzzer runtime
lta_install_deps "${extra[@]}"
slow=ON
[ "${LTA_TEST_QUICK:-0}" = 1 ] && slow=OFF
jobs=$(nproc)

cuda=OFF
command -v nvcc >/dev/null && cuda=ON
echo "== Release build, full suite (CUDA kernels: $cuda)"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Release -DLTA_SLOW_TESTS=$slow \
      -DLTA_CUDA=$cuda >/dev/null
cmake --build build-test
(cd build-test && ctest --output-on-failure -j "$jobs")
if [ "$cuda" = ON ] && ! nvidia-smi >/dev/null 2>&1; then
  echo "NOTE: the CUDA kernels were compiled, but this machine has no GPU: the CUDA tests" \
       "(cuda_api, cuda_sweep_*, memspace) were SKIPPED. Run bash tools/device_cuda.sh on a GPU machine."
fi

echo "== A named kernel set (-DLTA_KERNELS): the generic fallbacks come along"
cmake -S . -B build-subset -G Ninja -DCMAKE_BUILD_TYPE=Release -DLTA_BUILD_BENCH=OFF -DLTA_CUDA=OFF \
      -DLTA_KERNELS='lta_fwd_bf16_k128_v128_*;lta_fwd_f16_k64_v64__*' >/dev/null
cmake --build build-subset
(cd build-subset && ctest --output-on-failure -j "$jobs" -R 'keys|sweep_quick|api')

if command -v aarch64-linux-gnu-gcc >/dev/null; then
  echo "== NEON kernels (committed generated/), cross-compiled for AArch64"
  for f in generated/bundle_neon_*.c; do
    aarch64-linux-gnu-gcc -std=c11 -O2 -Wall -Wextra -Werror -Iruntime -Igenerated -c "$f" -o /dev/null
  done
  echo "NEON kernels compile"
fi

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build, full suite"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTA_SLOW_TESTS=$slow \
      -DLTA_SANITIZE=address,undefined -DLTA_BUILD_BENCH=OFF -DLTA_CUDA=OFF >/dev/null
cmake --build build-asan
# (the guarded sweep runs in the Release build: AddressSanitizer already guards every buffer)
(cd build-asan && ctest --output-on-failure -j "$jobs" -LE guard)

echo "== Package (about 30 s): install into a fresh prefix, examples/ built against it with"
echo "   find_package and pkg-config and run, pip install python/ and its tests (tools/package_test.sh)"
lta_install_deps python3-numpy python3-venv python3-setuptools python3-wheel
bash tools/package_test.sh build-test

# ---- issue 7: fuzzing ---------------------------------------------------------------------------
echo "== Fuzz targets: committed inputs replayed, then ${LTA_FUZZ_SECONDS:-45} s of each"
bash tools/fuzz.sh build
bash tools/fuzz.sh replay
bash tools/fuzz.sh smoke "${LTA_FUZZ_SECONDS:-45}"
