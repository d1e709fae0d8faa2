#!/usr/bin/env bash
# The test suite, as CI runs it: installs what is missing, then
#   1. a Release build with every test, the exhaustive sweep included (ctest prints the counts);
#   2. a build of a named kernel subset (keys, API and quick sweep), and one of head dims that
#      are no multiple of any vector width (tests/tails.lua: quick sweep and backward sweep of
#      the tail paths);
#   3. on x86-64, the quick sweep and the backward sweep cross-compiled for AArch64 and run
#      under qemu-user: every NEON kernel against the double-precision reference;
#   4. the suite built with AddressSanitizer and UndefinedBehaviorSanitizer (quick sweep: the
#      exhaustive one already ran in build 1);
#   5. the package: installed into a fresh prefix, examples/ and the Python package on top
#      (with Debian's PyTorch, CPU, for the autograd tests);
#   6. the fuzz targets (clang, libFuzzer, ASan + UBSan): every committed input replayed, then
#      a bounded run of each (LTA_FUZZ_SECONDS, default 45).
# Where nvcc is found, build 1 also compiles every CUDA kernel (sm80, sm90, generic); the CUDA
# tests then run on a GPU, and without one they report themselves skipped (exit code 77).
#   bash tools/test.sh            (LTA_TEST_QUICK=1: skip the exhaustive sweep)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
extra=()
[ "$(uname -m)" = x86_64 ] && extra=(gcc-aarch64-linux-gnu qemu-user) # to run the NEON kernels too
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

echo "== Head dims off every vector width (tests/tails.lua): the chunked kernels' tail paths"
cmake -S . -B build-tails -G Ninja -DCMAKE_BUILD_TYPE=Release -DLTA_BUILD_BENCH=OFF -DLTA_CUDA=OFF \
      -DLTA_KERNEL_SPEC="$PWD/tests/tails.lua" >/dev/null
cmake --build build-tails
(cd build-tails && ctest --output-on-failure -j "$jobs" -R 'sweep_quick|backward')

# ---- NEON: the quick sweep cross-compiled for AArch64 and run under qemu-user ----------------
# Check has no AArch64 build in Debian: the same test source is built against tests/check_lite.h.
# The runtime sources are those of CMake's lta_runtime; the kernels are lta-gen's (scalar, neon).
if [ "$(uname -m)" = x86_64 ]; then
  echo "== NEON kernels: the quick sweep for AArch64, under qemu-user"
  neon=build-neon
  rm -rf "$neon" && mkdir -p "$neon"
  build-test/lta-gen --templates templates --targets scalar,neon --out "$neon/generated" --quiet
  srcs=(runtime/lta_forward.c runtime/lta_check.c runtime/lta_registry.c runtime/lta_threads.c
        runtime/lta_error.c runtime/lta_key.c runtime/lta_memspace.c runtime/lta_cpu.c
        runtime/lta_cuda_none.c
        "$neon"/generated/bundle_*.c tests/ref.c tests/harness.c tests/guard.c tests/test_sweep.c
        tests/test_backward.c)
  printf '%s\n' "${srcs[@]}" | xargs -P "$jobs" -I{} sh -c 'aarch64-linux-gnu-gcc -std=gnu11 -O2 \
    -Wall -Wextra -Werror -D_GNU_SOURCE -DLTA_CHECK_LITE -Iruntime -Itests -I"$0/generated" \
    -c "{}" -o "$0/$(echo "{}" | tr / _).o"' "$neon"
  for t in test_sweep test_backward; do
    aarch64-linux-gnu-gcc -o "$neon/$t" $(ls "$neon"/*.o | grep -v -e tests_test_sweep -e tests_test_backward) \
      "$neon/tests_$t.c.o" -lpthread -lm -ldl
  done
  # Every NEON kernel against the double reference (the scalar ones run in the native sweep),
  # on the quick cases up to T = 300 (several chunks, partial chunks, the time split).
  if ! LTA_SWEEP_TARGET=neon LTA_SWEEP_MAX_T=300 CK_EXCLUDE_TAGS=slow qemu-aarch64 -L /usr/aarch64-linux-gnu \
       "$neon/test_sweep" 2>"$neon/sweep.err" | tee "$neon/sweep.log" | grep -E '^sweep:|Checks'; then
    grep -v SKIPPED "$neon/sweep.err" >&2
    exit 1
  fi
  # Every NEON backward kernel against the reference backward, cases up to T = 40 (three chunks).
  if ! LTA_SWEEP_TARGET=neon LTA_SWEEP_MAX_T=40 qemu-aarch64 -L /usr/aarch64-linux-gnu \
       "$neon/test_backward" 2>"$neon/backward.err" | tee "$neon/backward.log" | grep -E 'kernels run|Checks'; then
    grep -v SKIPPED "$neon/backward.err" >&2
    exit 1
  fi
  grep -q '__neon' "$neon/generated/lta_kernels.inc" # the NEON kernels were in it
  grep -q 'lta_bwd_.*__neon' "$neon/generated/lta_kernels.inc"
fi

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build, quick suite"
# The kernels of two head-dim pairs (K = V and K != V) and the decode ones, with the generic
# kernels that always come along: every template path, at a third of the compile time (the
# sanitized chunked kernels are slow to compile; the other head dims differ only in constants).
asan_kernels='lta_dec_*;lta_*_k64_v64*;lta_*_k64_v128*'
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTA_SLOW_TESTS=OFF \
      -DLTA_SANITIZE=address,undefined -DLTA_BUILD_BENCH=OFF -DLTA_CUDA=OFF \
      -DLTA_KERNELS="$asan_kernels" >/dev/null
cmake --build build-asan
# (the guarded sweep runs in the Release build: AddressSanitizer already guards every buffer)
(cd build-asan && ctest --output-on-failure -j "$jobs" -LE guard)

echo "== Package (about 30 s): install into a fresh prefix, examples/ built against it with"
echo "   find_package and pkg-config and run, pip install python/ and its tests (tools/package_test.sh)"
lta_install_deps python3-numpy python3-venv python3-setuptools python3-wheel \
                 python3-torch # the Python tests of the autograd backward
bash tools/package_test.sh build-test

# ---- issue 7: fuzzing ---------------------------------------------------------------------------
echo "== Fuzz targets: committed inputs replayed, then ${LTA_FUZZ_SECONDS:-45} s of each"
LTA_FUZZ_KERNELS="$asan_kernels" bash tools/fuzz.sh build
bash tools/fuzz.sh replay
bash tools/fuzz.sh smoke "${LTA_FUZZ_SECONDS:-45}"
