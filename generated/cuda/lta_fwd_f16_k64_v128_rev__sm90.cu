/* Auto-generated file. Do not edit!
 *   Template:  templates/cuda_fwd.cu.lt
 *   Kernel:    lta_fwd_f16_k64_v128_rev__sm90
 *   Key:       op=fwd dtype=f16 K=64 V=128 H=any dir=rev target=sm90
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

extern "C" int lta_fwd_f16_k64_v128_rev__sm90(const lta_problem *p, const lta_cuda_exec *x);
extern "C" size_t lta_fwd_f16_k64_v128_rev__sm90_workspace(const lta_problem *p, int segments);
extern "C" int lta_fwd_f16_k64_v128_rev__sm90_segments(const lta_problem *p, int num_sms);
extern "C" int lta_fwd_f16_k64_v128_rev__sm90_passes(const lta_problem *p, void *ws, lta_problem *pass);

/* Everything of this kernel lives in its own namespace: a bundle compiles several kernel files
 * as one translation unit. */
namespace lta_fwd_f16_k64_v128_rev__sm90_impl {

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

/* ---- tile shapes of lta_fwd_f16_k64_v128_rev__sm90 (warpgroup MMA); blocks a multiprocessor holds: 3 ----
 * chunk C=64 tokens; V tile VT=64 of V=128; one warpgroup (4 warps) a block; 2
 * pipeline stages. Shared-memory tiles are in wgmma's 128-byte swizzle: rows of 64 elements
 * (128 bytes) whose 16-byte column x of row r sits at x ^ (r % 8); a tile wider than 64 is atoms
 * of 64 columns side by side, each 1024-byte aligned. */
constexpr int K = 64, V = 128, C = 64, VT = 64, VTILES = V / VT, NT = 128;
constexpr int STAGES = 2, MINB = 3;
constexpr bool SWIZZLED = true;
constexpr int QROW = 64, VROW = 64;           /* elements from a tile's row to the next */
constexpr int K_AT = C * K, V_AT = 2 * C * K; /* the k and v tiles' offsets in a stage */
constexpr int STAGE_ELEMS = 2 * C * K + C * VT;  /* q, k, v tile */
constexpr size_t SMEM_BYTES = 1024 + sizeof(elem) * ((size_t)STAGES * STAGE_ELEMS + (size_t)VT * K)
                              + sizeof(float) * (3 * (C + 1) + NT / 32);
/* Element (r, c) of a q or k tile ([C][K]) and of a v tile ([C][VT]), in elements. */
__host__ __device__ __forceinline__ int qk_slot(int r, int c) {
  return (c / 64) * C * 64 + r * 64 + ((((c % 64) >> 3) ^ (r & 7)) << 3) + (c & 7);
}
__host__ __device__ __forceinline__ int v_slot(int r, int c) {
  return r * 64 + (((c >> 3) ^ (r & 7)) << 3) + (c & 7);
}

__device__ __forceinline__ uint32_t smem_addr(const void *p) {
  return (uint32_t)__cvta_generic_to_shared(p);
}

/* 16 bytes global -> shared, zero-filled when !valid (padded rows of a partial chunk). */
__device__ __forceinline__ void cp_async16(void *dst, const void *src, bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_addr(dst)), "l"(src),
               "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void cp_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N> __device__ __forceinline__ void cp_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

/* ldmatrix at a shared-memory address: the callers keep 32-bit addresses per thread and add
 * compile-time offsets, so that an address costs no arithmetic in the loops. */
__device__ __forceinline__ void ldsm_x4(uint32_t r[4], uint32_t a) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(a));
}
__device__ __forceinline__ void ldsm_x4_t(uint32_t r[4], uint32_t a) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(a));
}
/* stmatrix (sm_90): four 8 x 8 tiles of 16-bit pairs, lane l naming row l % 8 of tile l / 8. */
__device__ __forceinline__ void stsm_x4(uint32_t a, uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3) {
  asm volatile("stmatrix.sync.aligned.m8n8.x4.shared.b16 [%0], {%1,%2,%3,%4};\n" ::"r"(a), "r"(x0),
               "r"(x1), "r"(x2), "r"(x3));
}

/* d += a (16x16, row) * b (16x8, col), fp32 accumulation. */
__device__ __forceinline__ void mma(float d[4], const uint32_t a[4], uint32_t b0, uint32_t b1) {
  /* Not volatile: registers only, so the compiler may schedule it among the shared loads. */
  asm("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
               "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ uint32_t pack2(float lo, float hi) {
  __half2 v = __floats2half2_rn(lo, hi);
  return *reinterpret_cast<uint32_t *>(&v);
}

/* The two elements of a packed pair as floats (bf16: the bits shifted into place, exactly). */
__device__ __forceinline__ float2 unpack2(uint32_t u) {
  return __half22float2(*reinterpret_cast<__half2 *>(&u));
}

/* The shared-memory layout of a block (1024-byte aligned, as the swizzle needs). */
struct Smem {
  elem *stages;        /* STAGES x (q [C][K], k [C][K], v [C][VT]), swizzled */
  elem *sb;            /* the state transposed and rounded to elem (f16: scaled by 2^-e), [VT][K] */
  float *dd;           /* dd[m] = exp(g m), m = 0..C */
  float *ds;           /* ds[m] = scale dd[m] */
  float *dv;           /* dv[m] = vf dd[m], the decay of v in the state update */
  float *amax;         /* per-warp largest |S| (f16 scaling) */
  /* Aligned by an offset from raw, so that the compiler still sees shared-memory pointers. */
  __device__ Smem(char *raw) {
    elem *e = reinterpret_cast<elem *>(raw + ((1024u - (smem_addr(raw) & 1023u)) & 1023u));
    stages = e;
    sb = e + STAGES * STAGE_ELEMS;
    dd = reinterpret_cast<float *>(sb + VT * K);
    ds = dd + C + 1;
    dv = ds + C + 1;
    amax = dv + C + 1;
  }
  __device__ __forceinline__ elem *stage(int64_t i) const { return stages + (int)(i % STAGES) * STAGE_ELEMS; }
};

/* Where a block's work lies: sequence, head, V tile and the run of chunks it owns. */
struct Work {
  int64_t pair, row0, len, chunk0, chunk1;
  int h, hk, v0, seg;
  float g;
  /* The rows of the sequence's first token in processing order, and the element step from one
   * processed token to the next (negative in reverse). */
  const elem *qb, *kb, *vb;
  int64_t o0; /* element index of the first token's output row (o is elem, or fp32 OUT_F32) */
  int64_t qstep, kstep, vstep, ostep;
};

__device__ __forceinline__ Work block_work(const lta_cuda_params &P, int seg) {
  Work w;
  w.pair = blockIdx.x / VTILES;
  w.v0 = (int)(blockIdx.x % VTILES) * VT;
  w.h = (int)(w.pair % P.H);
  w.hk = w.h / (P.H / P.Hkv);
  w.g = P.g[w.h];
  w.seg = seg;
  seq_rows(P, w.pair / P.H, &w.row0, &w.len);
  const int64_t chunks = (w.len + C - 1) / C, per = (chunks + P.segments - 1) / P.segments;
  w.chunk0 = per * seg < chunks ? per * seg : chunks;
  w.chunk1 = w.chunk0 + per < chunks ? w.chunk0 + per : chunks;
  const int64_t first = w.row0 + (w.len > 0 ? w.len - 1 : 0), dir = -1;
  w.qstep = dir * P.Hq * K;
  w.kstep = dir * P.Hkv * K;
  w.vstep = dir * P.Hkv * V;
  w.ostep = dir * P.H * V;
  w.qb = (const elem *)P.q + (first * P.Hq + w.h / (P.H / P.Hq)) * K;
  w.kb = (const elem *)P.k + (first * P.Hkv + w.hk) * K;
  w.vb = (const elem *)P.v + (first * P.Hkv + w.hk) * V + w.v0;
  w.o0 = (first * P.H + w.h) * V + w.v0;
  return w;
}

/* 16 bytes global -> shared, always valid (a full chunk's rows). */
__device__ __forceinline__ void cp_async16(void *dst, const void *src) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(smem_addr(dst)), "l"(src));
}

/* Issues the cp.async copies of chunk c's tiles (q only WITH_Q) into stage buffer b. A thread
 * copies the same 16-byte column of every (NT / vectors a row)-th row; the rows' offsets from
 * the chunk's first are 32-bit (a chunk spans at most C * LTA_CUDA_MAX_HEADS * K elements), so
 * that the addresses cost a few integer instructions, not 64-bit products per copy. A full
 * chunk (all but a sequence's last) copies without predicates; in a partial one, rows past the
 * sequence's end are zero-filled from the chunk's first row (always inside it). */
template <bool WITH_Q>
__device__ __forceinline__ void load_chunk(const Work &w, int64_t c, elem *b) {
  constexpr int QV = K / 8, VV = VT / 8; /* 16-byte vectors per row */
  constexpr int QR = NT / QV, VR = NT / VV; /* rows one pass of the block covers */
  static_assert(NT % QV == 0 && NT % VV == 0 && C % QR == 0 && C % VR == 0,
                "a thread copies whole rows' columns: NT and C must be multiples");
  const int64_t t0 = c * C;
  const int L = (int)(w.len - t0 < C ? w.len - t0 : C);
  const elem *qc = w.qb + t0 * w.qstep, *kc = w.kb + t0 * w.kstep, *vc = w.vb + t0 * w.vstep;
  const int qs = (int)w.qstep, ks = (int)w.kstep, vs = (int)w.vstep;
  const int qi = threadIdx.x / QV, qcol = (threadIdx.x % QV) * 8;
  const int vi = threadIdx.x / VV, vcol = (threadIdx.x % VV) * 8;
  static_assert(!SWIZZLED || (QR % 8 == 0 && VR % 8 == 0), "a thread's rows keep one swizzle phase");
  elem *bq = b + qk_slot(qi, qcol), *bk = bq + K_AT, *bv = b + V_AT + v_slot(vi, vcol);
  if (L == C) {
    const elem *qr = qc + (qi * qs + qcol), *kr = kc + (qi * ks + qcol), *vr = vc + (vi * vs + vcol);
#pragma unroll
    for (int j = 0; j < C / QR; j++) {
      if (WITH_Q) cp_async16(bq + j * QR * QROW, qr + j * QR * qs);
      cp_async16(bk + j * QR * QROW, kr + j * QR * ks);
    }
#pragma unroll
    for (int j = 0; j < C / VR; j++) cp_async16(bv + j * VR * VROW, vr + j * VR * vs);
    return;
  }
#pragma unroll
  for (int j = 0; j < C / QR; j++) {
    const int i = qi + j * QR;
    const bool ok = i < L;
    const int r = ok ? i : 0;
    if (WITH_Q) cp_async16(bq + j * QR * QROW, qc + r * qs + qcol, ok);
    cp_async16(bk + j * QR * QROW, kc + r * ks + qcol, ok);
  }
#pragma unroll
  for (int j = 0; j < C / VR; j++) {
    const int i = vi + j * VR;
    const bool ok = i < L;
    const int r = ok ? i : 0;
    cp_async16(bv + j * VR * VROW, vc + r * vs + vcol, ok);
  }
}

/* dd[m] = exp(g m), each rounded once from double (an ulp off would grow over the chunks), and
 * ds[m] = scale dd[m]. */
__device__ __forceinline__ void fill_decays(const Smem &sm, float g, float scale) {
  for (int m = threadIdx.x; m <= C; m += NT) {
    const float d = (float)exp((double)g * m);
    sm.dd[m] = d;
    sm.ds[m] = scale * d;
  }
}

/* Exponent bits of both halves of a packed pair: all ones = Inf or NaN. */
constexpr uint32_t kExp2 = 0x7c007c00u;

/* A packed pair of v times its decays d0, d1, as hi + lo of the input type (hi + lo keeps the
 * product's fp32 accuracy); seen collects each element times 0 (NaN once one is Inf or NaN). */
__device__ __forceinline__ void decay_pair(uint32_t v, float d0, float d1, uint32_t &hi,
                                           uint32_t &lo, float &seen) {
  const float2 f = unpack2(v);
  seen = fmaf(f.x, 0.0f, fmaf(f.y, 0.0f, seen));
  const float a = f.x * d0, b = f.y * d1;
  hi = pack2(a, b);
  const float2 t = unpack2(hi);
  lo = pack2(a - t.x, b - t.y);
}

/* f16: this warp's largest |S| (m, this thread's) into sm.amax[warp]. */
__device__ __forceinline__ void store_warp_amax(float m, const Smem &sm) {
#pragma unroll
  for (int d = 16; d > 0; d >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, d));
  if (threadIdx.x % 32 == 0) sm.amax[threadIdx.x / 32] = m;
}

/* f16: the power of two 2^e that keeps the rounded state below 2^15 (every warp's |S| max is
 * in sm.amax; NaN counts as 0): *up = 2^e, returns 2^-e (both 1 when it fits already). */
__device__ __forceinline__ float state_scale(const Smem &sm, float *up) {
  float m = 0.0f;
#pragma unroll
  for (int x = 0; x < NT / 32; x++) m = fmaxf(m, sm.amax[x]);
  *up = 1.0f;
  if (m > 16384.0f && m <= 3.0e38f) {
    const int e = ilogbf(m) - 14;
    *up = ldexpf(1.0f, e);
    return ldexpf(1.0f, -e);
  }
  return 1.0f;
}

/* The rare path of a diagonal block whose v holds an Inf or NaN (the mma took it as 0): the sum
 * of p[i][j] v[j][c] over the j <= i of the block where v[j][c] (at vr[j * vstep + c]) is not finite, with
 * p[i][j] = scale exp(g (i - j)) (q_i . k_j) recomputed in fp32 and rounded as the mma's operand.
 * Not inlined, and taking scalars only: the main loop's registers stay as they were. */
__device__ __noinline__ float nonfinite_v_term(const elem *qt, const elem *kt, const elem *vr,
                                               int64_t vstep, const float *dd, float scale,
                                               int j0, int i, int c) {
  float sum = 0.0f;
  for (int j = j0; j <= i; j++) {
    const float vv = to_f(vr[j * vstep + c]);
    if (isfinite(vv)) continue;
    float dot = 0.0f;
    for (int kk = 0; kk < K; kk++) dot = fmaf(to_f(qt[qk_slot(i, kk)]), to_f(kt[qk_slot(j, kk)]), dot);
    elem p;
    from_f(&p, scale * dd[i - j] * dot);
    sum = fmaf(to_f(p), vv, sum);
  }
  return sum;
}

/* A wgmma shared-memory matrix descriptor, 128-byte swizzle: the start address, the leading and
 * the stride byte offsets (K-major: 16 and the 1024 bytes from one 8-row group to the next;
 * MN-major: the bytes from one 64-column atom to the next and 1024). */
__device__ __forceinline__ uint64_t gdesc(uint32_t addr, uint32_t lbo, uint32_t sbo) {
  return (uint64_t)((addr & 0x3FFFF) >> 4) | ((uint64_t)(lbo >> 4) << 16) |
         ((uint64_t)(sbo >> 4) << 32) | (1ull << 62);
}
__device__ __forceinline__ void wg_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wg_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
template <int N> __device__ __forceinline__ void wg_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
}
/* After a wait: the accumulators' new values are read from here on, not before. */
template <int N> __device__ __forceinline__ void wg_keep(float (&d)[N]) {
#pragma unroll
  for (int i = 0; i < N; i++) asm volatile("" : "+f"(d[i])::"memory");
}
/* Ordinary shared-memory writes (cp.async included) made visible to the tensor cores. */
__device__ __forceinline__ void fence_async_smem() {
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
}

/* d = a b (ACC = 0) or d += a b (ACC = 1), m64n64k16: A and B K-major in shared memory. */
template <int ACC>
__device__ __forceinline__ void wg_ss64(float (&d)[32], uint64_t a, uint64_t b) {
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
               "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, %32, %33, p, 1, 1, 0, 0;\n}\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
               : "l"(a), "l"(b), "n"(ACC));
}
/* d += a b, m64n64k16: A (16 x 16 a warp) in registers, B MN-major in shared memory. */
__device__ __forceinline__ void wg_rs64(float (&d)[32], const uint32_t a[4], uint64_t b) {
  asm volatile("wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}, "
               "{%32,%33,%34,%35}, %36, 1, 1, 1, 1;\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b));
}

/* dv[m] = vf exp(g m) (vf: 1, or the scale with LTA_PASS_ABSORB_SCALE), rounded once from double
 * like dd (vf dd[m] exactly). */
__device__ __forceinline__ void fill_vdecays(const Smem &sm, float g, float vf) {
  for (int m = threadIdx.x; m <= C; m += NT) sm.dv[m] = vf * (float)exp((double)g * m);
}

/* The accumulator of a 64 x N wgmma: warp w's rows 16 w + lane / 4 (entries e = 0, 1) and 8 below
 * (e = 2, 3), columns 8 t + 2 (lane % 4) + (e & 1), in d[4 t + e]. The state S^T: rows are V
 * columns of the tile, columns are K rows. */
constexpr int SN = K / 2; /* state floats a thread */
static_assert(C == 64 && VT == 64, "the q, k and sb tiles share one atom layout: C = VT = 64");

/* The block's state tile from global fp32 memory (NULL: zeros) into S^T. */
__device__ __forceinline__ void load_state(float (&s)[SN], const float *src, const Work &w) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int vc = w.v0 + 16 * warp + lane / 4, kr = 2 * (lane % 4);
#pragma unroll
  for (int t = 0; t < K / 8; t++)
#pragma unroll
    for (int e = 0; e < 4; e++)
      s[4 * t + e] = src ? src[(int64_t)(8 * t + kr + (e & 1)) * V + vc + 8 * (e >> 1)] : 0.0f;
}

__device__ __forceinline__ void store_state(const float (&s)[SN], float *dst, const Work &w) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int vc = w.v0 + 16 * warp + lane / 4, kr = 2 * (lane % 4);
#pragma unroll
  for (int t = 0; t < K / 8; t++)
#pragma unroll
    for (int e = 0; e < 4; e++) dst[(int64_t)(8 * t + kr + (e & 1)) * V + vc + 8 * (e >> 1)] = s[4 * t + e];
}

/* This warp's largest |S| into sm.amax[warp] (f16 only; NaN counts as 0). */
__device__ __forceinline__ void state_amax(const float (&s)[SN], const Smem &sm) {
  float m = 0.0f;
#pragma unroll
  for (int i = 0; i < SN; i++) m = fmaxf(m, fabsf(s[i]));
  store_warp_amax(m, sm);
}

/* S^T rounded to elem into sm.sb ([VT][K], K-major for q S). f16: scaled by 2^-e so that its
 * largest entry stays below 2^15 (each warp's |S| max is in sm.amax); returns 2^e. */
__device__ __forceinline__ float round_state(const float (&s)[SN], const Smem &sm) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  float inv = 1.0f, up = 1.0f;
  inv = state_scale(sm, &up);
  /* stmatrix: four 8 x 8 tiles a store, rows r = 16 warp + lane % 8 (+ 8) and 16-byte columns
   * t, t + 1 (atom t / 8, swizzled by r % 8), of the accumulator layout. */
  const int mi = lane >> 3, r8 = lane & 7;
  const uint32_t row = smem_addr(sm.sb) + (16 * warp + r8 + (mi & 1) * 8) * 128;
#pragma unroll
  for (int t = 0; t < K / 8; t += 2) {
    const int tt = t + (mi >> 1);
    const uint32_t x0 = pack2(s[4 * t] * inv, s[4 * t + 1] * inv);
    const uint32_t x1 = pack2(s[4 * t + 2] * inv, s[4 * t + 3] * inv);
    const uint32_t x2 = pack2(s[4 * t + 4] * inv, s[4 * t + 5] * inv);
    const uint32_t x3 = pack2(s[4 * t + 6] * inv, s[4 * t + 7] * inv);
    stsm_x4(row + (tt / 8) * VT * 128 + (((tt % 8) ^ r8) << 4), x0, x1, x2, x3);
  }
  return up;
}

/* The A operands of the state update for the k16 steps of the chunk: (vd)^T, warp w's rows the
 * V columns 16 w .. 16 w + 15, read transposed from the v tile by ldmatrix, each element times
 * dv[L-1-j] = vf exp(g (L-1-j)) (0 for j >= L, whose rows were loaded as zeros) and split into
 * hi + lo.
 * Returns NaN when the thread saw an Inf or NaN in v (each element times 0, summed), else 0;
 * the warps together see the whole tile. */
__device__ __forceinline__ float decayed_v(uint32_t (&vh)[C / 16][4], uint32_t (&vl)[C / 16][4],
                                           const Smem &sm, uint32_t va, int L) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, m = lane >> 3, r8 = lane & 7;
  const uint32_t a = va + (r8 + (m >> 1) * 8) * 128 + (((2 * warp + (m & 1)) ^ r8) << 4);
  float seen = 0.0f;
#pragma unroll
  for (int st = 0; st < C / 16; st++) {
    uint32_t raw[4];
    ldsm_x4_t(raw, a + st * 16 * 128);
    const int j0 = 16 * st + 2 * (lane % 4);
#pragma unroll
    for (int e = 0; e < 4; e++) {
      const int j = j0 + (e >= 2 ? 8 : 0);
      const float d0 = j < L ? sm.dv[L - 1 - j] : 0.0f;
      const float d1 = j + 1 < L ? sm.dv[L - 2 - j] : 0.0f;
      decay_pair(raw[e], d0, d1, vh[st][e], vl[st][e], seen);
    }
  }
  return seen;
}

/* S^T = exp(g L) S^T + (vhi + vlo)^T k, issued (not waited for). kb: the k tile's MN-major
 * descriptor. */
__device__ __forceinline__ void update_state(float (&s)[SN], const uint32_t (&vh)[C / 16][4],
                                             const uint32_t (&vl)[C / 16][4], uint64_t kb) {
#pragma unroll
  for (int st = 0; st < C / 16; st++) {
    wg_rs64(s, vh[st], kb + ((st * 16 * 128) >> 4));
    wg_rs64(s, vl[st], kb + ((st * 16 * 128) >> 4));
  }
}

/* The v tile with its Inf and NaN elements set to 0 (the rare path of a chunk that has some). */
__device__ __noinline__ void zero_nonfinite_v(elem *vt) {
  for (int x = threadIdx.x; x < C * VT / 8; x += NT) {
    uint4 *p = reinterpret_cast<uint4 *>(vt) + x;
    uint4 u = *p;
    uint32_t *w = reinterpret_cast<uint32_t *>(&u);
#pragma unroll
    for (int r = 0; r < 4; r++) w[r] &= ~__vcmpeq2(w[r] & kExp2, kExp2);
    *p = u;
  }
}

/* Local states of the runs: run seg (< segments - 1; with STATES_ONLY every run) from a zero
 * state into workspace slot seg + 1, for the combine kernel. With STATES_ONLY and one run: the
 * whole sequence from the initial state into the final state, with no workspace. */
__global__ void __launch_bounds__(NT, MINB) states_kernel(lta_cuda_params P) {
  extern __shared__ __align__(16) char smem_raw[];
  const Smem sm(smem_raw);
  if (!seqlens_ok(P)) return;
  const Work w = block_work(P, blockIdx.y);
  fill_decays(sm, w.g, P.scale);
  fill_vdecays(sm, w.g, P.flags & LTA_PASS_ABSORB_SCALE ? P.scale : 1.0f);
  const int64_t KV = (int64_t)K * V;
  const bool whole = P.segments == 1;
  float s[SN];
  load_state(s, whole && P.s0 ? P.s0 + w.pair * KV : nullptr, w);
  const int64_t n = w.chunk1 - w.chunk0;
#pragma unroll
  for (int st = 0; st < STAGES - 1; st++) {
    if (st < n) load_chunk<false>(w, w.chunk0 + st, sm.stage(st));
    cp_commit();
  }
  for (int64_t it = 0; it < n; it++) {
    const int64_t c = w.chunk0 + it;
    const int L = (int)(w.len - c * C < C ? w.len - c * C : C);
    cp_wait<STAGES - 2>();
    fence_async_smem();
    __syncthreads();
    if (it + STAGES - 1 < n) load_chunk<false>(w, c + STAGES - 1, sm.stage(it + STAGES - 1));
    cp_commit();
    const uint32_t b = smem_addr(sm.stage(it));
    uint32_t vh[C / 16][4], vl[C / 16][4];
    decayed_v(vh, vl, sm, b + V_AT * 2, L);
    const int sh = c == 0 && (P.flags & LTA_PASS_UNDECAYED_START) ? 1 : 0; /* as main_kernel's */
    const float dL = sm.dd[L - sh];
#pragma unroll
    for (int i = 0; i < SN; i++) s[i] *= dL;
    wg_fence();
    update_state(s, vh, vl, gdesc(b + K_AT * 2, C * 128, 1024));
    wg_commit();
    wg_wait<0>();
    wg_keep(s);
  }
  cp_wait<0>();
  float *dst = whole ? (P.s1 ? P.s1 + w.pair * KV : nullptr)
                     : P.ws + (w.pair * ws_slots(P) + w.seg + 1) * KV;
  if (dst) store_state(s, dst, w);
}

/* The outputs (and the final states) of one run of chunks per block. */
__global__ void __launch_bounds__(NT, MINB) main_kernel(lta_cuda_params P) {
  extern __shared__ __align__(16) char smem_raw[];
  const Smem sm(smem_raw);
  if (!seqlens_ok(P)) return;
  const Work w = block_work(P, blockIdx.y);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  fill_decays(sm, w.g, P.scale);
  const int64_t KV = (int64_t)K * V;
  const float *entering = P.segments > 1 ? P.ws + (w.pair * ws_slots(P) + w.seg) * KV
                                         : (P.s0 ? P.s0 + w.pair * KV : nullptr);
  float s[SN];
  load_state(s, entering, w);
  state_amax(s, sm);
  __syncthreads();
  float up = round_state(s, sm);
  const int64_t n = w.chunk1 - w.chunk0;
  /* The backward's passes (lta_kernel.h LTA_PASS_*): qf scales q S; the state's v takes the
   * scale instead (in dv) with ABSORB_SCALE. */
  const bool absorb = P.flags & LTA_PASS_ABSORB_SCALE;
  const float qf = absorb ? 1.0f : P.scale;
  fill_vdecays(sm, w.g, absorb ? P.scale : 1.0f);
  const uint64_t sbd = gdesc(smem_addr(sm.sb), 16, 1024);
  /* This thread's output rows i0 and i0 + 8, and its first column. */
  const int i0 = 16 * warp + lane / 4, col = 2 * (lane % 4);
#pragma unroll
  for (int st = 0; st < STAGES - 1; st++) {
    if (st < n) load_chunk<true>(w, w.chunk0 + st, sm.stage(st));
    cp_commit();
  }
  for (int64_t it = 0; it < n; it++) {
    const int64_t c = w.chunk0 + it;
    const int L = (int)(w.len - c * C < C ? w.len - c * C : C);
    cp_wait<STAGES - 2>();
    fence_async_smem(); /* this thread's cp.async rows and sb writes, for the tensor cores */
    __syncthreads();
    if (it + STAGES - 1 < n) load_chunk<true>(w, c + STAGES - 1, sm.stage(it + STAGES - 1));
    cp_commit();
    elem *qt = sm.stage(it), *kt = qt + K_AT, *vt = qt + V_AT;
    const uint32_t qa = smem_addr(qt), ka = qa + K_AT * 2, va = qa + V_AT * 2;
    const uint64_t qd = gdesc(qa, 16, 1024), kd = gdesc(ka, 16, 1024);

    /* S = exp(g L) S for the update below, here, while no product is in flight (ptxas would
     * otherwise wait for all of them before touching S); sh is 1 on a sequence's first chunk
     * when its first token leaves the initial state undecayed. */
    const int sh = c == 0 && (P.flags & LTA_PASS_UNDECAYED_START) ? 1 : 0;
    const float dL = sm.dd[L - sh];
#pragma unroll
    for (int i = 0; i < SN; i++) s[i] *= dL;

    /* o = q S and p = q k^T, two groups in flight. */
    float o[32], p[32];
    wg_fence();
#pragma unroll
    for (int kk = 0; kk < K / 16; kk++) {
      const uint32_t off = ((kk / 4) * C * 128 + (kk % 4) * 32) >> 4;
      if (kk == 0) wg_ss64<0>(o, qd + off, sbd + off);
      else wg_ss64<1>(o, qd + off, sbd + off);
    }
    wg_commit();
#pragma unroll
    for (int kk = 0; kk < K / 16; kk++) {
      const uint32_t off = ((kk / 4) * C * 128 + (kk % 4) * 32) >> 4;
      if (kk == 0) wg_ss64<0>(p, qd + off, kd + off);
      else wg_ss64<1>(p, qd + off, kd + off);
    }
    wg_commit();
    /* Meanwhile the decayed v, and the state update behind them (a third group: S is no
     * operand of the two above, and sb holds its rounded copy). */
    uint32_t vh[C / 16][4], vl[C / 16][4];
    const float seen = decayed_v(vh, vl, sm, va, L);
    wg_fence();
    update_state(s, vh, vl, gdesc(ka, C * 128, 1024));
    wg_commit();

    /* o times the row factors; p = scale exp(g (i - j)) (q_i . k_j) for j <= i, else 0 (a
     * select), as A operands. */
    const float f0 = qf * sm.dd[i0 + 1 - sh] * up, f1 = qf * sm.dd[i0 + 9 - sh] * up;
    wg_wait<1>();
    wg_keep(o);
    wg_keep(p);
#pragma unroll
    for (int t = 0; t < 8; t++) {
      o[4 * t] *= f0;
      o[4 * t + 1] *= f0;
      o[4 * t + 2] *= f1;
      o[4 * t + 3] *= f1;
    }
    uint32_t pa[C / 16][4];
#pragma unroll
    for (int t = 0; t < 8; t++) {
      const int j = 8 * t + col;
      const float p0 = i0 >= j ? sm.ds[i0 - j] * p[4 * t] : 0.0f;
      const float p1 = i0 >= j + 1 ? sm.ds[i0 - j - 1] * p[4 * t + 1] : 0.0f;
      const float p2 = i0 + 8 >= j ? sm.ds[i0 + 8 - j] * p[4 * t + 2] : 0.0f;
      const float p3 = i0 + 8 >= j + 1 ? sm.ds[i0 + 7 - j] * p[4 * t + 3] : 0.0f;
      pa[t / 2][(t & 1) * 2] = pack2(p0, p1);
      pa[t / 2][(t & 1) * 2 + 1] = pack2(p2, p3);
    }
    /* Every warp is done reading sb (q S) and v (the decayed v); whether any v of the chunk is
     * Inf or NaN: then p's zeros above the diagonal would make NaN of it, so v enters p v with
     * those elements 0 (the update in flight reads k, not v) and nonfinite_v_term adds their
     * products at and below the diagonal. */
    const bool vbad = __syncthreads_or(seen != 0.0f);
    if (vbad) {
      zero_nonfinite_v(vt);
      fence_async_smem();
      __syncthreads();
    }
    wg_fence();
    const uint64_t vd = gdesc(va, C * 128, 1024);
#pragma unroll
    for (int st = 0; st < C / 16; st++) wg_rs64(o, pa[st], vd + ((st * 16 * 128) >> 4));
    wg_commit();

    wg_wait<0>();
    wg_keep(o);
    wg_keep(s);
    if (vbad) {
      const elem *vr = w.vb + c * C * w.vstep;
#pragma unroll
      for (int t = 0; t < 8; t++)
#pragma unroll
        for (int e = 0; e < 4; e++) {
          const int i = i0 + (e >= 2 ? 8 : 0);
          if (i < L) o[4 * t + e] += nonfinite_v_term(qt, kt, vr, w.vstep, sm.dd, P.scale, 0, i, 8 * t + col + (e & 1));
        }
    }
    if (P.flags & LTA_PASS_OUT_F32) {
      /* The output rows, two elements per store. */
      float *o0 = (float *)P.o + w.o0 + (c * C + i0) * w.ostep + col, *o1 = o0 + 8 * w.ostep;
#pragma unroll
      for (int t = 0; t < 8; t++) {
        if (i0 < L) *reinterpret_cast<float2 *>(o0 + t * 8) = make_float2(o[4 * t], o[4 * t + 1]);
        if (i0 + 8 < L) *reinterpret_cast<float2 *>(o1 + t * 8) = make_float2(o[4 * t + 2], o[4 * t + 3]);
      }
    } else {
      /* Through shared memory (this warp's 2 KB of the stage's q tile, which no product reads
       * any more): stmatrix the warp's 16 rows (16-byte column x of row r at x ^ (r % 8)), then
       * 16-byte stores, 8 lanes a row. */
      if (vbad) __syncthreads(); /* every warp's nonfinite_v_term is done with q */
      const int m = lane >> 3, r8 = lane & 7;
      const uint32_t stg = qa + warp * 2048, srow = stg + (r8 + (m & 1) * 8) * 128;
#pragma unroll
      for (int t = 0; t < 8; t += 2) {
        const int tt = t + (m >> 1);
        stsm_x4(srow + ((tt ^ r8) << 4), pack2(o[4 * t], o[4 * t + 1]), pack2(o[4 * t + 2], o[4 * t + 3]),
                pack2(o[4 * t + 4], o[4 * t + 5]), pack2(o[4 * t + 6], o[4 * t + 7]));
      }
      __syncwarp();
      elem *ob = (elem *)P.o + w.o0 + (c * C + 16 * warp + m) * w.ostep + r8 * 8;
#pragma unroll
      for (int k4 = 0; k4 < 4; k4++) {
        const int row = 4 * k4 + m;
        uint4 x;
        asm volatile("ld.shared.v4.b32 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(x.x), "=r"(x.y), "=r"(x.z), "=r"(x.w)
                     : "r"(stg + row * 128 + ((r8 ^ (row & 7)) << 4)));
        if (16 * warp + row < L) *reinterpret_cast<uint4 *>(ob + 4 * k4 * w.ostep) = x;
      }
    }
    state_amax(s, sm);
    __syncthreads(); /* every warp's |S| max is in sm.amax */
    /* sb is free: every warp read it (q S) before the barrier above. */
    up = round_state(s, sm);
  }
  cp_wait<0>();
  if (P.s1 && w.seg == P.segments - 1) store_state(s, P.s1 + w.pair * KV, w);
}

/* Blocks of the main kernel a multiprocessor holds at once (asked once; 0 until known). */
static int blocks_per_sm() {
  static std::atomic<int> cached(0);
  int n = cached.load(std::memory_order_relaxed);
  if (n > 0) return n;
  if (cudaFuncSetAttribute(main_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                           (int)SMEM_BYTES) != cudaSuccess ||
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, main_kernel, NT, SMEM_BYTES) != cudaSuccess) {
    cudaGetLastError();
    return 1;
  }
  n = n < 1 ? 1 : n;
  cached.store(n, std::memory_order_relaxed);
  return n;
}

extern "C" int lta_fwd_f16_k64_v128_rev__sm90_segments(const lta_problem *p, int num_sms) {
  /* Split time only when the (sequence, head, V tile) blocks fill less than half of the
   * resident slots; then into as many runs as fill one wave, each of at least 8 chunks. */
  const int64_t blocks = p->num_seqs * p->num_heads * VTILES;
  const int64_t slots = (int64_t)num_sms * blocks_per_sm();
  if (2 * blocks > slots) return 1;
  const int64_t avg = p->seqlen / (p->num_seqs > 0 ? p->num_seqs : 1);
  int64_t seg = slots / blocks, most = (avg + 8 * C - 1) / (8 * C);
  if (seg > most) seg = most;
  if (seg > 64) seg = 64;
  return seg < 1 ? 1 : (int)seg;
}

extern "C" size_t lta_fwd_f16_k64_v128_rev__sm90_workspace(const lta_problem *p, int segments) {
  if (segments <= 1) return 0;
  const int slots = segments + (p->pass_flags & LTA_PASS_STATES_ONLY ? 1 : 0);
  return sizeof(float) * (size_t)p->num_seqs * (size_t)p->num_heads * (size_t)slots * K * V;
}

static void fill_params(const lta_problem *p, lta_cuda_params *P, void *ws, int segments);

extern "C" int lta_fwd_f16_k64_v128_rev__sm90(const lta_problem *p, const lta_cuda_exec *x) {
  lta_cuda_params P;
  fill_params(p, &P, x->workspace, x->segments);
  cudaStream_t stream = (cudaStream_t)x->stream;
  cudaError_t err;
  if ((err = cudaFuncSetAttribute(main_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                  (int)SMEM_BYTES)) != cudaSuccess)
    return (int)err;
  const int64_t blocks = p->num_seqs * p->num_heads * VTILES;
  /* STATES_ONLY: the final state alone, from the states and combine kernels. */
  const bool states_only = P.flags & LTA_PASS_STATES_ONLY;
  if (P.segments > 1 || states_only) {
    if ((err = cudaFuncSetAttribute(states_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                    (int)SMEM_BYTES)) != cudaSuccess)
      return (int)err;
    const int runs = states_only ? P.segments : P.segments - 1;
    states_kernel<<<dim3((unsigned)blocks, (unsigned)runs), NT, SMEM_BYTES, stream>>>(P);
    const int64_t KV = (int64_t)K * V;
    if (P.segments > 1)
      combine_kernel<<<dim3((unsigned)(p->num_seqs * p->num_heads), (unsigned)((KV + 255) / 256)),
                       256, 0, stream>>>(P, C);
  }
  if (!states_only)
    main_kernel<<<dim3((unsigned)blocks, (unsigned)P.segments), NT, SMEM_BYTES, stream>>>(P);
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

}  // namespace lta_fwd_f16_k64_v128_rev__sm90_impl

extern "C" int lta_fwd_f16_k64_v128_rev__sm90_passes(const lta_problem *p, void *ws, lta_problem *pass) {
  (void)p, (void)ws, (void)pass;
  return 0; /* a forward kernel: no passes */
}
