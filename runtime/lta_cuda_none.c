/* lta_cuda_none.c: the CUDA entry points of a build without CUDA: every CUDA call is refused. */
#include "lta_internal.h"

#define NO_CUDA "this build of lightattn has no CUDA kernels (nvcc was not found, or LTA_CUDA=OFF)"

unsigned lta_cuda_targets(lta_status *st, const char *fn) {
  *st = lta_fail(LTA_ERR_UNSUPPORTED, "%s: device=LTA_DEVICE_CUDA: %s", fn, NO_CUDA);
  return 0;
}

lta_status lta_cuda_check_memory(const void *const *ptrs, const char *const *names, int n,
                                 const char *fn) {
  (void)ptrs, (void)names, (void)n;
  return lta_fail(LTA_ERR_UNSUPPORTED, "%s: device=LTA_DEVICE_CUDA: %s", fn, NO_CUDA);
}

lta_status lta_cuda_execute(const lta_call *c, const char *fn) {
  (void)c;
  return lta_fail(LTA_ERR_UNSUPPORTED, "%s: device=LTA_DEVICE_CUDA: %s", fn, NO_CUDA);
}

lta_status lta_cuda_workspace(const lta_call *c, size_t *bytes, const char *fn) {
  (void)c;
  *bytes = 0;
  return lta_fail(LTA_ERR_UNSUPPORTED, "%s: device=LTA_DEVICE_CUDA: %s", fn, NO_CUDA);
}

lta_status lta_cuda_check_host(const void *ptr, const char *name, const char *fn) {
  (void)ptr, (void)name;
  return lta_fail(LTA_ERR_UNSUPPORTED, "%s: device=LTA_DEVICE_CUDA: %s", fn, NO_CUDA);
}
