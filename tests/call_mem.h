/* call_mem.h: the memory a test's calls run on (DEVICE): host memory, or, with
 * LTA_TEST_CUDA_MEM defined before it is included (after harness.h), the current GPU's.
 * Shared by the test programs built for both (test_decode, test_sp). */
#ifndef LTA_TEST_CALL_MEM_H
#define LTA_TEST_CALL_MEM_H

#include <stdlib.h>
#include <string.h>

#ifdef LTA_TEST_CUDA_MEM
#include "cuda_util.h"
#define DEVICE LTA_DEVICE_CUDA
static void *mem_alloc(size_t n) {
  void *p = NULL;
  CU(cudaMalloc(&p, n ? n : 1));
  return p;
}
static void mem_free(void *p) { cudaFree(p); }
static void to_mem(void *dst, const void *src, size_t n) {
  CU(cudaMemcpy(dst, src, n, cudaMemcpyHostToDevice));
}
static void from_mem(void *dst, const void *src, size_t n) {
  CU(cudaDeviceSynchronize());
  CU(cudaMemcpy(dst, src, n, cudaMemcpyDeviceToHost));
}
#else
#define DEVICE LTA_DEVICE_CPU
static void *mem_alloc(size_t n) {
  void *p = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(p);
  return p;
}
static void mem_free(void *p) { free(p); }
static void to_mem(void *dst, const void *src, size_t n) { memcpy(dst, src, n); }
static void from_mem(void *dst, const void *src, size_t n) { memcpy(dst, src, n); }
#endif

/* A copy of n host bytes in the call's memory. */
static void *mem_copy(const void *host, size_t n) {
  void *p = mem_alloc(n);
  to_mem(p, host, n);
  return p;
}

#endif
