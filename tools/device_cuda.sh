#!/usr/bin/env bash
# On a GPU machine (the device tool): build with CUDA, run the CUDA tests, the CUDA benchmark, the
# Python tests that need a GPU and,
# when third_party_ref/fla is there, flash-linear-attention in the same run. Logs go to $OUT.
#   bash tools/device_cuda.sh [sanitize]
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/lta-out}
mkdir -p "$OUT"
prefix=()
[ -d .deps/usr ] && prefix=(-DCMAKE_PREFIX_PATH="$PWD/.deps/usr")
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DLTA_CUDA=ON -DLTA_SLOW_TESTS=${LTA_SLOW:-OFF} "${prefix[@]}" \
      > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
cmake --build build-gpu -j "$(nproc)" > "$OUT/build.log" 2>&1 || { grep -E "error" -A3 "$OUT/build.log" | head -60; exit 1; }
echo "== build ok"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader
(cd build-gpu && ctest --output-on-failure -R 'cuda|memspace|api' 2>&1) | tee "$OUT/ctest.log" | tail -40
./build-gpu/lta-cuda-bench --csv "$OUT/cuda_bench.csv" 2>&1 | tee "$OUT/cuda_bench.log"
echo "== Python on the GPU (torch's CUDA tensors through build-gpu/liblightattn.so)"
LIGHTATTN_LIBRARY=build-gpu/liblightattn.so PYTHONPATH=python python3 -m unittest discover -s python/tests \
  -k TorchCUDA -k TorchBackward -k Binding > "$OUT/python_gpu.log" 2>&1
tail -3 "$OUT/python_gpu.log"
# Sequence parallel over NCCL: 2 or more GPUs (else it says SKIPPED), then weak scaling.
if [ -x build-gpu/tests/test_sp_nccl ]; then
  ./build-gpu/tests/test_sp_nccl 2>&1 | tee "$OUT/sp_nccl.log" | tail -40
  [ "${LTA_SP_BENCH:-1}" = 1 ] && ./build-gpu/lta-sp-bench 2>&1 | tee "$OUT/sp_bench.log"
fi
if [ -d third_party_ref/fla ] && [ "${LTA_FLA:-1}" = 1 ]; then
  PYTHONPATH=third_party_ref python3 bench/fla_compare.py 2>&1 | grep -v Warning | tee "$OUT/fla.log"
fi
if [ "${1:-}" = sanitize ]; then
  for tool in memcheck racecheck; do
    echo "== compute-sanitizer --tool $tool (quick CUDA sweep)"
    LTA_SWEEP_KERNELS="${LTA_SANITIZE_KERNELS:-*}" CK_EXCLUDE_TAGS=slow compute-sanitizer --tool $tool --error-exitcode 9 ./build-gpu/tests/test_cuda_sweep \
      > "$OUT/sanitizer_$tool.log" 2>&1
    echo "exit $?"; tail -5 "$OUT/sanitizer_$tool.log"
    echo "== compute-sanitizer --tool $tool (CUDA backward, ${LTA_SANITIZE_BWD:-lta_bwd_bf16_kany_vany__cuda})"
    LTA_SWEEP_KERNELS="${LTA_SANITIZE_BWD:-lta_bwd_bf16_kany_vany__cuda}" compute-sanitizer --tool $tool --error-exitcode 9 ./build-gpu/tests/test_cuda_backward \
      > "$OUT/sanitizer_bwd_$tool.log" 2>&1
    echo "exit $?"; tail -5 "$OUT/sanitizer_bwd_$tool.log"
  done
fi
if [ "${LTA_NCU:-0}" = 1 ]; then
  echo "== ncu: the first main_kernel launch of lta-cuda-bench (shape 8,4096,16,128)"
  ncu --clock-control none -k regex:main_kernel -c 1 --section SpeedOfLight --section Occupancy \
      --section WarpStateStats --section SchedulerStats --section MemoryWorkloadAnalysis \
      ./build-gpu/lta-cuda-bench > "$OUT/ncu.log" 2>&1
  grep -E "Throughput|Stall|Warp Cycles|Issued|Eligible|Active Warps|Occupancy|Registers|Block Limit|Bandwidth|Hit Rate|One or More|No Eligible" "$OUT/ncu.log" | head -60
  ncu --clock-control none -k regex:main_kernel -c 1 \
      --metrics regex:smsp__average_warps_issue_stalled_.*_per_issue_active.ratio \
      ./build-gpu/lta-cuda-bench > "$OUT/ncu_stalls.log" 2>&1
  grep "stalled" "$OUT/ncu_stalls.log" | sort -k3 -n -r | head -14
fi
