/* test_sweep.c: every kernel of the registry against the double-precision reference.
 *
 * Kernels that compute the same functional key (dtype, K, V, H, direction) on different
 * targets form a group; one loop iteration per group computes the reference once per case and
 * checks every kernel of the group that this CPU runs (a kernel is reached by forcing its ISA,
 * and the test asserts that the forced call really ran it). The generic kernel has a group of
 * its own, swept over generated and non-generated head dims alike.
 *
 * The cases cover B in {1,2,3} and varlen (uneven, with zero-length sequences); T in
 * {1,2,7,63,64,65,200,1000}; MHA, GQA (8 on 2) and MQA (4 on 1); with and without an initial
 * state; final state absent, separate or in place; fast, slow and no decay from the seed's
 * formula and RetNet's explicit g_gamma; default and explicit scale; 1, 2, 3 and 16 threads.
 * T covers lengths shorter and longer than a chunk (16 or 32 tokens) and chunk boundaries.
 * Two more cases a group split sequences across time (more threads than items: the segment
 * scan of lta_threads.c), one of them varlen with a zero-length sequence; the test asserts
 * that the split ran.
 *   quick (default): 8 + 2 cases a group, every value of every axis at least once;
 *   slow (tag "slow"): 64 + 2 cases a group: every (T, batch kind) pair, and every combination
 *                      of heads, initial state and decay, twice over with other rotations.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"
#include "ref.h"

/* Tolerances of SPEC section 4, on the error normalised by the largest reference value. */
#define TOL_F32 2e-5     /* f32 outputs and every fp32 state */
#define TOL_F16 2e-3     /* f16 outputs: the f16 rounding (2^-11) plus accumulation */
#define TOL_BF16 1e-2    /* bf16 outputs: the bf16 rounding (2^-8) plus accumulation */

#define MAX_GROUP LTA_TARGET_COUNT
typedef struct group {
  lta_key key; /* target unused */
  const lta_entry *kernels[MAX_GROUP];
  int nkernels;
} group;

static group groups[1024];
static int ngroups;

static int same_function(const lta_key *a, const lta_key *b) {
  return a->op == b->op && a->dtype == b->dtype && a->K == b->K && a->V == b->V && a->H == b->H &&
         a->reverse == b->reverse;
}

static void build_groups(void) {
  size_t n;
  const lta_entry *tab = lta_registry(&n);
  for (size_t i = 0; i < n; i++) {
    int g = 0;
    while (g < ngroups && !same_function(&groups[g].key, &tab[i].key)) g++;
    if (g == ngroups) {
      if (ngroups == (int)(sizeof groups / sizeof groups[0])) abort();
      groups[ngroups++].key = tab[i].key;
    }
    groups[g].kernels[groups[g].nkernels++] = &tab[i];
  }
}

/* ---- cases ---- */

static const int64_t Ts[] = {1, 2, 7, 63, 64, 65, 200, 1000};
static const int thread_counts[] = {1, 2, 3, 16};
#define NT 8
#define NKIND 4   /* B = 1, 2, 3, varlen */
#define NHEADS 3  /* MHA, GQA, MQA */
#define NDECAY 4  /* fast, slow, none, RetNet */

typedef struct sweep_case {
  int64_t T;
  int kind, heads, init, decay, final_mode, scale_mode, threads, dims;
} sweep_case;

/* Head dims for the generic kernel: ones no kernel is generated for, K != V, tiny and odd
 * sizes, and generated ones (forced onto the generic path). */
static const int64_t generic_dims[][2] = {{48, 48}, {80, 80}, {16, 40}, {1, 1},
                                          {130, 7}, {64, 64}, {128, 128}, {64, 128}};
#define NGENERIC_DIMS 8

/* Cases that split across time: 2 items on 8 threads (segments of 64, 64, 64, 108 tokens, the
 * state in place), and varlen (lengths 200, 0, 100, 1) with 2 heads on 16 threads. */
static int add_split_cases(int g, sweep_case *out, int n) {
  out[n++] = (sweep_case){300, 0, 0, 1, g % NDECAY, 2, g % 2, 8, (g + 1) % NGENERIC_DIMS};
  out[n++] = (sweep_case){200, 3, 0, g % 2, (g + 1) % NDECAY, 1, 0, 16, (g + 2) % NGENERIC_DIMS};
  return n;
}

static int make_cases(int slow, int g, sweep_case *out) {
  int n = 0;
  if (!slow) {
    for (int i = 0; i < NT; i++) {
      int r = i + g; /* rotate by group, so that groups see different pairings */
      out[n++] = (sweep_case){Ts[i], r % NKIND, r % NHEADS, r % 2, (r / 2) % NDECAY, r % 3,
                              (r / 3) % 2, thread_counts[(r / 2) % 4], r % NGENERIC_DIMS};
    }
    return add_split_cases(g, out, n);
  }
  for (int pass = 0; pass < 2; pass++)
    for (int t = 0; t < NT; t++)
      for (int kind = 0; kind < NKIND; kind++) {
        int i = t * NKIND + kind, c = (i + 7 * pass + g) % (NHEADS * 2 * NDECAY);
        out[n++] = (sweep_case){Ts[t], kind, c % NHEADS, (c / NHEADS) % 2, c / (NHEADS * 2),
                                (i + pass) % 3, (i / 3 + pass) % 2,
                                thread_counts[(i + pass) % 4], (i + 3 * pass + g) % NGENERIC_DIMS};
      }
  return add_split_cases(g, out, n);
}

/* ---- one case ---- */

typedef struct problem_buffers {
  lta_forward_args a;
  ref_case r;
  void *q, *k, *v, *o;
  float *s0, *sT, *g;
  int64_t *cu;
  double *o_ref, *s_ref;
  int64_t o_elems, s_elems;
} problem_buffers;

#define CANARY 64 /* bytes after each output that must stay untouched */

static void fill_canary(void *p, size_t bytes) { memset((char *)p + bytes, 0xA5, CANARY); }
static int canary_ok(const void *p, size_t bytes) {
  const unsigned char *c = (const unsigned char *)p + bytes;
  for (int i = 0; i < CANARY; i++)
    if (c[i] != 0xA5) return 0;
  return 1;
}

static void setup(problem_buffers *b, const group *grp, const sweep_case *c, uint64_t seed) {
  memset(b, 0, sizeof *b);
  lta_forward_args *a = &b->a;
  lta_forward_args_init(a);
  lta_dtype dt = (lta_dtype)grp->key.dtype;
  int64_t K = grp->key.K, V = grp->key.V;
  if (K == 0) {
    K = generic_dims[c->dims][0];
    V = generic_dims[c->dims][1];
  }
  int64_t H, Hkv;
  int64_t fixed = grp->key.H;
  if (c->heads == 0) H = Hkv = fixed ? fixed : 2;
  else if (c->heads == 1) H = fixed ? fixed : 8, Hkv = fixed ? (fixed % 4 ? 1 : fixed / 4) : 2;
  else H = fixed ? fixed : 4, Hkv = 1;

  int64_t B = 1, T = c->T, N;
  if (c->kind < 3) {
    B = c->kind + 1;
    N = B;
  } else { /* varlen: lengths T, 0, ceil(T/2), 1 */
    N = 4;
    b->cu = malloc(5 * sizeof(int64_t));
    int64_t lens[4] = {T, 0, (T + 1) / 2, 1};
    b->cu[0] = 0;
    for (int i = 0; i < 4; i++) b->cu[i + 1] = b->cu[i] + lens[i];
    T = b->cu[4];
    a->cu_seqlens = b->cu;
    a->num_seqs = N;
  }
  ref_rng rng = {seed};
  size_t es = ref_elem_size(dt);
  int64_t rows = B * T;
  b->q = malloc((size_t)(rows * H * K) * es);
  b->k = malloc((size_t)(rows * Hkv * K) * es);
  b->v = malloc((size_t)(rows * Hkv * V) * es);
  b->o_elems = rows * H * V;
  b->o = malloc((size_t)b->o_elems * es + CANARY);
  ref_fill(&rng, dt, b->q, rows * H * K, 1.0);
  ref_fill(&rng, dt, b->k, rows * Hkv * K, 1.0);
  ref_fill(&rng, dt, b->v, rows * Hkv * V, 1.0);
  fill_canary(b->o, (size_t)b->o_elems * es);

  b->s_elems = N * H * K * V;
  if (c->init) {
    b->s0 = malloc((size_t)b->s_elems * sizeof(float) + CANARY);
    ref_fill(&rng, LTA_F32, b->s0, b->s_elems, 1.0);
    fill_canary(b->s0, (size_t)b->s_elems * sizeof(float));
  }
  int final_mode = c->final_mode == 2 && !c->init ? 1 : c->final_mode;
  if (final_mode == 1) {
    b->sT = malloc((size_t)b->s_elems * sizeof(float) + CANARY);
    fill_canary(b->sT, (size_t)b->s_elems * sizeof(float));
  }
  b->g = malloc((size_t)H * sizeof(float));
  static const int layers[3] = {0, 23, 24}; /* fast, slow, none: layer_idx of 24 */
  if (c->decay < 3) {
    a->layer_idx = layers[c->decay];
    a->num_layers = 24;
    lta_seed_g_gamma(H, a->layer_idx, a->num_layers, b->g);
  } else {
    ref_retnet_g_gamma(H, b->g);
    a->g_gamma = b->g;
  }
  a->dtype = dt;
  a->batch = B;
  a->seqlen = T;
  a->num_heads = H;
  a->num_kv_heads = Hkv;
  a->head_dim_k = K;
  a->head_dim_v = V;
  a->q = b->q;
  a->k = b->k;
  a->v = b->v;
  a->o = b->o;
  a->initial_state = b->s0;
  a->final_state = final_mode == 2 ? b->s0 : b->sT;
  a->num_states = (b->s0 || a->final_state) ? N : 0;
  a->has_scale = c->scale_mode;
  a->scale = c->scale_mode ? 0.5f : 0.0f;
  a->reverse = grp->key.reverse;
  a->num_threads = c->threads;

  b->o_ref = malloc((size_t)b->o_elems * sizeof(double));
  b->s_ref = malloc((size_t)b->s_elems * sizeof(double));
  b->r = (ref_case){dt, B, T, H, Hkv, K, V, a->reverse, b->q, b->k, b->v, b->s0, b->cu, N,
                    b->g, a->has_scale ? a->scale : (float)(1.0 / sqrt((double)K)), b->o_ref,
                    b->s_ref};
}

static void teardown(problem_buffers *b) {
  free(b->q), free(b->k), free(b->v), free(b->o), free(b->s0), free(b->sT), free(b->g);
  free(b->cu), free(b->o_ref), free(b->s_ref);
}

static void describe(char *buf, size_t size, const problem_buffers *b, const sweep_case *c) {
  const lta_forward_args *a = &b->a;
  snprintf(buf, size,
           "B=%lld T=%lld%s H=%lld/%lld K=%lld V=%lld init=%d final=%s decay=%s scale=%s "
           "threads=%d",
           (long long)a->batch, (long long)a->seqlen, a->cu_seqlens ? " (varlen 4 seqs)" : "",
           (long long)a->num_heads, (long long)a->num_kv_heads, (long long)a->head_dim_k,
           (long long)a->head_dim_v, c->init,
           !a->final_state ? "none" : a->final_state == a->initial_state ? "in-place" : "separate",
           (const char *[]){"layer0/24", "layer23/24", "layer24/24", "retnet"}[c->decay],
           a->has_scale ? "0.5" : "default", c->threads);
}

static double tol_of(lta_dtype dt) {
  return dt == LTA_F32 ? TOL_F32 : dt == LTA_F16 ? TOL_F16 : TOL_BF16;
}

/* The worst errors a group saw, printed once per group so that margins show in the log. */
static double worst_o, worst_s;

/* Runs one kernel (forced to its ISA) on the case and checks it against the reference. */
static void check_kernel(problem_buffers *b, const lta_entry *e, const sweep_case *c) {
  char what[256];
  describe(what, sizeof what, b, c);
  lta_forward_args a = b->a;
  a.isa = lta_entry_is_generic(e) ? LTA_ISA_GENERIC
          : e->key.target == LTA_TARGET_AVX512 ? LTA_ISA_AVX512
          : e->key.target == LTA_TARGET_AVX2   ? LTA_ISA_AVX2
          : e->key.target == LTA_TARGET_NEON   ? LTA_ISA_NEON
                                               : LTA_ISA_SCALAR;
  const char *name = NULL;
  lta_status st = lta_forward_kernel(&a, &name);
  ck_assert_msg(st == LTA_OK, "%s: lta_forward_kernel failed: %s (%s)", e->name,
                lta_last_error(), what);
  ck_assert_msg(strcmp(name, e->name) == 0, "forcing %s ran %s instead (%s)", e->name, name,
                what);

  size_t es = ref_elem_size(a.dtype);
  /* In place: the state buffer is input and output; refill it for each kernel. */
  float *s_inplace = (a.final_state && a.final_state == a.initial_state) ? a.final_state : NULL;
  float *s0_copy = NULL;
  if (s_inplace) {
    s0_copy = malloc((size_t)b->s_elems * sizeof(float));
    memcpy(s0_copy, s_inplace, (size_t)b->s_elems * sizeof(float));
  }
  st = lta_forward(&a);
  ck_assert_msg(st == LTA_OK, "%s failed: %s (%s)", e->name, lta_last_error(), what);
  double err = ref_error(a.dtype, a.o, b->o_ref, b->o_elems);
  worst_o = err > worst_o ? err : worst_o;
  ck_assert_msg(err <= tol_of(a.dtype), "%s: output error %.3g > %.3g (%s)", e->name, err,
                tol_of(a.dtype), what);
  ck_assert_msg(canary_ok(a.o, (size_t)b->o_elems * es), "%s wrote past the end of o (%s)",
                e->name, what);
  if (a.final_state) {
    double serr = ref_error_f32(a.final_state, b->s_ref, b->s_elems);
    worst_s = serr > worst_s ? serr : worst_s;
    ck_assert_msg(serr <= TOL_F32, "%s: final state error %.3g > %.3g (%s)", e->name, serr,
                  TOL_F32, what);
    ck_assert_msg(canary_ok(a.final_state, (size_t)b->s_elems * sizeof(float)),
                  "%s wrote past the end of final_state (%s)", e->name, what);
  }
  if (s_inplace) {
    memcpy(s_inplace, s0_copy, (size_t)b->s_elems * sizeof(float));
    free(s0_copy);
  }
  fill_canary(a.o, (size_t)b->o_elems * es);
  memset(a.o, 0xFF, (size_t)b->o_elems * es); /* NaN everywhere: a skipped row shows */
}

/* LTA_SWEEP_TARGET=neon (say) checks only that target's kernels: the emulated AArch64 run
 * leaves the scalar ones to the native sweep. */
static int runs_here(const lta_entry *e) {
  const char *only = getenv("LTA_SWEEP_TARGET");
  if (only && *only && strcmp(only, lta_target_string(e->key.target)) != 0) return 0;
  return (lta_cpu_targets() >> e->key.target) & 1;
}

static void sweep_group(int gi, int slow) {
  const group *grp = &groups[gi];
  sweep_case cases[128];
  int n = make_cases(slow, gi, cases);
  long long splits = lta_time_split_count();
  int any = 0;
  for (int k = 0; k < grp->nkernels; k++) any |= runs_here(grp->kernels[k]);
  if (!any) return; /* another target's group (LTA_SWEEP_TARGET) */
  worst_o = worst_s = 0; /* per group (without Check's fork, groups share this process) */
  /* LTA_SWEEP_MAX_T: leaves out longer cases (the emulated run, where the reference is slow). */
  const char *max_env = getenv("LTA_SWEEP_MAX_T");
  int64_t max_t = max_env ? atoll(max_env) : 0;
  for (int ci = 0; ci < n; ci++) {
    if (max_t > 0 && cases[ci].T > max_t) continue;
    problem_buffers b;
    setup(&b, grp, &cases[ci], 0x1234567ull * (uint64_t)(gi + 1) + (uint64_t)ci * 7919u + slow);
    ref_forward(&b.r);
    memset(b.o, 0xFF, (size_t)b.o_elems * ref_elem_size(b.a.dtype));
    for (int k = 0; k < grp->nkernels; k++)
      if (runs_here(grp->kernels[k])) check_kernel(&b, grp->kernels[k], &cases[ci]);
    if (ci == 0) {
      /* Automatic choice: the most specialised kernel of the best target this CPU runs. */
      const char *name = NULL;
      lta_forward_args a = b.a;
      a.isa = LTA_ISA_AUTO;
      ck_assert_int_eq(lta_forward_kernel(&a, &name), LTA_OK);
      const lta_entry *best = NULL;
      for (int k = 0; k < grp->nkernels; k++)
        if (runs_here(grp->kernels[k]) &&
            (!best || grp->kernels[k]->key.target > best->key.target))
          best = grp->kernels[k];
      if (grp->key.K != 0) ck_assert_str_eq(name, best->name);
    }
    teardown(&b);
  }
  ck_assert_msg(lta_time_split_count() > splits, "no case of the group split across time");
  char key[LTA_KEY_NAME_MAX];
  lta_key k = grp->key;
  k.target = LTA_TARGET_SCALAR;
  lta_key_name(&k, key, sizeof key);
  printf("sweep %s: %s %d cases, worst error: output %.2e (tol %.0e), state %.2e (tol %.0e)\n",
         slow ? "slow" : "quick", key, n, worst_o, tol_of((lta_dtype)grp->key.dtype), worst_s,
         TOL_F32);
  fflush(stdout);
}

START_TEST(sweep_quick) { sweep_group(_i, 0); }
END_TEST

START_TEST(sweep_slow) { sweep_group(_i, 1); }
END_TEST

int main(void) {
  build_groups();
  int run = 0, skipped = 0;
  for (int g = 0; g < ngroups; g++)
    for (int k = 0; k < groups[g].nkernels; k++) {
      if (runs_here(groups[g].kernels[k])) {
        run++;
      } else {
        skipped++;
        const lta_entry *e = groups[g].kernels[k];
        if ((lta_cpu_targets() >> e->key.target) & 1)
          fprintf(stderr, "sweep: SKIPPED %s: LTA_SWEEP_TARGET=%s\n", e->name,
                  getenv("LTA_SWEEP_TARGET"));
        else
          fprintf(stderr, "sweep: SKIPPED %s: this CPU does not run %s\n", e->name,
                  lta_target_string(e->key.target));
      }
    }
  printf("sweep: %d groups, %d kernels run here, %d skipped (target not supported here)\n",
         ngroups, run, skipped);

  Suite *s = suite_create("sweep");
  TCase *quick = tcase_create("quick");
  tcase_set_timeout(quick, 600);
  tcase_add_loop_test(quick, sweep_quick, 0, ngroups);
  suite_add_tcase(s, quick);
  TCase *slow = tcase_create("slow");
  tcase_set_tags(slow, "slow");
  tcase_set_timeout(slow, 1800);
  tcase_add_loop_test(slow, sweep_slow, 0, ngroups);
  suite_add_tcase(s, slow);

  return run_suite(s, 0);
}
