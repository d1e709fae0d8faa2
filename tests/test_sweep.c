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
 * Decode kernels (op dec) get the lengths 1..8 instead, where the runtime picks them, and no
 * time split. Two more cases a group split sequences across time (more threads than items: the segment
 * scan of lta_threads.c), one of them varlen with a zero-length sequence; the test asserts
 * that the split ran.
 *   quick (default): 8 + 2 cases a group, every value of every axis at least once;
 *   slow (tag "slow"): 64 + 2 cases a group: every (T, batch kind) pair, and every combination
 *                      of heads, initial state and decay, twice over with other rotations.
 *
 * Built with LTA_SWEEP_CUDA (test_cuda_sweep), the same sweep runs the CUDA kernels: the
 * inputs are copied to the device, each kernel runs with its own choice of time segments and
 * with 3 segments forced (both paths of the time split), and the outputs come back with the
 * canary bytes after them. CUDA is initialised inside the test process (no fork). Without a
 * usable device it says so and exits 77 (skipped).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "harness.h"
#include "lta_internal.h"
#include "ref.h"

#ifdef LTA_SWEEP_CUDA
#include "cuda_util.h"
#define REGISTRY lta_cuda_registry
#else
#define REGISTRY lta_registry
#endif

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
  const lta_entry *tab = REGISTRY(&n);
  for (size_t i = 0; i < n; i++) {
    if (!sweep_wanted(tab[i].name) || tab[i].key.op >= LTA_OP_BWD) continue; /* test_backward's, test_sp's */
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
/* Decode kernels: the lengths the runtime gives them (up to LTA_DECODE_MAX_TOKENS). */
static const int64_t Ts_decode[] = {1, 2, 3, 4, 5, 6, 7, 8};
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
  int n = 0, decode = groups[g].key.op == LTA_OP_DEC;
  const int64_t *Tv = decode ? Ts_decode : Ts;
  if (!slow) {
    for (int i = 0; i < NT; i++) {
      int r = i + g; /* rotate by group, so that groups see different pairings */
      out[n++] = (sweep_case){Tv[i], r % NKIND, r % NHEADS, r % 2, (r / 2) % NDECAY, r % 3,
                              (r / 3) % 2, thread_counts[(r / 2) % 4], r % NGENERIC_DIMS};
    }
    return decode ? n : add_split_cases(g, out, n);
  }
  for (int pass = 0; pass < 2; pass++)
    for (int t = 0; t < NT; t++)
      for (int kind = 0; kind < NKIND; kind++) {
        int i = t * NKIND + kind, c = (i + 7 * pass + g) % (NHEADS * 2 * NDECAY);
        out[n++] = (sweep_case){Tv[t], kind, c % NHEADS, (c / NHEADS) % 2, c / (NHEADS * 2),
                                (i + pass) % 3, (i / 3 + pass) % 2,
                                thread_counts[(i + pass) % 4], (i + 3 * pass + g) % NGENERIC_DIMS};
      }
  return decode ? n : add_split_cases(g, out, n);
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
#ifdef LTA_SWEEP_CUDA
  lta_forward_args dev; /* the same call on device copies of the buffers */
#endif
} problem_buffers;

/* --guard=end|start: every buffer of a call (inputs and outputs) sits against a PROT_NONE page,
 * after its end or before its start, so that any access outside it faults (tests/guard.h).
 * Without it, outputs carry a canary of CANARY bytes after their end instead. */
static guard_mode guard;
#define CANARY 64 /* bytes after each output that must stay untouched */
#define CANARY_BYTES (guard ? 0 : CANARY)

static void *buf_alloc(size_t bytes) {
  void *p = guard_alloc(bytes, guard);
  if (!p) abort();
  return p;
}

static void fill_canary(void *p, size_t bytes) {
  if (!guard) memset((char *)p + bytes, 0xA5, CANARY);
}
static int canary_ok(const void *p, size_t bytes) {
  if (guard) return 1; /* the guard page faults on the first byte past the end */
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
    b->cu = buf_alloc(5 * sizeof(int64_t));
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
  b->q = buf_alloc((size_t)(rows * H * K) * es);
  b->k = buf_alloc((size_t)(rows * Hkv * K) * es);
  b->v = buf_alloc((size_t)(rows * Hkv * V) * es);
  b->o_elems = rows * H * V;
  b->o = buf_alloc((size_t)b->o_elems * es + CANARY_BYTES);
  ref_fill(&rng, dt, b->q, rows * H * K, 1.0);
  ref_fill(&rng, dt, b->k, rows * Hkv * K, 1.0);
  ref_fill(&rng, dt, b->v, rows * Hkv * V, 1.0);
  fill_canary(b->o, (size_t)b->o_elems * es);

  b->s_elems = N * H * K * V;
  if (c->init) {
    b->s0 = buf_alloc((size_t)b->s_elems * sizeof(float) + CANARY_BYTES);
    ref_fill(&rng, LTA_F32, b->s0, b->s_elems, 1.0);
    fill_canary(b->s0, (size_t)b->s_elems * sizeof(float));
  }
  int final_mode = c->final_mode == 2 && !c->init ? 1 : c->final_mode;
  if (final_mode == 1) {
    b->sT = buf_alloc((size_t)b->s_elems * sizeof(float) + CANARY_BYTES);
    fill_canary(b->sT, (size_t)b->s_elems * sizeof(float));
  }
  b->g = buf_alloc((size_t)H * sizeof(float));
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
  guard_free(b->q), guard_free(b->k), guard_free(b->v), guard_free(b->o), guard_free(b->s0);
  guard_free(b->sT), guard_free(b->g), guard_free(b->cu);
  free(b->o_ref), free(b->s_ref);
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

/* The worst errors a group saw, printed once per group so that margins show in the log. */
static double worst_o, worst_s;

#ifdef LTA_SWEEP_CUDA
/* Device copies of the case's buffers (outputs with their canary bytes). */
static void to_device(problem_buffers *b) {
  lta_forward_args *a = &b->a, *d = &b->dev;
  size_t es = ref_elem_size(a->dtype), sb = (size_t)b->s_elems * sizeof(float);
  int64_t rows = a->batch * a->seqlen;
  *d = *a;
  d->device = LTA_DEVICE_CUDA;
  d->q = dev_copy(a->q, (size_t)(rows * a->num_heads * a->head_dim_k) * es);
  d->k = dev_copy(a->k, (size_t)(rows * a->num_kv_heads * a->head_dim_k) * es);
  d->v = dev_copy(a->v, (size_t)(rows * a->num_kv_heads * a->head_dim_v) * es);
  d->o = dev_copy(a->o, (size_t)b->o_elems * es + CANARY);
  d->initial_state = dev_copy(a->initial_state, sb + CANARY);
  d->final_state = a->final_state == a->initial_state ? (float *)d->initial_state
                                                       : dev_copy(a->final_state, sb + CANARY);
  d->cu_seqlens = dev_copy(a->cu_seqlens, (size_t)(a->num_seqs + 1) * sizeof(int64_t));
}

static void free_device(problem_buffers *b) {
  lta_forward_args *d = &b->dev;
  cudaFree((void *)d->q), cudaFree((void *)d->k), cudaFree((void *)d->v), cudaFree(d->o);
  if (d->final_state != d->initial_state) cudaFree(d->final_state);
  cudaFree((void *)d->initial_state), cudaFree((void *)d->cu_seqlens);
}

/* Runs kernel e on the device copies and brings o and the final state (canaries included)
 * back into the host buffers of a. The device outputs start as the host ones: NaN + canary. */
static lta_status run_cuda(problem_buffers *b, const lta_forward_args *a, const lta_entry *e,
                           int segments, int flags, const float *s0_host) {
  const lta_forward_args *d = &b->dev;
  size_t ob = (size_t)b->o_elems * ref_elem_size(a->dtype) + CANARY;
  size_t sb = (size_t)b->s_elems * sizeof(float) + CANARY;
  CU(cudaMemcpy(d->o, a->o, ob, cudaMemcpyHostToDevice));
  if (d->final_state && d->final_state == d->initial_state) /* its canary stays from to_device */
    CU(cudaMemcpy(d->final_state, s0_host, sb - CANARY, cudaMemcpyHostToDevice));
  else if (d->final_state)
    CU(cudaMemcpy(d->final_state, a->final_state, sb, cudaMemcpyHostToDevice));
  lta_status st = lta_forward_entry(d, e, segments, flags);
  CU(cudaDeviceSynchronize());
  CU(cudaMemcpy(a->o, d->o, ob, cudaMemcpyDeviceToHost));
  if (d->final_state) CU(cudaMemcpy(a->final_state, d->final_state, sb, cudaMemcpyDeviceToHost));
  return st;
}
#endif

/* Runs one kernel (forced to its ISA) on the case and checks it against the reference. flags:
 * LTA_PASS_STATES_ONLY (CUDA), where o may hold anything but the final state must be right. */
static void check_kernel(problem_buffers *b, const lta_entry *e, const sweep_case *c,
                         int segments, int flags) {
  char what[300];
  describe(what, sizeof what, b, c);
#ifdef LTA_SWEEP_CUDA
  snprintf(what + strlen(what), sizeof what - strlen(what), " segments=%d%s%s", segments,
           segments ? "" : " (automatic)", flags ? " states only" : "");
#endif
  lta_forward_args a = b->a;
  a.isa = entry_isa(e);
#ifndef LTA_SWEEP_CUDA
  const char *name = NULL;
  lta_status st = lta_forward_kernel(&a, &name);
  ck_assert_msg(st == LTA_OK, "%s: lta_forward_kernel failed: %s (%s)", e->name,
                lta_last_error(), what);
  /* Short sequences take a decode kernel: a forward kernel is then run by force. */
  int by_force = e->key.op == LTA_OP_FWD && strncmp(name, "lta_dec_", 8) == 0;
  ck_assert_msg(by_force || strcmp(name, e->name) == 0, "forcing %s ran %s instead (%s)",
                e->name, name, what);
  (void)segments, (void)flags;
#else
  lta_status st;
#endif

  size_t es = ref_elem_size(a.dtype);
  /* In place: the state buffer is input and output; refill it for each kernel. */
  float *s_inplace = (a.final_state && a.final_state == a.initial_state) ? a.final_state : NULL;
  float *s0_copy = NULL;
  if (s_inplace) {
    s0_copy = malloc((size_t)b->s_elems * sizeof(float));
    memcpy(s0_copy, s_inplace, (size_t)b->s_elems * sizeof(float));
  }
#ifdef LTA_SWEEP_CUDA
  st = run_cuda(b, &a, e, segments, flags, s0_copy);
#else
  st = by_force ? lta_forward_entry(&a, e, 0, 0) : lta_forward(&a);
#endif
  ck_assert_msg(st == LTA_OK, "%s failed: %s (%s)", e->name, lta_last_error(), what);
  if (!(flags & LTA_PASS_STATES_ONLY)) {
    double err = ref_error(a.dtype, a.o, b->o_ref, b->o_elems);
    worst_o = err > worst_o ? err : worst_o;
    ck_assert_msg(err <= ref_tol(a.dtype), "%s: output error %.3g > %.3g (%s)", e->name, err,
                  ref_tol(a.dtype), what);
  }
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

/* The targets this machine runs: the CPU's, or in the CUDA build the device's. */
static unsigned machine_targets(void) {
#ifdef LTA_SWEEP_CUDA
  lta_status st;
  return lta_cuda_targets(&st, "sweep");
#else
  return lta_cpu_targets();
#endif
}

/* LTA_SWEEP_TARGET=neon (say) checks only that target's kernels: the emulated AArch64 run
 * leaves the scalar ones to the native sweep. */
static int runs_here(const lta_entry *e) {
  const char *only = getenv("LTA_SWEEP_TARGET");
  if (only && *only && strcmp(only, lta_target_string(e->key.target)) != 0) return 0;
  return (machine_targets() >> e->key.target) & 1;
}

static void sweep_group(int gi, int slow) {
  const group *grp = &groups[gi];
  worst_o = worst_s = 0.0;
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
  int auto_checked = 0;
  for (int ci = 0; ci < n; ci++) {
    if (max_t > 0 && cases[ci].T > max_t) continue;
    problem_buffers b;
    setup(&b, grp, &cases[ci], 0x1234567ull * (uint64_t)(gi + 1) + (uint64_t)ci * 7919u + slow);
    ref_forward(&b.r);
    memset(b.o, 0xFF, (size_t)b.o_elems * ref_elem_size(b.a.dtype));
#ifdef LTA_SWEEP_CUDA
    to_device(&b);
    for (int k = 0; k < grp->nkernels; k++)
      if (runs_here(grp->kernels[k])) {
        check_kernel(&b, grp->kernels[k], &cases[ci], 0, 0);
        check_kernel(&b, grp->kernels[k], &cases[ci], 3, 0);
        /* The final state alone (sequence parallelism's local step), one and three runs. */
        if (b.a.final_state && grp->key.op == LTA_OP_FWD) {
          check_kernel(&b, grp->kernels[k], &cases[ci], 1, LTA_PASS_STATES_ONLY);
          check_kernel(&b, grp->kernels[k], &cases[ci], 3, LTA_PASS_STATES_ONLY);
        }
      }
#else
    for (int k = 0; k < grp->nkernels; k++)
      if (runs_here(grp->kernels[k])) check_kernel(&b, grp->kernels[k], &cases[ci], 0, 0);
#endif
    /* The automatic choice, once a group: a decode group at its first case, a forward group at
     * its first case longer than decode's (not a decode call). */
    if (!auto_checked && (grp->key.op == LTA_OP_DEC || cases[ci].T > LTA_DECODE_MAX_TOKENS)) {
      auto_checked = 1;
      /* Automatic choice: the most specialised kernel of the best target this CPU runs. */
      const char *name = NULL;
#ifdef LTA_SWEEP_CUDA
      lta_forward_args a = b.dev;
#else
      lta_forward_args a = b.a;
#endif
      a.isa = LTA_ISA_AUTO;
      ck_assert_int_eq(lta_forward_kernel(&a, &name), LTA_OK);
      const lta_entry *best = NULL;
      for (int k = 0; k < grp->nkernels; k++)
        if (runs_here(grp->kernels[k]) &&
            (!best || grp->kernels[k]->key.target > best->key.target))
          best = grp->kernels[k];
      const char *filter = getenv("LTA_SWEEP_KERNELS");
      if (grp->key.K != 0 && !(filter && *filter)) ck_assert_str_eq(name, best->name);
    }
#ifdef LTA_SWEEP_CUDA
    free_device(&b);
#endif
    teardown(&b);
  }
#ifndef LTA_SWEEP_CUDA
  if (grp->key.op != LTA_OP_DEC)
    ck_assert_msg(lta_time_split_count() > splits, "no case of the group split across time");
#else
  (void)splits; /* the CUDA split is run by forcing 3 segments above */
#endif
  char key[LTA_KEY_NAME_MAX];
  lta_key k = grp->key;
  k.target = grp->kernels[0]->key.target; /* the group's name: its first kernel's */
  lta_key_name(&k, key, sizeof key);
  printf("sweep %s%s%s: %s %d cases, worst error: output %.2e (tol %.0e), state %.2e (tol %.0e)\n",
         slow ? "slow" : "quick", guard ? ", guard " : "", guard ? guard_mode_name(guard) : "",
         key, n, worst_o, ref_tol((lta_dtype)grp->key.dtype), worst_s,
         TOL_F32);
  fflush(stdout);
}

START_TEST(sweep_quick) { sweep_group(_i, 0); }
END_TEST

START_TEST(sweep_slow) { sweep_group(_i, 1); }
END_TEST

int main(int argc, char **argv) {
#ifdef LTA_SWEEP_CUDA
  if (cuda_missing("cuda sweep")) return 77;
#endif
  for (int i = 1; i < argc; i++) {
    int m = strncmp(argv[i], "--guard=", 8) == 0 ? guard_mode_parse(argv[i] + 8) : -1;
    if (m < 0) {
      fprintf(stderr, "usage: test_sweep [--guard=end|start|none]\n");
      return 2;
    }
    guard = (guard_mode)m;
  }
  if (guard)
    printf("sweep: every buffer placed with a PROT_NONE page %s it\n",
           guard == GUARD_END ? "right after its end" : "right before its start");
  build_groups();
  int run = 0, skipped = 0;
  for (int g = 0; g < ngroups; g++)
    for (int k = 0; k < groups[g].nkernels; k++) {
      if (runs_here(groups[g].kernels[k])) {
        run++;
      } else {
        skipped++;
        const lta_entry *e = groups[g].kernels[k];
        if ((machine_targets() >> e->key.target) & 1)
          fprintf(stderr, "sweep: SKIPPED %s: LTA_SWEEP_TARGET=%s\n", e->name,
                  getenv("LTA_SWEEP_TARGET"));
        else
          fprintf(stderr, "sweep: SKIPPED %s: this machine does not run %s\n", e->name,
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

#ifdef LTA_SWEEP_CUDA
  return run_suite(s, 1); /* a CUDA context does not survive fork */
#else
  return run_suite(s, 0);
#endif
}
