/* bwd_case.h: one case of the backward sweep, shared by test_backward (CPU) and
 * test_cuda_backward: random inputs, the double-precision reference gradients, the call's
 * arguments on host memory, and the comparison of its outputs. Include once, after check.h. */
#ifndef LTA_TEST_BWD_CASE_H
#define LTA_TEST_BWD_CASE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lta_internal.h"
#include "ref.h"

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(p);
  return p;
}

typedef struct bcase {
  int64_t K, V, H, Hkv;
  int kind; /* 0: B = 2; 1: varlen (T, 0, T/2 + 1); 2: B = 1 */
  int64_t T;
  int init, dst, ds0, decay, scale, threads;
} bcase;

typedef struct bdata {
  lta_dtype dt;
  size_t es;                         /* bytes of an element of dt */
  int64_t N, cu[4];                  /* sequences; cu_seqlens (varlen) */
  int64_t nq, nk, nv, no, ns;        /* elements of q (d_q), k (d_k), v (d_v), d_o, a state */
  void *q, *k, *v, *d_o;
  float *s0, *dsT, g[64];
  double *rq, *rk, *rv, *rs;         /* the reference's d_q, d_k, d_v, d_initial_state */
  lta_backward_args b;               /* the call on host memory, without outputs */
} bdata;

/* Case c in dtype dt and direction reverse, inputs drawn from seed. d must stay where it is
 * while d->b is used (b.fwd.cu_seqlens points into it). */
static void bdata_make(bdata *d, const bcase *c, lta_dtype dt, int reverse, uint64_t seed) {
  const int64_t K = c->K, V = c->V, H = c->H, Hkv = c->Hkv;
  int64_t B = c->kind == 0 ? 2 : 1, T = c->T;
  memset(d, 0, sizeof *d);
  d->dt = dt, d->es = ref_elem_size(dt), d->N = B;
  if (c->kind == 1) {
    d->N = 3;
    d->cu[1] = c->T, d->cu[2] = c->T, d->cu[3] = c->T + c->T / 2 + 1;
    T = d->cu[3];
  }
  const int64_t rows = B * T;
  d->nq = rows * H * K, d->nk = rows * Hkv * K, d->nv = rows * Hkv * V, d->no = rows * H * V;
  d->ns = d->N * H * K * V;
  ref_rng rng = {seed};
  d->q = xmalloc((size_t)d->nq * d->es), d->k = xmalloc((size_t)d->nk * d->es);
  d->v = xmalloc((size_t)d->nv * d->es), d->d_o = xmalloc((size_t)d->no * d->es);
  d->s0 = c->init ? xmalloc((size_t)d->ns * 4) : NULL;
  d->dsT = c->dst ? xmalloc((size_t)d->ns * 4) : NULL;
  ref_fill(&rng, dt, d->q, d->nq, 1.0);
  ref_fill(&rng, dt, d->k, d->nk, 1.0);
  ref_fill(&rng, dt, d->v, d->nv, 1.0);
  ref_fill(&rng, dt, d->d_o, d->no, 1.0);
  if (d->s0) ref_fill(&rng, LTA_F32, d->s0, d->ns, 1.0);
  if (d->dsT) ref_fill(&rng, LTA_F32, d->dsT, d->ns, 1.0);
  static const int layers[2] = {0, 23};
  if (c->decay < 2) lta_seed_g_gamma(H, layers[c->decay], 24, d->g);
  else ref_retnet_g_gamma(H, d->g);
  const float scale = c->scale ? 0.3f : (float)(1.0 / sqrt((double)K));
  d->rq = xmalloc((size_t)d->nq * 8), d->rk = xmalloc((size_t)d->nk * 8);
  d->rv = xmalloc((size_t)d->nv * 8), d->rs = xmalloc((size_t)d->ns * 8);
  ref_case r = {dt, B, T, H, Hkv, K, V, reverse, d->q, d->k, d->v, d->s0,
                c->kind == 1 ? d->cu : NULL, d->N, d->g, scale, NULL, NULL};
  ref_backward(&r, d->d_o, d->dsT, d->rq, d->rk, d->rv, d->rs);

  lta_backward_args_init(&d->b);
  lta_forward_args *a = &d->b.fwd;
  a->dtype = dt, a->batch = B, a->seqlen = T, a->num_heads = H, a->num_kv_heads = Hkv;
  a->head_dim_k = K, a->head_dim_v = V, a->q = d->q, a->k = d->k, a->v = d->v;
  a->initial_state = d->s0;
  a->num_states = (d->s0 || d->dsT || c->ds0) ? d->N : 0;
  if (c->kind == 1) a->cu_seqlens = d->cu, a->num_seqs = d->N;
  if (c->decay < 2) a->layer_idx = layers[c->decay], a->num_layers = 24;
  else a->g_gamma = d->g;
  if (c->scale) a->has_scale = 1, a->scale = scale;
  a->reverse = reverse;
  d->b.d_o = d->d_o, d->b.d_final_state = d->dsT;
}

static void bdata_free(bdata *d) {
  free(d->q), free(d->k), free(d->v), free(d->d_o), free(d->s0), free(d->dsT);
  free(d->rq), free(d->rk), free(d->rv), free(d->rs);
}

/* The outputs (host memory; ds0 NULL when not asked for) against the reference: each within
 * its tolerance, worst[] raised to the errors seen. what names the case in a failure. */
static void bdata_check(const bdata *d, const void *dq, const void *dk, const void *dv,
                        const float *ds0, double worst[4], const char *what) {
  const double tol = ref_tol(d->dt);
  const double err[4] = {ref_error(d->dt, dq, d->rq, d->nq), ref_error(d->dt, dk, d->rk, d->nk),
                         ref_error(d->dt, dv, d->rv, d->nv),
                         ds0 ? ref_error_f32(ds0, d->rs, d->ns) : 0.0};
  static const char *const names[4] = {"d_q", "d_k", "d_v", "d_initial_state"};
  for (int i = 0; i < 4; i++) {
    worst[i] = err[i] > worst[i] ? err[i] : worst[i];
    ck_assert_msg(err[i] <= (i == 3 ? TOL_F32 : tol), "%s error %.3g (%s)", names[i], err[i], what);
  }
}

/* "K=.. V=.. H=../.. B=2 T=.. init=.. ...": case c for messages. */
static void bcase_name(const bcase *c, char *buf, size_t n) {
  snprintf(buf, n, "K=%lld V=%lld H=%lld/%lld %s T=%lld init=%d dsT=%d ds0=%d decay=%d scale=%d "
           "threads=%d", (long long)c->K, (long long)c->V, (long long)c->H, (long long)c->Hkv,
           c->kind == 1 ? "varlen" : c->kind == 0 ? "B=2" : "B=1", (long long)c->T, c->init,
           c->dst, c->ds0, c->decay, c->scale, c->threads);
}

#endif
