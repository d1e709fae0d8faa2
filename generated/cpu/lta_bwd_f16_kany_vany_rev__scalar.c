/* Auto-generated file. Do not edit!
 *   Template:  templates/cpu_bwd.c.lt
 *   Kernel:    lta_bwd_f16_kany_vany_rev__scalar
 *   Key:       op=bwd dtype=f16 K=any V=any H=any dir=rev target=scalar
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <math.h>

#include "lta_kernel.h"

/* The mapping of scalar: 1 float lane(s) per vector. */
#define LTA_V_VEC float
#define LTA_V_ZERO() 0.0f
#define LTA_V_SET1(x) (x)
#define LTA_V_LOAD(p) (*(p))
#define LTA_V_STORE(p, x) (*(p) = (x))
#define LTA_V_MUL(a, b) ((a) * (b))
#define LTA_V_FMA(a, b, c) ((a) * (b) + (c))
#define LTA_V_LOAD_F32(p) (*(p))
#define LTA_V_LOAD_F16(p) lta_f16_to_f32(*(p))
#define LTA_V_LOAD_BF16(p) lta_bf16_to_f32(*(p))
#define LTA_V_STORE_F32(p, x) (*(p) = (x))
#define LTA_V_STORE_F16(p, x) (*(p) = lta_f32_to_f16(x))
/* The same operations on one float, for tails. */
#define LTA_S_VEC float
#define LTA_S_ZERO() 0.0f
#define LTA_S_SET1(x) (x)
#define LTA_S_LOAD(p) (*(p))
#define LTA_S_STORE(p, x) (*(p) = (x))
#define LTA_S_MUL(a, b) ((a) * (b))
#define LTA_S_FMA(a, b, c) ((a) * (b) + (c))

void lta_bwd_f16_kany_vany_rev__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_bwd_f16_kany_vany_rev__scalar_workspace(const lta_problem *p);

/* Row r of the flattened token axis at step `step` of a walk over [row0, row1): the forward's
 * direction (last to first), or its opposite. */
static inline int64_t lta_bwd_f16_kany_vany_rev__scalar_row(int64_t row0, int64_t row1, int64_t step, int forward) {
  return forward ? row1 - 1 - step : row0 + step;
}

/* Workspace of one call: the group's states, its decays, then the row buffers. */
static float *lta_bwd_f16_kany_vany_rev__scalar_rows(const lta_problem *p, float *ws) {
  const int64_t G = p->num_heads / p->num_kv_heads;
  return ws + G * lta_ws_floats(p->K * p->V) + lta_ws_floats(G);
}

static void lta_bwd_f16_kany_vany_rev__scalar_item(const lta_problem *p, int64_t item, float *ws) {
  const int64_t K = p->K, V = p->V, H = p->num_heads, Hkv = p->num_kv_heads, G = H / Hkv;
  const int64_t n = item / Hkv, hk = item % Hkv, KV = K * V;
  int64_t row0, row1;
  lta_seq_rows(p, n, &row0, &row1);
  const int64_t len = row1 - row0;
  const uint16_t *q = (const uint16_t *)p->q, *k = (const uint16_t *)p->k, *v = (const uint16_t *)p->v;
  const uint16_t *d_o = (const uint16_t *)p->d_o;
  uint16_t *d_q = (uint16_t *)p->d_q, *d_k = (uint16_t *)p->d_k, *d_v = (uint16_t *)p->d_v;
  float *qb = lta_bwd_f16_kany_vany_rev__scalar_rows(p, ws), *kb = qb + lta_ws_floats(K), *vb = kb + lta_ws_floats(K);
  float *db = vb + lta_ws_floats(V), *acc_k = db + lta_ws_floats(V), *acc_v = acc_k + lta_ws_floats(K);
  float *lams = ws + G * lta_ws_floats(KV); /* the group's decays, computed once */
  for (int64_t e = 0; e < G; e++) lams[e] = expf(p->g_gamma[hk * G + e]);

  /* 1. dq, per query head of the group. */
  for (int64_t e = 0; e < G; e++) {
    const int64_t h = hk * G + e;
    const float lam = lams[e];
    float *S = ws;
    if (p->initial_state)
      memcpy(S, p->initial_state + (n * H + h) * KV, (size_t)KV * sizeof(float));
    else
      memset(S, 0, (size_t)KV * sizeof(float));
    for (int64_t step = 0; step < len; step++) {
      const int64_t r = lta_bwd_f16_kany_vany_rev__scalar_row(row0, row1, step, 1);
      lta_load_f16(k + (r * Hkv + hk) * K, kb, K, 1.0f);
      lta_load_f16(v + (r * Hkv + hk) * V, vb, V, 1.0f);
      lta_load_f16(d_o + (r * H + h) * V, db, V, 1.0f);
      for (int64_t i = 0; i < K; i++) {
        float *Si = S + i * V, dot = 0.0f;
        for (int64_t j = 0; j < V; j++) {
          Si[j] = kb[i] * vb[j] + lam * Si[j];
          dot += Si[j] * db[j];
        }
        acc_k[i] = p->scale * dot;
      }
      lta_store_f16(d_q + (r * H + h) * K, acc_k, K);
    }
  }

  /* 2. dk, dv: the group's query heads in lockstep, walking back. */
  for (int64_t e = 0; e < G; e++) {
    float *Ge = ws + e * lta_ws_floats(KV);
    if (p->d_sT)
      memcpy(Ge, p->d_sT + (n * H + hk * G + e) * KV, (size_t)KV * sizeof(float));
    else
      memset(Ge, 0, (size_t)KV * sizeof(float));
  }
  for (int64_t step = 0; step < len; step++) {
    const int64_t r = lta_bwd_f16_kany_vany_rev__scalar_row(row0, row1, step, 0);
    lta_load_f16(k + (r * Hkv + hk) * K, kb, K, 1.0f);
    lta_load_f16(v + (r * Hkv + hk) * V, vb, V, 1.0f);
    memset(acc_k, 0, (size_t)K * sizeof(float));
    memset(acc_v, 0, (size_t)V * sizeof(float));
    for (int64_t e = 0; e < G; e++) {
      const int64_t h = hk * G + e;
      const float lam = lams[e];
      float *Ge = ws + e * lta_ws_floats(KV);
      lta_load_f16(q + (r * H + h) * K, qb, K, p->scale);
      lta_load_f16(d_o + (r * H + h) * V, db, V, 1.0f);
      for (int64_t i = 0; i < K; i++) {
        float *Gi = Ge + i * V, dot = 0.0f;
        for (int64_t j = 0; j < V; j++) {
          Gi[j] += qb[i] * db[j];
          dot += Gi[j] * vb[j];
          acc_v[j] += Gi[j] * kb[i];
          Gi[j] *= lam;
        }
        acc_k[i] += dot;
      }
    }
    lta_store_f16(d_k + (r * Hkv + hk) * K, acc_k, K);
    lta_store_f16(d_v + (r * Hkv + hk) * V, acc_v, V);
  }
  if (p->d_s0)
    for (int64_t e = 0; e < G; e++)
      memcpy(p->d_s0 + (n * H + hk * G + e) * KV, ws + e * lta_ws_floats(KV), (size_t)KV * sizeof(float));
}

void lta_bwd_f16_kany_vany_rev__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  for (int64_t item = first; item < last; item++) lta_bwd_f16_kany_vany_rev__scalar_item(p, item, (float *)ws);
}

size_t lta_bwd_f16_kany_vany_rev__scalar_workspace(const lta_problem *p) {
  const int64_t K = p->K, V = p->V, G = p->num_heads / p->num_kv_heads;
  return sizeof(float) * ((size_t)G * lta_ws_floats(K * V) + lta_ws_floats(G) +
                          3 * lta_ws_floats(K) + 3 * lta_ws_floats(V));
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
