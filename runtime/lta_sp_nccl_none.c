/* lta_sp_nccl_none.c: the NCCL entry points of a build without NCCL (or without CUDA). */
#include "lta_internal.h"

#define NO_NCCL                                                                                \
  "this build of lightattn has no NCCL (CUDA or nccl.h and libnccl were not found, or "       \
  "LTA_NCCL=OFF); the rank-local lta_sp_* functions take the caller's exchange"

lta_status lta_sp_forward_nccl(const lta_sp_args *args, void *nccl_comm) {
  (void)args, (void)nccl_comm;
  return lta_fail(LTA_ERR_UNSUPPORTED, "lta_sp_forward_nccl: %s", NO_NCCL);
}

lta_status lta_sp_backward_nccl(const lta_sp_args *args, void *nccl_comm) {
  (void)args, (void)nccl_comm;
  return lta_fail(LTA_ERR_UNSUPPORTED, "lta_sp_backward_nccl: %s", NO_NCCL);
}
