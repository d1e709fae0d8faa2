/* Auto-generated file. Do not edit!
 *   Template:  templates/cpu_fwd.c.lt
 *   Kernel:    lta_fwd_bf16_k64_v64_rev__avx512
 *   Key:       op=fwd dtype=bf16 K=64 V=64 H=any dir=rev target=avx512
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <math.h>
#include <immintrin.h>

#include "lta_kernel.h"

/* The mapping of avx512: 16 float lane(s) per vector. */
#define LTA_V_VEC __m512
#define LTA_V_ZERO() _mm512_setzero_ps()
#define LTA_V_SET1(x) _mm512_set1_ps(x)
#define LTA_V_LOAD(p) _mm512_loadu_ps(p)
#define LTA_V_STORE(p, x) _mm512_storeu_ps(p, x)
#define LTA_V_MUL(a, b) _mm512_mul_ps(a, b)
#define LTA_V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define LTA_V_LOAD_F32(p) _mm512_loadu_ps(p)
#define LTA_V_LOAD_F16(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p)))
#define LTA_V_LOAD_BF16(p) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p))), 16))
#define LTA_V_STORE_F32(p, x) _mm512_storeu_ps(p, x)
#define LTA_V_STORE_F16(p, x) _mm256_storeu_si256((__m256i *)(p), _mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT))
/* The same operations on one float, for tails. */
#define LTA_S_VEC float
#define LTA_S_ZERO() 0.0f
#define LTA_S_SET1(x) (x)
#define LTA_S_LOAD(p) (*(p))
#define LTA_S_STORE(p, x) (*(p) = (x))
#define LTA_S_MUL(a, b) ((a) * (b))
#define LTA_S_FMA(a, b, c) ((a) * (b) + (c))

void lta_fwd_bf16_k64_v64_rev__avx512(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_fwd_bf16_k64_v64_rev__avx512_workspace(const lta_problem *p);


/* Asks for the cache lines of a row: rows of one head lie H rows apart, each on another page,
 * beyond what the hardware prefetcher follows. */
static inline void lta_fwd_bf16_k64_v64_rev__avx512_prefetch(const void *row, size_t bytes, int write) {
  for (size_t b = 0; b < bytes; b += 64) {
    if (write)
      __builtin_prefetch((const char *)row + b, 1, 2);
    else
      __builtin_prefetch((const char *)row + b, 0, 2);
  }
}

/* Items [item0, item1) of one sequence (consecutive heads), or the segment of one item that
 * p->seg names, in chunks of 16 tokens from the last. The heads
 * go through each chunk in lockstep: their rows of a token are neighbours in memory, so one page
 * and one prefetch stream serve them all. Each head's state and decays live in ws after the
 * chunk's buffers, which the heads take in turn. */
static void lta_fwd_bf16_k64_v64_rev__avx512_group(const lta_problem *p, int64_t item0, int64_t item1, float *ws) {
  const int64_t K = 64, V = 64, C = 16;
  const int64_t H = p->num_heads, Hkv = p->num_kv_heads;
  const int64_t n = item0 / H, h0 = item0 % H, G = item1 - item0;
  int64_t row0, row1;
  lta_seq_rows(p, n, &row0, &row1);
  const lta_segment span = lta_item_segment(p, n, h0, row1 - row0);

  float *Qs = ws, *Kt = Qs + lta_ws_floats(C * K), *Kc = Kt + lta_ws_floats(K * C);
  float *Vc = Kc + lta_ws_floats(C * K), *Vd = Vc + lta_ws_floats(C * V);
  float *A = Vd + lta_ws_floats(C * V), *Ob = A + lta_ws_floats(C * C);
  float *states = Ob + lta_ws_floats(C * V), *decays = states + G * lta_ws_floats(K * V);
  memset(Kc, 0, (size_t)(C * K) * sizeof(float)); /* rows past a short chunk stay finite */
  memset(Kt, 0, (size_t)(K * C) * sizeof(float));
  for (int64_t e = 0; e < G; e++) {
    const lta_segment sg = lta_item_segment(p, n, h0 + e, row1 - row0);
    float *S = states + e * lta_ws_floats(K * V), *D = decays + e * lta_ws_floats(C + 1);
    if (sg.s_in)
      memcpy(S, sg.s_in, (size_t)(K * V) * sizeof(float));
    else
      memset(S, 0, (size_t)(K * V) * sizeof(float));
    const float g = p->g_gamma[h0 + e];
    for (int64_t d = 0; d <= C; d++) D[d] = expf(g * (float)d);
  }

  const uint16_t *q = (const uint16_t *)p->q, *k = (const uint16_t *)p->k, *v = (const uint16_t *)p->v;
  uint16_t *o = (uint16_t *)p->o;
  const int outputs = span.outputs;
  for (int64_t c0 = span.begin; c0 < span.end; c0 += C)
  for (int64_t e = 0; e < G; e++) {
    const int64_t L = span.end - c0 < C ? span.end - c0 : C;
    const int64_t h = h0 + e, hk = h / (H / Hkv);
    float *S = states + e * lta_ws_floats(K * V);
    const float *D = decays + e * lta_ws_floats(C + 1);
    /* The next item in this order: the next head of the chunk, or the first of the next chunk. */
    const int64_t en = e + 1 < G ? e + 1 : 0, cn = e + 1 < G ? c0 : c0 + C;
    const int64_t hn = h0 + en, hkn = hn / (H / Hkv);
    const float *Sn = states + en * lta_ws_floats(K * V);
    uint16_t *orow[16]; /* the chunk's output rows */
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = row1 - 1 - (c0 + t);
      orow[t] = o + (r * H + h) * V;
      const uint16_t *qr = q + (r * H + h) * K, *kr = k + (r * Hkv + hk) * K;
      const uint16_t *vr = v + (r * Hkv + hk) * V;
      float *qt = Qs + t * K, *vt = Vc + t * V;
      if (cn + t < span.end) { /* the next item's rows, on their way from memory meanwhile */
        const int64_t rn = r - (cn - c0);
        lta_fwd_bf16_k64_v64_rev__avx512_prefetch(q + (rn * H + hn) * K, K * sizeof(uint16_t), 0);
        lta_fwd_bf16_k64_v64_rev__avx512_prefetch(k + (rn * Hkv + hkn) * K, K * sizeof(uint16_t), 0);
        lta_fwd_bf16_k64_v64_rev__avx512_prefetch(v + (rn * Hkv + hkn) * V, V * sizeof(uint16_t), 0);
        lta_fwd_bf16_k64_v64_rev__avx512_prefetch(o + (rn * H + hn) * V, V * sizeof(uint16_t), 1);
      }
      if (outputs) {
      for (int64_t i = 0; i < 64; i += 16)
        LTA_V_STORE(qt + i, LTA_V_MUL(LTA_V_LOAD_BF16(qr + i), LTA_V_SET1(p->scale)));
      }
      float *kt = Kc + t * K;
      for (int64_t i = 0; i < 64; i += 16)
        LTA_V_STORE(kt + i, LTA_V_MUL(LTA_V_LOAD_BF16(kr + i), LTA_V_SET1(1.0f)));
      for (int64_t i = 0; i < 64; i += 16)
        LTA_V_STORE(vt + i, LTA_V_MUL(LTA_V_LOAD_BF16(vr + i), LTA_V_SET1(1.0f)));
    }
    /* Kt = Kc transposed (rows of Kc past L are finite leftovers: columns nobody reads). */
    for (int64_t t = 0; t < L; t++)
      for (int64_t i = 0; i < K; i++) Kt[i * C + t] = Kc[t * K + i];
    if (outputs) {
      /* Scores, then the decay mask: the triangle above the diagonal is selected to 0. */
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= L; i0 += 8)
          for (int64_t jb = 0; jb < i0 + 8; jb += 16)
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
          for (int64_t jb = 0; jb < i0 + 1; jb += 16)
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
      for (int64_t i = 0; i < L; i++) {
        float *Ai = A + i * C;
        for (int64_t j = 0; j <= i; j++) Ai[j] *= D[i - j];
        for (int64_t j = i + 1; j < L; j++) Ai[j] = 0.0f;
        for (int64_t j = 0; j < K; j++) Qs[i * K + j] *= D[i + 1];
      }
      for (int64_t jb = 0; jb + 32 <= V; jb += 32)
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= L; i0 += 8)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          LTA_V_VEC c4_0 = LTA_V_ZERO();
          LTA_V_VEC c4_1 = LTA_V_ZERO();
          LTA_V_VEC c5_0 = LTA_V_ZERO();
          LTA_V_VEC c5_1 = LTA_V_ZERO();
          LTA_V_VEC c6_0 = LTA_V_ZERO();
          LTA_V_VEC c6_1 = LTA_V_ZERO();
          LTA_V_VEC c7_0 = LTA_V_ZERO();
          LTA_V_VEC c7_1 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(A[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            const LTA_V_VEC a1 = LTA_V_SET1(A[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            const LTA_V_VEC a2 = LTA_V_SET1(A[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            const LTA_V_VEC a3 = LTA_V_SET1(A[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            const LTA_V_VEC a4 = LTA_V_SET1(A[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            c4_1 = LTA_V_FMA(a4, b1, c4_1);
            const LTA_V_VEC a5 = LTA_V_SET1(A[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(A[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a1 = LTA_V_SET1(A[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            const LTA_V_VEC a2 = LTA_V_SET1(A[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            const LTA_V_VEC a3 = LTA_V_SET1(A[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            const LTA_V_VEC a4 = LTA_V_SET1(A[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            c4_1 = LTA_V_FMA(a4, b1, c4_1);
            const LTA_V_VEC a5 = LTA_V_SET1(A[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(A[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a2 = LTA_V_SET1(A[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            const LTA_V_VEC a3 = LTA_V_SET1(A[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            const LTA_V_VEC a4 = LTA_V_SET1(A[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            c4_1 = LTA_V_FMA(a4, b1, c4_1);
            const LTA_V_VEC a5 = LTA_V_SET1(A[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(A[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          {
            const int64_t u = i0 + 3;
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a3 = LTA_V_SET1(A[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            const LTA_V_VEC a4 = LTA_V_SET1(A[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            c4_1 = LTA_V_FMA(a4, b1, c4_1);
            const LTA_V_VEC a5 = LTA_V_SET1(A[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(A[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          {
            const int64_t u = i0 + 4;
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a4 = LTA_V_SET1(A[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            c4_1 = LTA_V_FMA(a4, b1, c4_1);
            const LTA_V_VEC a5 = LTA_V_SET1(A[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(A[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          {
            const int64_t u = i0 + 5;
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a5 = LTA_V_SET1(A[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(A[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          {
            const int64_t u = i0 + 6;
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a6 = LTA_V_SET1(A[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          {
            const int64_t u = i0 + 7;
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a7 = LTA_V_SET1(A[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(S + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(S + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            const LTA_V_VEC a1 = LTA_V_SET1(Qs[(i0 + 1) * K + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            const LTA_V_VEC a2 = LTA_V_SET1(Qs[(i0 + 2) * K + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            const LTA_V_VEC a3 = LTA_V_SET1(Qs[(i0 + 3) * K + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            const LTA_V_VEC a4 = LTA_V_SET1(Qs[(i0 + 4) * K + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            c4_1 = LTA_V_FMA(a4, b1, c4_1);
            const LTA_V_VEC a5 = LTA_V_SET1(Qs[(i0 + 5) * K + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(Qs[(i0 + 6) * K + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(Qs[(i0 + 7) * K + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          LTA_V_STORE(Ob + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(Ob + (i0 + 0) * V + jb + 16, c0_1);
          LTA_V_STORE(Ob + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(Ob + (i0 + 1) * V + jb + 16, c1_1);
          LTA_V_STORE(Ob + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(Ob + (i0 + 2) * V + jb + 16, c2_1);
          LTA_V_STORE(Ob + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(Ob + (i0 + 3) * V + jb + 16, c3_1);
          LTA_V_STORE(Ob + (i0 + 4) * V + jb + 0, c4_0);
          LTA_V_STORE(Ob + (i0 + 4) * V + jb + 16, c4_1);
          LTA_V_STORE(Ob + (i0 + 5) * V + jb + 0, c5_0);
          LTA_V_STORE(Ob + (i0 + 5) * V + jb + 16, c5_1);
          LTA_V_STORE(Ob + (i0 + 6) * V + jb + 0, c6_0);
          LTA_V_STORE(Ob + (i0 + 6) * V + jb + 16, c6_1);
          LTA_V_STORE(Ob + (i0 + 7) * V + jb + 0, c7_0);
          LTA_V_STORE(Ob + (i0 + 7) * V + jb + 16, c7_1);
        }
        for (; i0 < L; i0++)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vc + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(A[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(S + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(S + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
          }
          LTA_V_STORE(Ob + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(Ob + (i0 + 0) * V + jb + 16, c0_1);
        }
      }
      for (int64_t t = 0; t < L; t++) {
        uint16_t *ot = orow[t];
        const float *obt = Ob + t * V;
        lta_store_bf16(ot + 0, obt + 0, 64);
      }
    }
    for (int64_t j = 0; j < L; j++)
      for (int64_t i = 0; i < V; i++) Vd[j * V + i] = Vc[j * V + i] * D[L - 1 - j];
    const float dL = D[L];
    const LTA_V_VEC dLv = LTA_V_SET1(dL);
    (void)dL, (void)dLv;
      for (int64_t jb = 0; jb + 32 <= V; jb += 32)
      {
        int64_t i0 = 0;
        for (; i0 + 8 <= K; i0 += 8)
        {
          __builtin_prefetch(Sn + (i0 + 8) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 8) * V + jb + 31);
          __builtin_prefetch(Sn + (i0 + 9) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 9) * V + jb + 31);
          __builtin_prefetch(Sn + (i0 + 10) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 10) * V + jb + 31);
          __builtin_prefetch(Sn + (i0 + 11) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 11) * V + jb + 31);
          __builtin_prefetch(Sn + (i0 + 12) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 12) * V + jb + 31);
          __builtin_prefetch(Sn + (i0 + 13) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 13) * V + jb + 31);
          __builtin_prefetch(Sn + (i0 + 14) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 14) * V + jb + 31);
          __builtin_prefetch(Sn + (i0 + 15) * V + jb + 0);
          __builtin_prefetch(Sn + (i0 + 15) * V + jb + 31);
          LTA_V_VEC c0_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 0) * V + jb + 0));
          LTA_V_VEC c0_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 0) * V + jb + 16));
          LTA_V_VEC c1_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 1) * V + jb + 0));
          LTA_V_VEC c1_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 1) * V + jb + 16));
          LTA_V_VEC c2_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 2) * V + jb + 0));
          LTA_V_VEC c2_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 2) * V + jb + 16));
          LTA_V_VEC c3_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 3) * V + jb + 0));
          LTA_V_VEC c3_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 3) * V + jb + 16));
          LTA_V_VEC c4_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 4) * V + jb + 0));
          LTA_V_VEC c4_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 4) * V + jb + 16));
          LTA_V_VEC c5_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 5) * V + jb + 0));
          LTA_V_VEC c5_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 5) * V + jb + 16));
          LTA_V_VEC c6_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 6) * V + jb + 0));
          LTA_V_VEC c6_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 6) * V + jb + 16));
          LTA_V_VEC c7_0 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 7) * V + jb + 0));
          LTA_V_VEC c7_1 = LTA_V_MUL(dLv, LTA_V_LOAD(S + (i0 + 7) * V + jb + 16));
          for (int64_t u = 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vd + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vd + u * V + jb + 16);
            const LTA_V_VEC a0 = LTA_V_SET1(Kt[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            const LTA_V_VEC a1 = LTA_V_SET1(Kt[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            const LTA_V_VEC a2 = LTA_V_SET1(Kt[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            const LTA_V_VEC a3 = LTA_V_SET1(Kt[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            const LTA_V_VEC a4 = LTA_V_SET1(Kt[(i0 + 4) * C + u]);
            c4_0 = LTA_V_FMA(a4, b0, c4_0);
            c4_1 = LTA_V_FMA(a4, b1, c4_1);
            const LTA_V_VEC a5 = LTA_V_SET1(Kt[(i0 + 5) * C + u]);
            c5_0 = LTA_V_FMA(a5, b0, c5_0);
            c5_1 = LTA_V_FMA(a5, b1, c5_1);
            const LTA_V_VEC a6 = LTA_V_SET1(Kt[(i0 + 6) * C + u]);
            c6_0 = LTA_V_FMA(a6, b0, c6_0);
            c6_1 = LTA_V_FMA(a6, b1, c6_1);
            const LTA_V_VEC a7 = LTA_V_SET1(Kt[(i0 + 7) * C + u]);
            c7_0 = LTA_V_FMA(a7, b0, c7_0);
            c7_1 = LTA_V_FMA(a7, b1, c7_1);
          }
          LTA_V_STORE(S + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(S + (i0 + 0) * V + jb + 16, c0_1);
          LTA_V_STORE(S + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(S + (i0 + 1) * V + jb + 16, c1_1);
          LTA_V_STORE(S + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(S + (i0 + 2) * V + jb + 16, c2_1);
          LTA_V_STORE(S + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(S + (i0 + 3) * V + jb + 16, c3_1);
          LTA_V_STORE(S + (i0 + 4) * V + jb + 0, c4_0);
          LTA_V_STORE(S + (i0 + 4) * V + jb + 16, c4_1);
          LTA_V_STORE(S + (i0 + 5) * V + jb + 0, c5_0);
          LTA_V_STORE(S + (i0 + 5) * V + jb + 16, c5_1);
          LTA_V_STORE(S + (i0 + 6) * V + jb + 0, c6_0);
          LTA_V_STORE(S + (i0 + 6) * V + jb + 16, c6_1);
          LTA_V_STORE(S + (i0 + 7) * V + jb + 0, c7_0);
          LTA_V_STORE(S + (i0 + 7) * V + jb + 16, c7_1);
        }
      }
  }
  for (int64_t e = 0; e < G; e++) {
    const lta_segment sg = lta_item_segment(p, n, h0 + e, row1 - row0);
    if (sg.s_out) memcpy(sg.s_out, states + e * lta_ws_floats(K * V), (size_t)(K * V) * sizeof(float));
  }
}

/* Items [first, last), at most lta_group_size(p) of them, in runs of one sequence each. */
void lta_fwd_bf16_k64_v64_rev__avx512(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  const int64_t H = p->num_heads;
  while (first < last) {
    const int64_t end = (first / H + 1) * H < last ? (first / H + 1) * H : last;
    if (lta_state_slot(p, first / H) >= 0) /* else a skipped sequence of a state pool */
      lta_fwd_bf16_k64_v64_rev__avx512_group(p, first, end, (float *)ws);
    first = end;
  }
}

size_t lta_fwd_bf16_k64_v64_rev__avx512_workspace(const lta_problem *p) {
  const int64_t K = 64, V = 64, C = 16, G = lta_group_size(p);
  return sizeof(float) * (3 * lta_ws_floats(C * K) + 3 * lta_ws_floats(C * V) + lta_ws_floats(C * C) +
                          (size_t)G * (lta_ws_floats(K * V) + lta_ws_floats(C + 1)));
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
