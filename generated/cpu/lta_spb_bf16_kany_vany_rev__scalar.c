/* Auto-generated file. Do not edit!
 *   Template:  templates/sp_cpu.c.lt
 *   Kernel:    lta_spb_bf16_kany_vany_rev__scalar
 *   Key:       op=spb dtype=bf16 K=any V=any H=any dir=rev target=scalar
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <math.h>

#include "lta_kernel.h"

void lta_spb_bf16_kany_vany_rev__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_spb_bf16_kany_vany_rev__scalar_workspace(const lta_problem *p);

/* exp(g * steps) for steps >= 0, rounded once from double. */
static inline float lta_spb_bf16_kany_vany_rev__scalar_decay(float g, int64_t steps) {
  return (float)exp((double)g * (double)steps);
}

/* X = exp(g L_s) X + slot_s over the ranks this one combines, for the state at offset `at` of
 * each slot (X holds the starting value on entry). */
static void lta_spb_bf16_kany_vany_rev__scalar_combine(const lta_problem *p, float g, int64_t at, float *X) {
  const lta_sp_problem *sp = p->sp;
  const int64_t KV = p->K * p->V, slot = p->num_seqs * p->num_heads * KV;
  for (int s = 0; s < sp->rank; s++) {
    if (sp->seg_lens[s] == 0) continue; /* an empty segment: (1, 0) */
    const float a = lta_spb_bf16_kany_vany_rev__scalar_decay(g, sp->seg_lens[s]);
    const float *b = sp->gathered + s * slot + at;
    for (int64_t e = 0; e < KV; e++) X[e] = a * X[e] + b[e];
  }
}

/* out = exp(g L_r) X + (this rank's own slot, when its segment is not empty); then the slot = X. */
static void lta_spb_bf16_kany_vany_rev__scalar_own(const lta_problem *p, float g, int64_t at, const float *X, float *out) {
  const lta_sp_problem *sp = p->sp;
  const int64_t KV = p->K * p->V, L = p->seqlen;
  float *own = sp->gathered + sp->rank * p->num_seqs * p->num_heads * KV + at;
  const float a = lta_spb_bf16_kany_vany_rev__scalar_decay(g, L);
  if (out)
    for (int64_t e = 0; e < KV; e++) out[e] = a * X[e] + (L ? own[e] : 0.0f);
  memcpy(own, X, (size_t)KV * sizeof(float));
}

static void lta_spb_bf16_kany_vany_rev__scalar_item(const lta_problem *p, int64_t item, float *X) {
  const int64_t H = p->num_heads, KV = p->K * p->V;
  const int64_t n = item / H, h = item % H, at = (n * H + h) * KV;
  if (p->d_sT)
    memcpy(X, p->d_sT + at, (size_t)KV * sizeof(float));
  else
    memset(X, 0, (size_t)KV * sizeof(float));
  lta_spb_bf16_kany_vany_rev__scalar_combine(p, p->g_gamma[h], at, X);
  lta_spb_bf16_kany_vany_rev__scalar_own(p, p->g_gamma[h], at, X, p->d_s0 ? p->d_s0 + at : NULL);
}

size_t lta_spb_bf16_kany_vany_rev__scalar_workspace(const lta_problem *p) {
  return sizeof(float) * lta_ws_floats(p->K * p->V);
}

void lta_spb_bf16_kany_vany_rev__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  for (int64_t item = first; item < last; item++) lta_spb_bf16_kany_vany_rev__scalar_item(p, item, (float *)ws);
}
