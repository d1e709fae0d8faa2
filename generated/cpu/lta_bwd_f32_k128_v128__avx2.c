/* Auto-generated file. Do not edit!
 *   Template:  templates/cpu_bwd.c.lt
 *   Kernel:    lta_bwd_f32_k128_v128__avx2
 *   Key:       op=bwd dtype=f32 K=128 V=128 H=any dir=fwd target=avx2
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <math.h>
#include <immintrin.h>

#include "lta_kernel.h"

/* The mapping of avx2: 8 float lane(s) per vector. */
#define LTA_V_VEC __m256
#define LTA_V_ZERO() _mm256_setzero_ps()
#define LTA_V_SET1(x) _mm256_set1_ps(x)
#define LTA_V_LOAD(p) _mm256_loadu_ps(p)
#define LTA_V_STORE(p, x) _mm256_storeu_ps(p, x)
#define LTA_V_MUL(a, b) _mm256_mul_ps(a, b)
#define LTA_V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define LTA_V_LOAD_F32(p) _mm256_loadu_ps(p)
#define LTA_V_LOAD_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define LTA_V_LOAD_BF16(p) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))), 16))
#define LTA_V_STORE_F32(p, x) _mm256_storeu_ps(p, x)
#define LTA_V_STORE_F16(p, x) _mm_storeu_si128((__m128i *)(p), _mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT))
/* The same operations on one float, for tails. */
#define LTA_S_VEC float
#define LTA_S_ZERO() 0.0f
#define LTA_S_SET1(x) (x)
#define LTA_S_LOAD(p) (*(p))
#define LTA_S_STORE(p, x) (*(p) = (x))
#define LTA_S_MUL(a, b) ((a) * (b))
#define LTA_S_FMA(a, b, c) ((a) * (b) + (c))

void lta_bwd_f32_k128_v128__avx2(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_bwd_f32_k128_v128__avx2_workspace(const lta_problem *p);

/* Row r of the flattened token axis at step `step` of a walk over [row0, row1): the forward's
 * direction (first to last), or its opposite. */
static inline int64_t lta_bwd_f32_k128_v128__avx2_row(int64_t row0, int64_t row1, int64_t step, int forward) {
  return forward ? row0 + step : row1 - 1 - step;
}

/* The rows that the next item loads (see load_chunk in the template), their cache lines asked
 * for in order from line `at` of row i on. */
typedef struct {
  const char *start[96], *end[96]; /* a row's first line, and its end */
  const char *at;
  int64_t n, i; /* rows listed; the row asked for now */
} lta_bwd_f32_k128_v128__avx2_next;

static inline void lta_bwd_f32_k128_v128__avx2_ask(lta_bwd_f32_k128_v128__avx2_next *nx, const void *row, size_t bytes) {
  nx->start[nx->n] = (const char *)((uintptr_t)row & ~(uintptr_t)63);
  nx->end[nx->n] = (const char *)row + bytes;
  if (nx->n++ == 0) nx->at = nx->start[0];
}

/* Asks for the next per lines (opens a tile of the products that close an item). */
static inline void lta_bwd_f32_k128_v128__avx2_step(lta_bwd_f32_k128_v128__avx2_next *nx, const int per) {
  for (int k = 0; k < per && nx->i < nx->n; k++) {
    __builtin_prefetch(nx->at, 0, 2);
    nx->at += 64;
    if (nx->at >= nx->end[nx->i] && ++nx->i < nx->n) nx->at = nx->start[nx->i];
  }
}

/* Items [item0, item1) of one sequence (consecutive kv heads), their query heads h0.. in
 * lockstep: dq chunk by chunk in the forward's direction, then dk, dv and d_initial_state in the
 * opposite one. A token's rows of the heads are neighbours in memory: one page and one prefetch
 * stream serve them all. The heads' states and decays live in ws after the chunk's buffers. */
static void lta_bwd_f32_k128_v128__avx2_group(const lta_problem *p, int64_t item0, int64_t item1, float *ws) {
  const int64_t K = 128, V = 128, C = 16, KV = K * V;
  const int64_t H = p->num_heads, Hkv = p->num_kv_heads, G = H / Hkv;
  const int64_t n = item0 / Hkv, hk0 = item0 % Hkv, NI = item1 - item0, h0 = hk0 * G;
  int64_t row0, row1;
  lta_seq_rows(p, n, &row0, &row1);
  const int64_t len = row1 - row0;
  const float *q = (const float *)p->q, *k = (const float *)p->k, *v = (const float *)p->v;
  const float *d_o = (const float *)p->d_o;
  float *d_q = (float *)p->d_q, *d_k = (float *)p->d_k, *d_v = (float *)p->d_v;
  float *Kc = ws, *Vc = Kc + lta_ws_floats(C * K), *Kt = Vc + lta_ws_floats(C * V);
  float *Vt = Kt + lta_ws_floats(K * C), *Qs = Vt + lta_ws_floats(V * C);
  float *Oc = Qs + lta_ws_floats(C * K), *A = Oc + lta_ws_floats(C * V), *P = A + lta_ws_floats(C * C);
  float *Kd = P + lta_ws_floats(C * C), *Vd = Kd + lta_ws_floats(C * K), *dKT = Vd + lta_ws_floats(C * V);
  float *dKx = dKT + lta_ws_floats(K * C), *dKc = dKx + lta_ws_floats(C * K), *dVc = dKc + lta_ws_floats(C * K);
  /* per head: D[d] = exp(g d), d = 0..C, then Dm[i][j] = D[i - j] for j <= i (else 0) */
  const int64_t DS = lta_ws_floats(C + 1) + lta_ws_floats(C * C);
  float *states = dVc + lta_ws_floats(C * V), *decays = states + NI * G * lta_ws_floats(KV);
  float Dr[16]; /* D[L - 1 - t] for t < L, else 0 */
  lta_bwd_f32_k128_v128__avx2_next nx;
  const int keepP = G * C * (int64_t)sizeof(float) <= K * (int64_t)sizeof(float);
  nx.n = nx.i = 0, nx.at = NULL;
  memset(Kc, 0, (size_t)(C * K) * sizeof(float)); /* rows past a short chunk stay finite */
  memset(Vc, 0, (size_t)(C * V) * sizeof(float));
  for (int64_t h = h0; h < h0 + NI * G; h++) {
    float *D = decays + (h - h0) * DS, *Dm = D + lta_ws_floats(C + 1), *St = states + (h - h0) * lta_ws_floats(KV);
    const float g = p->g_gamma[h];
    for (int64_t d = 0; d <= C; d++) D[d] = expf(g * (float)d);
    for (int64_t i = 0; i < C; i++)
      for (int64_t j = 0; j < C; j++) Dm[i * C + j] = j <= i ? D[i - j] : 0.0f;
    if (p->initial_state) {
      const float *s0 = p->initial_state + (n * H + h) * KV;
    for (int64_t t0 = 0; t0 < K; t0 += 8)
      for (int64_t i0 = 0; i0 < V; i0 += 8)
        {
          const __m256 tr0 = _mm256_loadu_ps(s0 + t0 * V + i0 + 0 * V);
          const __m256 tr1 = _mm256_loadu_ps(s0 + t0 * V + i0 + 1 * V);
          const __m256 tr2 = _mm256_loadu_ps(s0 + t0 * V + i0 + 2 * V);
          const __m256 tr3 = _mm256_loadu_ps(s0 + t0 * V + i0 + 3 * V);
          const __m256 tr4 = _mm256_loadu_ps(s0 + t0 * V + i0 + 4 * V);
          const __m256 tr5 = _mm256_loadu_ps(s0 + t0 * V + i0 + 5 * V);
          const __m256 tr6 = _mm256_loadu_ps(s0 + t0 * V + i0 + 6 * V);
          const __m256 tr7 = _mm256_loadu_ps(s0 + t0 * V + i0 + 7 * V);
          const __m256 tu0 = _mm256_unpacklo_ps(tr0, tr1);
          const __m256 tu1 = _mm256_unpackhi_ps(tr0, tr1);
          const __m256 tu2 = _mm256_unpacklo_ps(tr2, tr3);
          const __m256 tu3 = _mm256_unpackhi_ps(tr2, tr3);
          const __m256 tu4 = _mm256_unpacklo_ps(tr4, tr5);
          const __m256 tu5 = _mm256_unpackhi_ps(tr4, tr5);
          const __m256 tu6 = _mm256_unpacklo_ps(tr6, tr7);
          const __m256 tu7 = _mm256_unpackhi_ps(tr6, tr7);
          const __m256 ts0 = _mm256_shuffle_ps(tu0, tu2, 0x44);
          const __m256 ts1 = _mm256_shuffle_ps(tu0, tu2, 0xEE);
          const __m256 ts2 = _mm256_shuffle_ps(tu1, tu3, 0x44);
          const __m256 ts3 = _mm256_shuffle_ps(tu1, tu3, 0xEE);
          const __m256 ts4 = _mm256_shuffle_ps(tu4, tu6, 0x44);
          const __m256 ts5 = _mm256_shuffle_ps(tu4, tu6, 0xEE);
          const __m256 ts6 = _mm256_shuffle_ps(tu5, tu7, 0x44);
          const __m256 ts7 = _mm256_shuffle_ps(tu5, tu7, 0xEE);
          _mm256_storeu_ps(St + i0 * K + t0 + 0 * K, _mm256_permute2f128_ps(ts0, ts4, 0x20));
          _mm256_storeu_ps(St + i0 * K + t0 + 4 * K, _mm256_permute2f128_ps(ts0, ts4, 0x31));
          _mm256_storeu_ps(St + i0 * K + t0 + 1 * K, _mm256_permute2f128_ps(ts1, ts5, 0x20));
          _mm256_storeu_ps(St + i0 * K + t0 + 5 * K, _mm256_permute2f128_ps(ts1, ts5, 0x31));
          _mm256_storeu_ps(St + i0 * K + t0 + 2 * K, _mm256_permute2f128_ps(ts2, ts6, 0x20));
          _mm256_storeu_ps(St + i0 * K + t0 + 6 * K, _mm256_permute2f128_ps(ts2, ts6, 0x31));
          _mm256_storeu_ps(St + i0 * K + t0 + 3 * K, _mm256_permute2f128_ps(ts3, ts7, 0x20));
          _mm256_storeu_ps(St + i0 * K + t0 + 7 * K, _mm256_permute2f128_ps(ts3, ts7, 0x31));
        }
    } else {
      memset(St, 0, (size_t)KV * sizeof(float));
    }
  }

  /* 1. dq, chunk by chunk in the forward's direction. */
  for (int64_t c0 = 0; c0 < len; c0 += C)
  for (int64_t hk = hk0; hk < hk0 + NI; hk++) {
    const int64_t L = len - c0 < C ? len - c0 : C;
    for (int64_t tt = c0 + C + hk - hk0; tt < c0 + C + C; tt += NI)
      if (tt >= 0 && tt < len) {
        const int64_t rr = lta_bwd_f32_k128_v128__avx2_row(row0, row1, tt, 1);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(k + rr * Hkv * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * V * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(v + rr * Hkv * V) + b, 0, 2);
        for (int64_t b = 0; b < H * V * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(d_o + rr * H * V) + b, 0, 2);
        for (int64_t b = 0; b < H * K * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(d_q + rr * H * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(d_k + rr * Hkv * K) + b, 0, 2);
      }
    nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_f32_k128_v128__avx2_row(row0, row1, c0 + t, 1);
      const int64_t xn = hk + 1 < hk0 + NI ? hk + 1 : hk0;
      const int64_t sn = xn > hk ? c0 + t : c0 + C + t, rn = lta_bwd_f32_k128_v128__avx2_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const float *kr = k + (r * Hkv + hk) * K, *vr = v + (r * Hkv + hk) * V;
      if (next) {
        lta_bwd_f32_k128_v128__avx2_ask(&nx, k + (rn * Hkv + xn) * K, K * sizeof(float));
        lta_bwd_f32_k128_v128__avx2_ask(&nx, v + (rn * Hkv + xn) * V, V * sizeof(float));
        if (keepP) lta_bwd_f32_k128_v128__avx2_ask(&nx, d_k + (rn * Hkv + xn) * K, G * C * sizeof(float));
      }
      for (int64_t i = 0; i < 128; i += 8)
        LTA_V_STORE(Kc + t * K + i, LTA_V_MUL(LTA_V_LOAD_F32(kr + i), LTA_V_SET1(1.0f)));
      for (int64_t i = 0; i < 128; i += 8)
        LTA_V_STORE(Vc + t * V + i, LTA_V_MUL(LTA_V_LOAD_F32(vr + i), LTA_V_SET1(1.0f)));
    }
    for (int64_t t0 = 0; t0 < L; t0 += 8)
      for (int64_t i0 = 0; i0 < V; i0 += 8)
        {
          const __m256 tr0 = _mm256_loadu_ps(Vc + t0 * V + i0 + 0 * V);
          const __m256 tr1 = _mm256_loadu_ps(Vc + t0 * V + i0 + 1 * V);
          const __m256 tr2 = _mm256_loadu_ps(Vc + t0 * V + i0 + 2 * V);
          const __m256 tr3 = _mm256_loadu_ps(Vc + t0 * V + i0 + 3 * V);
          const __m256 tr4 = _mm256_loadu_ps(Vc + t0 * V + i0 + 4 * V);
          const __m256 tr5 = _mm256_loadu_ps(Vc + t0 * V + i0 + 5 * V);
          const __m256 tr6 = _mm256_loadu_ps(Vc + t0 * V + i0 + 6 * V);
          const __m256 tr7 = _mm256_loadu_ps(Vc + t0 * V + i0 + 7 * V);
          const __m256 tu0 = _mm256_unpacklo_ps(tr0, tr1);
          const __m256 tu1 = _mm256_unpackhi_ps(tr0, tr1);
          const __m256 tu2 = _mm256_unpacklo_ps(tr2, tr3);
          const __m256 tu3 = _mm256_unpackhi_ps(tr2, tr3);
          const __m256 tu4 = _mm256_unpacklo_ps(tr4, tr5);
          const __m256 tu5 = _mm256_unpackhi_ps(tr4, tr5);
          const __m256 tu6 = _mm256_unpacklo_ps(tr6, tr7);
          const __m256 tu7 = _mm256_unpackhi_ps(tr6, tr7);
          const __m256 ts0 = _mm256_shuffle_ps(tu0, tu2, 0x44);
          const __m256 ts1 = _mm256_shuffle_ps(tu0, tu2, 0xEE);
          const __m256 ts2 = _mm256_shuffle_ps(tu1, tu3, 0x44);
          const __m256 ts3 = _mm256_shuffle_ps(tu1, tu3, 0xEE);
          const __m256 ts4 = _mm256_shuffle_ps(tu4, tu6, 0x44);
          const __m256 ts5 = _mm256_shuffle_ps(tu4, tu6, 0xEE);
          const __m256 ts6 = _mm256_shuffle_ps(tu5, tu7, 0x44);
          const __m256 ts7 = _mm256_shuffle_ps(tu5, tu7, 0xEE);
          _mm256_storeu_ps(Vt + i0 * C + t0 + 0 * C, _mm256_permute2f128_ps(ts0, ts4, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 4 * C, _mm256_permute2f128_ps(ts0, ts4, 0x31));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 1 * C, _mm256_permute2f128_ps(ts1, ts5, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 5 * C, _mm256_permute2f128_ps(ts1, ts5, 0x31));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 2 * C, _mm256_permute2f128_ps(ts2, ts6, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 6 * C, _mm256_permute2f128_ps(ts2, ts6, 0x31));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 3 * C, _mm256_permute2f128_ps(ts3, ts7, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 7 * C, _mm256_permute2f128_ps(ts3, ts7, 0x31));
        }
    for (int64_t e = 0; e < G; e++) {
      const int64_t h = hk * G + e;
      const float *D = decays + (h - h0) * DS, *Dm = D + lta_ws_floats(C + 1);
      for (int64_t t = 0; t < C; t++) Dr[t] = t < L ? D[L - 1 - t] : 0.0f;
      float *St = states + (h - h0) * lta_ws_floats(KV);
      const float dL = D[L];
      const LTA_V_VEC dLv = LTA_V_SET1(dL);
      (void)dL, (void)dLv;
      float *dqrow[16]; /* the chunk's dq rows */
    if (e > 0) nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_f32_k128_v128__avx2_row(row0, row1, c0 + t, 1);
      const int64_t xn = h + 1 < h0 + NI * G ? h + 1 : h0;
      const int64_t sn = xn > h ? c0 + t : c0 + C + t, rn = lta_bwd_f32_k128_v128__avx2_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const float *dor = d_o + (r * H + h) * V;
      if (next) lta_bwd_f32_k128_v128__avx2_ask(&nx, d_o + (rn * H + xn) * V, V * sizeof(float));
      for (int64_t i = 0; i < 128; i += 8)
        LTA_V_STORE(Oc + t * V + i, LTA_V_MUL(LTA_V_LOAD_F32(dor + i), LTA_V_SET1(p->scale)));
      dqrow[t] = d_q + (r * H + h) * K;
      if (next) lta_bwd_f32_k128_v128__avx2_ask(&nx, d_q + (rn * H + xn) * K, K * sizeof(float));
    }
      /* Scores, then the decay mask: the triangle above the diagonal is selected to 0. */
      {
        for (int64_t jb = 0; jb < L; jb += 8) {
          int64_t i0 = jb / 8 * 8;
          for (; i0 + 8 <= L; i0 += 8)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c4_0 = LTA_V_ZERO();
          LTA_V_VEC c5_0 = LTA_V_ZERO();
          LTA_V_VEC c6_0 = LTA_V_ZERO();
          LTA_V_VEC c7_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(Oc[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(Oc[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(Oc[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(Oc[(i0 + 4) * V + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(Oc[(i0 + 5) * V + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(Oc[(i0 + 6) * V + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(Oc[(i0 + 7) * V + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(P + (i0 + 4) * C + jb + 0, c4_0);
          LTA_V_STORE(P + (i0 + 5) * C + jb + 0, c5_0);
          LTA_V_STORE(P + (i0 + 6) * C + jb + 0, c6_0);
          LTA_V_STORE(P + (i0 + 7) * C + jb + 0, c7_0);
        }
          for (; i0 < L; i0++)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
        }
        }
      }
      for (int64_t i = 0; i < L; i++) {
        float *Ai = P + i * C;
        const float *Mi = Dm + i * C;
        for (int64_t j = 0; j < C; j++) Ai[j] = j <= i ? Ai[j] * Mi[j] : 0.0f;
        for (int64_t j = 0; j < V; j++) Oc[i * V + j] *= D[i + 1];
      }
      if (keepP) /* for pass 2 */
        for (int64_t t = 0; t < L; t++)
          memcpy((char *)(d_k + (lta_bwd_f32_k128_v128__avx2_row(row0, row1, c0 + t, 1) * Hkv + hk) * K) + e * C * sizeof(float),
                 P + t * C, C * sizeof(float));
      for (int64_t jb = 0; jb + 24 <= K; jb += 24)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c1_2 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c2_2 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          LTA_V_VEC c3_2 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(P[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(P[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 16);
            const LTA_V_VEC a1 = LTA_V_SET1(P[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 16);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          {
            const int64_t u = i0 + 3;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 16);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(St + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(St + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(St + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(Oc[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(Oc[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(Oc[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 8, c0_1);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 16, c0_2);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 8, c1_1);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 16, c1_2);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 8, c2_1);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 16, c2_2);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 8, c3_1);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 16, c3_2);
        }
        for (; i0 < L; i0++)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(P[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
          }
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(St + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(St + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(St + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
          }
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 8, c0_1);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 16, c0_2);
        }
      }
      {
        const int64_t jb = 120;
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= L; i0 += 8)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c4_0 = LTA_V_ZERO();
          LTA_V_VEC c5_0 = LTA_V_ZERO();
          LTA_V_VEC c6_0 = LTA_V_ZERO();
          LTA_V_VEC c7_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          {
            const int64_t u = i0 + 3;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          {
            const int64_t u = i0 + 4;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          {
            const int64_t u = i0 + 5;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          {
            const int64_t u = i0 + 6;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          {
            const int64_t u = i0 + 7;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(St + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(Oc[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(Oc[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(Oc[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(Oc[(i0 + 4) * V + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(Oc[(i0 + 5) * V + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(Oc[(i0 + 6) * V + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(Oc[(i0 + 7) * V + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(Qs + (i0 + 4) * K + jb + 0, c4_0);
          LTA_V_STORE(Qs + (i0 + 5) * K + jb + 0, c5_0);
          LTA_V_STORE(Qs + (i0 + 6) * K + jb + 0, c6_0);
          LTA_V_STORE(Qs + (i0 + 7) * K + jb + 0, c7_0);
        }
        for (; i0 < L; i0++)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(St + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 0, c0_0);
        }
      }
      }
      for (int64_t t = 0; t < L; t++) {
        float *dqt = dqrow[t];
        const float *qbt = Qs + t * K;
        for (int64_t i = 0; i < 128; i += 8) LTA_V_STORE_F32(dqt + i, LTA_V_LOAD(qbt + i));
      }
      for (int64_t t = 0; t < L; t++)
        for (int64_t i = 0; i < V; i++) Vd[t * V + i] = Vc[t * V + i] * Dr[t];
      for (int64_t jb = 0; jb + 24 <= K; jb += 24)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= V; i0 += 4)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 5);
          __builtin_prefetch(St + (i0 + 4) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 4) * K + jb + 23);
          __builtin_prefetch(St + (i0 + 5) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 5) * K + jb + 23);
          __builtin_prefetch(St + (i0 + 6) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 6) * K + jb + 23);
          __builtin_prefetch(St + (i0 + 7) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 7) * K + jb + 23);
          LTA_V_VEC c0_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c0_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 8));
          LTA_V_VEC c0_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 16));
          LTA_V_VEC c1_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 0));
          LTA_V_VEC c1_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 8));
          LTA_V_VEC c1_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 16));
          LTA_V_VEC c2_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 0));
          LTA_V_VEC c2_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 8));
          LTA_V_VEC c2_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 16));
          LTA_V_VEC c3_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 0));
          LTA_V_VEC c3_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 8));
          LTA_V_VEC c3_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 16));
          for (int64_t u = 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Vd[u * V + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(Vd[u * V + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(Vd[u * V + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(Vd[u * V + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          LTA_V_STORE(St + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(St + (i0 + 0) * K + jb + 8, c0_1);
          LTA_V_STORE(St + (i0 + 0) * K + jb + 16, c0_2);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 8, c1_1);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 16, c1_2);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 8, c2_1);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 16, c2_2);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 8, c3_1);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 16, c3_2);
        }
      }
      {
        const int64_t jb = 120;
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= V; i0 += 8)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 5);
          __builtin_prefetch(St + (i0 + 8) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 9) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 10) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 11) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 12) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 13) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 14) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 15) * K + jb + 0);
          LTA_V_VEC c0_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c1_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 0));
          LTA_V_VEC c2_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 0));
          LTA_V_VEC c3_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 0));
          LTA_V_VEC c4_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 4) * K + jb + 0));
          LTA_V_VEC c5_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 5) * K + jb + 0));
          LTA_V_VEC c6_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 6) * K + jb + 0));
          LTA_V_VEC c7_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 7) * K + jb + 0));
          for (int64_t u = 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Vd[u * V + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(Vd[u * V + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(Vd[u * V + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(Vd[u * V + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(Vd[u * V + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(Vd[u * V + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(Vd[u * V + i0 + 6]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(Vd[u * V + i0 + 7]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(St + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(St + (i0 + 4) * K + jb + 0, c4_0);
          LTA_V_STORE(St + (i0 + 5) * K + jb + 0, c5_0);
          LTA_V_STORE(St + (i0 + 6) * K + jb + 0, c6_0);
          LTA_V_STORE(St + (i0 + 7) * K + jb + 0, c7_0);
        }
      }
      }
    }
  }

  /* 2. dk, dv and d_initial_state, chunk by chunk in the opposite direction. */
  for (int64_t h = h0; h < h0 + NI * G; h++) {
    float *dS = states + (h - h0) * lta_ws_floats(KV);
    if (p->d_sT)
      memcpy(dS, p->d_sT + (n * H + h) * KV, (size_t)KV * sizeof(float));
    else
      memset(dS, 0, (size_t)KV * sizeof(float));
  }
  for (int64_t c0 = (len - 1) / C * C; c0 >= 0 && len > 0; c0 -= C)
  for (int64_t hk = hk0; hk < hk0 + NI; hk++) {
    const int64_t L = len - c0 < C ? len - c0 : C;
    for (int64_t tt = c0 + -C + hk - hk0; tt < c0 + -C + C; tt += NI)
      if (tt >= 0 && tt < len) {
        const int64_t rr = lta_bwd_f32_k128_v128__avx2_row(row0, row1, tt, 1);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(k + rr * Hkv * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * V * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(v + rr * Hkv * V) + b, 0, 2);
        for (int64_t b = 0; b < H * V * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(d_o + rr * H * V) + b, 0, 2);
        for (int64_t b = 0; b < H * K * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(q + rr * H * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(d_k + rr * Hkv * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * V * (int64_t)sizeof(float); b += 4096)
          __builtin_prefetch((const char *)(d_v + rr * Hkv * V) + b, 0, 2);
      }
    nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_f32_k128_v128__avx2_row(row0, row1, c0 + t, 1);
      const int64_t xn = hk + 1 < hk0 + NI ? hk + 1 : hk0;
      const int64_t sn = xn > hk ? c0 + t : c0 + -C + t, rn = lta_bwd_f32_k128_v128__avx2_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const float *kr = k + (r * Hkv + hk) * K, *vr = v + (r * Hkv + hk) * V;
      if (next) {
        lta_bwd_f32_k128_v128__avx2_ask(&nx, k + (rn * Hkv + xn) * K, K * sizeof(float));
        lta_bwd_f32_k128_v128__avx2_ask(&nx, v + (rn * Hkv + xn) * V, V * sizeof(float));
        lta_bwd_f32_k128_v128__avx2_ask(&nx, d_k + (rn * Hkv + xn) * K, K * sizeof(float));
        lta_bwd_f32_k128_v128__avx2_ask(&nx, d_v + (rn * Hkv + xn) * V, V * sizeof(float));
      }
      for (int64_t i = 0; i < 128; i += 8)
        LTA_V_STORE(Kc + t * K + i, LTA_V_MUL(LTA_V_LOAD_F32(kr + i), LTA_V_SET1(1.0f)));
      for (int64_t i = 0; i < 128; i += 8)
        LTA_V_STORE(Vc + t * V + i, LTA_V_MUL(LTA_V_LOAD_F32(vr + i), LTA_V_SET1(1.0f)));
    }
    for (int64_t t0 = 0; t0 < L; t0 += 8)
      for (int64_t i0 = 0; i0 < K; i0 += 8)
        {
          const __m256 tr0 = _mm256_loadu_ps(Kc + t0 * K + i0 + 0 * K);
          const __m256 tr1 = _mm256_loadu_ps(Kc + t0 * K + i0 + 1 * K);
          const __m256 tr2 = _mm256_loadu_ps(Kc + t0 * K + i0 + 2 * K);
          const __m256 tr3 = _mm256_loadu_ps(Kc + t0 * K + i0 + 3 * K);
          const __m256 tr4 = _mm256_loadu_ps(Kc + t0 * K + i0 + 4 * K);
          const __m256 tr5 = _mm256_loadu_ps(Kc + t0 * K + i0 + 5 * K);
          const __m256 tr6 = _mm256_loadu_ps(Kc + t0 * K + i0 + 6 * K);
          const __m256 tr7 = _mm256_loadu_ps(Kc + t0 * K + i0 + 7 * K);
          const __m256 tu0 = _mm256_unpacklo_ps(tr0, tr1);
          const __m256 tu1 = _mm256_unpackhi_ps(tr0, tr1);
          const __m256 tu2 = _mm256_unpacklo_ps(tr2, tr3);
          const __m256 tu3 = _mm256_unpackhi_ps(tr2, tr3);
          const __m256 tu4 = _mm256_unpacklo_ps(tr4, tr5);
          const __m256 tu5 = _mm256_unpackhi_ps(tr4, tr5);
          const __m256 tu6 = _mm256_unpacklo_ps(tr6, tr7);
          const __m256 tu7 = _mm256_unpackhi_ps(tr6, tr7);
          const __m256 ts0 = _mm256_shuffle_ps(tu0, tu2, 0x44);
          const __m256 ts1 = _mm256_shuffle_ps(tu0, tu2, 0xEE);
          const __m256 ts2 = _mm256_shuffle_ps(tu1, tu3, 0x44);
          const __m256 ts3 = _mm256_shuffle_ps(tu1, tu3, 0xEE);
          const __m256 ts4 = _mm256_shuffle_ps(tu4, tu6, 0x44);
          const __m256 ts5 = _mm256_shuffle_ps(tu4, tu6, 0xEE);
          const __m256 ts6 = _mm256_shuffle_ps(tu5, tu7, 0x44);
          const __m256 ts7 = _mm256_shuffle_ps(tu5, tu7, 0xEE);
          _mm256_storeu_ps(Kt + i0 * C + t0 + 0 * C, _mm256_permute2f128_ps(ts0, ts4, 0x20));
          _mm256_storeu_ps(Kt + i0 * C + t0 + 4 * C, _mm256_permute2f128_ps(ts0, ts4, 0x31));
          _mm256_storeu_ps(Kt + i0 * C + t0 + 1 * C, _mm256_permute2f128_ps(ts1, ts5, 0x20));
          _mm256_storeu_ps(Kt + i0 * C + t0 + 5 * C, _mm256_permute2f128_ps(ts1, ts5, 0x31));
          _mm256_storeu_ps(Kt + i0 * C + t0 + 2 * C, _mm256_permute2f128_ps(ts2, ts6, 0x20));
          _mm256_storeu_ps(Kt + i0 * C + t0 + 6 * C, _mm256_permute2f128_ps(ts2, ts6, 0x31));
          _mm256_storeu_ps(Kt + i0 * C + t0 + 3 * C, _mm256_permute2f128_ps(ts3, ts7, 0x20));
          _mm256_storeu_ps(Kt + i0 * C + t0 + 7 * C, _mm256_permute2f128_ps(ts3, ts7, 0x31));
        }
    for (int64_t t0 = 0; t0 < L; t0 += 8)
      for (int64_t i0 = 0; i0 < V; i0 += 8)
        {
          const __m256 tr0 = _mm256_loadu_ps(Vc + t0 * V + i0 + 0 * V);
          const __m256 tr1 = _mm256_loadu_ps(Vc + t0 * V + i0 + 1 * V);
          const __m256 tr2 = _mm256_loadu_ps(Vc + t0 * V + i0 + 2 * V);
          const __m256 tr3 = _mm256_loadu_ps(Vc + t0 * V + i0 + 3 * V);
          const __m256 tr4 = _mm256_loadu_ps(Vc + t0 * V + i0 + 4 * V);
          const __m256 tr5 = _mm256_loadu_ps(Vc + t0 * V + i0 + 5 * V);
          const __m256 tr6 = _mm256_loadu_ps(Vc + t0 * V + i0 + 6 * V);
          const __m256 tr7 = _mm256_loadu_ps(Vc + t0 * V + i0 + 7 * V);
          const __m256 tu0 = _mm256_unpacklo_ps(tr0, tr1);
          const __m256 tu1 = _mm256_unpackhi_ps(tr0, tr1);
          const __m256 tu2 = _mm256_unpacklo_ps(tr2, tr3);
          const __m256 tu3 = _mm256_unpackhi_ps(tr2, tr3);
          const __m256 tu4 = _mm256_unpacklo_ps(tr4, tr5);
          const __m256 tu5 = _mm256_unpackhi_ps(tr4, tr5);
          const __m256 tu6 = _mm256_unpacklo_ps(tr6, tr7);
          const __m256 tu7 = _mm256_unpackhi_ps(tr6, tr7);
          const __m256 ts0 = _mm256_shuffle_ps(tu0, tu2, 0x44);
          const __m256 ts1 = _mm256_shuffle_ps(tu0, tu2, 0xEE);
          const __m256 ts2 = _mm256_shuffle_ps(tu1, tu3, 0x44);
          const __m256 ts3 = _mm256_shuffle_ps(tu1, tu3, 0xEE);
          const __m256 ts4 = _mm256_shuffle_ps(tu4, tu6, 0x44);
          const __m256 ts5 = _mm256_shuffle_ps(tu4, tu6, 0xEE);
          const __m256 ts6 = _mm256_shuffle_ps(tu5, tu7, 0x44);
          const __m256 ts7 = _mm256_shuffle_ps(tu5, tu7, 0xEE);
          _mm256_storeu_ps(Vt + i0 * C + t0 + 0 * C, _mm256_permute2f128_ps(ts0, ts4, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 4 * C, _mm256_permute2f128_ps(ts0, ts4, 0x31));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 1 * C, _mm256_permute2f128_ps(ts1, ts5, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 5 * C, _mm256_permute2f128_ps(ts1, ts5, 0x31));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 2 * C, _mm256_permute2f128_ps(ts2, ts6, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 6 * C, _mm256_permute2f128_ps(ts2, ts6, 0x31));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 3 * C, _mm256_permute2f128_ps(ts3, ts7, 0x20));
          _mm256_storeu_ps(Vt + i0 * C + t0 + 7 * C, _mm256_permute2f128_ps(ts3, ts7, 0x31));
        }
    for (int64_t e = 0; e < G; e++) {
      const int64_t h = hk * G + e;
      const float *D = decays + (h - h0) * DS, *Dm = D + lta_ws_floats(C + 1);
      for (int64_t t = 0; t < C; t++) Dr[t] = t < L ? D[L - 1 - t] : 0.0f;
      float *dS = states + (h - h0) * lta_ws_floats(KV);
      const float dL = D[L];
      const LTA_V_VEC dLv = LTA_V_SET1(dL);
      (void)dL, (void)dLv;
    if (e > 0) nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_f32_k128_v128__avx2_row(row0, row1, c0 + t, 1);
      const int64_t xn = h + 1 < h0 + NI * G ? h + 1 : h0;
      const int64_t sn = xn > h ? c0 + t : c0 + -C + t, rn = lta_bwd_f32_k128_v128__avx2_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const float *dor = d_o + (r * H + h) * V;
      if (next) lta_bwd_f32_k128_v128__avx2_ask(&nx, d_o + (rn * H + xn) * V, V * sizeof(float));
      for (int64_t i = 0; i < 128; i += 8)
        LTA_V_STORE(Oc + t * V + i, LTA_V_MUL(LTA_V_LOAD_F32(dor + i), LTA_V_SET1(p->scale)));
      const float *qr = q + (r * H + h) * K;
      if (next) lta_bwd_f32_k128_v128__avx2_ask(&nx, q + (rn * H + xn) * K, K * sizeof(float));
      for (int64_t i = 0; i < 128; i += 8)
        LTA_V_STORE(Qs + t * K + i, LTA_V_MUL(LTA_V_LOAD_F32(qr + i), LTA_V_SET1(1.0f)));
    }
      /* Scores, then the decay mask: the triangle above the diagonal is selected to 0. */
      {
        for (int64_t jb = 0; jb < L; jb += 8) {
          int64_t i0 = jb / 8 * 8;
          for (; i0 + 8 <= L; i0 += 8)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c4_0 = LTA_V_ZERO();
          LTA_V_VEC c5_0 = LTA_V_ZERO();
          LTA_V_VEC c6_0 = LTA_V_ZERO();
          LTA_V_VEC c7_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kt + u * C + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(Qs[(i0 + 1) * K + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(Qs[(i0 + 2) * K + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(Qs[(i0 + 3) * K + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(Qs[(i0 + 4) * K + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(Qs[(i0 + 5) * K + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(Qs[(i0 + 6) * K + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(Qs[(i0 + 7) * K + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(A + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(A + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(A + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(A + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(A + (i0 + 4) * C + jb + 0, c4_0);
          LTA_V_STORE(A + (i0 + 5) * C + jb + 0, c5_0);
          LTA_V_STORE(A + (i0 + 6) * C + jb + 0, c6_0);
          LTA_V_STORE(A + (i0 + 7) * C + jb + 0, c7_0);
        }
          for (; i0 < L; i0++)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kt + u * C + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          LTA_V_STORE(A + (i0 + 0) * C + jb + 0, c0_0);
        }
        }
      }
      for (int64_t i = 0; i < L; i++) {
        float *Ai = A + i * C;
        const float *Mi = Dm + i * C;
        for (int64_t j = 0; j < C; j++) Ai[j] = j <= i ? Ai[j] * Mi[j] : 0.0f;
      }
      if (keepP) { /* pass 1's */
        for (int64_t t = 0; t < L; t++)
          memcpy(P + t * C, (const char *)(d_k + (lta_bwd_f32_k128_v128__avx2_row(row0, row1, c0 + t, 1) * Hkv + hk) * K) + e * C * sizeof(float),
                 C * sizeof(float));
      } else {
      /* Scores, then the decay mask: the triangle above the diagonal is selected to 0. */
      {
        for (int64_t jb = 0; jb < L; jb += 8) {
          int64_t i0 = jb / 8 * 8;
          for (; i0 + 8 <= L; i0 += 8)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c4_0 = LTA_V_ZERO();
          LTA_V_VEC c5_0 = LTA_V_ZERO();
          LTA_V_VEC c6_0 = LTA_V_ZERO();
          LTA_V_VEC c7_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(Oc[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(Oc[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(Oc[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(Oc[(i0 + 4) * V + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(Oc[(i0 + 5) * V + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(Oc[(i0 + 6) * V + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(Oc[(i0 + 7) * V + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(P + (i0 + 4) * C + jb + 0, c4_0);
          LTA_V_STORE(P + (i0 + 5) * C + jb + 0, c5_0);
          LTA_V_STORE(P + (i0 + 6) * C + jb + 0, c6_0);
          LTA_V_STORE(P + (i0 + 7) * C + jb + 0, c7_0);
        }
          for (; i0 < L; i0++)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
        }
        }
      }
      for (int64_t i = 0; i < L; i++) {
        float *Ai = P + i * C;
        const float *Mi = Dm + i * C;
        for (int64_t j = 0; j < C; j++) Ai[j] = j <= i ? Ai[j] * Mi[j] : 0.0f;
      }
      }
      for (int64_t t = 0; t < L; t++)
        for (int64_t i = 0; i < K; i++) Kd[t * K + i] = Kc[t * K + i] * Dr[t];
      for (int64_t i = 0; i < V; i++) /* Vd = Vc decayed, transposed (columns past L: 0) */
        for (int64_t t = 0; t < C; t++) Vd[i * C + t] = Vt[i * C + t] * Dr[t];
      {
        const int64_t jb = 0;
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= K; i0 += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vd + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vd + u * C + jb + 8);
            const LTA_V_VEC a0 = LTA_V_SET1(dS[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            const LTA_V_VEC a1 = LTA_V_SET1(dS[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            const LTA_V_VEC a2 = LTA_V_SET1(dS[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            const LTA_V_VEC a3 = LTA_V_SET1(dS[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
          }
          LTA_V_STORE(dKT + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(dKT + (i0 + 0) * C + jb + 8, c0_1);
          LTA_V_STORE(dKT + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(dKT + (i0 + 1) * C + jb + 8, c1_1);
          LTA_V_STORE(dKT + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(dKT + (i0 + 2) * C + jb + 8, c2_1);
          LTA_V_STORE(dKT + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(dKT + (i0 + 3) * C + jb + 8, c3_1);
        }
      }
      }
      { /* dKx = dKT transposed */
    for (int64_t t0 = 0; t0 < K; t0 += 8)
      for (int64_t i0 = 0; i0 < C; i0 += 8)
        {
          const __m256 tr0 = _mm256_loadu_ps(dKT + t0 * C + i0 + 0 * C);
          const __m256 tr1 = _mm256_loadu_ps(dKT + t0 * C + i0 + 1 * C);
          const __m256 tr2 = _mm256_loadu_ps(dKT + t0 * C + i0 + 2 * C);
          const __m256 tr3 = _mm256_loadu_ps(dKT + t0 * C + i0 + 3 * C);
          const __m256 tr4 = _mm256_loadu_ps(dKT + t0 * C + i0 + 4 * C);
          const __m256 tr5 = _mm256_loadu_ps(dKT + t0 * C + i0 + 5 * C);
          const __m256 tr6 = _mm256_loadu_ps(dKT + t0 * C + i0 + 6 * C);
          const __m256 tr7 = _mm256_loadu_ps(dKT + t0 * C + i0 + 7 * C);
          const __m256 tu0 = _mm256_unpacklo_ps(tr0, tr1);
          const __m256 tu1 = _mm256_unpackhi_ps(tr0, tr1);
          const __m256 tu2 = _mm256_unpacklo_ps(tr2, tr3);
          const __m256 tu3 = _mm256_unpackhi_ps(tr2, tr3);
          const __m256 tu4 = _mm256_unpacklo_ps(tr4, tr5);
          const __m256 tu5 = _mm256_unpackhi_ps(tr4, tr5);
          const __m256 tu6 = _mm256_unpacklo_ps(tr6, tr7);
          const __m256 tu7 = _mm256_unpackhi_ps(tr6, tr7);
          const __m256 ts0 = _mm256_shuffle_ps(tu0, tu2, 0x44);
          const __m256 ts1 = _mm256_shuffle_ps(tu0, tu2, 0xEE);
          const __m256 ts2 = _mm256_shuffle_ps(tu1, tu3, 0x44);
          const __m256 ts3 = _mm256_shuffle_ps(tu1, tu3, 0xEE);
          const __m256 ts4 = _mm256_shuffle_ps(tu4, tu6, 0x44);
          const __m256 ts5 = _mm256_shuffle_ps(tu4, tu6, 0xEE);
          const __m256 ts6 = _mm256_shuffle_ps(tu5, tu7, 0x44);
          const __m256 ts7 = _mm256_shuffle_ps(tu5, tu7, 0xEE);
          _mm256_storeu_ps(dKx + i0 * K + t0 + 0 * K, _mm256_permute2f128_ps(ts0, ts4, 0x20));
          _mm256_storeu_ps(dKx + i0 * K + t0 + 4 * K, _mm256_permute2f128_ps(ts0, ts4, 0x31));
          _mm256_storeu_ps(dKx + i0 * K + t0 + 1 * K, _mm256_permute2f128_ps(ts1, ts5, 0x20));
          _mm256_storeu_ps(dKx + i0 * K + t0 + 5 * K, _mm256_permute2f128_ps(ts1, ts5, 0x31));
          _mm256_storeu_ps(dKx + i0 * K + t0 + 2 * K, _mm256_permute2f128_ps(ts2, ts6, 0x20));
          _mm256_storeu_ps(dKx + i0 * K + t0 + 6 * K, _mm256_permute2f128_ps(ts2, ts6, 0x31));
          _mm256_storeu_ps(dKx + i0 * K + t0 + 3 * K, _mm256_permute2f128_ps(ts3, ts7, 0x20));
          _mm256_storeu_ps(dKx + i0 * K + t0 + 7 * K, _mm256_permute2f128_ps(ts3, ts7, 0x31));
        }
      }
      for (int64_t jb = 0; jb + 24 <= K; jb += 24)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c0_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 8), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 8)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 8));
          LTA_V_VEC c0_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 16), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 16)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 16));
          LTA_V_VEC c1_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 0));
          LTA_V_VEC c1_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 8), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 8)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 8));
          LTA_V_VEC c1_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 16), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 16)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 16));
          LTA_V_VEC c2_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 0));
          LTA_V_VEC c2_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 8), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 8)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 8));
          LTA_V_VEC c2_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 16), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 16)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 16));
          LTA_V_VEC c3_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 0));
          LTA_V_VEC c3_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 8), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 8)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 8));
          LTA_V_VEC c3_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 16), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 16)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 16));
          {
            const int64_t u = i0 + 0;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
          }
          for (int64_t u = i0 + 3; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(P[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 8, c0_1);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 16, c0_2);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 8, c1_1);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 16, c1_2);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 8, c2_1);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 16, c2_2);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 8, c3_1);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 16, c3_2);
        }
        for (; i0 < L; i0++)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c0_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 8), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 8)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 8));
          LTA_V_VEC c0_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 16), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 16)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 16));
          for (int64_t u = i0 + 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
          }
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 8, c0_1);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 16, c0_2);
        }
      }
      {
        const int64_t jb = 120;
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= L; i0 += 8)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c1_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 0));
          LTA_V_VEC c2_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 0));
          LTA_V_VEC c3_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 0));
          LTA_V_VEC c4_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 4) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 4) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 4) * K + jb + 0));
          LTA_V_VEC c5_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 5) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 5) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 5) * K + jb + 0));
          LTA_V_VEC c6_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 6) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 6) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 6) * K + jb + 0));
          LTA_V_VEC c7_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 7) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 7) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 7) * K + jb + 0));
          {
            const int64_t u = i0 + 0;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
          }
          {
            const int64_t u = i0 + 3;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
          }
          {
            const int64_t u = i0 + 4;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
          }
          {
            const int64_t u = i0 + 5;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[u * C + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
          }
          {
            const int64_t u = i0 + 6;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[u * C + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[u * C + i0 + 6]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
          }
          for (int64_t u = i0 + 7; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(P[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(P[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(P[u * C + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(P[u * C + i0 + 6]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(P[u * C + i0 + 7]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(dKc + (i0 + 4) * K + jb + 0, c4_0);
          LTA_V_STORE(dKc + (i0 + 5) * K + jb + 0, c5_0);
          LTA_V_STORE(dKc + (i0 + 6) * K + jb + 0, c6_0);
          LTA_V_STORE(dKc + (i0 + 7) * K + jb + 0, c7_0);
        }
        for (; i0 < L; i0++)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0));
          for (int64_t u = i0 + 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 0, c0_0);
        }
      }
      }
      for (int64_t jb = 0; jb + 24 <= V; jb += 24)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c0_1 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 8) : LTA_V_ZERO());
          LTA_V_VEC c0_2 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 16) : LTA_V_ZERO());
          LTA_V_VEC c1_0 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c1_1 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 8) : LTA_V_ZERO());
          LTA_V_VEC c1_2 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 16) : LTA_V_ZERO());
          LTA_V_VEC c2_0 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c2_1 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 8) : LTA_V_ZERO());
          LTA_V_VEC c2_2 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 16) : LTA_V_ZERO());
          LTA_V_VEC c3_0 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c3_1 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 8) : LTA_V_ZERO());
          LTA_V_VEC c3_2 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 16) : LTA_V_ZERO());
          {
            const int64_t u = i0 + 0;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
          }
          for (int64_t u = i0 + 3; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(A[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(dS + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(dS + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(dS + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Kd[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(Kd[(i0 + 1) * K + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(Kd[(i0 + 2) * K + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(Kd[(i0 + 3) * K + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 8, c0_1);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 16, c0_2);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 8, c1_1);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 16, c1_2);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 8, c2_1);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 16, c2_2);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 8, c3_1);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 16, c3_2);
        }
        for (; i0 < L; i0++)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c0_1 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 8) : LTA_V_ZERO());
          LTA_V_VEC c0_2 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 16) : LTA_V_ZERO());
          for (int64_t u = i0 + 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(dS + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(dS + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(dS + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Kd[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
          }
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 8, c0_1);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 16, c0_2);
        }
      }
      {
        const int64_t jb = 120;
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= L; i0 += 8)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c1_0 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c2_0 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c3_0 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c4_0 = (e ? LTA_V_LOAD(dVc + (i0 + 4) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c5_0 = (e ? LTA_V_LOAD(dVc + (i0 + 5) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c6_0 = (e ? LTA_V_LOAD(dVc + (i0 + 6) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c7_0 = (e ? LTA_V_LOAD(dVc + (i0 + 7) * V + jb + 0) : LTA_V_ZERO());
          {
            const int64_t u = i0 + 0;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
          }
          {
            const int64_t u = i0 + 3;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(A[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
          }
          {
            const int64_t u = i0 + 4;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(A[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(A[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
          }
          {
            const int64_t u = i0 + 5;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(A[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(A[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(A[u * C + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
          }
          {
            const int64_t u = i0 + 6;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(A[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(A[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(A[u * C + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(A[u * C + i0 + 6]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
          }
          for (int64_t u = i0 + 7; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(A[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(A[u * C + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(A[u * C + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(A[u * C + i0 + 6]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(A[u * C + i0 + 7]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(dS + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Kd[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(Kd[(i0 + 1) * K + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(Kd[(i0 + 2) * K + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(Kd[(i0 + 3) * K + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(Kd[(i0 + 4) * K + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(Kd[(i0 + 5) * K + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(Kd[(i0 + 6) * K + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(Kd[(i0 + 7) * K + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(dVc + (i0 + 4) * V + jb + 0, c4_0);
          LTA_V_STORE(dVc + (i0 + 5) * V + jb + 0, c5_0);
          LTA_V_STORE(dVc + (i0 + 6) * V + jb + 0, c6_0);
          LTA_V_STORE(dVc + (i0 + 7) * V + jb + 0, c7_0);
        }
        for (; i0 < L; i0++)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          LTA_V_VEC c0_0 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 0) : LTA_V_ZERO());
          for (int64_t u = i0 + 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(dS + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Kd[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
          }
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 0, c0_0);
        }
      }
      }
      for (int64_t i = 0; i < L; i++)
        for (int64_t j = 0; j < K; j++) Qs[i * K + j] *= D[i + 1];
      for (int64_t jb = 0; jb + 24 <= V; jb += 24)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= K; i0 += 4)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          __builtin_prefetch(dS + (i0 + 4) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 4) * V + jb + 23);
          __builtin_prefetch(dS + (i0 + 5) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 5) * V + jb + 23);
          __builtin_prefetch(dS + (i0 + 6) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 6) * V + jb + 23);
          __builtin_prefetch(dS + (i0 + 7) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 7) * V + jb + 23);
          LTA_V_VEC c0_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 0));
          LTA_V_VEC c0_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 8));
          LTA_V_VEC c0_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 16));
          LTA_V_VEC c1_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 0));
          LTA_V_VEC c1_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 8));
          LTA_V_VEC c1_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 16));
          LTA_V_VEC c2_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 0));
          LTA_V_VEC c2_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 8));
          LTA_V_VEC c2_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 16));
          LTA_V_VEC c3_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 0));
          LTA_V_VEC c3_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 8));
          LTA_V_VEC c3_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 16));
          for (int64_t u = 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 8);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[u * K + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            const LTA_V_VEC a1 = LTA_V_SET1(Qs[u * K + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            const LTA_V_VEC a2 = LTA_V_SET1(Qs[u * K + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            const LTA_V_VEC a3 = LTA_V_SET1(Qs[u * K + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
          }
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 8, c0_1);
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 16, c0_2);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 8, c1_1);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 16, c1_2);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 8, c2_1);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 16, c2_2);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 8, c3_1);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 16, c3_2);
        }
      }
      {
        const int64_t jb = 120;
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= K; i0 += 8)
        {
          lta_bwd_f32_k128_v128__avx2_step(&nx, 4);
          __builtin_prefetch(dS + (i0 + 8) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 9) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 10) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 11) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 12) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 13) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 14) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 15) * V + jb + 0);
          LTA_V_VEC c0_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 0));
          LTA_V_VEC c1_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 0));
          LTA_V_VEC c2_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 0));
          LTA_V_VEC c3_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 0));
          LTA_V_VEC c4_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 4) * V + jb + 0));
          LTA_V_VEC c5_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 5) * V + jb + 0));
          LTA_V_VEC c6_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 6) * V + jb + 0));
          LTA_V_VEC c7_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 7) * V + jb + 0));
          for (int64_t u = 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[u * K + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            const LTA_V_VEC a1 = LTA_V_SET1(Qs[u * K + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            const LTA_V_VEC a2 = LTA_V_SET1(Qs[u * K + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            const LTA_V_VEC a3 = LTA_V_SET1(Qs[u * K + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            const LTA_V_VEC a4 = LTA_V_SET1(Qs[u * K + i0 + 4]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            const LTA_V_VEC a5 = LTA_V_SET1(Qs[u * K + i0 + 5]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            const LTA_V_VEC a6 = LTA_V_SET1(Qs[u * K + i0 + 6]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            const LTA_V_VEC a7 = LTA_V_SET1(Qs[u * K + i0 + 7]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
          }
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(dS + (i0 + 4) * V + jb + 0, c4_0);
          LTA_V_STORE(dS + (i0 + 5) * V + jb + 0, c5_0);
          LTA_V_STORE(dS + (i0 + 6) * V + jb + 0, c6_0);
          LTA_V_STORE(dS + (i0 + 7) * V + jb + 0, c7_0);
        }
      }
      }
    }
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_f32_k128_v128__avx2_row(row0, row1, c0 + t, 1);
      float *dkt = d_k + (r * Hkv + hk) * K, *dvt = d_v + (r * Hkv + hk) * V;
      const float *dkb = dKc + t * K, *dvb = dVc + t * V;
        for (int64_t i = 0; i < 128; i += 8) LTA_V_STORE_F32(dkt + i, LTA_V_LOAD(dkb + i));
        for (int64_t i = 0; i < 128; i += 8) LTA_V_STORE_F32(dvt + i, LTA_V_LOAD(dvb + i));
    }
  }
  if (p->d_s0)
    for (int64_t h = h0; h < h0 + NI * G; h++)
      memcpy(p->d_s0 + (n * H + h) * KV, states + (h - h0) * lta_ws_floats(KV), (size_t)KV * sizeof(float));
}

/* Items [first, last), at most lta_group_size(p) of them, in runs of one sequence each. */
void lta_bwd_f32_k128_v128__avx2(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  const int64_t Hkv = p->num_kv_heads;
  while (first < last) {
    const int64_t end = (first / Hkv + 1) * Hkv < last ? (first / Hkv + 1) * Hkv : last;
    lta_bwd_f32_k128_v128__avx2_group(p, first, end, (float *)ws);
    first = end;
  }
}

size_t lta_bwd_f32_k128_v128__avx2_workspace(const lta_problem *p) {
  const int64_t K = 128, V = 128, C = 16, G = p->num_heads / p->num_kv_heads;
  const int64_t heads = lta_group_size(p) * G;
  return sizeof(float) * (5 * lta_ws_floats(C * K) + 4 * lta_ws_floats(C * V) + 2 * lta_ws_floats(K * C) +
                          lta_ws_floats(V * C) + 2 * lta_ws_floats(C * C) +
                          (size_t)heads * (lta_ws_floats(K * V) + lta_ws_floats(C + 1) + lta_ws_floats(C * C)));
}
#undef LTA_V_VEC
#undef LTA_V_ZERO
#undef LTA_V_SET1
#undef LTA_V_LOAD
#undef LTA_V_STORE
#undef LTA_V_MUL
#undef LTA_V_FMA
#undef LTA_V_LOAD_F32
#undef LTA_V_LOAD_F16
#undef LTA_V_LOAD_BF16
#undef LTA_V_STORE_F32
#undef LTA_V_STORE_F16
#undef LTA_S_VEC
#undef LTA_S_ZERO
#undef LTA_S_SET1
#undef LTA_S_LOAD
#undef LTA_S_STORE
#undef LTA_S_MUL
#undef LTA_S_FMA
