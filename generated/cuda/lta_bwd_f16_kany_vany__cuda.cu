/* Auto-generated file. Do not edit!
 *   Template:  templates/cuda_bwd.cu.lt
 *   Kernel:    lta_bwd_f16_kany_vany__cuda
 *   Key:       op=bwd dtype=f16 K=any V=any H=any dir=fwd target=cuda
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <math.h>
#include <stdint.h>

extern "C" {
#include "lta_cuda_kernel.h"
}

extern "C" int lta_bwd_f16_kany_vany__cuda(const lta_problem *p, const lta_cuda_exec *x);
extern "C" size_t lta_bwd_f16_kany_vany__cuda_workspace(const lta_problem *p, int segments);
extern "C" int lta_bwd_f16_kany_vany__cuda_segments(const lta_problem *p, int num_sms);
extern "C" int lta_bwd_f16_kany_vany__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass);

namespace lta_bwd_f16_kany_vany__cuda_impl {

typedef __half elem;

__device__ __forceinline__ void from_f(float *d, float x) { *d = x; }
__device__ __forceinline__ void from_f(__half *d, float x) { *d = __float2half_rn(x); }
__device__ __forceinline__ void from_f(__nv_bfloat16 *d, float x) { *d = __float2bfloat16_rn(x); }

/* The passes' order in pass[]. */
enum { PASS_DQ = 0, PASS_DK = 1, PASS_DV = 2, PASSES = 3 };

/* cu_seqlens lives in device memory, where the host cannot check it without a synchronisation:
 * every block checks it (0 = cu[0] <= cu[1] <= ... <= cu[N] = rows) and, if it is malformed,
 * returns before writing anything, so that a bad array can never send a block out of bounds. */
__device__ bool seqlens_ok(const int64_t *cu, int64_t num_seqs, int64_t rows) {
  if (!cu) return true;
  int bad = 0;
  for (int64_t i = threadIdx.x; i <= num_seqs; i += blockDim.x) {
    const int64_t c = cu[i];
    if (i == 0 ? c != 0 : c < cu[i - 1]) bad = 1;
    if (i == num_seqs && c != rows) bad = 1;
  }
  return __syncthreads_or(bad) == 0;
}

/* dst[m] = src[m]^T for R x C fp32 matrices, through 32 x 32 tiles: block (m * ceil(C / 32) +
 * column tile, row tile). */
__global__ void transpose_kernel(const float *src, float *dst, int R, int C) {
  __shared__ float tile[32][33];
  const int ct = (C + 31) / 32;
  const int64_t m = blockIdx.x / ct;
  const float *a = src + m * R * C;
  float *b = dst + m * R * C;
  const int r0 = blockIdx.y * 32, c0 = (int)(blockIdx.x % ct) * 32;
  for (int i = threadIdx.y; i < 32; i += blockDim.y) {
    const int r = r0 + i, c = c0 + threadIdx.x;
    if (r < R && c < C) tile[i][threadIdx.x] = a[(int64_t)r * C + c];
  }
  __syncthreads();
  for (int i = threadIdx.y; i < 32; i += blockDim.y) {
    const int c = c0 + i, r = r0 + threadIdx.x;
    if (r < R && c < C) b[(int64_t)c * R + r] = tile[threadIdx.x][i];
  }
}

/* dst[r][hk][d] = sum over the group's query heads h of src[r][h][d], rounded once to elem. */
__global__ void group_sum_kernel(const float *src, elem *dst, int64_t rows, int Hkv, int G, int D,
                                 const int64_t *cu, int64_t num_seqs) {
  if (!seqlens_ok(cu, num_seqs, rows)) return;
  const int64_t total = rows * Hkv * D;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
       i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t d = i % D, rh = i / D; /* rh = r * Hkv + hk */
    const float *s = src + rh * G * D + d;
    float sum = 0.0f;
    for (int e = 0; e < G; e++) sum += s[(int64_t)e * D];
    from_f(dst + i, sum);
  }
}

typedef struct decays {
  float lam[LTA_CUDA_MAX_HEADS];
} decays;

/* d_S0 = lam G_0, from G_0 in place (the dv pass's final state); an empty sequence keeps dS_T. */
__global__ void d_initial_kernel(float *ds0, int H, int64_t KV, const int64_t *cu,
                                 int64_t num_seqs, int64_t seqlen, int64_t rows, decays d) {
  if (!seqlens_ok(cu, num_seqs, rows)) return;
  const int64_t pair = blockIdx.x, n = pair / H;
  const int h = (int)(pair % H);
  const int64_t len = cu ? cu[n + 1] - cu[n] : seqlen;
  if (len == 0) return;
  const float lam = d.lam[h];
  float *s = ds0 + pair * KV;
  for (int64_t e = blockIdx.y * (int64_t)blockDim.x + threadIdx.x; e < KV;
       e += (int64_t)gridDim.y * blockDim.x)
    s[e] *= lam;
}

/* The workspace: S_0^T, dS_T^T, and with GQA the per-query-head fp32 dk and dv, each region
 * 256-byte aligned. */
struct Layout {
  size_t s0t, dstt, dk32, dv32, bytes;
};

static size_t region(size_t *at, size_t floats) {
  const size_t off = *at;
  *at += (floats * sizeof(float) + 255) / 256 * 256;
  return off;
}

static Layout layout(const lta_problem *p) {
  Layout l;
  size_t at = 0;
  const size_t states = (size_t)(p->num_seqs * p->num_heads * p->K * p->V);
  const size_t rows = (size_t)(p->batch * p->seqlen);
  const bool group = p->num_heads != p->num_kv_heads;
  l.s0t = region(&at, p->initial_state ? states : 0);
  l.dstt = region(&at, p->d_sT ? states : 0);
  l.dk32 = region(&at, group ? rows * p->num_heads * p->K : 0);
  l.dv32 = region(&at, group ? rows * p->num_heads * p->V : 0);
  l.bytes = at;
  return l;
}


extern "C" size_t lta_bwd_f16_kany_vany__cuda_workspace(const lta_problem *p, int segments) {
  (void)segments;
  return layout(p).bytes;
}

extern "C" int lta_bwd_f16_kany_vany__cuda_segments(const lta_problem *p, int num_sms) {
  (void)p, (void)num_sms;
  return 1; /* each pass splits time as its own kernel decides */
}

extern "C" int lta_bwd_f16_kany_vany__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass) {
  const Layout l = layout(p);
  char *w = (char *)ws;
  const bool group = p->num_heads != p->num_kv_heads;
  lta_problem base = *p;
  base.op = LTA_OP_FWD;
  base.d_o = NULL, base.d_sT = NULL, base.d_q = NULL, base.d_k = NULL, base.d_v = NULL;
  base.d_s0 = NULL, base.seg = NULL, base.group = 0, base.state_index = NULL;
  base.initial_state = NULL, base.final_state = NULL;
  for (int i = 0; i < PASSES; i++) pass[i] = base;
  /* dq: q' = dO, k' = v, v' = k (K' = V, V' = K), from S_0^T, the forward's direction. */
  lta_problem *a = &pass[PASS_DQ];
  a->K = p->V, a->V = p->K;
  a->q = p->d_o, a->k = p->v, a->v = p->k, a->o = p->d_q;
  a->num_q_heads = p->num_heads;
  a->initial_state = p->initial_state ? (const float *)(w + l.s0t) : NULL;
  /* dk: q' = v, k' = dO, v' = q (K' = V, V' = K), from dS_T^T, reversed. */
  lta_problem *b = &pass[PASS_DK];
  b->K = p->V, b->V = p->K, b->reverse = !p->reverse;
  b->q = p->v, b->k = p->d_o, b->v = p->q;
  b->o = group ? (void *)(w + l.dk32) : p->d_k;
  b->num_q_heads = p->num_kv_heads, b->num_kv_heads = p->num_heads;
  b->initial_state = p->d_sT ? (const float *)(w + l.dstt) : NULL;
  /* dv: q' = k, k' = q, v' = dO (K' = K, V' = V), from dS_T, reversed; its final state is G_0. */
  lta_problem *c = &pass[PASS_DV];
  c->reverse = !p->reverse;
  c->q = p->k, c->k = p->q, c->v = p->d_o;
  c->o = group ? (void *)(w + l.dv32) : p->d_v;
  c->num_q_heads = p->num_kv_heads, c->num_kv_heads = p->num_heads;
  c->initial_state = p->d_sT;
  c->final_state = p->d_s0;
  const int flags = LTA_PASS_ABSORB_SCALE | LTA_PASS_UNDECAYED_START | (group ? LTA_PASS_OUT_F32 : 0);
  b->pass_flags = flags;
  c->pass_flags = flags | (p->pass_flags & LTA_PASS_STATES_ONLY);
  return PASSES;
}

extern "C" int lta_bwd_f16_kany_vany__cuda(const lta_problem *p, const lta_cuda_exec *x) {
  cudaStream_t stream = (cudaStream_t)x->stream;
  const Layout l = layout(p);
  char *w = (char *)x->workspace;
  const int64_t KV = p->K * p->V, pairs = p->num_seqs * p->num_heads, rows = p->batch * p->seqlen;
  const dim3 tb(32, 8), tg((unsigned)(pairs * ((p->V + 31) / 32)), (unsigned)((p->K + 31) / 32));
  const bool states_only = p->pass_flags & LTA_PASS_STATES_ONLY; /* the dv pass and d_S0 alone */
  if (p->initial_state && pairs > 0 && !states_only)
    transpose_kernel<<<tg, tb, 0, stream>>>(p->initial_state, (float *)(w + l.s0t), (int)p->K, (int)p->V);
  if (p->d_sT && pairs > 0 && !states_only)
    transpose_kernel<<<tg, tb, 0, stream>>>(p->d_sT, (float *)(w + l.dstt), (int)p->K, (int)p->V);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) return (int)err;
  lta_problem pass[PASSES];
  lta_bwd_f16_kany_vany__cuda_passes(p, x->workspace, pass);
  /* The passes are independent: those with a stream of their own start once the transposes
   * are enqueued, and this stream waits for them before the sums that read their results. */
  if (x->fork && (err = cudaEventRecord((cudaEvent_t)x->fork, stream)) != cudaSuccess) return (int)err;
  for (int i = 0; i < PASSES; i++) {
    if (states_only && i != PASS_DV) continue;
    const lta_cuda_pass *r = &x->passes[i];
    cudaStream_t s = r->stream ? (cudaStream_t)r->stream : stream;
    if (r->stream && (err = cudaStreamWaitEvent(s, (cudaEvent_t)x->fork, 0)) != cudaSuccess)
      return (int)err;
    const lta_cuda_exec e = {s, r->workspace, r->segments, NULL, NULL};
    if ((err = (cudaError_t)r->run(&pass[i], &e)) != cudaSuccess) return (int)err;
    if (r->stream && ((err = cudaEventRecord((cudaEvent_t)r->done, s)) != cudaSuccess ||
                      (err = cudaStreamWaitEvent(stream, (cudaEvent_t)r->done, 0)) != cudaSuccess))
      return (int)err;
  }
  if (p->num_heads != p->num_kv_heads && rows > 0 && !states_only) {
    const int G = (int)(p->num_heads / p->num_kv_heads);
    group_sum_kernel<<<1024, 256, 0, stream>>>((const float *)(w + l.dk32), (elem *)p->d_k, rows,
                                               (int)p->num_kv_heads, G, (int)p->K, p->cu_seqlens,
                                               p->num_seqs);
    group_sum_kernel<<<1024, 256, 0, stream>>>((const float *)(w + l.dv32), (elem *)p->d_v, rows,
                                               (int)p->num_kv_heads, G, (int)p->V, p->cu_seqlens,
                                               p->num_seqs);
  }
  if (p->d_s0 && pairs > 0) {
    decays d;
    for (int h = 0; h < LTA_CUDA_MAX_HEADS; h++)
      d.lam[h] = h < p->num_heads ? (float)exp((double)p->g_gamma[h]) : 0.0f;
    d_initial_kernel<<<dim3((unsigned)pairs, (unsigned)((KV + 255) / 256 < 64 ? (KV + 255) / 256 : 64)),
                       256, 0, stream>>>(p->d_s0, (int)p->num_heads, KV, p->cu_seqlens, p->num_seqs,
                                         p->seqlen, rows, d);
  }
  return (int)cudaGetLastError();
}

}  // namespace lta_bwd_f16_kany_vany__cuda_impl
