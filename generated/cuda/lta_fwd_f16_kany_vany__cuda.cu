/* Auto-generated file. Do not edit!
 *   Template:  templates/cuda_fwd.cu.lt
 *   Kernel:    lta_fwd_f16_kany_vany__cuda
 *   Key:       op=fwd dtype=f16 K=any V=any H=any dir=fwd target=cuda
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

extern "C" int lta_fwd_f16_kany_vany__cuda(const lta_problem *p, const lta_cuda_exec *x);
extern "C" size_t lta_fwd_f16_kany_vany__cuda_workspace(const lta_problem *p, int segments);
extern "C" int lta_fwd_f16_kany_vany__cuda_segments(const lta_problem *p, int num_sms);
extern "C" int lta_fwd_f16_kany_vany__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass);

/* Everything of this kernel lives in its own namespace: a bundle compiles several kernel files
 * as one translation unit. */
namespace lta_fwd_f16_kany_vany__cuda_impl {

typedef __half elem;

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

/* ---- the generic kernel ---------------------------------------------------------------------
 * Block = (sequence, head, GV-column tile of V), 256 threads: thread t owns column t % GV and
 * the rows i = t / GV (mod 256 / GV) of the K x GV state tile, which lives in shared memory.
 * Per token: S = lam S + k (x) v; o = (scale q) . S, reduced over the row groups. */
constexpr int kThreads = 256;

__host__ __device__ inline int generic_cols(int K) {
  int gv = 16384 / K; /* a 64 KB state tile */
  return gv < 1 ? 1 : (gv > 32 ? 32 : gv);
}

__global__ void __launch_bounds__(kThreads) generic_kernel(lta_cuda_params P) {
  extern __shared__ float smem[];
  const int K = P.K, V = P.V, GV = generic_cols(K), groups = kThreads / GV;
  const int tiles = (V + GV - 1) / GV;
  const int64_t pair = blockIdx.x / tiles, n = pair / P.H;
  const int h = (int)(pair % P.H), hk = h / (P.H / P.Hkv), v0 = (int)(blockIdx.x % tiles) * GV;
  const int hq = h / (P.H / P.Hq), cols = V - v0 < GV ? V - v0 : GV;
  float *S = smem, *qs = S + (size_t)K * GV, *ks = qs + K, *vs = ks + K, *red = vs + GV;
  if (!seqlens_ok(P) || !pool_ok(P, (int *)(red + (kThreads / GV) * GV))) return;
  const int64_t slot = state_slot(P, n), state = (slot * P.H + h) * K;
  if (slot < 0) return;
  int64_t row0, len;
  seq_rows(P, n, &row0, &len);
  const int c = threadIdx.x % GV, r = threadIdx.x / GV;
  const bool active = r < groups && c < cols;
  for (int i = threadIdx.x; i < K * GV; i += kThreads) {
    const int ii = i / GV, cc = i % GV;
    S[i] = (P.s0 && cc < cols) ? P.s0[(state + ii) * V + v0 + cc] : 0.0f;
  }
  /* Rounded once from double: an ulp off in lam would grow with the sequence length. */
  const float lam = (float)exp((double)P.g[h]);
  /* The backward's passes (lta_kernel.h LTA_PASS_*): the scale moves into the state, the first
   * token may leave the initial state undecayed, the output may be fp32. */
  const bool absorb = P.flags & LTA_PASS_ABSORB_SCALE;
  const float qf = absorb ? 1.0f : P.scale, vf = absorb ? P.scale : 1.0f;
  const elem *q = (const elem *)P.q, *k = (const elem *)P.k, *v = (const elem *)P.v;
  for (int64_t step = 0; step < len; step++) {
    const int64_t row = row0 + step;
    __syncthreads(); /* the previous token's reads of qs, ks, vs, red are done */
    for (int i = threadIdx.x; i < K; i += kThreads) {
      qs[i] = to_f(q[(row * P.Hq + hq) * K + i]) * qf;
      ks[i] = to_f(k[(row * P.Hkv + hk) * K + i]);
    }
    if (threadIdx.x < cols) vs[threadIdx.x] = to_f(v[(row * P.Hkv + hk) * V + v0 + threadIdx.x]) * vf;
    __syncthreads();
    const float lam_t = step == 0 && (P.flags & LTA_PASS_UNDECAYED_START) ? 1.0f : lam;
    float acc = 0.0f;
    if (active) {
      const float vc = vs[c];
      for (int i = r; i < K; i += groups) {
        const float s = fmaf(ks[i], vc, lam_t * S[i * GV + c]);
        S[i * GV + c] = s;
        acc = fmaf(qs[i], s, acc);
      }
    }
    if (r < groups) red[r * GV + c] = acc;
    __syncthreads();
    if (threadIdx.x < cols) {
      float sum = 0.0f;
      for (int g = 0; g < groups; g++) sum += red[g * GV + threadIdx.x];
      const int64_t at = (row * P.H + h) * V + v0 + threadIdx.x;
      if (P.flags & LTA_PASS_OUT_F32) ((float *)P.o)[at] = sum;
      else from_f((elem *)P.o + at, sum);
    }
  }
  if (P.s1) {
    __syncthreads();
    for (int i = threadIdx.x; i < K * GV; i += kThreads) {
      const int ii = i / GV, cc = i % GV;
      if (cc < cols) P.s1[(state + ii) * V + v0 + cc] = S[i];
    }
  }
}


static size_t generic_smem(const lta_problem *p) {
  const int K = (int)p->K, GV = generic_cols(K);
  return sizeof(float) * ((size_t)K * GV + 2 * (size_t)K + GV + (size_t)(kThreads / GV) * GV) +
         (p->state_index ? sizeof(int) * (size_t)pool_table(p->num_seqs) : 0);
}

extern "C" int lta_fwd_f16_kany_vany__cuda_segments(const lta_problem *p, int num_sms) {
  (void)p;
  (void)num_sms;
  return 1; /* token by token: no time split */
}

extern "C" size_t lta_fwd_f16_kany_vany__cuda_workspace(const lta_problem *p, int segments) {
  (void)p;
  (void)segments;
  return 0;
}

static void fill_params(const lta_problem *p, lta_cuda_params *P, void *ws, int segments);

extern "C" int lta_fwd_f16_kany_vany__cuda(const lta_problem *p, const lta_cuda_exec *x) {
  lta_cuda_params local;
  fill_params(p, &local, NULL, 1);
  const size_t smem = generic_smem(p);
  cudaError_t err = cudaFuncSetAttribute(generic_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         (int)smem);
  if (err != cudaSuccess) return (int)err;
  const int tiles = ((int)p->V + generic_cols((int)p->K) - 1) / generic_cols((int)p->K);
  const int64_t blocks = p->num_seqs * p->num_heads * tiles;
  generic_kernel<<<(unsigned)blocks, kThreads, smem, (cudaStream_t)x->stream>>>(local);
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

}  // namespace lta_fwd_f16_kany_vany__cuda_impl

extern "C" int lta_fwd_f16_kany_vany__cuda_passes(const lta_problem *p, void *ws, lta_problem *pass) {
  (void)p, (void)ws, (void)pass;
  return 0; /* a forward kernel: no passes */
}
