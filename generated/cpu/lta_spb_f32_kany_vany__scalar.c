/* Auto-generated file. Do not edit!
 *   Template:  templates/sp_cpu.c.lt
 *   Kernel:    lta_spb_f32_kany_vany__scalar
 *   Key:       op=spb dtype=f32 K=any V=any H=any dir=fwd target=scalar
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <math.h>

#include "lta_kernel.h"

void lta_spb_f32_kany_vany__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_spb_f32_kany_vany__scalar_workspace(const lta_problem *p);

/* exp(g * steps) for steps >= 0, rounded once from double. */
static inline float lta_spb_f32_kany_vany__scalar_decay(float g, int64_t steps) {
  return (float)exp((double)g * (double)steps);
}

/* X = exp(g L_s) X + slot_s over the ranks this one combines, for the state at offset `at` of
 * each slot (X holds the starting value on entry). */
static void lta_spb_f32_kany_vany__scalar_combine(const lta_problem *p, float g, int64_t at, float *X) {
  const lta_sp_problem *sp = p->sp;
  const int64_t KV = p->K * p->V, slot = p->num_seqs * p->num_heads * KV;
  for (int s = sp->num_ranks - 1; s > sp->rank; s--) {
    if (sp->seg_lens[s] == 0) continue; /* an empty segment: (1, 0) */
    const float a = lta_spb_f32_kany_vany__scalar_decay(g, sp->seg_lens[s]);
    const float *b = sp->gathered + s * slot + at;
    for (int64_t e = 0; e < KV; e++) X[e] = a * X[e] + b[e];
  }
}

/* out = exp(g L_r) X + (this rank's own slot, when its segment is not empty); then the slot = X. */
static void lta_spb_f32_kany_vany__scalar_own(const lta_problem *p, float g, int64_t at, const float *X, float *out) {
  const lta_sp_problem *sp = p->sp;
  const int64_t KV = p->K * p->V, L = p->seqlen;
  float *own = sp->gathered + sp->rank * p->num_seqs * p->num_heads * KV + at;
  const float a = lta_spb_f32_kany_vany__scalar_decay(g, L);
  if (out)
    for (int64_t e = 0; e < KV; e++) out[e] = a * X[e] + (L ? own[e] : 0.0f);
  memcpy(own, X, (size_t)KV * sizeof(float));
}

/* The walking step of the segment's t-th token in time order. */
static inline int64_t lta_spb_f32_kany_vany__scalar_step(int64_t L, int64_t t) {
  (void)L;
  return t;
}

static void lta_spb_f32_kany_vany__scalar_item(const lta_problem *p, int64_t item, float *ws) {
  const int64_t K = p->K, V = p->V, H = p->num_heads, Hkv = p->num_kv_heads, G = H / Hkv;
  const int64_t KV = K * V, L = p->seqlen, n = item / Hkv, hk = item % Hkv;
  float *kb = ws + G * lta_ws_floats(KV), *vb = kb + lta_ws_floats(K);
  float *acc_k = vb + lta_ws_floats(V), *acc_v = acc_k + lta_ws_floats(K);
  for (int64_t e = 0; e < G; e++) {
    const int64_t h = hk * G + e, at = (n * H + h) * KV;
    float *X = ws + e * lta_ws_floats(KV);
    if (p->d_sT)
      memcpy(X, p->d_sT + at, (size_t)KV * sizeof(float));
    else
      memset(X, 0, (size_t)KV * sizeof(float));
    lta_spb_f32_kany_vany__scalar_combine(p, p->g_gamma[h], at, X);
    lta_spb_f32_kany_vany__scalar_own(p, p->g_gamma[h], at, X, p->d_s0 ? p->d_s0 + at : NULL);
  }
  const float *k = (const float *)p->k, *v = (const float *)p->v;
  float *d_k = (float *)p->d_k, *d_v = (float *)p->d_v;
  for (int64_t t = 0; t < L; t++) {
    const int64_t r = n * L + t, left = L - 1 - lta_spb_f32_kany_vany__scalar_step(L, t);
    lta_load_f32(k + (r * Hkv + hk) * K, kb, K, 1.0f);
    lta_load_f32(v + (r * Hkv + hk) * V, vb, V, 1.0f);
    lta_load_f32(d_k + (r * Hkv + hk) * K, acc_k, K, 1.0f);
    lta_load_f32(d_v + (r * Hkv + hk) * V, acc_v, V, 1.0f);
    for (int64_t e = 0; e < G; e++) {
      const float c = lta_spb_f32_kany_vany__scalar_decay(p->g_gamma[hk * G + e], left);
      const float *X = ws + e * lta_ws_floats(KV);
      for (int64_t i = 0; i < K; i++) {
        const float *Xi = X + i * V, ck = c * kb[i];
        float dot = 0.0f;
        for (int64_t j = 0; j < V; j++) {
          dot += Xi[j] * vb[j];
          acc_v[j] += ck * Xi[j];
        }
        acc_k[i] += c * dot;
      }
    }
    lta_store_f32(d_k + (r * Hkv + hk) * K, acc_k, K);
    lta_store_f32(d_v + (r * Hkv + hk) * V, acc_v, V);
  }
}

size_t lta_spb_f32_kany_vany__scalar_workspace(const lta_problem *p) {
  const int64_t G = p->num_heads / p->num_kv_heads;
  return sizeof(float) * ((size_t)G * lta_ws_floats(p->K * p->V) + 2 * lta_ws_floats(p->K) +
                          2 * lta_ws_floats(p->V));
}

void lta_spb_f32_kany_vany__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  for (int64_t item = first; item < last; item++) lta_spb_f32_kany_vany__scalar_item(p, item, (float *)ws);
}
