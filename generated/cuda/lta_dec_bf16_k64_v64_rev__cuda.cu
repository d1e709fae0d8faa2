/* Auto-generated file. Do not edit!
 *   Template:  templates/cuda_fwd.cu.lt
 *   Kernel:    lta_dec_bf16_k64_v64_rev__cuda
 *   Key:       op=dec dtype=bf16 K=64 V=64 H=any dir=rev target=cuda
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <atomic>

#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <stdint.h>

extern "C" {
#include "lta_cuda_kernel.h"
}

extern "C" int lta_dec_bf16_k64_v64_rev__cuda(const lta_problem *p, const lta_cuda_exec *x);
extern "C" size_t lta_dec_bf16_k64_v64_rev__cuda_workspace(const lta_problem *p, int segments);
extern "C" int lta_dec_bf16_k64_v64_rev__cuda_segments(const lta_problem *p, int num_sms);
extern "C" int lta_dec_bf16_k64_v64_rev__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass);

/* Everything of this kernel lives in its own namespace: a bundle compiles several kernel files
 * as one translation unit. */
namespace lta_dec_bf16_k64_v64_rev__cuda_impl {

typedef __nv_bfloat16 elem;

__device__ __forceinline__ float to_f(float x) { return x; }
__device__ __forceinline__ float to_f(__half x) { return __half2float(x); }
__device__ __forceinline__ float to_f(__nv_bfloat16 x) { return __bfloat162float(x); }
__device__ __forceinline__ void from_f(float *d, float x) { *d = x; }
__device__ __forceinline__ void from_f(__half *d, float x) { *d = __float2half_rn(x); }
__device__ __forceinline__ void from_f(__nv_bfloat16 *d, float x) { *d = __float2bfloat16_rn(x); }

/* Tokens [*row0, *row0 + *len) of sequence n on the flattened [batch * seqlen] axis. */
__device__ __forceinline__ void seq_rows(const lta_cuda_params &P, int64_t n, int64_t *row0,
                                         int64_t *len) {
  if (P.cu) {
    *row0 = P.cu[n];
    *len = P.cu[n + 1] - P.cu[n];
  } else {
    *row0 = n * P.seqlen;
    *len = P.seqlen;
  }
}

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
/* The call's cu_seqlens, checked (a varlen call has batch 1: its rows are seqlen). */
__device__ bool seqlens_ok(const lta_cuda_params &P) { return seqlens_ok(P.cu, P.num_seqs, P.seqlen); }

/* The state slot of sequence n: n itself, or P.si[n] with a pool (negative: skip it). */
__device__ __forceinline__ int64_t state_slot(const lta_cuda_params &P, int64_t n) {
  return P.si ? P.si[n] : n;
}

/* Ints of the hash table pool_ok() keeps in shared memory: 2N rounded up to a power of two. */
__host__ __device__ inline int pool_table(int64_t num_seqs) {
  int t = 1;
  while (t < 2 * num_seqs) t <<= 1;
  return t;
}

/* A pool's indices live in device memory too: every block checks them (each below the slot
 * count, no non-negative one repeated) before writing anything, with an open-addressing table
 * of pool_table(N) ints in shared memory. */
__device__ bool pool_ok(const lta_cuda_params &P, int *table) {
  if (!P.si) return true;
  const int size = pool_table(P.num_seqs);
  for (int i = threadIdx.x; i < size; i += blockDim.x) table[i] = -1;
  __syncthreads();
  int bad = 0;
  for (int64_t n = threadIdx.x; n < P.num_seqs && !bad; n += blockDim.x) {
    const int64_t s = P.si[n];
    if (s >= P.slots) bad = 1;
    if (s < 0 || bad) continue;
    unsigned h = ((unsigned)s * 2654435761u) & (unsigned)(size - 1);
    for (;;) {
      const int prev = atomicCAS(&table[h], -1, (int)s);
      if (prev == -1) break;
      if (prev == (int)s) {
        bad = 1;
        break;
      }
      h = (h + 1) & (unsigned)(size - 1);
    }
  }
  return __syncthreads_or(bad) == 0;
}

/* Workspace slots per (sequence, head) of a time split: one per run, and with STATES_ONLY one
 * more, for the last run's local state. */
__host__ __device__ inline int ws_slots(const lta_cuda_params &P) {
  return P.segments + ((P.flags & LTA_PASS_STATES_ONLY) && P.segments > 1 ? 1 : 0);
}

/* Entering states of the time segments, in place in the workspace (SPEC section 3's scan):
 * slot 0 = the initial state, slot s = exp(g L_{s-1}) slot_{s-1} + (local state of run s-1,
 * which the states kernel left in slot s); with STATES_ONLY the scan goes one run further, to
 * the final state. One thread per state element. */
__global__ void combine_kernel(lta_cuda_params P, int chunk) {
  const int64_t KV = (int64_t)P.K * P.V;
  const int64_t pair = blockIdx.x, n = pair / P.H;
  const int h = (int)(pair % P.H);
  const int64_t e = (int64_t)blockIdx.y * blockDim.x + threadIdx.x;
  if (!seqlens_ok(P) || e >= KV) return;
  int64_t row0, len;
  seq_rows(P, n, &row0, &len);
  const int64_t chunks = (len + chunk - 1) / chunk;
  const int64_t per = (chunks + P.segments - 1) / P.segments; /* chunks per run */
  const int slots = ws_slots(P);
  float *slot = P.ws + pair * slots * KV + e;
  float s = P.s0 ? P.s0[pair * KV + e] : 0.0f;
  slot[0] = s;
  for (int r = 1; r < slots; r++) {
    const int64_t first = (int64_t)(r - 1) * per * chunk;
    int64_t L = first >= len ? 0 : (len - first < per * chunk ? len - first : per * chunk);
    if (r == 1 && L > 0 && (P.flags & LTA_PASS_UNDECAYED_START)) L--; /* the first token's */
    s = (float)exp((double)P.g[h] * (double)L) * s + slot[(int64_t)r * KV];
    slot[(int64_t)r * KV] = s;
  }
  if (slots > P.segments && P.s1) P.s1[pair * KV + e] = s;
}

/* ---- the decode kernel ----------------------------------------------------------------------
 * Block = (sequence, head, DV-column tile of V), DNT threads: thread t owns the 4 columns
 * 4 (t % TPR) of the tile and the rows t / TPR + RP m (m < MR) of S, as float4s in registers.
 * The whole piece is loaded before the first token, so every load of the block is in flight at
 * once; per token S = lam S + k (x) v and o = (scale q) . S, whose row sums are reduced by
 * shuffles within a warp, then across the warps in shared memory (two buffers, alternating by
 * token, so one barrier a token suffices). */
constexpr int K = 64, V = 64, DV = 32, TPR = DV / 4, DNT = 256, RP = DNT / TPR;
constexpr int MR = K / RP, WARPS = DNT / 32, VTILES = V / DV;

/* A state load: 16 bytes, not kept in L1 (read once), with a 256-byte L2 prefetch (a block's
 * rows are 128-byte pieces of 256-byte neighbourhoods). */
__device__ __forceinline__ float4 load_state4(const float *p) {
  float4 r;
  asm volatile("ld.global.L1::no_allocate.L2::256B.v4.f32 {%0, %1, %2, %3}, [%4];"
               : "=f"(r.x), "=f"(r.y), "=f"(r.z), "=f"(r.w) : "l"(p));
  return r;
}

__global__ void __launch_bounds__(DNT) decode_kernel(lta_cuda_params P) {
  extern __shared__ __align__(16) float red[]; /* [2][WARPS][DV], then pool_ok's table */
  const int64_t pair = blockIdx.x / VTILES, n = pair / P.H;
  const int h = (int)(pair % P.H), hk = h / (P.H / P.Hkv), v0 = (int)(blockIdx.x % VTILES) * DV;
  const int c = threadIdx.x % TPR, r = threadIdx.x / TPR, warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  /* The state's loads go out first, while the block checks cu_seqlens and the pool: a slot in
   * range is safe to read even when the indices turn out bad (nothing is written then). */
  const int64_t slot = state_slot(P, n);
  const bool readable = P.s0 && slot >= 0 && (!P.si || slot < P.slots);
  const int64_t state = (slot * P.H + h) * (int64_t)K * V + v0 + 4 * c;
  float4 S[MR];
#pragma unroll
  for (int m = 0; m < MR; m++)
    S[m] = readable ? load_state4(P.s0 + state + (int64_t)(r + RP * m) * V)
                    : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
  if (!seqlens_ok(P) || !pool_ok(P, (int *)(red + 2 * WARPS * DV)) || slot < 0) return;
  int64_t row0, len;
  seq_rows(P, n, &row0, &len);
  /* Rounded once from double, as in every kernel. */
  const float lam = (float)exp((double)P.g[h]);
  const elem *q = (const elem *)P.q, *k = (const elem *)P.k, *v = (const elem *)P.v;
  elem *o = (elem *)P.o;
  for (int64_t step = 0; step < len; step++) {
    const int64_t row = row0 + len - 1 - step;
    const elem *qr = q + (row * P.H + h) * K, *kr = k + (row * P.Hkv + hk) * K;
    const elem *vr = v + (row * P.Hkv + hk) * V + v0 + 4 * c;
    const float4 vc = make_float4(to_f(vr[0]), to_f(vr[1]), to_f(vr[2]), to_f(vr[3]));
    float4 acc = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
#pragma unroll
    for (int m = 0; m < MR; m++) {
      const float ki = to_f(kr[r + RP * m]), qi = to_f(qr[r + RP * m]) * P.scale;
      float4 &s = S[m];
      s.x = fmaf(ki, vc.x, lam * s.x);
      s.y = fmaf(ki, vc.y, lam * s.y);
      s.z = fmaf(ki, vc.z, lam * s.z);
      s.w = fmaf(ki, vc.w, lam * s.w);
      acc.x = fmaf(qi, s.x, acc.x);
      acc.y = fmaf(qi, s.y, acc.y);
      acc.z = fmaf(qi, s.z, acc.z);
      acc.w = fmaf(qi, s.w, acc.w);
    }
    /* Lanes c, c + TPR, ... of a warp hold the same columns: sum them. */
#pragma unroll
    for (int off = TPR; off < 32; off *= 2) {
      acc.x += __shfl_xor_sync(0xffffffffu, acc.x, off);
      acc.y += __shfl_xor_sync(0xffffffffu, acc.y, off);
      acc.z += __shfl_xor_sync(0xffffffffu, acc.z, off);
      acc.w += __shfl_xor_sync(0xffffffffu, acc.w, off);
    }
    float *rb = red + (step & 1) * WARPS * DV;
    if (lane < TPR) *(float4 *)(rb + warp * DV + 4 * lane) = acc;
    __syncthreads(); /* also: the reads of this buffer two tokens ago are done */
    if (threadIdx.x < DV) {
      float sum = 0.0f;
#pragma unroll
      for (int w = 0; w < WARPS; w++) sum += rb[w * DV + threadIdx.x];
      from_f(&o[(row * P.H + h) * V + v0 + threadIdx.x], sum);
    }
  }
  if (P.s1) {
#pragma unroll
    for (int m = 0; m < MR; m++) __stcs((float4 *)(P.s1 + state + (int64_t)(r + RP * m) * V), S[m]);
  }
}

extern "C" int lta_dec_bf16_k64_v64_rev__cuda_segments(const lta_problem *p, int num_sms) {
  (void)p;
  (void)num_sms;
  return 1; /* the state stays in registers: no time split */
}

extern "C" size_t lta_dec_bf16_k64_v64_rev__cuda_workspace(const lta_problem *p, int segments) {
  (void)p;
  (void)segments;
  return 0;
}

static void fill_params(const lta_problem *p, lta_cuda_params *P, void *ws, int segments);

extern "C" int lta_dec_bf16_k64_v64_rev__cuda(const lta_problem *p, const lta_cuda_exec *x) {
  lta_cuda_params local;
  fill_params(p, &local, NULL, 1);
  /* At most 2 x 8 x 32 floats and a table of 8192 ints (LTA_CUDA_MAX_POOL_SEQS): under the
   * 48 KB a launch gets without asking. */
  const size_t smem = sizeof(float) * 2 * WARPS * DV +
                      (p->state_index ? sizeof(int) * (size_t)pool_table(p->num_seqs) : 0);
  const int64_t blocks = p->num_seqs * p->num_heads * VTILES;
  decode_kernel<<<(unsigned)blocks, DNT, smem, (cudaStream_t)x->stream>>>(local);
  return (int)cudaGetLastError();
}

static void fill_params(const lta_problem *p, lta_cuda_params *P, void *ws, int segments) {
  P->q = p->q;
  P->k = p->k;
  P->v = p->v;
  P->o = p->o;
  P->s0 = p->initial_state;
  P->s1 = p->final_state;
  P->ws = (float *)ws;
  P->cu = p->cu_seqlens;
  P->si = p->state_index;
  P->slots = p->num_slots;
  P->batch = p->batch;
  P->seqlen = p->seqlen;
  P->num_seqs = p->num_seqs;
  P->H = (int)p->num_heads;
  P->Hkv = (int)p->num_kv_heads;
  P->K = (int)p->K;
  P->V = (int)p->V;
  P->Hq = p->num_q_heads > 0 ? (int)p->num_q_heads : P->H;
  P->flags = p->pass_flags;
  P->segments = segments < 1 ? 1 : segments;
  P->scale = p->scale;
  for (int h = 0; h < LTA_CUDA_MAX_HEADS; h++) P->g[h] = h < P->H ? p->g_gamma[h] : 0.0f;
}

}  // namespace lta_dec_bf16_k64_v64_rev__cuda_impl

extern "C" int lta_dec_bf16_k64_v64_rev__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass) {
  (void)p, (void)ws, (void)pass;
  return 0; /* a forward kernel: no passes */
}
