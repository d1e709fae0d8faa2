/* Auto-generated file. Do not edit!
 *   Template:  templates/cpu_fwd.c.lt
 *   Kernel:    lta_dec_f32_k256_v256__neon
 *   Key:       op=dec dtype=f32 K=256 V=256 H=any dir=fwd target=neon
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <math.h>
#include <arm_neon.h>

#include "lta_kernel.h"

/* The mapping of neon: 4 float lane(s) per vector. */
#define LTA_V_VEC float32x4_t
#define LTA_V_ZERO() vdupq_n_f32(0.0f)
#define LTA_V_SET1(x) vdupq_n_f32(x)
#define LTA_V_LOAD(p) vld1q_f32(p)
#define LTA_V_STORE(p, x) vst1q_f32(p, x)
#define LTA_V_MUL(a, b) vmulq_f32(a, b)
#define LTA_V_FMA(a, b, c) vfmaq_f32(c, a, b)
#define LTA_V_LOAD_F32(p) vld1q_f32(p)
#define LTA_V_LOAD_F16(p) vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)))
#define LTA_V_LOAD_BF16(p) vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16))
#define LTA_V_STORE_F32(p, x) vst1q_f32(p, x)
#define LTA_V_STORE_F16(p, x) vst1_u16(p, vreinterpret_u16_f16(vcvt_f16_f32(x)))
/* The same operations on one float, for tails. */
#define LTA_S_VEC float
#define LTA_S_ZERO() 0.0f
#define LTA_S_SET1(x) (x)
#define LTA_S_LOAD(p) (*(p))
#define LTA_S_STORE(p, x) (*(p) = (x))
#define LTA_S_MUL(a, b) ((a) * (b))
#define LTA_S_FMA(a, b, c) ((a) * (b) + (c))

void lta_dec_f32_k256_v256__neon(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_dec_f32_k256_v256__neon_workspace(const lta_problem *p);

/* One (sequence, head) item, or the segment of it that p->seg names, its tokens
 * first to last: the state is updated where it leaves (in place for decode), else in ws. */
static void lta_dec_f32_k256_v256__neon_item(const lta_problem *p, int64_t item, float *ws) {
  const int64_t K = 256, V = 256;
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
  const float *q = (const float *)p->q, *k = (const float *)p->k, *v = (const float *)p->v;
  float *o = (float *)p->o;
  for (int64_t step = sg.begin; step < sg.end; step++) {
    const int64_t r = row0 + step;
    lta_load_f32(q + (r * H + h) * K, qb, K, p->scale);
    lta_load_f32(k + (r * Hkv + hk) * K, kb, K, 1.0f);
    lta_load_f32(v + (r * Hkv + hk) * V, vb, V, 1.0f);
    int64_t jb = 0;
    for (; jb + 16 <= V; jb += 16) {
      const LTA_V_VEC v0 = LTA_V_LOAD(vb + jb + 0);
      LTA_V_VEC o0 = LTA_V_ZERO();
      const LTA_V_VEC v1 = LTA_V_LOAD(vb + jb + 4);
      LTA_V_VEC o1 = LTA_V_ZERO();
      const LTA_V_VEC v2 = LTA_V_LOAD(vb + jb + 8);
      LTA_V_VEC o2 = LTA_V_ZERO();
      const LTA_V_VEC v3 = LTA_V_LOAD(vb + jb + 12);
      LTA_V_VEC o3 = LTA_V_ZERO();
      for (int64_t i = 0; i < K; i++) {
        const LTA_V_VEC ki = LTA_V_SET1(kb[i]), qi = LTA_V_SET1(qb[i]);
        float *Si = S + i * V + jb;
        const LTA_V_VEC s0 = LTA_V_FMA(ki, v0, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 0)));
        LTA_V_STORE(Si + 0, s0);
        o0 = LTA_V_FMA(qi, s0, o0);
        const LTA_V_VEC s1 = LTA_V_FMA(ki, v1, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 4)));
        LTA_V_STORE(Si + 4, s1);
        o1 = LTA_V_FMA(qi, s1, o1);
        const LTA_V_VEC s2 = LTA_V_FMA(ki, v2, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 8)));
        LTA_V_STORE(Si + 8, s2);
        o2 = LTA_V_FMA(qi, s2, o2);
        const LTA_V_VEC s3 = LTA_V_FMA(ki, v3, LTA_V_MUL(lamv, LTA_V_LOAD(Si + 12)));
        LTA_V_STORE(Si + 12, s3);
        o3 = LTA_V_FMA(qi, s3, o3);
      }
      LTA_V_STORE(ob + jb + 0, o0);
      LTA_V_STORE(ob + jb + 4, o1);
      LTA_V_STORE(ob + jb + 8, o2);
      LTA_V_STORE(ob + jb + 12, o3);
    }
    for (; jb + 4 <= V; jb += 4) {
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
    if (sg.outputs) lta_store_f32(o + (r * H + h) * V, ob, V);
  }
}

void lta_dec_f32_k256_v256__neon(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  for (int64_t item = first; item < last; item++) lta_dec_f32_k256_v256__neon_item(p, item, (float *)ws);
}

size_t lta_dec_f32_k256_v256__neon_workspace(const lta_problem *p) {
  const int64_t K = 256, V = 256;
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
