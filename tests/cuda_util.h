/* cuda_util.h: what the CUDA test programs share (each includes it once, after check.h). */
#ifndef LTA_TEST_CUDA_UTIL_H
#define LTA_TEST_CUDA_UTIL_H

#include <cuda_runtime_api.h>
#include <stdio.h>

/* A CUDA runtime call that must succeed; a failure fails the test with CUDA's text. */
#define CU(call)                                                                             \
  do {                                                                                       \
    cudaError_t e_ = (call);                                                                 \
    ck_assert_msg(e_ == cudaSuccess, "%s: %s", #call, cudaGetErrorString(e_));               \
  } while (0)

/* A device copy of bytes of host memory; NULL for NULL. */
static inline void *dev_copy(const void *host, size_t bytes) {
  void *d = NULL;
  if (!host) return NULL;
  CU(cudaMalloc(&d, bytes));
  CU(cudaMemcpy(d, host, bytes, cudaMemcpyHostToDevice));
  return d;
}

/* Without a usable CUDA device: says so (what: the program) and returns 77, ctest's "skipped";
 * else 0. */
static inline int cuda_missing(const char *what) {
  int devices = 0;
  cudaError_t ce = cudaGetDeviceCount(&devices);
  if (ce == cudaSuccess && devices > 0) return 0;
  printf("%s: SKIPPED: no usable CUDA device (%s)\n", what,
         ce != cudaSuccess ? cudaGetErrorString(ce) : "none found");
  return 77;
}

#endif
