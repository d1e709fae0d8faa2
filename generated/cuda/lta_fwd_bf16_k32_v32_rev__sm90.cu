/* Auto-generated file. Do not edit!
 *   Template:  templates/cuda_fwd.cu.lt
 *   Kernel:    lta_fwd_bf16_k32_v32_rev__sm90
 *   Key:       op=fwd dtype=bf16 K=32 V=32 H=any dir=rev target=sm90
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

extern "C" int lta_fwd_bf16_k32_v32_rev__sm90(const lta_problem *p, const lta_cuda_exec *x);
extern "C" size_t lta_fwd_bf16_k32_v32_rev__sm90_workspace(const lta_problem *p, int segments);
extern "C" int lta_fwd_bf16_k32_v32_rev__sm90_segments(const lta_problem *p, int num_sms);
extern "C" int lta_fwd_bf16_k32_v32_rev__sm90_passes(const lta_problem *p, void *ws, lta_problem *pass);

/* Everything of this kernel lives in its own namespace: a bundle compiles several kernel files
 * as one translation unit. */
namespace lta_fwd_bf16_k32_v32_rev__sm90_impl {

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

/* ---- tile shapes of lta_fwd_bf16_k32_v32_rev__sm90; blocks a multiprocessor holds: 4 ----
 * chunk C=32 tokens; V tile VT=32 of V=32; 4 warps; output tile per warp 16 x 16
 * (2 x 2 warps); state tile per warp 16 x 16 (2 x 2 warps); 3 pipeline stages. */
constexpr int K = 32, V = 32, C = 32, VT = 32, VTILES = V / VT, NT = 128;
constexpr int WN = 2, OC = 16, SMR = 2, SR = 16, SC = 16, STAGES = 3;
/* Shared-memory rows are padded by 16 bytes, so that the 8 rows an ldmatrix reads fall in
 * distinct banks. */
constexpr int QLD = K + 8, VLD = VT + 8;
constexpr bool SWIZZLED = false;
constexpr int QROW = QLD, VROW = VLD;         /* elements from a tile's row to the next */
constexpr int K_AT = C * QLD, V_AT = 2 * C * QLD; /* the k and v tiles' offsets in a stage */
constexpr int STAGE_ELEMS = 2 * C * QLD + C * VLD;  /* q, k, v tile */
constexpr size_t SMEM_BYTES = sizeof(elem) * ((size_t)STAGES * STAGE_ELEMS + 2 * C * VLD + (size_t)K * VLD)
                              + sizeof(float) * (2 * (C + 1) + NT / 32);

/* Element (r, c) of a q or k tile ([C][QLD]) and of a v tile ([C][VLD]). */
__host__ __device__ __forceinline__ int qk_slot(int r, int c) { return r * QLD + c; }
__host__ __device__ __forceinline__ int v_slot(int r, int c) { return r * VLD + c; }

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
  asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
               "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
               : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ uint32_t pack2(float lo, float hi) {
  __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<uint32_t *>(&v);
}

/* The two elements of a packed pair as floats (bf16: the bits shifted into place, exactly). */
__device__ __forceinline__ float2 unpack2(uint32_t u) {
  return make_float2(__uint_as_float(u << 16), __uint_as_float(u & 0xffff0000u));
}

/* The shared-memory layout of a block. */
struct Smem {
  elem *stages;        /* STAGES x (q [C][QLD], k [C][QLD], v [C][VLD]) */
  elem *vhi, *vlo;     /* the chunk's decayed v tile as hi + lo, [C][VLD] */
  elem *sb;            /* the state rounded to elem (f16: scaled by 2^-e), [K][VLD] */
  float *dd;           /* dd[m] = exp(g m), m = 0..C */
  float *ds;           /* ds[m] = scale dd[m] */
  float *amax;         /* per-warp largest |S| (f16 scaling) */
  __device__ Smem(char *base) {
    elem *e = reinterpret_cast<elem *>(base);
    stages = e;
    vhi = e + STAGES * STAGE_ELEMS;
    vlo = vhi + C * VLD;
    sb = vlo + C * VLD;
    dd = reinterpret_cast<float *>(sb + K * VLD);
    ds = dd + C + 1;
    amax = ds + C + 1;
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
constexpr uint32_t kExp2 = 0x7f807f80u;

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

/* vhi + vlo = vf exp(g (L-1-j)) v_j for j < L, 0 beyond: the decayed v of the state update
 * (vf: 1, or the scale with LTA_PASS_ABSORB_SCALE), eight elements (16 bytes) at a time, by
 * THREADS threads (this one is number tid). Rows past L were loaded as zeros, so only their
 * factor needs a select. Returns NaN when the thread saw an Inf or NaN in v (each element
 * times 0, summed), else 0. */
template <int THREADS>
__device__ __forceinline__ float decay_v(const Smem &sm, const elem *vt, int L, float vf, int tid) {
  constexpr int VV = VT / 8;
  static_assert((C * VV) % THREADS == 0, "every thread decays the same number of vectors");
  float seen = 0.0f;
#pragma unroll
  for (int r = 0; r < C * VV / THREADS; r++) {
    const int x = tid + r * THREADS;
    const int j = x / VV, col = (x % VV) * 8;
    const float d = j < L ? sm.dd[L - 1 - j] * vf : 0.0f;
    uint4 in = *reinterpret_cast<const uint4 *>(vt + j * VLD + col), hi, lo;
    const uint32_t *src = reinterpret_cast<const uint32_t *>(&in);
    uint32_t *h = reinterpret_cast<uint32_t *>(&hi), *l = reinterpret_cast<uint32_t *>(&lo);
#pragma unroll
    for (int e = 0; e < 4; e++) decay_pair(src[e], d, d, h[e], l[e], seen);
    *reinterpret_cast<uint4 *>(sm.vhi + j * VLD + col) = hi;
    *reinterpret_cast<uint4 *>(sm.vlo + j * VLD + col) = lo;
  }
  return seen;
}

/* s = exp(g L) s + k^T (vhi + vlo) on this warp's SR x SC state tile. The fragments of each
 * (k16 step, 16 columns) come in while the products of the one before run. */
__device__ __forceinline__ void update_state(float s[SR / 16][SC / 8][4], const Smem &sm,
                                             const elem *kt, float decay_L) {
  constexpr int NP = SC / 16, STEPS = (C / 16) * NP;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, m = lane >> 3;
  const int r0 = (warp % SMR) * SR, c0 = (warp / SMR) * SC;
  /* Byte addresses of this thread's rows at k16 step 0, column group 0. */
  const uint32_t ka = smem_addr(kt + ((lane & 7) + (m >> 1) * 8) * QLD + r0 + (m & 1) * 8);
  const uint32_t va = (uint32_t)(((lane & 7) + (m & 1) * 8) * VLD + c0 + (m >> 1) * 8) * 2;
  const uint32_t ha = smem_addr(sm.vhi) + va, la = smem_addr(sm.vlo) + va;
#pragma unroll
  for (int mt = 0; mt < SR / 16; mt++)
#pragma unroll
    for (int nt = 0; nt < SC / 8; nt++)
#pragma unroll
      for (int e = 0; e < 4; e++) s[mt][nt][e] *= decay_L;
  uint32_t a[2][SR / 16][4], bh[2][4], bl[2][4];
#pragma unroll
  for (int mt = 0; mt < SR / 16; mt++) ldsm_x4_t(a[0][mt], ka + mt * 32);
  ldsm_x4_t(bh[0], ha);
  ldsm_x4_t(bl[0], la);
#pragma unroll
  for (int st = 0; st < STEPS; st++) {
    const int kc = st / NP, np = st % NP;
    if (st + 1 < STEPS) {
      const int kc1 = (st + 1) / NP, np1 = (st + 1) % NP;
      if (np1 == 0) {
#pragma unroll
        for (int mt = 0; mt < SR / 16; mt++)
          ldsm_x4_t(a[kc1 & 1][mt], ka + kc1 * 16 * QLD * 2 + mt * 32);
      }
      ldsm_x4_t(bh[(st + 1) & 1], ha + kc1 * 16 * VLD * 2 + np1 * 32);
      ldsm_x4_t(bl[(st + 1) & 1], la + kc1 * 16 * VLD * 2 + np1 * 32);
    }
    const uint32_t *h = bh[st & 1], *l = bl[st & 1];
#pragma unroll
    for (int mt = 0; mt < SR / 16; mt++) {
      mma(s[mt][2 * np], a[kc & 1][mt], h[0], h[1]);
      mma(s[mt][2 * np + 1], a[kc & 1][mt], h[2], h[3]);
    }
#pragma unroll
    for (int mt = 0; mt < SR / 16; mt++) {
      mma(s[mt][2 * np], a[kc & 1][mt], l[0], l[1]);
      mma(s[mt][2 * np + 1], a[kc & 1][mt], l[2], l[3]);
    }
  }
}

/* The block's state tile from global fp32 memory (NULL: zeros) into the warps' registers. */
__device__ __forceinline__ void load_state(float s[SR / 16][SC / 8][4], const float *src,
                                           const Work &w) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int r0 = (warp % SMR) * SR + lane / 4, c0 = (warp / SMR) * SC + (lane % 4) * 2;
#pragma unroll
  for (int mt = 0; mt < SR / 16; mt++)
#pragma unroll
    for (int nt = 0; nt < SC / 8; nt++)
#pragma unroll
      for (int e = 0; e < 4; e++) {
        const int r = r0 + mt * 16 + (e >> 1) * 8, c = c0 + nt * 8 + (e & 1);
        s[mt][nt][e] = src ? src[(int64_t)r * V + w.v0 + c] : 0.0f;
      }
}

__device__ __forceinline__ void store_state(const float s[SR / 16][SC / 8][4], float *dst,
                                            const Work &w) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int r0 = (warp % SMR) * SR + lane / 4, c0 = (warp / SMR) * SC + (lane % 4) * 2;
#pragma unroll
  for (int mt = 0; mt < SR / 16; mt++)
#pragma unroll
    for (int nt = 0; nt < SC / 8; nt++)
#pragma unroll
      for (int e = 0; e < 4; e += 2) {
        const int r = r0 + mt * 16 + (e >> 1) * 8, c = c0 + nt * 8;
        *reinterpret_cast<float2 *>(dst + (int64_t)r * V + w.v0 + c) =
            make_float2(s[mt][nt][e], s[mt][nt][e + 1]);
      }
}

/* Rounds the state to elem into sm.sb for the next chunk's q S. f16: scaled by 2^-e so that
 * its largest entry stays below 2^15 (each warp's |S| max is in sm.amax); returns 2^e. */
__device__ __forceinline__ float round_state(const float s[SR / 16][SC / 8][4], const Smem &sm) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int r0 = (warp % SMR) * SR + lane / 4, c0 = (warp / SMR) * SC + (lane % 4) * 2;
  float inv = 1.0f, up = 1.0f;
  /* stmatrix (sm_90): four 8x8 tiles of the accumulator layout a store. */
  const int mi = lane >> 3;
  const int rr = (warp % SMR) * SR + (lane & 7) + (mi & 1) * 8, cc = (warp / SMR) * SC + (mi >> 1) * 8;
  (void)r0, (void)c0;
#pragma unroll
  for (int mt = 0; mt < SR / 16; mt++)
#pragma unroll
    for (int nt = 0; nt < SC / 8; nt += 2) {
      const uint32_t x0 = pack2(s[mt][nt][0] * inv, s[mt][nt][1] * inv);
      const uint32_t x1 = pack2(s[mt][nt][2] * inv, s[mt][nt][3] * inv);
      const uint32_t x2 = pack2(s[mt][nt + 1][0] * inv, s[mt][nt + 1][1] * inv);
      const uint32_t x3 = pack2(s[mt][nt + 1][2] * inv, s[mt][nt + 1][3] * inv);
      stsm_x4(smem_addr(sm.sb + (rr + mt * 16) * VLD + cc + nt * 8), x0, x1, x2, x3);
    }
  return up;
}

/* This warp's largest |S| into sm.amax[warp] (f16 only; NaN counts as 0). */
__device__ __forceinline__ void state_amax(const float s[SR / 16][SC / 8][4], const Smem &sm) {
  (void)s;
  (void)sm;
}

/* The intra- and inter-chunk products of the warps of row group WM (query rows 16 WM ..
 * 16 WM + 15, whose causal key blocks are jp <= WM), a template so that their loops have fixed
 * bounds. First o = q S and p = q k^T over the k16 steps of K, each step's fragments coming in
 * while the step before multiplies; then o times the row factors f0 (row i0) and f1 (row i0 +
 * 8), and p = scale exp(g (i - j)) (q_i . k_j) as the A operands pa of p v, the causal mask (on
 * the diagonal block only) a select, never a product with 0. qa, sa, ka: this thread's
 * ldmatrix addresses of q, sb and k at k16 step 0. */
template <int WM>
__device__ __forceinline__ float chunk_scores(float acc[OC / 8][4], uint32_t pa[C / 16][4],
                                              const Smem &sm, uint32_t qa, uint32_t sa,
                                              uint32_t ka, float f0, float f1, const elem *vt,
                                              int L, float vf) {
  const int lane = threadIdx.x % 32;
  /* This chunk's decayed v for the state update first (vhi/vlo are free: every warp's update
   * of the chunk before is done), inside the row group's code so that its shared-memory
   * traffic runs among the products below (an H200 took 15% less time at B=4, T=8192, H=64
   * than with it before the branch on the row group). */
  const float seen = decay_v<NT>(sm, vt, L, vf, threadIdx.x);
  float pc[2 * (WM + 1)][4];
#pragma unroll
  for (int t = 0; t < OC / 8; t++) acc[t][0] = acc[t][1] = acc[t][2] = acc[t][3] = 0.0f;
#pragma unroll
  for (int t = 0; t < 2 * (WM + 1); t++) pc[t][0] = pc[t][1] = pc[t][2] = pc[t][3] = 0.0f;
  uint32_t fa[2][4], fb[2][OC / 16][4], fk[2][WM + 1][4];
#pragma unroll
  for (int kk = 0; kk <= K / 16; kk++) {
    if (kk < K / 16) {
      const int x = kk & 1;
      ldsm_x4(fa[x], qa + kk * 32);
#pragma unroll
      for (int np = 0; np < OC / 16; np++) ldsm_x4_t(fb[x][np], sa + kk * 16 * VLD * 2 + np * 32);
#pragma unroll
      for (int jp = 0; jp <= WM; jp++) ldsm_x4(fk[x][jp], ka + jp * 16 * QLD * 2 + kk * 32);
    }
    if (kk == 0) continue;
    const int y = (kk - 1) & 1;
#pragma unroll
    for (int np = 0; np < OC / 16; np++) {
      mma(acc[2 * np], fa[y], fb[y][np][0], fb[y][np][1]);
      mma(acc[2 * np + 1], fa[y], fb[y][np][2], fb[y][np][3]);
    }
#pragma unroll
    for (int jp = 0; jp <= WM; jp++) {
      mma(pc[2 * jp], fa[y], fk[y][jp][0], fk[y][jp][1]);
      mma(pc[2 * jp + 1], fa[y], fk[y][jp][2], fk[y][jp][3]);
    }
  }
#pragma unroll
  for (int t = 0; t < OC / 8; t++) {
    acc[t][0] *= f0;
    acc[t][1] *= f0;
    acc[t][2] *= f1;
    acc[t][3] *= f1;
  }
  const int i0 = WM * 16 + lane / 4;
#pragma unroll
  for (int jp = 0; jp <= WM; jp++) {
#pragma unroll
    for (int half = 0; half < 2; half++) {
      const float *t = pc[2 * jp + half];
      const int j = (2 * jp + half) * 8 + (lane % 4) * 2;
      const bool diag = jp == WM;
      const float p0 = !diag || i0 >= j ? sm.ds[i0 - j] * t[0] : 0.0f;
      const float p1 = !diag || i0 >= j + 1 ? sm.ds[i0 - j - 1] * t[1] : 0.0f;
      const float p2 = !diag || i0 + 8 >= j ? sm.ds[i0 + 8 - j] * t[2] : 0.0f;
      const float p3 = !diag || i0 + 8 >= j + 1 ? sm.ds[i0 + 7 - j] * t[3] : 0.0f;
      pa[jp][2 * half] = pack2(p0, p1);
      pa[jp][2 * half + 1] = pack2(p2, p3);
    }
  }
  return seen;
}

/* o += p v for the warps of row group WM, over the key blocks jp <= WM (va: this thread's
 * ldmatrix address of v at key block 0). On the diagonal block p is 0 above the diagonal, and
 * 0 * Inf would be NaN: in a chunk with an Inf or NaN in v (rare: vbad), such a v enters the
 * diagonal block as 0 and nonfinite_v_term adds its products at and below the diagonal only. */
template <int WM>
__device__ __forceinline__ void chunk_pv(float acc[OC / 8][4], const uint32_t pa[C / 16][4],
                                         uint32_t va, bool vbad, const elem *qt, const elem *kt,
                                         const elem *vt, const Smem &sm, float scale, int col0) {
  const int lane = threadIdx.x % 32, i0 = WM * 16 + lane / 4;
#pragma unroll
  for (int jp = 0; jp <= WM; jp++) {
    uint32_t nonfinite = 0;
#pragma unroll
    for (int np = 0; np < OC / 16; np++) {
      uint32_t b[4];
      ldsm_x4_t(b, va + jp * 16 * VLD * 2 + np * 32);
      if (vbad && jp == WM) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
          const uint32_t bad = __vcmpeq2(b[r] & kExp2, kExp2); /* per half: exponent all ones */
          b[r] &= ~bad;
          nonfinite |= bad;
        }
      }
      mma(acc[2 * np], pa[jp], b[0], b[1]);
      mma(acc[2 * np + 1], pa[jp], b[2], b[3]);
    }
    if (vbad && jp == WM && __any_sync(0xffffffffu, nonfinite != 0)) {
#pragma unroll
      for (int t = 0; t < OC / 8; t++)
#pragma unroll
        for (int e = 0; e < 4; e++)
          acc[t][e] += nonfinite_v_term(qt, kt, vt, VLD, sm.dd, scale, jp * 16, i0 + (e >= 2 ? 8 : 0),
                                        col0 + (lane % 4) * 2 + t * 8 + (e & 1));
    }
  }
}

/* Local states of the runs: run seg (< segments - 1; with STATES_ONLY every run) from a zero
 * state into workspace slot seg + 1, for the combine kernel. With STATES_ONLY and one run: the
 * whole sequence from the initial state into the final state, with no workspace. */
__global__ void __launch_bounds__(NT) states_kernel(lta_cuda_params P) {
  extern __shared__ __align__(16) char smem_raw[];
  const Smem sm(smem_raw);
  if (!seqlens_ok(P)) return;
  const Work w = block_work(P, blockIdx.y);
  fill_decays(sm, w.g, P.scale);
  const int64_t KV = (int64_t)K * V;
  const bool whole = P.segments == 1;
  float s[SR / 16][SC / 8][4];
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
    __syncthreads();
    if (it + STAGES - 1 < n) load_chunk<false>(w, c + STAGES - 1, sm.stage(it + STAGES - 1));
    cp_commit();
    const elem *b = sm.stage(it);
    decay_v<NT>(sm, b + 2 * C * QLD, L, P.flags & LTA_PASS_ABSORB_SCALE ? P.scale : 1.0f, threadIdx.x);
    __syncthreads();
    const int sh = c == 0 && (P.flags & LTA_PASS_UNDECAYED_START) ? 1 : 0; /* as main_kernel's */
    update_state(s, sm, b + C * QLD, sm.dd[L - sh]);
  }
  float *dst = whole ? (P.s1 ? P.s1 + w.pair * KV : nullptr)
                     : P.ws + (w.pair * ws_slots(P) + w.seg + 1) * KV;
  if (dst) store_state(s, dst, w);
}

/* The outputs (and the final states) of one run of chunks per block. */
__global__ void __launch_bounds__(NT, 4) main_kernel(lta_cuda_params P) {
  extern __shared__ __align__(16) char smem_raw[];
  const Smem sm(smem_raw);
  if (!seqlens_ok(P)) return;
  const Work w = block_work(P, blockIdx.y);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int wm = warp % (NT / 32 / WN), wn = warp / (NT / 32 / WN);
  fill_decays(sm, w.g, P.scale);
  const int64_t KV = (int64_t)K * V;
  const float *entering = P.segments > 1 ? P.ws + (w.pair * ws_slots(P) + w.seg) * KV
                                         : (P.s0 ? P.s0 + w.pair * KV : nullptr);
  float s[SR / 16][SC / 8][4];
  load_state(s, entering, w);
  state_amax(s, sm);
  __syncthreads();
  float up = round_state(s, sm);
  const int64_t n = w.chunk1 - w.chunk0;
  /* The backward's passes (lta_kernel.h LTA_PASS_*): qf scales q S, vf the state's v. */
  const bool absorb = P.flags & LTA_PASS_ABSORB_SCALE;
  const float qf = absorb ? 1.0f : P.scale, vf = absorb ? P.scale : 1.0f;
  /* This thread's byte offsets of its ldmatrix rows: q from its stage's start, k and v from
   * their tiles' starts (k16 step 0, column group 0), and sb's address. */
  const int m = lane >> 3;
  const uint32_t q_off = (uint32_t)((wm * 16 + (lane & 15)) * QLD + (lane >> 4) * 8) * 2;
  const uint32_t k_off = (uint32_t)(((lane & 7) + (m >> 1) * 8) * QLD + (m & 1) * 8) * 2;
  const uint32_t v_off = (uint32_t)(((lane & 7) + (m & 1) * 8) * VLD + wn * OC + (m >> 1) * 8) * 2;
  const uint32_t sb_a = smem_addr(sm.sb) + v_off;
#pragma unroll
  for (int st = 0; st < STAGES - 1; st++) {
    if (st < n) load_chunk<true>(w, w.chunk0 + st, sm.stage(st));
    cp_commit();
  }
  for (int64_t it = 0; it < n; it++) {
    const int64_t c = w.chunk0 + it;
    const int L = (int)(w.len - c * C < C ? w.len - c * C : C);
    cp_wait<STAGES - 2>();
    __syncthreads();
    if (it + STAGES - 1 < n) load_chunk<true>(w, c + STAGES - 1, sm.stage(it + STAGES - 1));
    cp_commit();
    const elem *qt = sm.stage(it), *kt = qt + C * QLD, *vt = kt + C * QLD;

    /* Row factors of the inter-chunk term; sh is 1 on a sequence's first chunk when its first
     * token leaves the initial state undecayed. */
    const int i0 = wm * 16 + lane / 4;
    const int sh = c == 0 && (P.flags & LTA_PASS_UNDECAYED_START) ? 1 : 0;
    const float f0 = qf * sm.dd[i0 + 1 - sh] * up, f1 = qf * sm.dd[i0 + 9 - sh] * up;
    /* o = q S (inter-chunk) and p = q k^T (intra-chunk), by the warp's row group. */
    float acc[OC / 8][4], seen;
    uint32_t pa[C / 16][4];
    const uint32_t qa = smem_addr(qt) + q_off, ka = smem_addr(kt) + k_off;
    if (wm == 0) seen = chunk_scores<0>(acc, pa, sm, qa, sb_a, ka, f0, f1, vt, L, vf);
    else seen = chunk_scores<1>(acc, pa, sm, qa, sb_a, ka, f0, f1, vt, L, vf);
    /* vhi/vlo written; every warp is done reading sb; whether any v of the chunk is Inf or NaN. */
    const bool vbad = __syncthreads_or(seen != 0.0f);
    const uint32_t va = smem_addr(vt) + v_off;
    if (wm == 0) chunk_pv<0>(acc, pa, va, vbad, qt, kt, vt, sm, P.scale, wn * OC);
    else chunk_pv<1>(acc, pa, va, vbad, qt, kt, vt, sm, P.scale, wn * OC);
    update_state(s, sm, kt, sm.dd[L - sh]);
    state_amax(s, sm);
    /* The output rows, two elements per store. */
    const int64_t oi = w.o0 + (c * C + i0) * w.ostep + wn * OC + (lane % 4) * 2;
    if (P.flags & LTA_PASS_OUT_F32) {
      float *o0 = (float *)P.o + oi, *o1 = o0 + 8 * w.ostep;
#pragma unroll
      for (int t = 0; t < OC / 8; t++) {
        if (i0 < L) *reinterpret_cast<float2 *>(o0 + t * 8) = make_float2(acc[t][0], acc[t][1]);
        if (i0 + 8 < L) *reinterpret_cast<float2 *>(o1 + t * 8) = make_float2(acc[t][2], acc[t][3]);
      }
    } else {
      elem *o0 = (elem *)P.o + oi, *o1 = o0 + 8 * w.ostep;
#pragma unroll
      for (int t = 0; t < OC / 8; t++) {
        if (i0 < L) *reinterpret_cast<uint32_t *>(o0 + t * 8) = pack2(acc[t][0], acc[t][1]);
        if (i0 + 8 < L) *reinterpret_cast<uint32_t *>(o1 + t * 8) = pack2(acc[t][2], acc[t][3]);
      }
    }
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

extern "C" int lta_fwd_bf16_k32_v32_rev__sm90_segments(const lta_problem *p, int num_sms) {
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

extern "C" size_t lta_fwd_bf16_k32_v32_rev__sm90_workspace(const lta_problem *p, int segments) {
  if (segments <= 1) return 0;
  const int slots = segments + (p->pass_flags & LTA_PASS_STATES_ONLY ? 1 : 0);
  return sizeof(float) * (size_t)p->num_seqs * (size_t)p->num_heads * (size_t)slots * K * V;
}

static void fill_params(const lta_problem *p, lta_cuda_params *P, void *ws, int segments);

extern "C" int lta_fwd_bf16_k32_v32_rev__sm90(const lta_problem *p, const lta_cuda_exec *x) {
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

}  // namespace lta_fwd_bf16_k32_v32_rev__sm90_impl

extern "C" int lta_fwd_bf16_k32_v32_rev__sm90_passes(const lta_problem *p, void *ws, lta_problem *pass) {
  (void)p, (void)ws, (void)pass;
  return 0; /* a forward kernel: no passes */
}
