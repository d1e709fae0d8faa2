/* lta_sp_nccl.c: sequence parallel over NCCL (built when CMake finds NCCL next to CUDA).
 *
 * A rank's steps on its stream: the local step, one in-place ncclAllGather of the slots of
 * gathered (each rank sends slot `rank`), the combine and the outputs from its result. Nothing synchronises with the host.
 */
#include <cuda_runtime_api.h>
#include <nccl.h>

#include "lta_internal.h"

static lta_status gather(const lta_sp_args *a, void *comm, const char *fn) {
  const size_t count = lta_sp_slot_floats(a);
  ncclResult_t r = ncclAllGather(a->gathered + (size_t)a->rank * count, a->gathered, count,
                                 ncclFloat32, (ncclComm_t)comm, (cudaStream_t)a->bwd.fwd.stream);
  if (r != ncclSuccess)
    return lta_fail(LTA_ERR_CUDA, "%s: ncclAllGather of %zu floats: %s", fn, count,
                    ncclGetErrorString(r));
  return LTA_OK;
}

/* The communicator against the call: its size, this process's rank in it, its device. */
static lta_status check_comm(const lta_sp_args *a, void *comm, const char *fn) {
  if (!a) return lta_fail(LTA_ERR_NULL, "%s: args=NULL", fn);
  if (!comm) return lta_fail(LTA_ERR_NULL, "%s: nccl_comm=NULL", fn);
  if (a->bwd.fwd.device != LTA_DEVICE_CUDA)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: bwd.fwd.device=%d: the NCCL path needs LTA_DEVICE_CUDA", fn,
                    (int)a->bwd.fwd.device);
  int count = 0, rank = 0, comm_dev = 0, dev = 0;
  ncclResult_t r = ncclCommCount((ncclComm_t)comm, &count);
  if (r == ncclSuccess) r = ncclCommUserRank((ncclComm_t)comm, &rank);
  if (r == ncclSuccess) r = ncclCommCuDevice((ncclComm_t)comm, &comm_dev);
  if (r != ncclSuccess)
    return lta_fail(LTA_ERR_CUDA, "%s: nccl_comm=%p: %s", fn, comm, ncclGetErrorString(r));
  if (count != a->num_ranks || rank != a->rank)
    return lta_fail(LTA_ERR_SIZE,
                    "%s: rank=%d num_ranks=%d, but nccl_comm is rank %d of %d", fn, a->rank,
                    a->num_ranks, rank, count);
  cudaError_t e = cudaGetDevice(&dev);
  if (e != cudaSuccess || dev != comm_dev)
    return lta_fail(LTA_ERR_MEMORY_SPACE,
                    "%s: nccl_comm runs on CUDA device %d; the current device is %d%s", fn,
                    comm_dev, dev, e != cudaSuccess ? " (cudaGetDevice failed)" : "");
  return LTA_OK;
}

lta_status lta_sp_forward_nccl(const lta_sp_args *args, void *nccl_comm) {
  static const char fn[] = "lta_sp_forward_nccl";
  lta_status st = check_comm(args, nccl_comm, fn);
  if (st != LTA_OK) return st;
  return lta_sp_run(args, LTA_OP_SPF, fn, LTA_SP_LOCAL | LTA_SP_COMBINE, gather, nccl_comm);
}

lta_status lta_sp_backward_nccl(const lta_sp_args *args, void *nccl_comm) {
  static const char fn[] = "lta_sp_backward_nccl";
  lta_status st = check_comm(args, nccl_comm, fn);
  if (st != LTA_OK) return st;
  return lta_sp_run(args, LTA_OP_SPB, fn, LTA_SP_LOCAL | LTA_SP_COMBINE, gather, nccl_comm);
}
