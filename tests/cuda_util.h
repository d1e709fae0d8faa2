/* cuda_util.h: what the CUDA test programs share (each includes it once, after check.h). */
#ifndef LTA_TEST_CUDA_UTIL_H
#define LTA_TEST_CUDA_UTIL_H

#include <cuda_runtime_api.h>

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

#endif
