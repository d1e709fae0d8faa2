/* Auto-generated file. Do not edit!
 *   Template:  templates/sp_cuda.cu.lt
 *   Kernel:    lta_spb_f16_kany_vany__cuda
 *   Key:       op=spb dtype=f16 K=any V=any H=any dir=fwd target=cuda
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

extern "C" int lta_spb_f16_kany_vany__cuda(const lta_problem *p, const lta_cuda_exec *x);
extern "C" size_t lta_spb_f16_kany_vany__cuda_workspace(const lta_problem *p, int segments);
extern "C" int lta_spb_f16_kany_vany__cuda_segments(const lta_problem *p, int num_sms);
extern "C" int lta_spb_f16_kany_vany__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass);

namespace lta_spb_f16_kany_vany__cuda_impl {

typedef __half elem;

__device__ __forceinline__ float to_f(float x) { return x; }
__device__ __forceinline__ float to_f(__half x) { return __half2float(x); }
__device__ __forceinline__ float to_f(__nv_bfloat16 x) { return __bfloat162float(x); }

__device__ __forceinline__ void store(float *d, float x) { *d = x; }
__device__ __forceinline__ void store(__half *d, float x) { *d = __float2half_rn(x); }
__device__ __forceinline__ void store(__nv_bfloat16 *d, float x) { *d = __float2bfloat16_rn(x); }

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

/* ---- fix-up: out[t, c] += sum_h coef_h(t) sum_x in[t, x] M_h[x, c] ---- */

/* kPad keeps the rows of the tiles 16-byte aligned (float4 loads) and spreads their banks. */
constexpr int kRows = 64, kCols = 64, kChunk = 16, kFixThreads = 256, kPad = 4;

struct FixParams {
  const elem *in;          /* token rows of in_row elements; this head's start at in_off */
  elem *out;               /* token rows of out_row elements */
  const float *M;          /* the states X_h: [N, H, K, V] (slot `rank` of gathered) */
  int64_t in_row, out_row, N, L, KV, V;
  int X, C;                /* the inner dim (K or V) and the output columns (V or K) */
  int H, heads_out, G;     /* query heads; output heads (H or Hkv); query heads an output head */
  int transposed;          /* M_h[x, c] = X_h[c][x] (dk) instead of X_h[x][c] */
  int in_per_query;        /* in is per query head (q) rather than per output head (k, v) */
  float scale;             /* spf: scale; spb: 1 */
  float g[LTA_CUDA_MAX_HEADS];
};

/* Block: 64 tokens x 64 columns of one (sequence, output head); thread (ty, tx) of 16 x 16 owns
 * rows 4 ty .. 4 ty + 3 and columns 4 tx .. 4 tx + 3. Per chunk of 16 of the inner dim, the
 * block stages in (transposed: InT[x][token]) and M (Ms[x][column]) in shared memory; a thread
 * then reads one float4 of each per x for its 16 products. */
__global__ void __launch_bounds__(kFixThreads) fix_kernel(FixParams F) {
  __shared__ __align__(16) float InT[kChunk][kRows + kPad];
  __shared__ __align__(16) float Ms[kChunk][kCols + kPad];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int64_t t0 = (int64_t)blockIdx.x * kRows;
  const int c0 = blockIdx.y * kCols;
  for (int64_t pair = blockIdx.z; pair < F.N * F.heads_out; pair += gridDim.z) {
    const int64_t n = pair / F.heads_out;
    const int ho = (int)(pair % F.heads_out);
    float total[4][4] = {};
    for (int e = 0; e < F.G; e++) {
      const int h = ho * F.G + e;
      const float *M = F.M + (n * F.H + h) * F.KV;
      const elem *in = F.in + (F.in_per_query ? h : ho) * (int64_t)F.X;
      float acc[4][4] = {};
      for (int x0 = 0; x0 < F.X; x0 += kChunk) {
        __syncthreads(); /* the previous chunk's reads are done */
        for (int i = threadIdx.x; i < kRows * kChunk; i += kFixThreads) {
          const int r = i / kChunk, x = i % kChunk;
          const int64_t t = t0 + r;
          const bool in_range = t < F.L && x0 + x < F.X;
          InT[x][r] = in_range ? to_f(in[(n * F.L + t) * F.in_row + x0 + x]) : 0.0f;
        }
        for (int i = threadIdx.x; i < kChunk * kCols; i += kFixThreads) {
          int x, c;
          if (F.transposed) x = i % kChunk, c = i / kChunk;
          else x = i / kCols, c = i % kCols;
          const bool in_range = x0 + x < F.X && c0 + c < F.C;
          Ms[x][c] = !in_range ? 0.0f
                     : F.transposed ? M[(int64_t)(c0 + c) * F.V + x0 + x]
                                    : M[(int64_t)(x0 + x) * F.V + c0 + c];
        }
        __syncthreads();
#pragma unroll
        for (int x = 0; x < kChunk; x++) {
          const float4 m4 = *(const float4 *)&Ms[x][4 * tx];
          const float4 v4 = *(const float4 *)&InT[x][4 * ty];
          const float m[4] = {m4.x, m4.y, m4.z, m4.w}, v[4] = {v4.x, v4.y, v4.z, v4.w};
#pragma unroll
          for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) acc[i][j] = fmaf(v[i], m[j], acc[i][j]);
        }
      }
#pragma unroll
      for (int i = 0; i < 4; i++) {
        const int64_t t = t0 + 4 * ty + i;
        const int64_t step = t;
        const float coef = decay(F.g[h], F.L - 1 - step);
#pragma unroll
        for (int j = 0; j < 4; j++) total[i][j] = fmaf(coef, acc[i][j], total[i][j]);
      }
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
      const int64_t t = t0 + 4 * ty + i;
      if (t >= F.L) continue;
      elem *row = F.out + (n * F.L + t) * F.out_row + (int64_t)ho * F.C;
#pragma unroll
      for (int j = 0; j < 4; j++) {
        const int c = c0 + 4 * tx + j;
        if (c < F.C) store(&row[c], to_f(row[c]) + total[i][j]);
      }
    }
  }
}

/* Enqueues fix_kernel over every (sequence, output head, 64 tokens, 64 columns). */
static cudaError_t fix(const FixParams &F, cudaStream_t stream) {
  const int64_t pairs = F.N * F.heads_out;
  dim3 grid((unsigned)((F.L + kRows - 1) / kRows), (unsigned)((F.C + kCols - 1) / kCols),
            (unsigned)(pairs < 65535 ? pairs : 65535));
  fix_kernel<<<grid, kFixThreads, 0, stream>>>(F);
  return cudaGetLastError();
}

}  // namespace lta_spb_f16_kany_vany__cuda_impl

extern "C" int lta_spb_f16_kany_vany__cuda_segments(const lta_problem *p, int num_sms) {
  (void)p;
  (void)num_sms;
  return 1; /* no time split */
}

extern "C" int lta_spb_f16_kany_vany__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass) {
  (void)p, (void)ws, (void)pass;
  return 0; /* no forward passes */
}

extern "C" size_t lta_spb_f16_kany_vany__cuda_workspace(const lta_problem *p, int segments) {
  (void)p;
  (void)segments;
  return 0; /* slot `rank` of gathered holds X between the two steps */
}

extern "C" int lta_spb_f16_kany_vany__cuda(const lta_problem *p, const lta_cuda_exec *x) {
  using namespace lta_spb_f16_kany_vany__cuda_impl;
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
  for (int s = sp->num_ranks - 1; s > sp->rank; s--)
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
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess || p->seqlen == 0) return (int)err;

  FixParams F;
  F.M = sp->gathered + (int64_t)sp->rank * local.slot;
  F.N = p->num_seqs;
  F.L = p->seqlen;
  F.KV = local.KV;
  F.V = p->V;
  F.H = (int)p->num_heads;
  for (int64_t h = 0; h < p->num_heads; h++) F.g[h] = p->g_gamma[h];
  const int64_t Hkv = p->num_kv_heads;
  F.heads_out = (int)Hkv, F.G = (int)(p->num_heads / Hkv);
  F.in_per_query = 0;
  F.scale = 1.0f;
  /* dk += sum_h coef X_h v */
  F.in = (const elem *)p->v, F.in_row = Hkv * p->V;
  F.out = (elem *)p->d_k, F.out_row = Hkv * p->K;
  F.X = (int)p->V, F.C = (int)p->K, F.transposed = 1;
  err = fix(F, stream);
  if (err != cudaSuccess) return (int)err;
  /* dv += sum_h coef X_h^T k */
  F.in = (const elem *)p->k, F.in_row = Hkv * p->K;
  F.out = (elem *)p->d_v, F.out_row = Hkv * p->V;
  F.X = (int)p->K, F.C = (int)p->V, F.transposed = 0;
  return (int)fix(F, stream);
}
