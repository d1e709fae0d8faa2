/* test_sp.c: sequence parallelism simulated: R ranks computed separately, combined by the
 * library's own code path, against one call over the whole sequences and the double reference.
 *
 * ranks: per case, the batch's sequences are cut into R segments (uneven, some empty); each rank
 *   runs lta_sp_forward_local on its own copy of the inputs and its own `gathered`, the test
 *   copies every rank's slot into every other's (the all-gather; the slots of empty ranks stay
 *   NaN, which the combine must not read), then each rank runs lta_sp_forward_combine. The
 *   outputs put together must match one lta_forward over the whole sequences and the double
 *   reference; each rank's entering and outgoing states the reference's state at its
 *   boundaries. The backward the same way (lta_sp_backward_local, the exchange,
 *   lta_sp_backward_combine): d_q, d_k, d_v against lta_backward and the reference; each rank's
 *   d_initial_state against the reference gradient of its entering state. Cases cover both
 *   directions, MHA / GQA / MQA, K != V, 1 to 5 ranks, empty segments (first, middle, last),
 *   with and without the initial state and the final state's gradient, three decays, f32, f16
 *   and bf16, 1 and 2 threads.
 * errors: each bad argument of the rank-local calls (ranks, seg_lens, gathered, entering_state,
 *   varlen, a pool, overlapping buffers, and the segment's own) gets its code and a message
 *   naming the argument, and nothing is written; the NCCL entries refuse a CPU call (and a
 *   build without NCCL every call).
 *
 * With LTA_SP_CUDA (test_cuda_sp): the same cases with every rank's buffers in the memory of
 * one GPU: the local steps on the CUDA forward and backward, the combine on the CUDA kernels.
 * Without a usable GPU it exits 77 (skipped).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"
#include "ref.h"
#ifdef LTA_SP_CUDA
#define LTA_TEST_CUDA_MEM
#endif
#include "call_mem.h"

#define MAXR 8

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(p);
  return p;
}

/* A copy of n host bytes in the call's memory (NULL for NULL). */
static void *buf_copy(const void *host, size_t n) { return host ? mem_copy(host, n) : NULL; }

/* Rows [t0, t1) of each of B sequences of T rows of w elements (size es): a new host array. */
static void *slice(const void *x, int64_t B, int64_t T, int64_t w, size_t es, int64_t t0,
                   int64_t t1) {
  const size_t row = (size_t)w * es, len = (size_t)(t1 - t0);
  unsigned char *out = xmalloc((size_t)B * len * row);
  for (int64_t b = 0; b < B; b++)
    memcpy(out + (size_t)b * len * row, (const unsigned char *)x + ((size_t)(b * T + t0)) * row,
           len * row);
  return out;
}

/* The inverse: rows of part (B sequences of t1 - t0 rows) into rows [t0, t1) of whole. */
static void unslice(void *whole, const void *part, int64_t B, int64_t T, int64_t w, size_t es,
                    int64_t t0, int64_t t1) {
  const size_t row = (size_t)w * es, len = (size_t)(t1 - t0);
  for (int64_t b = 0; b < B; b++)
    memcpy((unsigned char *)whole + ((size_t)(b * T + t0)) * row,
           (const unsigned char *)part + (size_t)b * len * row, len * row);
}

/* ---- the cases ---- */

typedef struct spcase {
  lta_dtype dtype;
  int64_t B, H, Hkv, K, V;
  int reverse, R;
  int64_t lens[MAXR];
  int init, dst;   /* an initial state; a final state's gradient */
  int decay;       /* 0: seed layer 0 of 4 (fast), 1: seed last layer (none), 2: RetNet */
  int scale;       /* 0: default, 1: 1.0 */
  int threads;
} spcase;

static const spcase cases[] = {
    {LTA_F32, 2, 4, 4, 16, 16, 0, 3, {7, 13, 5}, 1, 1, 0, 0, 1},
    {LTA_F32, 2, 4, 2, 8, 12, 1, 4, {10, 0, 3, 20}, 1, 1, 2, 1, 2},
    {LTA_F32, 1, 4, 1, 12, 8, 0, 5, {0, 9, 1, 0, 17}, 1, 0, 0, 0, 1},
    {LTA_F32, 1, 2, 2, 64, 64, 0, 2, {150, 70}, 1, 1, 0, 0, 2}, /* generated kernels, time split */
    {LTA_F32, 2, 2, 2, 5, 3, 1, 1, {9}, 1, 1, 0, 0, 1},        /* one rank: the plain call */
    {LTA_F32, 1, 3, 3, 4, 6, 1, 3, {6, 8, 0}, 0, 1, 1, 0, 1},
    {LTA_BF16, 1, 4, 1, 16, 8, 0, 2, {33, 31}, 0, 0, 0, 0, 1},
    {LTA_BF16, 2, 4, 2, 8, 16, 1, 5, {0, 9, 1, 0, 17}, 1, 1, 2, 1, 2},
    {LTA_F16, 1, 2, 1, 32, 32, 0, 3, {20, 0, 45}, 1, 1, 0, 0, 1},
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

typedef struct problem {
  const spcase *c;
  int64_t T, off[MAXR + 1];
  size_t es, slot;  /* element size; floats of a [B, H, K, V] state */
  void *q, *k, *v, *d_o;
  float *g, *s0, *dsT;
} problem;

static void make_problem(problem *P, const spcase *c, uint64_t seed) {
  memset(P, 0, sizeof *P);
  P->c = c;
  for (int r = 0; r < c->R; r++) P->off[r + 1] = P->off[r] + c->lens[r];
  P->T = P->off[c->R];
  P->es = ref_elem_size(c->dtype);
  P->slot = (size_t)(c->B * c->H * c->K * c->V);
  ref_rng rng = {seed};
  const int64_t rows = c->B * P->T;
  P->q = xmalloc((size_t)(rows * c->H * c->K) * P->es);
  P->k = xmalloc((size_t)(rows * c->Hkv * c->K) * P->es);
  P->v = xmalloc((size_t)(rows * c->Hkv * c->V) * P->es);
  P->d_o = xmalloc((size_t)(rows * c->H * c->V) * P->es);
  ref_fill(&rng, c->dtype, P->q, rows * c->H * c->K, 1.0);
  ref_fill(&rng, c->dtype, P->k, rows * c->Hkv * c->K, 1.0);
  ref_fill(&rng, c->dtype, P->v, rows * c->Hkv * c->V, 1.0);
  ref_fill(&rng, c->dtype, P->d_o, rows * c->H * c->V, 1.0);
  P->g = xmalloc((size_t)c->H * sizeof(float));
  if (c->decay == 2)
    ref_retnet_g_gamma(c->H, P->g);
  else
    ck_assert_int_eq(lta_seed_g_gamma(c->H, c->decay == 0 ? 0 : 4, 4, P->g), LTA_OK);
  if (c->init) {
    P->s0 = xmalloc(P->slot * sizeof(float));
    ref_fill(&rng, LTA_F32, P->s0, (int64_t)P->slot, 1.0);
  }
  if (c->dst) {
    P->dsT = xmalloc(P->slot * sizeof(float));
    ref_fill(&rng, LTA_F32, P->dsT, (int64_t)P->slot, 1.0);
  }
}

static void free_problem(problem *P) {
  free(P->q), free(P->k), free(P->v), free(P->d_o), free(P->g), free(P->s0), free(P->dsT);
}

/* The forward arguments of the whole sequences (host memory) or of rank r's segment. */
static lta_forward_args whole_args(const problem *P) {
  const spcase *c = P->c;
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = c->dtype;
  a.batch = c->B;
  a.seqlen = P->T;
  a.num_heads = c->H;
  a.num_kv_heads = c->Hkv;
  a.head_dim_k = c->K;
  a.head_dim_v = c->V;
  a.q = P->q, a.k = P->k, a.v = P->v;
  a.initial_state = P->s0;
  a.num_states = c->B;
  a.g_gamma = P->g;
  a.has_scale = c->scale, a.scale = 1.0f;
  a.reverse = c->reverse;
  a.num_threads = c->threads;
  return a;
}

/* The reference over rows [t0, t1) of every sequence, from s0: outputs (may be NULL) and the
 * state after them. */
static void ref_part(const problem *P, int64_t t0, int64_t t1, const float *s0, double *o,
                     double *sT) {
  const spcase *c = P->c;
  void *q = slice(P->q, c->B, P->T, c->H * c->K, P->es, t0, t1);
  void *k = slice(P->k, c->B, P->T, c->Hkv * c->K, P->es, t0, t1);
  void *v = slice(P->v, c->B, P->T, c->Hkv * c->V, P->es, t0, t1);
  double *o_tmp = o ? o : xmalloc((size_t)(c->B * (t1 - t0) * c->H * c->V + 1) * sizeof(double));
  ref_case rc = {c->dtype, c->B, t1 - t0, c->H, c->Hkv, c->K, c->V, c->reverse, q, k, v, s0,
                 NULL, c->B, P->g, c->scale ? 1.0f : (float)(1.0 / sqrt((double)c->K)), o_tmp,
                 sT};
  ref_forward(&rc);
  if (!o) free(o_tmp);
  free(q), free(k), free(v);
}

/* ---- one rank ---- */

typedef struct rank {
  lta_sp_args a;
  int64_t t0, t1;
  void *q, *k, *v, *o, *d_o, *d_q, *d_k, *d_v; /* call memory */
  float *s0, *dsT, *final, *enter, *d_enter, *gathered;
} rank;

static void make_rank(rank *rk, const problem *P, int r) {
  const spcase *c = P->c;
  memset(rk, 0, sizeof *rk);
  rk->t0 = P->off[r], rk->t1 = P->off[r + 1];
  const int64_t L = rk->t1 - rk->t0;
  const size_t es = P->es, sb = P->slot * sizeof(float);
  const int64_t wq = c->H * c->K, wk = c->Hkv * c->K, wv = c->Hkv * c->V, wo = c->H * c->V;
  void *hq = slice(P->q, c->B, P->T, wq, es, rk->t0, rk->t1);
  void *hk = slice(P->k, c->B, P->T, wk, es, rk->t0, rk->t1);
  void *hv = slice(P->v, c->B, P->T, wv, es, rk->t0, rk->t1);
  void *hdo = slice(P->d_o, c->B, P->T, wo, es, rk->t0, rk->t1);
  const size_t rows = (size_t)(c->B * L);
  if (L > 0) { /* an empty segment passes NULL rows */
    rk->q = buf_copy(hq, rows * wq * es), rk->k = buf_copy(hk, rows * wk * es);
    rk->v = buf_copy(hv, rows * wv * es), rk->d_o = buf_copy(hdo, rows * wo * es);
    rk->o = mem_alloc(rows * wo * es), rk->d_q = mem_alloc(rows * wq * es);
    rk->d_k = mem_alloc(rows * wk * es), rk->d_v = mem_alloc(rows * wv * es);
  }
  free(hq), free(hk), free(hv), free(hdo);
  rk->s0 = buf_copy(P->s0, sb), rk->dsT = buf_copy(P->dsT, sb);
  rk->final = mem_alloc(sb), rk->enter = mem_alloc(sb), rk->d_enter = mem_alloc(sb);
  /* NaN everywhere: a slot that the combine reads but nobody wrote poisons the result. */
  float *nan = xmalloc(sb * (size_t)c->R);
  for (size_t i = 0; i < P->slot * (size_t)c->R; i++) nan[i] = NAN;
  rk->gathered = buf_copy(nan, sb * (size_t)c->R);
  free(nan);

  lta_sp_args *a = &rk->a;
  lta_sp_args_init(a);
  a->bwd.fwd = whole_args(P);
  a->bwd.fwd.device = DEVICE;
  a->bwd.fwd.seqlen = L;
  a->bwd.fwd.q = rk->q, a->bwd.fwd.k = rk->k, a->bwd.fwd.v = rk->v, a->bwd.fwd.o = rk->o;
  a->bwd.fwd.initial_state = rk->s0;
  a->bwd.fwd.final_state = rk->final;
  a->bwd.d_o = rk->d_o;
  a->bwd.d_final_state = rk->dsT;
  a->bwd.d_q = rk->d_q, a->bwd.d_k = rk->d_k, a->bwd.d_v = rk->d_v;
  a->bwd.d_initial_state = rk->d_enter;
  a->rank = r, a->num_ranks = c->R;
  a->seg_lens = c->lens;
  a->gathered = rk->gathered;
  a->entering_state = rk->enter;
}

static void free_rank(rank *rk) {
  void *bufs[] = {rk->q, rk->k, rk->v, rk->o, rk->d_o, rk->d_q, rk->d_k, rk->d_v, rk->s0,
                  rk->dsT, rk->final, rk->enter, rk->d_enter, rk->gathered};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
    if (bufs[i]) mem_free(bufs[i]);
}

/* The all-gather: every rank's slot into every other rank's gathered. */
static void exchange(rank *rk, const problem *P) {
  const size_t sb = P->slot * sizeof(float);
  float *tmp = xmalloc(sb);
  for (int s = 0; s < P->c->R; s++) {
    from_mem(tmp, rk[s].gathered + (size_t)s * P->slot, sb);
    for (int r = 0; r < P->c->R; r++)
      if (r != s) to_mem(rk[r].gathered + (size_t)s * P->slot, tmp, sb);
  }
  free(tmp);
}

#define EXPECT_OK(call)                                                                        \
  do {                                                                                         \
    lta_status st_ = (call);                                                                   \
    ck_assert_msg(st_ == LTA_OK, "%s: %s: %s", #call, lta_status_name(st_), lta_last_error()); \
  } while (0)

/* ---- the simulation ---- */

static void check_err(const char *what, int ci, double err, double tol, double *worst) {
  ck_assert_msg(err <= tol, "case %d: %s error %.3g > %.1g", ci, what, err, tol);
  if (err > *worst) *worst = err;
}

START_TEST(ranks_equal_one_call) {
  const int ci = _i;
  const spcase *c = &cases[ci];
  problem P;
  make_problem(&P, c, 1000 + (uint64_t)ci);
  const int64_t B = c->B, T = P.T, H = c->H, Hkv = c->Hkv, K = c->K, V = c->V, R = c->R;
  const size_t es = P.es, sb = P.slot * sizeof(float);
  const double tol = ref_tol(c->dtype);
  double worst[2] = {0, 0}; /* outputs, states */

  /* The reference and one library call over the whole sequences. */
  double *o_ref = xmalloc((size_t)(B * T * H * V) * sizeof(double));
  double *sT_ref = xmalloc(sb * 2);
  ref_part(&P, 0, T, P.s0, o_ref, sT_ref);
  lta_forward_args w = whole_args(&P);
  void *o_whole = xmalloc((size_t)(B * T * H * V) * es);
  float *sT_whole = xmalloc(sb);
  w.o = o_whole, w.final_state = sT_whole;
  EXPECT_OK(lta_forward(&w));

  /* The ranks: local, exchange, combine. */
  rank rk[MAXR];
  for (int r = 0; r < R; r++) make_rank(&rk[r], &P, r);
  for (int r = 0; r < R; r++) EXPECT_OK(lta_sp_forward_local(&rk[r].a));
  exchange(rk, &P);
  for (int r = 0; r < R; r++) EXPECT_OK(lta_sp_forward_combine(&rk[r].a));

  void *o_sp = xmalloc((size_t)(B * T * H * V) * es);
  float *st = xmalloc(sb);
  double *st_ref = xmalloc(sb * 2);
  for (int r = 0; r < R; r++) {
    const int64_t L = rk[r].t1 - rk[r].t0;
    if (L > 0) {
      void *part = xmalloc((size_t)(B * L * H * V) * es);
      from_mem(part, rk[r].o, (size_t)(B * L * H * V) * es);
      unslice(o_sp, part, B, T, H * V, es, rk[r].t0, rk[r].t1);
      free(part);
    }
    /* Entering and outgoing states: the reference's state at the segment's boundaries (the
     * state flows forward in time, or backward with reverse). */
    for (int side = 0; side < 2; side++) {
      const int entering = side == 0;
      const int64_t cut = (entering != c->reverse) ? rk[r].t0 : rk[r].t1;
      if (c->reverse)
        ref_part(&P, cut, T, P.s0, NULL, st_ref);
      else
        ref_part(&P, 0, cut, P.s0, NULL, st_ref);
      from_mem(st, entering ? rk[r].enter : rk[r].final, sb);
      check_err(entering ? "entering state" : "outgoing state", ci,
                ref_error_f32(st, st_ref, (int64_t)P.slot), TOL_F32, &worst[1]);
    }
  }
  check_err("o (ranks)", ci, ref_error(c->dtype, o_sp, o_ref, B * T * H * V), tol, &worst[0]);
  check_err("o (one call)", ci, ref_error(c->dtype, o_whole, o_ref, B * T * H * V), tol,
            &worst[0]);
  check_err("final state (one call)", ci, ref_error_f32(sT_whole, sT_ref, (int64_t)P.slot),
            TOL_F32, &worst[1]);
  /* Ranks against the one call: within the tolerance of either against the reference. */
  double *o_w = xmalloc((size_t)(B * T * H * V) * sizeof(double));
  for (int64_t i = 0; i < B * T * H * V; i++) o_w[i] = ref_decode(c->dtype, o_whole, i);
  check_err("o (ranks against one call)", ci, ref_error(c->dtype, o_sp, o_w, B * T * H * V),
            2 * tol, &worst[0]);

  /* The backward. */
  double *dq_ref = xmalloc((size_t)(B * T * H * K) * sizeof(double));
  double *dk_ref = xmalloc((size_t)(B * T * Hkv * K) * sizeof(double));
  double *dv_ref = xmalloc((size_t)(B * T * Hkv * V) * sizeof(double));
  double *ds0_ref = xmalloc(sb * 2);
  ref_case rc = {c->dtype, B, T, H, Hkv, K, V, c->reverse, P.q, P.k, P.v, P.s0, NULL, B, P.g,
                 c->scale ? 1.0f : (float)(1.0 / sqrt((double)K)), NULL, NULL};
  ref_backward(&rc, P.d_o, P.dsT, dq_ref, dk_ref, dv_ref, ds0_ref);
  lta_backward_args wb;
  lta_backward_args_init(&wb);
  wb.fwd = whole_args(&P);
  void *dq_w = xmalloc((size_t)(B * T * H * K) * es);
  void *dk_w = xmalloc((size_t)(B * T * Hkv * K) * es);
  void *dv_w = xmalloc((size_t)(B * T * Hkv * V) * es);
  wb.d_o = P.d_o, wb.d_final_state = P.dsT, wb.d_q = dq_w, wb.d_k = dk_w, wb.d_v = dv_w;
  EXPECT_OK(lta_backward(&wb));

  for (int r = 0; r < R; r++) EXPECT_OK(lta_sp_backward_local(&rk[r].a));
  exchange(rk, &P);
  for (int r = 0; r < R; r++) EXPECT_OK(lta_sp_backward_combine(&rk[r].a));

  void *dq = xmalloc((size_t)(B * T * H * K) * es), *dk = xmalloc((size_t)(B * T * Hkv * K) * es);
  void *dv = xmalloc((size_t)(B * T * Hkv * V) * es);
  double *d_enter_ref = xmalloc(sb * 2);
  for (int r = 0; r < R; r++) {
    const int64_t L = rk[r].t1 - rk[r].t0, t0 = rk[r].t0, t1 = rk[r].t1;
    const struct { void *whole, *part; int64_t w; } outs[3] = {
        {dq, rk[r].d_q, H * K}, {dk, rk[r].d_k, Hkv * K}, {dv, rk[r].d_v, Hkv * V}};
    for (int i = 0; i < 3 && L > 0; i++) {
      void *part = xmalloc((size_t)(B * L * outs[i].w) * es);
      from_mem(part, outs[i].part, (size_t)(B * L * outs[i].w) * es);
      unslice(outs[i].whole, part, B, T, outs[i].w, es, t0, t1);
      free(part);
    }
    /* The gradient of the rank's entering state: the reference backward of what follows it
     * (the tokens from its segment on, in walking order). */
    const int64_t a0 = c->reverse ? 0 : t0, a1 = c->reverse ? t1 : T;
    void *q = slice(P.q, B, T, H * K, es, a0, a1), *k = slice(P.k, B, T, Hkv * K, es, a0, a1);
    void *v = slice(P.v, B, T, Hkv * V, es, a0, a1), *g = slice(P.d_o, B, T, H * V, es, a0, a1);
    const int64_t n = B * (a1 - a0) + 1;
    double *t_q = xmalloc((size_t)(n * H * K) * sizeof(double));
    double *t_k = xmalloc((size_t)(n * Hkv * K) * sizeof(double));
    double *t_v = xmalloc((size_t)(n * Hkv * V) * sizeof(double));
    ref_case sub = rc;
    sub.T = a1 - a0, sub.q = q, sub.k = k, sub.v = v, sub.s0 = NULL;
    ref_backward(&sub, g, P.dsT, t_q, t_k, t_v, d_enter_ref);
    from_mem(st, rk[r].d_enter, sb);
    check_err("d_initial_state (entering state's gradient)", ci,
              ref_error_f32(st, d_enter_ref, (int64_t)P.slot), TOL_F32, &worst[1]);
    free(q), free(k), free(v), free(g), free(t_q), free(t_k), free(t_v);
  }
  const double *refs[3] = {dq_ref, dk_ref, dv_ref};
  const void *sps[3] = {dq, dk, dv}, *ws[3] = {dq_w, dk_w, dv_w};
  const int64_t ns[3] = {B * T * H * K, B * T * Hkv * K, B * T * Hkv * V};
  const char *names[3] = {"d_q", "d_k", "d_v"};
  for (int i = 0; i < 3; i++) {
    check_err(names[i], ci, ref_error(c->dtype, sps[i], refs[i], ns[i]), tol, &worst[0]);
    check_err(names[i], ci, ref_error(c->dtype, ws[i], refs[i], ns[i]), tol, &worst[0]);
  }
  printf("sp case %d (%s, R=%d, T=%lld%s): worst error: outputs and gradients %.2e (tol %.0e), "
         "states %.2e (tol %.0e)\n",
         ci, c->dtype == LTA_F32 ? "f32" : c->dtype == LTA_F16 ? "f16" : "bf16", c->R,
         (long long)T, c->reverse ? ", reverse" : "", worst[0], tol, worst[1], TOL_F32);

  for (int r = 0; r < R; r++) free_rank(&rk[r]);
  free(o_ref), free(sT_ref), free(o_whole), free(sT_whole), free(o_sp), free(st), free(st_ref);
  free(o_w), free(dq_ref), free(dk_ref), free(dv_ref), free(ds0_ref), free(dq_w), free(dk_w);
  free(dv_w), free(dq), free(dk), free(dv), free(d_enter_ref);
  free_problem(&P);
}
END_TEST

/* ---- bad arguments ---- */

/* Calls fn on a (broken by the caller) and expects code and a message containing want, with
 * every output and gathered unchanged. */
static void expect_refused(lta_status (*fn)(const lta_sp_args *), const char *fname,
                           const lta_sp_args *a, rank *rk, const problem *P, lta_status code,
                           const char *want) {
  const size_t sb = P->slot * sizeof(float), ob = (size_t)(P->c->B * (rk->t1 - rk->t0) *
                                                           P->c->H * P->c->V) * P->es;
  const size_t all = sb * (size_t)(P->c->R + 2) + ob;
  unsigned char *before = xmalloc(all), *after = xmalloc(all);
  float *fill = xmalloc(sb * P->c->R);
  for (size_t i = 0; i < P->slot * P->c->R; i++) fill[i] = (float)i * 0.5f;
  to_mem(rk->gathered, fill, sb * P->c->R), to_mem(rk->final, fill, sb);
  to_mem(rk->enter, fill, sb), to_mem(rk->o, fill, ob);
  from_mem(before, rk->gathered, sb * P->c->R), from_mem(before + sb * P->c->R, rk->final, sb);
  from_mem(before + sb * (P->c->R + 1), rk->enter, sb);
  from_mem(before + sb * (P->c->R + 2), rk->o, ob);
  lta_status st = fn(a);
  ck_assert_msg(st == code, "%s, expecting %s (%s): got %s (%s)", fname, lta_status_name(code),
                want, lta_status_name(st), lta_last_error());
  ck_assert_msg(strstr(lta_last_error(), want), "%s: message '%s' lacks '%s'", fname,
                lta_last_error(), want);
  ck_assert_msg(strstr(lta_last_error(), fname), "message '%s' lacks '%s'", lta_last_error(),
                fname);
  from_mem(after, rk->gathered, sb * P->c->R), from_mem(after + sb * P->c->R, rk->final, sb);
  from_mem(after + sb * (P->c->R + 1), rk->enter, sb);
  from_mem(after + sb * (P->c->R + 2), rk->o, ob);
  ck_assert_msg(memcmp(before, after, all) == 0,
                "%s wrote an output although it refused the call (%s)", fname, want);
  free(before), free(after), free(fill);
}

START_TEST(bad_arguments) {
  static const spcase c = {LTA_F32, 2, 4, 2, 8, 8, 0, 3, {5, 6, 4}, 1, 1, 0, 0, 1};
  problem P;
  make_problem(&P, &c, 7);
  rank rk;
  make_rank(&rk, &P, 1);
  int64_t lens_bad[3] = {5, 7, 4}, lens_neg[3] = {5, 6, -1}, cu[2] = {0, 6}, idx[2] = {0, 1};
  struct {
    lta_status code;
    const char *want;
    int which; /* 0: forward (local and combine), 1: backward (local and combine) */
  } bad[] = {
      {LTA_ERR_SIZE, "num_ranks=0", 0},      {LTA_ERR_SIZE, "num_ranks=257", 0},
      {LTA_ERR_SIZE, "rank=3", 0},           {LTA_ERR_SIZE, "rank=-1", 0},
      {LTA_ERR_NULL, "seg_lens=NULL", 0},    {LTA_ERR_SIZE, "seg_lens[1]=7", 0},
      {LTA_ERR_SIZE, "seg_lens[2]=-1", 0},   {LTA_ERR_NULL, "gathered=NULL", 1},
      {LTA_ERR_UNSUPPORTED, "cu_seqlens", 0}, {LTA_ERR_UNSUPPORTED, "state_indices", 0},
      {LTA_ERR_NULL, "entering_state=NULL", 1}, {LTA_ERR_ALIAS, "gathered=", 0},
      {LTA_ERR_ALIAS, "entering_state=", 0}, {LTA_ERR_DECAY, "g_gamma[1]=", 1},
      {LTA_ERR_NULL, "q=NULL", 0},           {LTA_ERR_NULL, "d_k=NULL", 1},
      {LTA_ERR_SIZE, "head_dim_v=0", 0},     {LTA_ERR_SIZE, "seqlen=-1", 0},
  };
  float g_bad[4] = {0.0f, 0.5f, -1.0f, -2.0f};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    lta_sp_args a = rk.a;
    switch (i) {
    case 0: a.num_ranks = 0; break;
    case 1: a.num_ranks = LTA_SP_MAX_RANKS + 1; break;
    case 2: a.rank = 3; break;
    case 3: a.rank = -1; break;
    case 4: a.seg_lens = NULL; break;
    case 5: a.seg_lens = lens_bad; break;
    case 6: a.seg_lens = lens_neg; break;
    case 7: a.gathered = NULL; break;
    case 8: a.bwd.fwd.cu_seqlens = cu, a.bwd.fwd.num_seqs = 1, a.bwd.fwd.batch = 1; break;
    case 9: a.bwd.fwd.state_indices = idx; break;
    case 10: a.entering_state = NULL; break;
    case 11: a.gathered = (float *)rk.o; break;
    case 12: a.entering_state = rk.final; break;
    case 13: a.bwd.fwd.g_gamma = g_bad; break;
    case 14: a.bwd.fwd.q = NULL; break;
    case 15: a.bwd.d_k = NULL; break;
    case 16: a.bwd.fwd.head_dim_v = 0; break;
    case 17: a.bwd.fwd.seqlen = -1; break;
    }
    if (bad[i].which == 0) {
      expect_refused(lta_sp_forward_local, "lta_sp_forward_local", &a, &rk, &P, bad[i].code,
                     bad[i].want);
      expect_refused(lta_sp_forward_combine, "lta_sp_forward_combine", &a, &rk, &P,
                     bad[i].code, bad[i].want);
    }
    if (bad[i].which == 1 || i < 7) {
      expect_refused(lta_sp_backward_local, "lta_sp_backward_local", &a, &rk, &P, bad[i].code,
                     bad[i].want);
      expect_refused(lta_sp_backward_combine, "lta_sp_backward_combine", &a, &rk, &P,
                     bad[i].code, bad[i].want);
    }
  }
  ck_assert_int_eq(lta_sp_forward_local(NULL), LTA_ERR_NULL);
  ck_assert_int_eq(lta_sp_backward_combine(NULL), LTA_ERR_NULL);
  /* The NCCL entries: on the CPU (or in a build without NCCL), refused before anything. */
  if (DEVICE == LTA_DEVICE_CPU) {
    ck_assert_int_eq(lta_sp_forward_nccl(&rk.a, &rk), LTA_ERR_UNSUPPORTED);
    ck_assert_int_eq(lta_sp_backward_nccl(&rk.a, &rk), LTA_ERR_UNSUPPORTED);
  }
  free_rank(&rk);
  free_problem(&P);
}
END_TEST

int main(void) {
#ifdef LTA_SP_CUDA
  int skip = cuda_missing("test_cuda_sp");
  if (skip) return skip;
#endif
  Suite *s = suite_create("sp");
  TCase *tc = tcase_create("sp");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, ranks_equal_one_call, 0, NCASES);
  tcase_add_test(tc, bad_arguments);
  suite_add_tcase(s, tc);
  return run_suite(s, DEVICE == LTA_DEVICE_CUDA); /* CUDA: no fork (its context) */
}
