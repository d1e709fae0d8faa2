/* Auto-generated file. Do not edit!
 *   Template:  templates/cpu_fwd.c.lt
 *   Kernel:    lta_dec_f16_k128_v128_rev__avx2
 *   Key:       op=dec dtype=f16 K=128 V=128 H=any dir=rev target=avx2
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

void lta_dec_f16_k128_v128_rev__avx2(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_dec_f16_k128_v128_rev__avx2_workspace(const lta_problem *p);

/* One (sequence, head) item, or the segment of it that p->seg names, its tokens
 * last to first: the state is updated where it leaves (in place for decode), else in ws. */
static void lta_dec_f16_k128_v128_rev__avx2_item(const lta_problem *p, int64_t item, float *ws) {
  const int64_t K = 128, V = 128;
  const int64_t H = p->num_heads;
  const int64_t Hkv = p->num_kv_heads;
  const int64_t n = item / H, h = item % H, hk = h / (H / Hkv);
  if (lta_state_slot(p, n) < 0) return; /* a skipped sequence of a state pool */
  int64_t row0, row1;
  lta_seq_rows(p, n, &row0, &row1);
  const lta_segment sg = lta_item_segment(p, n, h, row1 - row0);

  float *S = sg.s_out ? sg.s_out : ws;
  float *qb = ws + lta_ws_floats(K * V), *kb = qb + lta_ws_floats(K);
  float *vb = kb + lta_ws_floats(K), *ob = vb + lta_ws_floats(V);
  if (!sg.s_in)
    memset(S, 0, (size_t)(K * V) * sizeof(float));
  else if (sg.s_in != S) /* disjoint: the checks allow the same buffer or none of it */
    memcpy(S, sg.s_in, (size_t)(K * V) * sizeof(float));

  const float lam = expf(p->g_gamma[h]);
  const LTA_V_VEC lamv = LTA_V_SET1(lam);
  const uint16_t *q = (const uint16_t *)p->q, *k = (const uint16_t *)p->k, *v = (const uint16_t *)p->v;
  uint16_t *o = (uint16_t *)p->o;
  for (int64_t step = sg.begin; step < sg.end; step++) {
    const int64_t r = row1 - 1 - step;
    lta_load_f16(q + (r * H + h) * K, qb, K, p->scale);
    lta_load_f16(k + (r * Hkv + hk) * K, kb, K, 1.0f);
    lta_load_f16(v + (r * Hkv + hk) * V, vb, V, 1.0f);
    int64_t jb = 0;
    for (; jb + 32 <= V; jb += 32) {
      const LTA_V_VEC v0 = LTA_V_LOAD(vb + jb + 0);
      LTA_V_VEC o0 = LTA_V_ZERO();
      const LTA_V_VEC v1 = LTA_V_LOAD(vb + jb + 8);
      LTA_V_VEC o1 = LTA_V_ZERO();
      const LTA_V_VEC v2 = LTA_V_LOAD(vb + jb + 16);
      LTA_V_VEC o2 = LTA_V_ZERO();
      const LTA_V_VEC v3 = LTA_V_LOAD(vb + jb + 24);
      LTA_V_VEC o3 = LTA_V_ZERO();
      for (int64_t i = 0; i < K; i++) {
        const LTA_V_VEC ki = LTA_V_SET1(kb[i]), qi = LTA_V_SET1(qb[i]);
        float *Si = S + i * V + jb;
        const LTA_V_VEC s0 = LTA_V_FMA(ki, v0, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 0)));
        LTA_V_STORE(Si + 0, s0);
        o0 = LTA_V_FMA(qi, s0, o0);
        const LTA_V_VEC s1 = LTA_V_FMA(ki, v1, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 8)));
        LTA_V_STORE(Si + 8, s1);
        o1 = LTA_V_FMA(qi, s1, o1);
        const LTA_V_VEC s2 = LTA_V_FMA(ki, v2, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 16)));
        LTA_V_STORE(Si + 16, s2);
        o2 = LTA_V_FMA(qi, s2, o2);
        const LTA_V_VEC s3 = LTA_V_FMA(ki, v3, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 24)));
        LTA_V_STORE(Si + 24, s3);
        o3 = LTA_V_FMA(qi, s3, o3);
      }
      LTA_V_STORE(ob + jb + 0, o0);
      LTA_V_STORE(ob + jb + 8, o1);
      LTA_V_STORE(ob + jb + 16, o2);
      LTA_V_STORE(ob + jb + 24, o3);
    }
    for (; jb + 8 <= V; jb += 8) {
      const LTA_V_VEC v0 = LTA_V_LOAD(vb + jb + 0);
      LTA_V_VEC o0 = LTA_V_ZERO();
      for (int64_t i = 0; i < K; i++) {
        const LTA_V_VEC ki = LTA_V_SET1(kb[i]), qi = LTA_V_SET1(qb[i]);
        float *Si = S + i * V + jb;
        const LTA_V_VEC s0 = LTA_V_FMA(ki, v0, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 0)));
        LTA_V_STORE(Si + 0, s0);
        o0 = LTA_V_FMA(qi, s0, o0);
      }
      LTA_V_STORE(ob + jb + 0, o0);
    }
    for (; jb + 1 <= V; jb += 1) {
      const LTA_S_VEC v0 = LTA_S_LOAD(vb + jb + 0);
      LTA_S_VEC o0 = LTA_S_ZERO();
      for (int64_t i = 0; i < K; i++) {
        const LTA_S_VEC ki = LTA_S_SET1(kb[i]), qi = LTA_S_SET1(qb[i]);
        float *Si = S + i * V + jb;
        const LTA_S_VEC s0 = LTA_S_FMA(ki, v0, LTA_S_MUL(lam, LTA_S_LOAD(Si + 0)));
        LTA_S_STORE(Si + 0, s0);
        o0 = LTA_S_FMA(qi, s0, o0);
      }
      LTA_S_STORE(ob + jb + 0, o0);
    }
    if (sg.outputs) lta_store_f16(o + (r * H + h) * V, ob, V);
  }
}

void lta_dec_f16_k128_v128_rev__avx2(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  for (int64_t item = first; item < last; item++) lta_dec_f16_k128_v128_rev__avx2_item(p, item, (float *)ws);
}

size_t lta_dec_f16_k128_v128_rev__avx2_workspace(const lta_problem *p) {
  const int64_t K = 128, V = 128;
  (void)p;
  return sizeof(float) * (lta_ws_floats(K * V) + 2 * lta_ws_floats(K) + 2 * lta_ws_floats(V));
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
