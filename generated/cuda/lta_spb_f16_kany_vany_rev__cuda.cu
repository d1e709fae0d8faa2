/* Auto-generated file. Do not edit!
 *   Template:  templates/sp_cuda.cu.lt
 *   Kernel:    lta_spb_f16_kany_vany_rev__cuda
 *   Key:       op=spb dtype=f16 K=any V=any H=any dir=rev target=cuda
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <stdint.h>

extern "C" {
#include "lta_cuda_kernel.h"
}

extern "C" int lta_spb_f16_kany_vany_rev__cuda(const lta_problem *p, const lta_cuda_exec *x);
extern "C" size_t lta_spb_f16_kany_vany_rev__cuda_workspace(const lta_problem *p, int segments);
extern "C" int lta_spb_f16_kany_vany_rev__cuda_segments(const lta_problem *p, int num_sms);
extern "C" int lta_spb_f16_kany_vany_rev__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass);

namespace lta_spb_f16_kany_vany_rev__cuda_impl {

/* exp(g * steps), steps >= 0, rounded once from double (as on the CPU). */
__device__ __forceinline__ float decay(float g, int64_t steps) {
  return (float)exp((double)g * (double)steps);
}

/* ---- combine ---- */

struct CombineParams {
  const float *start;  /* spf: the initial states; spb: the final states' gradient; or NULL */
  float *gathered;     /* [num_ranks][slot] */
  float *out_total;    /* spf: final_state; spb: d_s0; or NULL */
  float *out_enter;    /* spf: entering_state, or NULL */
  int64_t slot, KV, L; /* floats a slot; K * V; this rank's segment length */
  int H, rank, count;  /* query heads; this rank; the ranks combined */
  int ranks[LTA_SP_MAX_RANKS];      /* the ranks combined, in order (empty ones left out) */
  int64_t lens[LTA_SP_MAX_RANKS];   /* their segment lengths */
  float g[LTA_CUDA_MAX_HEADS];
};

constexpr int kCombineThreads = 256;

__global__ void __launch_bounds__(kCombineThreads) combine_kernel(CombineParams P) {
  __shared__ float a[LTA_SP_MAX_RANKS + 1]; /* exp(g L_s) of each rank combined, then this one's */
  const int64_t pair = blockIdx.x;
  const float g = P.g[pair % P.H];
  for (int i = threadIdx.x; i < P.count; i += blockDim.x) a[i] = decay(g, P.lens[i]);
  if (threadIdx.x == 0) a[P.count] = decay(g, P.L);
  __syncthreads();
  for (int64_t e = (int64_t)blockIdx.y * blockDim.x + threadIdx.x; e < P.KV;
       e += (int64_t)gridDim.y * blockDim.x) {
    const int64_t at = pair * P.KV + e;
    float X = P.start ? P.start[at] : 0.0f;
    for (int i = 0; i < P.count; i++) X = a[i] * X + P.gathered[P.ranks[i] * P.slot + at];
    float *own = P.gathered + P.rank * P.slot + at;
    if (P.out_enter) P.out_enter[at] = X;
    if (P.out_total) P.out_total[at] = a[P.count] * X + (P.L ? *own : 0.0f);
    *own = X;
  }
}

}  // namespace lta_spb_f16_kany_vany_rev__cuda_impl

extern "C" int lta_spb_f16_kany_vany_rev__cuda_segments(const lta_problem *p, int num_sms) {
  (void)p;
  (void)num_sms;
  return 1; /* no time split */
}

extern "C" int lta_spb_f16_kany_vany_rev__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass) {
  (void)p, (void)ws, (void)pass;
  return 0; /* no forward passes */
}

extern "C" size_t lta_spb_f16_kany_vany_rev__cuda_workspace(const lta_problem *p, int segments) {
  (void)p;
  (void)segments;
  return 0; /* slot `rank` of gathered holds X between the two steps */
}

extern "C" int lta_spb_f16_kany_vany_rev__cuda(const lta_problem *p, const lta_cuda_exec *x) {
  using namespace lta_spb_f16_kany_vany_rev__cuda_impl;
  const lta_sp_problem *sp = p->sp;
  const cudaStream_t stream = (cudaStream_t)x->stream;
  CombineParams local; /* about 7 KB, copied by the launch */
  local.gathered = sp->gathered;
  local.slot = p->num_seqs * p->num_heads * p->K * p->V;
  local.KV = p->K * p->V;
  local.L = p->seqlen;
  local.H = (int)p->num_heads;
  local.rank = sp->rank;
  local.count = 0;
  for (int s = 0; s < sp->rank; s++)
    if (sp->seg_lens[s] > 0) {
      local.ranks[local.count] = s;
      local.lens[local.count++] = sp->seg_lens[s];
    }
  for (int64_t h = 0; h < p->num_heads; h++) local.g[h] = p->g_gamma[h];
  local.start = p->d_sT;
  local.out_total = p->d_s0;
  local.out_enter = NULL;
  const int64_t ytiles = (local.KV + kCombineThreads - 1) / kCombineThreads;
  dim3 grid((unsigned)(p->num_seqs * p->num_heads), (unsigned)(ytiles < 65535 ? ytiles : 65535));
  combine_kernel<<<grid, kCombineThreads, 0, stream>>>(local);
  return (int)cudaGetLastError();
}
