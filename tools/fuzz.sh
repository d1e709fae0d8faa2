#!/usr/bin/env bash
# The libFuzzer targets of fuzz/ (issue 7): build, replay, fuzz.
#   bash tools/fuzz.sh build              configure and build build-fuzz (clang, ASan + UBSan)
#   bash tools/fuzz.sh replay             run every committed input (fuzz/corpus, fuzz/regress)
#                                         once through its target: each must pass
#   bash tools/fuzz.sh run TARGET SECONDS fuzz TARGET (forward or gen) for SECONDS at nice 19,
#                                         from the committed seeds and build-fuzz's own corpus,
#                                         and append the run's executions to fuzz/log.txt
#   bash tools/fuzz.sh smoke SECONDS      what CI runs: each target for SECONDS from the
#                                         committed seeds only, in a scratch corpus, no log
# A finding is written to build-fuzz/findings/; once fixed, copy it into fuzz/regress/TARGET/.
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
build=${LTA_FUZZ_BUILD:-build-fuzz}
# Cheaper allocations (no fill, a small quarantine, short malloc stacks): 2x the executions,
# with every out-of-bounds access still caught.
export ASAN_OPTIONS=${ASAN_OPTIONS:-max_malloc_fill_size=0:quarantine_size_mb=8:malloc_context_size=2}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

case "${1:-}" in
  build)
    CC=clang cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLTA_FUZZ=ON \
      -DLTA_SANITIZE=address,undefined -DLTA_BUILD_TESTS=OFF -DLTA_BUILD_BENCH=OFF -DLTA_CUDA=OFF \
      ${LTA_FUZZ_KERNELS:+"-DLTA_KERNELS=$LTA_FUZZ_KERNELS"} >/dev/null
    cmake --build "$build" --target fuzz_forward fuzz_gen -j "$(nproc)"
    ;;
  replay)
    for t in forward gen; do
      inputs=(fuzz/corpus/$t/* fuzz/regress/$t/*)
      "$build/fuzz/fuzz_$t" -timeout=60 -rss_limit_mb=4096 "${inputs[@]}" 2>&1 | tail -n 1
      echo "fuzz_$t: ${#inputs[@]} committed inputs pass"
    done
    ;;
  run)
    t=${2:?target: forward or gen}
    secs=${3:?seconds}
    mkdir -p "$build/corpus-$t" "$build/findings"
    out="$build/fuzz_$t.$$.out" # the live output, while it runs (one file per run: runs may overlap)
    rc=0
    nice -n 19 "$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=60 -rss_limit_mb=4096 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
      "$build/corpus-$t" "fuzz/corpus/$t" >"$out" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out")
    tail -n 8 "$out"
    echo "$(date -u +%FT%TZ) fuzz_$t ${secs}s runs=${runs:-?} exit=$rc" >>fuzz/log.txt
    exit $rc
    ;;
  smoke)
    secs=${2:?seconds}
    for t in forward gen; do
      scratch=$(mktemp -d)
      rc=0
      "$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$build/findings-" "$scratch" "fuzz/corpus/$t" \
        >"$scratch.log" 2>&1 || rc=$?
      rm -rf "$scratch"
      if [ $rc -ne 0 ]; then
        tail -n 40 "$scratch.log"
        echo "fuzz_$t: FINDING (exit $rc), input saved as $build/findings-*"
        exit $rc
      fi
      echo "fuzz_$t: ${secs}s, $(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch.log") runs, no finding"
      rm -f "$scratch.log"
    done
    ;;
  *)
    sed -n '2,11p' "$0"
    exit 2
    ;;
esac
