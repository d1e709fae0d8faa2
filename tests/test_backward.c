/* test_backward.c: every backward kernel of the registry against the double-precision
 * reference backward (tests/ref.c, itself checked against finite differences by test_grad),
 * and the backward's bad inputs.
 *
 * sweep: per backward kernel, cases rotating over head dims (tiny, K != V, generated ones and
 *   others; a chunked kernel's own), MHA / GQA / MQA, batch and varlen (with a zero-length
 *   sequence), T from 1 to 40 (chunked kernels: 1 to 100, several chunks and a partial one),
 *   with and without the initial state, the final state's gradient and d_initial_state, the
 *   seed's decay (fast, slow) and RetNet's, default and explicit scale, 1 to 3 threads; random
 *   inputs; d_q, d_k, d_v within the dtype's tolerance, d_initial_state within fp32's; nothing
 *   written past any output (canaries); the same bits for any thread count. A kernel whose
 *   target this CPU lacks is named as skipped; LTA_SWEEP_TARGET=neon checks only that target's
 *   kernels and LTA_SWEEP_MAX_T leaves out longer cases (the emulated AArch64 run of
 *   tools/test.sh).
 * errors: NULL gradients, a CUDA call on host memory, a state pool, overlapping outputs, a state count that does
 *   not match: each its code, a message naming the argument, no output written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"
#include "ref.h"
#include "bwd_case.h"

#define CANARY 64

/* n bytes then CANARY bytes of 0xA5. */
static void *with_canary(size_t n) {
  unsigned char *p = xmalloc(n + CANARY);
  memset(p + n, 0xA5, CANARY);
  return p;
}
static int canary_ok(const void *p, size_t n) {
  const unsigned char *c = (const unsigned char *)p + n;
  for (int i = 0; i < CANARY; i++)
    if (c[i] != 0xA5) return 0;
  return 1;
}

static void run_case(const lta_entry *e, const bcase *c, uint64_t seed, double worst[4]) {
  bdata d;
  bdata_make(&d, c, (lta_dtype)e->key.dtype, e->key.reverse, seed);
  const size_t es = d.es, nq = (size_t)d.nq, nk = (size_t)d.nk, nv = (size_t)d.nv;
  const size_t ns = (size_t)d.ns;
  lta_backward_args b = d.b;
  b.fwd.isa = entry_isa(e), b.fwd.num_threads = c->threads;
  b.d_q = with_canary(nq * es), b.d_k = with_canary(nk * es), b.d_v = with_canary(nv * es);
  b.d_initial_state = c->ds0 ? with_canary(ns * 4) : NULL;
  const char *name = NULL;
  ck_assert_int_eq(lta_backward_kernel(&b, &name), LTA_OK);
  ck_assert_str_eq(name, e->name);
  ck_assert_msg(lta_backward(&b) == LTA_OK, "%s: %s", e->name, lta_last_error());

  char what[240];
  snprintf(what, sizeof what, "%s: ", e->name);
  bcase_name(c, what + strlen(what), sizeof what - strlen(what));
  bdata_check(&d, b.d_q, b.d_k, b.d_v, b.d_initial_state, worst, what);
  ck_assert_msg(canary_ok(b.d_q, nq * es) && canary_ok(b.d_k, nk * es) &&
                    canary_ok(b.d_v, nv * es) && (!c->ds0 || canary_ok(b.d_initial_state, ns * 4)),
                "wrote past an output (%s)", what);

  /* Any other thread count: the same bits (items are independent). */
  lta_backward_args b2 = b;
  b2.fwd.num_threads = c->threads == 1 ? 3 : 1;
  b2.d_q = xmalloc(nq * es), b2.d_k = xmalloc(nk * es), b2.d_v = xmalloc(nv * es);
  b2.d_initial_state = c->ds0 ? xmalloc(ns * 4) : NULL;
  ck_assert_int_eq(lta_backward(&b2), LTA_OK);
  ck_assert_msg(!memcmp(b.d_q, b2.d_q, nq * es) && !memcmp(b.d_k, b2.d_k, nk * es) &&
                    !memcmp(b.d_v, b2.d_v, nv * es) &&
                    (!c->ds0 || !memcmp(b.d_initial_state, b2.d_initial_state, ns * 4)),
                "another thread count gave other bits (%s)", what);

  bdata_free(&d);
  free(b.d_q), free(b.d_k), free(b.d_v), free(b.d_initial_state);
  free(b2.d_q), free(b2.d_k), free(b2.d_v), free(b2.d_initial_state);
}

/* Whether kernel e runs here: this CPU has its target and LTA_SWEEP_TARGET (the emulated
 * AArch64 run: neon) does not leave it to another run; a kernel left out is named on stderr. */
static int runs_here(const lta_entry *e) {
  const char *only = getenv("LTA_SWEEP_TARGET");
  const char *target = lta_target_string(e->key.target);
  if (only && *only && strcmp(only, target) != 0) return 0;
  if ((lta_cpu_targets() >> e->key.target) & 1) return 1;
  fprintf(stderr, "backward sweep: SKIPPED %s: this machine does not run %s\n", e->name, target);
  return 0;
}

START_TEST(sweep) {
  static const int64_t dims[][2] = {{3, 5}, {16, 16}, {64, 64}, {48, 80}, {32, 32}, {64, 128}};
  static const int64_t heads[][2] = {{2, 2}, {4, 2}, {4, 1}};
  static const int64_t Ts[] = {1, 7, 40, 2}, chunked_Ts[] = {1, 70, 100, 33};
  size_t n;
  const lta_entry *tab = lta_registry(&n);
  /* LTA_SWEEP_MAX_T: leaves out longer cases (the emulated run, where the reference is slow). */
  const int64_t max_t = getenv("LTA_SWEEP_MAX_T") ? atoll(getenv("LTA_SWEEP_MAX_T")) : 0;
  int kernels = 0, cases = 0, skipped = 0;
  for (size_t i = 0; i < n; i++) {
    const lta_entry *e = &tab[i];
    if (e->key.op != LTA_OP_BWD) continue;
    if (!runs_here(e)) {
      skipped++;
      continue;
    }
    double worst[4] = {0};
    int ran = 0;
    for (int r = 0; r < 12; r++) {
      int x = r + (int)i;
      bcase c = {dims[x % 6][0], dims[x % 6][1], heads[x % 3][0], heads[x % 3][1], x % 3,
                 Ts[x % 4], x % 2, (x / 2) % 2, (x / 3) % 2 || r == 0, x % 3, (x / 4) % 2,
                 1 + x % 3};
      if (e->key.K) /* a chunked kernel: its head dims, several chunks and a partial one */
        c.K = e->key.K, c.V = e->key.V, c.T = chunked_Ts[x % 4];
      if (max_t > 0 && c.T > max_t) continue;
      run_case(e, &c, 0xBAC4ull + (uint64_t)i * 131 + (uint64_t)r, worst);
      cases++, ran++;
    }
    printf("backward sweep: %s %d cases, worst error: d_q %.2e d_k %.2e d_v %.2e (tol %.0e), "
           "d_initial_state %.2e (tol %.0e)\n",
           e->name, ran, worst[0], worst[1], worst[2], ref_tol((lta_dtype)e->key.dtype), worst[3],
           TOL_F32);
    kernels++;
  }
  ck_assert_msg(kernels > 0, "no backward kernel in the registry");
  printf("backward sweep: %d kernels run here, %d cases; %d kernels skipped (target not run "
         "here)\n", kernels, cases, skipped);
}
END_TEST

/* A small valid backward call (f32, B=1, T=3, H=2, K=V=4) on buffers b owns. */
typedef struct small {
  lta_backward_args b;
  float q[24], k[24], v[24], d_o[24], s0[32], dsT[32];
  float dq[24], dk[24], dv[24], ds0[32];
} small;

static void small_init(small *s) {
  memset(s, 0, sizeof *s);
  ref_rng rng = {5};
  ref_fill(&rng, LTA_F32, s->q, 24, 1.0);
  ref_fill(&rng, LTA_F32, s->k, 24, 1.0);
  ref_fill(&rng, LTA_F32, s->v, 24, 1.0);
  ref_fill(&rng, LTA_F32, s->d_o, 24, 1.0);
  memset(s->dq, 0x7f, sizeof s->dq), memset(s->dk, 0x7f, sizeof s->dk);
  memset(s->dv, 0x7f, sizeof s->dv), memset(s->ds0, 0x7f, sizeof s->ds0);
  lta_backward_args_init(&s->b);
  lta_forward_args *a = &s->b.fwd;
  a->dtype = LTA_F32, a->batch = 1, a->seqlen = 3, a->num_heads = a->num_kv_heads = 2;
  a->head_dim_k = a->head_dim_v = 4, a->q = s->q, a->k = s->k, a->v = s->v;
  a->initial_state = s->s0, a->num_states = 1, a->layer_idx = 1, a->num_layers = 4;
  s->b.d_o = s->d_o, s->b.d_final_state = s->dsT;
  s->b.d_q = s->dq, s->b.d_k = s->dk, s->b.d_v = s->dv, s->b.d_initial_state = s->ds0;
}

/* The call fails with st, its message contains word, and no output was written. */
static void expect_fail(small *s, lta_status st, const char *word) {
  ck_assert_int_eq(lta_backward(&s->b), st);
  ck_assert_msg(strstr(lta_last_error(), word), "message '%s' does not name %s", lta_last_error(),
                word);
  unsigned char fresh[sizeof s->dq];
  memset(fresh, 0x7f, sizeof fresh);
  ck_assert(!memcmp(s->dq, fresh, sizeof s->dq) && !memcmp(s->dk, fresh, sizeof s->dk) &&
            !memcmp(s->dv, fresh, sizeof s->dv) && !memcmp(s->ds0, fresh, sizeof s->dq));
}

START_TEST(errors) {
  small s;
  small_init(&s);
  ck_assert_int_eq(lta_backward(&s.b), LTA_OK); /* the valid call */
  ck_assert_int_eq(lta_backward(NULL), LTA_ERR_NULL);
  small_init(&s), s.b.d_o = NULL, expect_fail(&s, LTA_ERR_NULL, "d_o=NULL");
  small_init(&s), s.b.d_q = NULL, expect_fail(&s, LTA_ERR_NULL, "d_q=NULL");
  small_init(&s), s.b.d_k = NULL, expect_fail(&s, LTA_ERR_NULL, "d_k=NULL");
  small_init(&s), s.b.d_v = NULL, expect_fail(&s, LTA_ERR_NULL, "d_v=NULL");
  small_init(&s), s.b.fwd.q = NULL, expect_fail(&s, LTA_ERR_NULL, "q=NULL");
  /* Host buffers on a CUDA call: refused by any build on any machine (no CUDA in the build, no
   * device, or host memory where device memory is due), with nothing written. */
  small_init(&s), s.b.fwd.device = LTA_DEVICE_CUDA;
  lta_status cuda_st = lta_backward(&s.b);
  ck_assert(cuda_st == LTA_ERR_UNSUPPORTED || cuda_st == LTA_ERR_CUDA ||
            cuda_st == LTA_ERR_MEMORY_SPACE);
  expect_fail(&s, cuda_st, "device");
  int64_t idx[1] = {0};
  small_init(&s), s.b.fwd.state_indices = idx, expect_fail(&s, LTA_ERR_UNSUPPORTED, "state_indices");
  small_init(&s), s.b.d_k = s.dq, expect_fail(&s, LTA_ERR_ALIAS, "d_k");
  small_init(&s), s.b.d_q = s.q, expect_fail(&s, LTA_ERR_ALIAS, "d_q");
  small_init(&s), s.b.d_initial_state = s.s0, expect_fail(&s, LTA_ERR_ALIAS, "d_initial_state");
  small_init(&s), s.b.fwd.num_states = 2, expect_fail(&s, LTA_ERR_STATE, "num_states=2");
  small_init(&s), s.b.fwd.head_dim_k = 0, expect_fail(&s, LTA_ERR_SIZE, "head_dim_k=0");
  small_init(&s), s.b.fwd.num_kv_heads = 3, expect_fail(&s, LTA_ERR_HEADS, "num_kv_heads=3");
  /* The forward's o and final_state are not read: any value, NULL included, is fine. */
  small_init(&s), s.b.fwd.o = NULL, s.b.fwd.final_state = NULL;
  ck_assert_int_eq(lta_backward(&s.b), LTA_OK);
}
END_TEST

int main(void) {
  Suite *s = suite_create("backward");
  TCase *tc = tcase_create("backward");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, sweep);
  tcase_add_test(tc, errors);
  suite_add_tcase(s, tc);
  return run_suite(s, 0);
}
