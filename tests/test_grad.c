/* test_grad.c: the double-precision reference backward (ref_backward, SPEC section 2) against
 * central finite differences of the reference forward.
 *
 * The loss is L = sum(o * dO) + sum(final_state * dS_T), with random dO and dS_T (zero when a
 * case has none). L is linear in any single scalar input, so a central difference is exact up
 * to the double rounding of L: each element x of q, k, v and the initial state is stored as
 * x + h and x - h (h = 2^-4, rounded to the dtype), and the difference of L is divided by the
 * difference of the values actually stored. Every element is checked, against a relative
 * tolerance of GRAD_TOL of the largest gradient. Inputs are random (ref_fill), never all-ones.
 * Without an initial state the forward runs from zeros (NULL); the initial state's gradient is
 * then differenced around a zero buffer, which is the same forward.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lightattn.h"
#include "ref.h"

#define GRAD_TOL 1e-9
#define STEP 0x1p-4
#define SEED_LAYERS 24
#define RETNET (-1) /* decay: RetNet's instead of a seed layer */

typedef struct grad_case {
  const char *name;
  lta_dtype dtype;
  int64_t B, T, H, Hkv, K, V;
  int reverse;
  const int64_t *cu; /* [N+1] or NULL (then N = B) */
  int64_t N;
  int has_s0, has_dsT;
  int layer;   /* seed decay of this layer of SEED_LAYERS, or RETNET */
  float scale; /* 0: the default, 1/sqrt(K) */
} grad_case;

static const int64_t cu_gap[] = {0, 4, 4, 9}; /* three sequences, the middle one empty */

static const grad_case cases[] = {
    {"mha", LTA_F32, 2, 6, 2, 2, 4, 4, 0, NULL, 2, 1, 1, 3, 0},
    {"mha reverse", LTA_F32, 2, 6, 2, 2, 4, 4, 1, NULL, 2, 1, 1, 3, 0},
    {"gqa k3 v5", LTA_F32, 2, 5, 4, 2, 3, 5, 0, NULL, 2, 1, 1, 3, 0},
    {"gqa k3 v5 reverse", LTA_F32, 2, 5, 4, 2, 3, 5, 1, NULL, 2, 1, 1, 3, 0},
    {"mqa k5 v3, no dS_T", LTA_F32, 1, 7, 3, 1, 5, 3, 0, NULL, 1, 1, 0, 12, 0},
    {"mqa reverse, no initial state", LTA_F32, 2, 4, 3, 1, 4, 3, 1, NULL, 2, 0, 1, 12, 0},
    {"varlen gqa", LTA_F32, 1, 9, 4, 2, 3, 5, 0, cu_gap, 3, 1, 1, 3, 0},
    {"varlen gqa reverse", LTA_F32, 1, 9, 4, 2, 3, 5, 1, cu_gap, 3, 1, 1, 3, 0},
    {"varlen mqa, neither state", LTA_F32, 1, 9, 2, 1, 4, 3, 1, cu_gap, 3, 0, 0, 20, 0},
    {"varlen, neither state", LTA_F32, 1, 9, 2, 2, 3, 4, 0, cu_gap, 3, 0, 0, 7, 0},
    {"fast decay (layer 0)", LTA_F32, 2, 8, 4, 4, 4, 4, 0, NULL, 2, 1, 1, 0, 0},
    {"fast decay (layer 0) gqa reverse", LTA_F32, 2, 8, 4, 2, 3, 5, 1, NULL, 2, 1, 1, 0, 0},
    {"retnet decay", LTA_F32, 2, 8, 4, 2, 4, 4, 0, NULL, 2, 1, 1, RETNET, 0},
    {"retnet decay reverse", LTA_F32, 1, 9, 4, 4, 5, 3, 1, cu_gap, 3, 1, 1, RETNET, 0},
    {"scale 0.37", LTA_F32, 2, 5, 4, 2, 3, 5, 0, NULL, 2, 1, 1, 3, 0.37f},
    {"scale 1", LTA_F32, 2, 5, 2, 2, 4, 4, 1, NULL, 2, 1, 1, 3, 1.0f},
    /* The difference divides by the stored values' difference, so it is exact in any dtype. */
    {"bf16 varlen gqa", LTA_BF16, 1, 9, 4, 2, 3, 5, 0, cu_gap, 3, 1, 1, 3, 0},
    {"f16 gqa reverse", LTA_F16, 2, 5, 4, 2, 3, 5, 1, NULL, 2, 1, 1, 3, 0},
};

#define COUNT(x) ((int)(sizeof(x) / sizeof((x)[0])))

/* One case's inputs, the reference's outputs, and both gradients. */
typedef struct problem {
  ref_case c;
  void *d_o;
  float *d_sT, *s0, g_gamma[8];
  int64_t rows, n_q, n_k, n_v, n_s;
  double *dq, *dk, *dv, *ds0;     /* ref_backward */
  double *fq, *fk, *fv, *fs0;     /* finite differences */
} problem;

static void *xcalloc(int64_t n, size_t size) {
  void *p = calloc((size_t)(n > 0 ? n : 1), size);
  ck_assert(p);
  return p;
}

static void problem_init(problem *p, const grad_case *gc, uint64_t seed) {
  memset(p, 0, sizeof *p);
  ck_assert(gc->H <= COUNT(p->g_gamma));
  ref_rng rng = {seed};
  size_t es = ref_elem_size(gc->dtype);
  p->rows = gc->cu ? gc->cu[gc->N] : gc->B * gc->T;
  p->n_q = p->rows * gc->H * gc->K;
  p->n_k = p->rows * gc->Hkv * gc->K;
  p->n_v = p->rows * gc->Hkv * gc->V;
  p->n_s = gc->N * gc->H * gc->K * gc->V;
  int64_t n_o = p->rows * gc->H * gc->V;
  ref_case *c = &p->c;
  c->dtype = gc->dtype;
  c->B = gc->B;
  c->T = gc->T;
  c->H = gc->H;
  c->Hkv = gc->Hkv;
  c->K = gc->K;
  c->V = gc->V;
  c->reverse = gc->reverse;
  c->cu = gc->cu;
  c->N = gc->N;
  c->scale = gc->scale > 0 ? gc->scale : (float)(1.0 / sqrt((double)gc->K));
  if (gc->layer == RETNET) ref_retnet_g_gamma(gc->H, p->g_gamma);
  else ck_assert_int_eq(lta_seed_g_gamma(gc->H, gc->layer, SEED_LAYERS, p->g_gamma), LTA_OK);
  c->g_gamma = p->g_gamma;
  void *q = xcalloc(p->n_q, es), *k = xcalloc(p->n_k, es), *v = xcalloc(p->n_v, es);
  ref_fill(&rng, gc->dtype, q, p->n_q, 1.0);
  ref_fill(&rng, gc->dtype, k, p->n_k, 1.0);
  ref_fill(&rng, gc->dtype, v, p->n_v, 1.0);
  c->q = q;
  c->k = k;
  c->v = v;
  p->s0 = xcalloc(p->n_s, sizeof(float)); /* zeros without an initial state */
  if (gc->has_s0) ref_fill(&rng, LTA_F32, p->s0, p->n_s, 1.0);
  c->s0 = gc->has_s0 ? p->s0 : NULL;
  p->d_o = xcalloc(n_o, es);
  ref_fill(&rng, gc->dtype, p->d_o, n_o, 1.0);
  if (gc->has_dsT) {
    p->d_sT = xcalloc(p->n_s, sizeof(float));
    ref_fill(&rng, LTA_F32, p->d_sT, p->n_s, 1.0);
  }
  c->o = xcalloc(n_o, sizeof(double));
  c->sT = xcalloc(p->n_s, sizeof(double));
  p->dq = xcalloc(p->n_q, sizeof(double));
  p->dk = xcalloc(p->n_k, sizeof(double));
  p->dv = xcalloc(p->n_v, sizeof(double));
  p->ds0 = xcalloc(p->n_s, sizeof(double));
  p->fq = xcalloc(p->n_q, sizeof(double));
  p->fk = xcalloc(p->n_k, sizeof(double));
  p->fv = xcalloc(p->n_v, sizeof(double));
  p->fs0 = xcalloc(p->n_s, sizeof(double));
}

static void problem_free(problem *p) {
  void *bufs[] = {(void *)p->c.q, (void *)p->c.k, (void *)p->c.v, p->s0,  p->d_o, p->d_sT,
                  p->c.o,         p->c.sT,        p->dq,          p->dk,  p->dv,  p->ds0,
                  p->fq,          p->fk,          p->fv,          p->fs0};
  for (int i = 0; i < COUNT(bufs); i++) free(bufs[i]);
}

/* L = sum(o * dO) + sum(final_state * dS_T), from the reference forward of c. */
static double loss(const problem *p, const ref_case *c) {
  ref_forward(c);
  int64_t n_o = p->rows * c->H * c->V;
  double L = 0;
  for (int64_t i = 0; i < n_o; i++) L += c->o[i] * ref_decode(c->dtype, p->d_o, i);
  if (p->d_sT)
    for (int64_t i = 0; i < p->n_s; i++) L += c->sT[i] * (double)p->d_sT[i];
  return L;
}

/* The central difference of L in every element of buf (n elements of dtype), into out. */
static void difference(const problem *p, const ref_case *c, lta_dtype dtype, void *buf, int64_t n,
                       double *out) {
  size_t es = ref_elem_size(dtype);
  unsigned char saved[4];
  for (int64_t i = 0; i < n; i++) {
    unsigned char *e = (unsigned char *)buf + i * (int64_t)es;
    memcpy(saved, e, es);
    double x = ref_decode(dtype, buf, i);
    ref_encode(dtype, buf, i, x + STEP);
    double xp = ref_decode(dtype, buf, i), lp = loss(p, c);
    ref_encode(dtype, buf, i, x - STEP);
    double xm = ref_decode(dtype, buf, i), lm = loss(p, c);
    memcpy(e, saved, es);
    ck_assert(xp > xm);
    out[i] = (lp - lm) / (xp - xm);
  }
}

/* Both gradients of p: ref_backward (o and sT NULL: it must touch neither) and the differences. */
static void gradients(problem *p) {
  ref_case bare = p->c;
  bare.o = NULL;
  bare.sT = NULL;
  ref_backward(&bare, p->d_o, p->d_sT, p->dq, p->dk, p->dv, p->ds0);
  ref_case c = p->c; /* its inputs are perturbed in place, one element at a time */
  difference(p, &c, c.dtype, (void *)c.q, p->n_q, p->fq);
  difference(p, &c, c.dtype, (void *)c.k, p->n_k, p->fk);
  difference(p, &c, c.dtype, (void *)c.v, p->n_v, p->fv);
  c.s0 = p->s0; /* zeros without an initial state: the same forward as NULL */
  difference(p, &c, LTA_F32, p->s0, p->n_s, p->fs0);
}

/* max |got - want| / max |want| over n elements (NaN is the worst). */
static double grad_error(const double *got, const double *want, int64_t n) {
  double worst = 0, scale = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = fabs(got[i] - want[i]);
    if (!(d <= worst)) worst = d;
    scale = fmax(scale, fabs(want[i]));
  }
  return worst / (scale > 0 ? scale : 1e-300);
}

START_TEST(backward_matches_differences) {
  const grad_case *gc = &cases[_i];
  problem p;
  problem_init(&p, gc, 0x9badull + (uint64_t)_i);
  gradients(&p);
  struct {
    const char *name;
    const double *got, *want;
    int64_t n;
  } parts[] = {{"dq", p.dq, p.fq, p.n_q},
               {"dk", p.dk, p.fk, p.n_k},
               {"dv", p.dv, p.fv, p.n_v},
               {"d_initial_state", p.ds0, p.fs0, p.n_s}};
  double err[4];
  for (int i = 0; i < 4; i++) err[i] = grad_error(parts[i].got, parts[i].want, parts[i].n);
  printf("grad %-34s dq %.1e  dk %.1e  dv %.1e  ds0 %.1e\n", gc->name, err[0], err[1], err[2],
         err[3]);
  for (int i = 0; i < 4; i++)
    ck_assert_msg(err[i] <= GRAD_TOL, "%s: %s differs from the finite differences by %.3g (> %g)",
                  gc->name, parts[i].name, err[i], GRAD_TOL);
  problem_free(&p);
}
END_TEST

/* The comparison catches a wrong gradient: the true dk with two elements swapped, and the true
 * d_initial_state with one element off by 1e-7 of the largest. */
START_TEST(wrong_gradient_detected) {
  problem p;
  problem_init(&p, &cases[2], 0x9badull + 2);
  gradients(&p);
  ck_assert_double_le(grad_error(p.dk, p.fk, p.n_k), GRAD_TOL);
  int64_t a = 0, b = 1; /* the pair that differs most, so the swap is not a no-op */
  for (int64_t i = 0; i < p.n_k; i++)
    for (int64_t j = i + 1; j < p.n_k; j++)
      if (fabs(p.dk[i] - p.dk[j]) > fabs(p.dk[a] - p.dk[b])) a = i, b = j;
  double t = p.dk[a];
  p.dk[a] = p.dk[b];
  p.dk[b] = t;
  double swapped = grad_error(p.dk, p.fk, p.n_k);
  printf("grad dk with elements %lld and %lld swapped: error %.3g\n", (long long)a, (long long)b,
         swapped);
  ck_assert_msg(swapped > GRAD_TOL, "a swapped dk passed: error %.3g", swapped);

  ck_assert_double_le(grad_error(p.ds0, p.fs0, p.n_s), GRAD_TOL);
  double big = 0;
  for (int64_t i = 0; i < p.n_s; i++) big = fmax(big, fabs(p.fs0[i]));
  p.ds0[p.n_s / 2] += 1e-7 * big;
  double nudged = grad_error(p.ds0, p.fs0, p.n_s);
  printf("grad d_initial_state with one element off by 1e-7: error %.3g\n", nudged);
  ck_assert_msg(nudged > GRAD_TOL, "a nudged d_initial_state passed: error %.3g", nudged);
  problem_free(&p);
}
END_TEST

int main(void) {
  Suite *s = suite_create("grad");
  TCase *tc = tcase_create("reference");
  tcase_add_loop_test(tc, backward_matches_differences, 0, COUNT(cases));
  tcase_add_test(tc, wrong_gradient_detected);
  suite_add_tcase(s, tc);
  return run_suite(s, 0);
}
