/* test_api.c: the public API's argument checking (SPEC section 5) and its small promises.
 *
 * Every rejection test starts from one small valid call (f32, B=2, T=5, H=4 on Hkv=2, K=V=8,
 * seed decay of layer 3 of 24, both states given) and changes exactly one thing. A rejection
 * must return its exact status, leave a message "lta_forward: ..." naming the argument and its
 * value, agree with lta_forward_kernel(), and write nothing: outputs are canary bytes, and every
 * buffer (inputs too) must read the same before and after. The positive tests check the valid
 * call against the double-precision reference (tests/ref.h) and the documented extras: in-place
 * state, explicit decay and scale, kernel name, thread-count determinism, names, versions, and
 * per-thread messages.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lightattn.h"
#include "ref.h"

#define CANARY 0x5A
/* Bytes past every buffer's end: the outputs' canary tail, and room for the aliasing tests'
 * spans that reach past a smaller buffer, so that a library bug fails a test, not the heap. */
#define SLACK 4096
#define TOL 2e-5 /* f32, SPEC section 4 */

enum { NB = 2, NT = 5, NH = 4, NHKV = 2, DK = 8, DV = 8, NS = NB };
enum { BUF_Q, BUF_K, BUF_V, BUF_O, BUF_S0, BUF_ST, BUF_G, BUF_CU, NBUF };

typedef struct buffer {
  unsigned char *p;
  size_t bytes; /* the data; SLACK more bytes follow */
  int output;
} buffer;

/* The valid call and its buffers; rebuilt for every test (Check forks each one). */
static lta_forward_args base;
static buffer bufs[NBUF];
#define Q ((float *)bufs[BUF_Q].p)
#define KB ((float *)bufs[BUF_K].p)
#define VB ((float *)bufs[BUF_V].p)
#define O ((float *)bufs[BUF_O].p)
#define S0 ((float *)bufs[BUF_S0].p)
#define ST ((float *)bufs[BUF_ST].p)
#define G ((float *)bufs[BUF_G].p) /* the seed's decay of the valid call, for the reference */
#define CU ((int64_t *)bufs[BUF_CU].p)
#define O_ELEMS (NB * NT * NH * DV)
#define S_ELEMS (NS * NH * DK * DV)

static void *alloc_buf(int i, size_t bytes, int output) {
  buffer *b = &bufs[i];
  b->bytes = bytes;
  b->output = output;
  b->p = malloc(bytes + SLACK);
  ck_assert(b->p);
  memset(b->p, CANARY, bytes + SLACK);
  return b->p;
}

static void setup(void) {
  ref_rng rng = {0x5eedull};
  ref_fill(&rng, LTA_F32, alloc_buf(BUF_Q, NB * NT * NH * DK * 4, 0), NB * NT * NH * DK, 1.0);
  ref_fill(&rng, LTA_F32, alloc_buf(BUF_K, NB * NT * NHKV * DK * 4, 0), NB * NT * NHKV * DK, 1.0);
  ref_fill(&rng, LTA_F32, alloc_buf(BUF_V, NB * NT * NHKV * DV * 4, 0), NB * NT * NHKV * DV, 1.0);
  ref_fill(&rng, LTA_F32, alloc_buf(BUF_S0, S_ELEMS * 4, 0), S_ELEMS, 1.0);
  alloc_buf(BUF_O, O_ELEMS * 4, 1);
  alloc_buf(BUF_ST, S_ELEMS * 4, 1);
  alloc_buf(BUF_G, NH * 4, 0);
  alloc_buf(BUF_CU, 3 * sizeof(int64_t), 0);
  ck_assert_int_eq(lta_seed_g_gamma(NH, 3, 24, G), LTA_OK);

  lta_forward_args_init(&base);
  base.dtype = LTA_F32;
  base.batch = NB;
  base.seqlen = NT;
  base.num_heads = NH;
  base.num_kv_heads = NHKV;
  base.head_dim_k = DK;
  base.head_dim_v = DV;
  base.q = Q;
  base.k = KB;
  base.v = VB;
  base.o = O;
  base.initial_state = S0;
  base.final_state = ST;
  base.num_states = NS;
  base.layer_idx = 3;
  base.num_layers = 24;
  /* A mutation only proves something if the call it mutates is accepted. */
  const char *name = NULL;
  ck_assert_msg(lta_forward_kernel(&base, &name) == LTA_OK, "the valid base call is rejected: %s",
                lta_last_error());
}

static void teardown(void) {
  for (int i = 0; i < NBUF; i++) free(bufs[i].p);
}

/* ---- rejection ---- */

static unsigned char **snapshot(void) {
  unsigned char **s = malloc(NBUF * sizeof *s);
  for (int i = 0; i < NBUF; i++) {
    s[i] = malloc(bufs[i].bytes + SLACK);
    memcpy(s[i], bufs[i].p, bufs[i].bytes + SLACK);
  }
  return s;
}

static void check_untouched(unsigned char **before, const char *fn, const char *what) {
  static const char *const names[NBUF] = {"q", "k", "v", "o", "initial_state", "final_state",
                                          "g_gamma", "cu_seqlens"};
  for (int i = 0; i < NBUF; i++) {
    size_t n = bufs[i].bytes + SLACK;
    if (bufs[i].output)
      for (size_t j = 0; j < n; j++)
        ck_assert_msg(bufs[i].p[j] == CANARY, "%s: rejected %s wrote %s byte %zu (of %zu + tail)",
                      what, fn, names[i], j, bufs[i].bytes);
    ck_assert_msg(memcmp(before[i], bufs[i].p, n) == 0, "%s: rejected %s changed the %s buffer",
                  what, fn, names[i]);
  }
}

static void check_message(const char *fn, const char *what, va_list subs) {
  const char *msg = lta_last_error();
  char prefix[64];
  snprintf(prefix, sizeof prefix, "%s: ", fn);
  ck_assert_msg(strncmp(msg, prefix, strlen(prefix)) == 0,
                "%s: %s message '%s' does not start with '%s'", what, fn, msg, prefix);
  for (const char *s; (s = va_arg(subs, const char *));)
    ck_assert_msg(strstr(msg, s), "%s: %s message '%s' lacks '%s'", what, fn, msg, s);
}

/* a (possibly NULL) must be rejected with want by lta_forward and lta_forward_kernel, with
 * messages containing every substring (NULL-terminated), writing nothing. */
static void expect_reject_(const lta_forward_args *a, const char *what, lta_status want, ...) {
  va_list subs;
  unsigned char **before = snapshot();
  lta_status st = lta_forward(a);
  ck_assert_msg(st == want, "%s: lta_forward returned %s, want %s (message '%s')", what,
                lta_status_name(st), lta_status_name(want), lta_last_error());
  va_start(subs, want);
  check_message("lta_forward", what, subs);
  va_end(subs);
  check_untouched(before, "lta_forward", what);

  const char *name = "unset";
  st = lta_forward_kernel(a, &name);
  ck_assert_msg(st == want, "%s: lta_forward_kernel returned %s, lta_forward %s", what,
                lta_status_name(st), lta_status_name(want));
  ck_assert_msg(name == NULL, "%s: rejected lta_forward_kernel left name='%s'", what, name);
  va_start(subs, want);
  check_message("lta_forward_kernel", what, subs);
  va_end(subs);
  check_untouched(before, "lta_forward_kernel", what);
  for (int i = 0; i < NBUF; i++) free(before[i]);
  free(before);
}
#define expect_reject(a, what, want, ...) \
  expect_reject_(a, what, want, __VA_ARGS__, (const char *)NULL)

/* The most common case: the mutation's description is the "name=value" the message must hold. */
#define reject_named(a, want, name_value) expect_reject(a, name_value, want, name_value)

/* ---- null ---- */

START_TEST(null_args) { expect_reject(NULL, "args=NULL", LTA_ERR_NULL, "args=NULL"); }
END_TEST

static const struct { const char *name; size_t offset; } pointers[] = {
    {"q", offsetof(lta_forward_args, q)},
    {"k", offsetof(lta_forward_args, k)},
    {"v", offsetof(lta_forward_args, v)},
    {"o", offsetof(lta_forward_args, o)}};

START_TEST(null_pointer) {
  lta_forward_args a = base;
  *(void **)((char *)&a + pointers[_i].offset) = NULL;
  char what[32];
  snprintf(what, sizeof what, "%s=NULL", pointers[_i].name);
  reject_named(&a, LTA_ERR_NULL, what);
}
END_TEST

START_TEST(null_kernel_name) {
  lta_status st = lta_forward_kernel(&base, NULL);
  ck_assert_msg(st == LTA_ERR_NULL, "lta_forward_kernel name=NULL: returned %s",
                lta_status_name(st));
  ck_assert_msg(strstr(lta_last_error(), "name=NULL"), "lta_forward_kernel name=NULL: message '%s'",
                lta_last_error());
}
END_TEST

/* ---- sizes ---- */

static const struct { const char *name; size_t offset; int64_t value; } bad_sizes[] = {
    {"batch", offsetof(lta_forward_args, batch), 0},
    {"batch", offsetof(lta_forward_args, batch), -1},
    {"seqlen", offsetof(lta_forward_args, seqlen), 0},
    {"num_heads", offsetof(lta_forward_args, num_heads), 0},
    {"num_heads", offsetof(lta_forward_args, num_heads), 1LL << 31},
    {"num_kv_heads", offsetof(lta_forward_args, num_kv_heads), 0},
    {"num_kv_heads", offsetof(lta_forward_args, num_kv_heads), -2},
    {"head_dim_k", offsetof(lta_forward_args, head_dim_k), 0},
    {"head_dim_v", offsetof(lta_forward_args, head_dim_v), -1},
    {"head_dim_k", offsetof(lta_forward_args, head_dim_k), LTA_MAX_HEAD_DIM + 1},
    {"head_dim_v", offsetof(lta_forward_args, head_dim_v), LTA_MAX_HEAD_DIM + 1}};

START_TEST(size_bad) {
  lta_forward_args a = base;
  *(int64_t *)((char *)&a + bad_sizes[_i].offset) = bad_sizes[_i].value;
  char what[64];
  snprintf(what, sizeof what, "%s=%lld", bad_sizes[_i].name, (long long)bad_sizes[_i].value);
  reject_named(&a, LTA_ERR_SIZE, what);
}
END_TEST

/* 2^80 rows: the buffers are tiny, so a call that skipped the overflow check would fault. */
START_TEST(size_overflow) {
  lta_forward_args a = base;
  a.batch = a.seqlen = 1LL << 40;
  expect_reject(&a, "batch = seqlen = 2^40", LTA_ERR_SIZE, "batch=1099511627776",
                "seqlen=1099511627776");
}
END_TEST

START_TEST(size_threads_negative) {
  lta_forward_args a = base;
  a.num_threads = -1;
  reject_named(&a, LTA_ERR_SIZE, "num_threads=-1");
}
END_TEST

START_TEST(size_threads_too_many) {
  lta_forward_args a = base;
  a.num_threads = LTA_MAX_THREADS + 1;
  char want[64];
  snprintf(want, sizeof want, "num_threads=%d", LTA_MAX_THREADS + 1);
  reject_named(&a, LTA_ERR_SIZE, want);
}
END_TEST

START_TEST(size_threads_env) {
  setenv("LTA_NUM_THREADS", "abc", 1);
  lta_forward_args a = base;
  a.num_threads = 0;
  reject_named(&a, LTA_ERR_SIZE, "LTA_NUM_THREADS='abc'");
  unsetenv("LTA_NUM_THREADS");
}
END_TEST

/* ---- heads ---- */

START_TEST(heads_not_divisor) {
  lta_forward_args a = base;
  a.num_heads = 8;
  a.num_kv_heads = 3;
  expect_reject(&a, "num_heads=8 num_kv_heads=3", LTA_ERR_HEADS, "num_kv_heads=3",
                "num_heads=8");
}
END_TEST

START_TEST(heads_more_kv) {
  lta_forward_args a = base;
  a.num_heads = 2;
  a.num_kv_heads = 4;
  expect_reject(&a, "num_heads=2 num_kv_heads=4", LTA_ERR_HEADS, "num_kv_heads=4",
                "num_heads=2");
}
END_TEST

/* ---- seqlens ---- */

/* The same buffers as one packed batch of two sequences (3 and 7 tokens), checked valid. */
static lta_forward_args varlen_call(void) {
  lta_forward_args a = base;
  CU[0] = 0, CU[1] = 3, CU[2] = NB * NT;
  a.batch = 1;
  a.seqlen = NB * NT;
  a.cu_seqlens = CU;
  a.num_seqs = 2;
  const char *name;
  ck_assert_msg(lta_forward_kernel(&a, &name) == LTA_OK, "the valid varlen call is rejected: %s",
                lta_last_error());
  return a;
}

START_TEST(seqlens_first_not_zero) {
  lta_forward_args a = varlen_call();
  CU[0] = 1;
  reject_named(&a, LTA_ERR_SEQLENS, "cu_seqlens[0]=1");
}
END_TEST

START_TEST(seqlens_decreasing) {
  lta_forward_args a = varlen_call();
  CU[1] = 11; /* cu[2] = 10 < 11 */
  reject_named(&a, LTA_ERR_SEQLENS, "cu_seqlens[2]=10");
}
END_TEST

START_TEST(seqlens_last_not_seqlen) {
  lta_forward_args a = varlen_call();
  CU[2] = 9;
  expect_reject(&a, "cu_seqlens[2]=9 with seqlen=10", LTA_ERR_SEQLENS, "cu_seqlens[2]=9",
                "seqlen=10");
}
END_TEST

START_TEST(seqlens_batch) {
  lta_forward_args a = varlen_call();
  a.batch = 2;
  reject_named(&a, LTA_ERR_SEQLENS, "batch=2");
}
END_TEST

START_TEST(seqlens_num_seqs_zero) {
  lta_forward_args a = varlen_call();
  a.num_seqs = 0;
  reject_named(&a, LTA_ERR_SEQLENS, "num_seqs=0");
}
END_TEST

START_TEST(seqlens_num_seqs_without_cu) {
  lta_forward_args a = base;
  a.num_seqs = 2;
  reject_named(&a, LTA_ERR_SEQLENS, "num_seqs=2");
}
END_TEST

/* ---- states ---- */

START_TEST(states_count) {
  lta_forward_args a = base;
  a.num_states = 3;
  reject_named(&a, LTA_ERR_STATE, "num_states=3");
}
END_TEST

START_TEST(states_count_zero) {
  lta_forward_args a = base;
  a.num_states = 0;
  reject_named(&a, LTA_ERR_STATE, "num_states=0");
}
END_TEST

START_TEST(states_partial_overlap) {
  lta_forward_args a = base;
  a.final_state = S0 + 1;
  char fin[64], init[64];
  snprintf(fin, sizeof fin, "final_state=%p", (void *)a.final_state);
  snprintf(init, sizeof init, "initial_state=%p", (void *)S0);
  expect_reject(&a, "final_state = initial_state + 1 float", LTA_ERR_STATE, fin, init);
}
END_TEST

/* ---- decay ---- */

START_TEST(decay_num_layers_zero) {
  lta_forward_args a = base;
  a.num_layers = 0;
  reject_named(&a, LTA_ERR_DECAY, "num_layers=0");
}
END_TEST

START_TEST(decay_num_layers_negative) {
  lta_forward_args a = base;
  a.num_layers = -1;
  reject_named(&a, LTA_ERR_DECAY, "num_layers=-1");
}
END_TEST

START_TEST(decay_layer_negative) {
  lta_forward_args a = base;
  a.layer_idx = -1;
  reject_named(&a, LTA_ERR_DECAY, "layer_idx=-1");
}
END_TEST

START_TEST(decay_layer_past_last) {
  lta_forward_args a = base;
  a.layer_idx = 25;
  reject_named(&a, LTA_ERR_DECAY, "layer_idx=25");
}
END_TEST

static const struct { int head; float value; const char *printed; } bad_gammas[] = {
    {2, 0.5f, "g_gamma[2]=0.5"}, {1, NAN, "g_gamma[1]=nan"}, {3, -INFINITY, "g_gamma[3]=-inf"}};

START_TEST(decay_g_gamma_bad) {
  lta_forward_args a = base;
  a.g_gamma = G; /* valid seed values but one */
  G[bad_gammas[_i].head] = bad_gammas[_i].value;
  reject_named(&a, LTA_ERR_DECAY, bad_gammas[_i].printed);
}
END_TEST

static void expect_seed_reject(int64_t num_heads, int layer_idx, int num_layers, float *out,
                               lta_status want, const char *printed) {
  float sentinel;
  memset(&sentinel, CANARY, sizeof sentinel);
  for (int h = 0; h < NH; h++) G[h] = sentinel;
  lta_status st = lta_seed_g_gamma(num_heads, layer_idx, num_layers, out);
  ck_assert_msg(st == want, "lta_seed_g_gamma %s: returned %s, want %s", printed,
                lta_status_name(st), lta_status_name(want));
  const char *msg = lta_last_error();
  ck_assert_msg(strncmp(msg, "lta_seed_g_gamma: ", 18) == 0 && strstr(msg, printed),
                "lta_seed_g_gamma %s: message '%s'", printed, msg);
  for (int i = 0; i < NH; i++)
    ck_assert_msg(memcmp(&G[i], &sentinel, sizeof sentinel) == 0,
                  "lta_seed_g_gamma %s: wrote g_gamma[%d]", printed, i);
}

START_TEST(decay_seed_bad) {
  expect_seed_reject(0, 3, 24, G, LTA_ERR_SIZE, "num_heads=0");
  expect_seed_reject(NH, 3, 24, NULL, LTA_ERR_NULL, "g_gamma=NULL");
  expect_seed_reject(NH, 3, 0, G, LTA_ERR_DECAY, "num_layers=0");
  expect_seed_reject(NH, 25, 24, G, LTA_ERR_DECAY, "layer_idx=25");
}
END_TEST

/* ---- scale ---- */

static const struct { float value; const char *printed; } bad_scales[] = {
    {0.0f, "scale=0"}, {-1.0f, "scale=-1"}, {NAN, "scale=nan"}, {INFINITY, "scale=inf"}};

START_TEST(scale_bad) {
  lta_forward_args a = base;
  a.has_scale = 1;
  a.scale = bad_scales[_i].value;
  reject_named(&a, LTA_ERR_SCALE, bad_scales[_i].printed);
}
END_TEST

/* ---- dtype ---- */

START_TEST(dtype_bad) {
  static const int values[] = {0, 7};
  lta_forward_args a = base;
  a.dtype = (lta_dtype)values[_i];
  char what[32];
  snprintf(what, sizeof what, "dtype=%d", values[_i]);
  reject_named(&a, LTA_ERR_DTYPE, what);
}
END_TEST

/* ---- isa ---- */

START_TEST(isa_unknown) {
  lta_forward_args a = base;
  a.isa = (lta_isa)99;
  reject_named(&a, LTA_ERR_UNSUPPORTED, "isa=99");
}
END_TEST

START_TEST(isa_missing) {
  static const lta_isa candidates[] = {LTA_ISA_AVX512, LTA_ISA_NEON, LTA_ISA_AVX2};
  lta_isa missing = LTA_ISA_AUTO;
  for (size_t i = 0; i < 3 && missing == LTA_ISA_AUTO; i++)
    if (!lta_isa_supported(candidates[i])) missing = candidates[i];
  if (missing == LTA_ISA_AUTO) {
    printf("isa_missing: skipped, this CPU supports avx512, neon and avx2\n");
    return;
  }
  lta_forward_args a = base;
  a.isa = missing;
  char what[32];
  snprintf(what, sizeof what, "isa=%s", lta_isa_name(missing));
  reject_named(&a, LTA_ERR_UNSUPPORTED, what);
}
END_TEST

START_TEST(isa_env_bogus) {
  setenv("LTA_ISA", "bogus", 1);
  reject_named(&base, LTA_ERR_UNSUPPORTED, "LTA_ISA='bogus'");
  unsetenv("LTA_ISA");
}
END_TEST

/* ---- alias ---- */

static void expect_alias(lta_forward_args *a, const char *out, const void *out_ptr,
                         const char *in, const void *in_ptr) {
  char what[64], o[64], i[64];
  snprintf(what, sizeof what, "%s overlapping %s", out, in);
  snprintf(o, sizeof o, "%s=%p", out, out_ptr);
  snprintf(i, sizeof i, "%s=%p", in, in_ptr);
  expect_reject(a, what, LTA_ERR_ALIAS, o, i);
}

START_TEST(alias_o_q) {
  lta_forward_args a = base;
  a.o = Q + 4;
  expect_alias(&a, "o", a.o, "q", Q);
}
END_TEST

START_TEST(alias_final_k) {
  lta_forward_args a = base;
  a.final_state = KB;
  expect_alias(&a, "final_state", KB, "k", KB);
}
END_TEST

START_TEST(alias_o_final) {
  lta_forward_args a = base;
  a.o = ST + 8;
  expect_alias(&a, "o", a.o, "final_state", ST);
}
END_TEST

/* ---- success ---- */

/* Checks a's outputs against the reference run on initial state s0, decays g and scale. */
static void expect_reference(const lta_forward_args *a, const float *s0, const float *g,
                             float scale, const char *what) {
  int64_t n = a->cu_seqlens ? a->num_seqs : a->batch, rows = a->batch * a->seqlen;
  double *o_ref = malloc((size_t)(rows * NH * DV) * sizeof(double));
  double *s_ref = malloc((size_t)(n * NH * DK * DV) * sizeof(double));
  ref_case r = {LTA_F32, a->batch, a->seqlen, NH,  NHKV,  DK,    DV, 0, a->q, a->k,
                a->v,    s0,       a->cu_seqlens, n, g, scale, o_ref, s_ref};
  ref_forward(&r);
  double eo = ref_error(LTA_F32, a->o, o_ref, rows * NH * DV);
  ck_assert_msg(eo <= TOL, "%s: output error %.3g > %.0e", what, eo, TOL);
  double es = ref_error_f32(a->final_state, s_ref, n * NH * DK * DV);
  ck_assert_msg(es <= TOL, "%s: final state error %.3g > %.0e", what, es, TOL);
  free(o_ref);
  free(s_ref);
}

static void run_ok(const lta_forward_args *a, const char *what) {
  lta_status st = lta_forward(a);
  ck_assert_msg(st == LTA_OK, "%s: lta_forward returned %s: %s", what, lta_status_name(st),
                lta_last_error());
  static const int outputs[] = {BUF_O, BUF_ST};
  for (int i = 0; i < 2; i++) {
    const buffer *b = &bufs[outputs[i]];
    for (size_t j = 0; j < SLACK; j++)
      ck_assert_msg(b->p[b->bytes + j] == CANARY, "%s: wrote past the end of %s", what,
                    i == 0 ? "o" : "final_state");
  }
}

static float default_scale(void) { return (float)(1.0 / sqrt((double)DK)); }

START_TEST(valid_matches_reference) {
  run_ok(&base, "valid call");
  expect_reference(&base, S0, G, default_scale(), "valid call");
}
END_TEST

START_TEST(valid_varlen) {
  lta_forward_args a = varlen_call();
  run_ok(&a, "varlen 3+7 tokens");
  expect_reference(&a, S0, G, default_scale(), "varlen 3+7 tokens");
}
END_TEST

START_TEST(valid_state_in_place) {
  run_ok(&base, "separate states");
  float *o_sep = malloc(O_ELEMS * 4), *s = malloc(S_ELEMS * 4);
  memcpy(o_sep, O, O_ELEMS * 4);
  memcpy(s, S0, S_ELEMS * 4);
  memset(O, CANARY, O_ELEMS * 4);
  lta_forward_args a = base;
  a.initial_state = a.final_state = s;
  run_ok(&a, "initial_state == final_state");
  ck_assert_msg(memcmp(o_sep, O, O_ELEMS * 4) == 0, "in-place state: o differs from separate");
  ck_assert_msg(memcmp(ST, s, S_ELEMS * 4) == 0, "in-place state: state differs from separate");
  free(o_sep);
  free(s);
}
END_TEST

START_TEST(valid_g_gamma) {
  lta_forward_args a = base;
  ref_retnet_g_gamma(NH, G);
  a.g_gamma = G;
  run_ok(&a, "explicit RetNet g_gamma");
  expect_reference(&a, S0, G, default_scale(), "explicit RetNet g_gamma");
}
END_TEST

START_TEST(valid_scale_one) {
  run_ok(&base, "default scale");
  float *o_default = malloc(O_ELEMS * 4);
  memcpy(o_default, O, O_ELEMS * 4);
  lta_forward_args a = base;
  a.has_scale = 1;
  a.scale = 1.0f;
  run_ok(&a, "scale=1");
  ck_assert_msg(memcmp(o_default, O, O_ELEMS * 4) != 0, "scale=1 gives the default-scale output");
  expect_reference(&a, S0, G, 1.0f, "scale=1");
  free(o_default);
}
END_TEST

START_TEST(valid_kernel_name) {
  const char *name = NULL;
  ck_assert_int_eq(lta_forward_kernel(&base, &name), LTA_OK);
  /* No kernel is generated for K=V=8, so only the generic one applies. */
  ck_assert_msg(name && strcmp(name, "lta_fwd_f32_kany_vany__scalar") == 0,
                "K=V=8 f32 chose kernel '%s', want the generic one", name ? name : "(null)");
}
END_TEST

START_TEST(valid_threads_deterministic) {
  static const int counts[] = {1, 2, 7};
  float *o_first = malloc(O_ELEMS * 4), *s_first = malloc(S_ELEMS * 4);
  for (int i = 0; i < 3; i++) {
    lta_forward_args a = base;
    a.num_threads = counts[i];
    memset(O, CANARY, O_ELEMS * 4);
    memset(ST, CANARY, S_ELEMS * 4);
    run_ok(&a, "num_threads 1, 2, 7");
    if (i == 0) {
      memcpy(o_first, O, O_ELEMS * 4);
      memcpy(s_first, ST, S_ELEMS * 4);
    }
    ck_assert_msg(memcmp(o_first, O, O_ELEMS * 4) == 0 && memcmp(s_first, ST, S_ELEMS * 4) == 0,
                  "num_threads=%d differs from num_threads=1", counts[i]);
  }
  free(o_first);
  free(s_first);
}
END_TEST

START_TEST(valid_seed_values) {
  float g[NH];
  ck_assert_int_eq(lta_seed_g_gamma(NH, 3, 24, g), LTA_OK);
  for (int h = 0; h < NH; h++) {
    double want = -(8.0 / NH) * (1.0 - 3.0 / 24.0) * h;
    ck_assert_msg(fabs(g[h] - want) <= 1e-6, "seed g_gamma[%d]=%g, want %g", h, g[h], want);
  }
}
END_TEST

START_TEST(names_and_version) {
  static const char *const names[] = {
      "LTA_OK",        "LTA_ERR_NULL",    "LTA_ERR_SIZE",      "LTA_ERR_HEADS",
      "LTA_ERR_SEQLENS", "LTA_ERR_STATE", "LTA_ERR_DECAY",     "LTA_ERR_SCALE",
      "LTA_ERR_DTYPE", "LTA_ERR_ALIAS",   "LTA_ERR_UNSUPPORTED", "LTA_ERR_NO_MEMORY",
      "LTA_ERR_MEMORY_SPACE", "LTA_ERR_CUDA"};
  for (int s = LTA_OK; s <= LTA_ERR_CUDA; s++)
    ck_assert_str_eq(lta_status_name((lta_status)s), names[s]);
  ck_assert_str_eq(lta_status_name((lta_status)14), "unknown status");
  ck_assert_str_eq(lta_status_name((lta_status)-1), "unknown status");
  ck_assert_str_eq(lta_isa_name(LTA_ISA_GENERIC), "generic");
  ck_assert_ptr_null(lta_isa_name((lta_isa)99));
  ck_assert_str_eq(lta_version(), "0.1.0");
}
END_TEST

typedef struct thread_run {
  lta_forward_args a;
  lta_status st;
  char before[512], after[512];
} thread_run;

static void *fail_on_thread(void *p) {
  thread_run *r = p;
  snprintf(r->before, sizeof r->before, "%s", lta_last_error());
  r->st = lta_forward(&r->a);
  snprintf(r->after, sizeof r->after, "%s", lta_last_error());
  return NULL;
}

START_TEST(error_per_thread) {
  lta_forward_args a = base;
  a.dtype = (lta_dtype)7;
  ck_assert_int_eq(lta_forward(&a), LTA_ERR_DTYPE);
  char mine[512];
  snprintf(mine, sizeof mine, "%s", lta_last_error());

  thread_run r = {.a = base};
  r.a.has_scale = 1;
  r.a.scale = -1.0f;
  pthread_t t;
  ck_assert_int_eq(pthread_create(&t, NULL, fail_on_thread, &r), 0);
  ck_assert_int_eq(pthread_join(t, NULL), 0);
  ck_assert_msg(r.before[0] == '\0', "a new thread starts with message '%s'", r.before);
  ck_assert_int_eq(r.st, LTA_ERR_SCALE);
  ck_assert_msg(strstr(r.after, "scale=-1"), "the thread's message is '%s'", r.after);
  ck_assert_msg(strcmp(lta_last_error(), mine) == 0 && strstr(mine, "dtype=7"),
                "the thread's failure changed this thread's message to '%s'", lta_last_error());
  /* The message is the last *failed* call's: a success leaves it. */
  run_ok(&base, "valid call after a failure");
  ck_assert_str_eq(lta_last_error(), mine);
}
END_TEST

/* ---- suite ---- */

static TCase *add_tcase(Suite *s, const char *name) {
  TCase *tc = tcase_create(name);
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  suite_add_tcase(s, tc);
  return tc;
}

#define COUNT(x) ((int)(sizeof(x) / sizeof((x)[0])))

int main(void) {
  /* The suite must not depend on the caller's environment; tests set these themselves. */
  unsetenv("LTA_ISA");
  unsetenv("LTA_NUM_THREADS");

  Suite *s = suite_create("api");
  TCase *tc = add_tcase(s, "null");
  tcase_add_test(tc, null_args);
  tcase_add_loop_test(tc, null_pointer, 0, COUNT(pointers));
  tcase_add_test(tc, null_kernel_name);

  tc = add_tcase(s, "sizes");
  tcase_add_loop_test(tc, size_bad, 0, COUNT(bad_sizes));
  tcase_add_test(tc, size_overflow);

  tc = add_tcase(s, "heads");
  tcase_add_test(tc, heads_not_divisor);
  tcase_add_test(tc, heads_more_kv);

  tc = add_tcase(s, "seqlens");
  tcase_add_test(tc, seqlens_first_not_zero);
  tcase_add_test(tc, seqlens_decreasing);
  tcase_add_test(tc, seqlens_last_not_seqlen);
  tcase_add_test(tc, seqlens_batch);
  tcase_add_test(tc, seqlens_num_seqs_zero);
  tcase_add_test(tc, seqlens_num_seqs_without_cu);

  tc = add_tcase(s, "states");
  tcase_add_test(tc, states_count);
  tcase_add_test(tc, states_count_zero);
  tcase_add_test(tc, states_partial_overlap);

  tc = add_tcase(s, "decay");
  tcase_add_test(tc, decay_num_layers_zero);
  tcase_add_test(tc, decay_num_layers_negative);
  tcase_add_test(tc, decay_layer_negative);
  tcase_add_test(tc, decay_layer_past_last);
  tcase_add_loop_test(tc, decay_g_gamma_bad, 0, COUNT(bad_gammas));
  tcase_add_test(tc, decay_seed_bad);

  tc = add_tcase(s, "scale");
  tcase_add_loop_test(tc, scale_bad, 0, COUNT(bad_scales));

  tc = add_tcase(s, "dtype");
  tcase_add_loop_test(tc, dtype_bad, 0, 2);

  tc = add_tcase(s, "isa");
  tcase_add_test(tc, isa_unknown);
  tcase_add_test(tc, isa_missing);
  tcase_add_test(tc, isa_env_bogus);

  tc = add_tcase(s, "alias");
  tcase_add_test(tc, alias_o_q);
  tcase_add_test(tc, alias_final_k);
  tcase_add_test(tc, alias_o_final);

  tc = add_tcase(s, "threads");
  tcase_add_test(tc, size_threads_negative);
  tcase_add_test(tc, size_threads_too_many);
  tcase_add_test(tc, size_threads_env);
  tcase_add_test(tc, valid_threads_deterministic);
  tcase_add_test(tc, error_per_thread);

  tc = add_tcase(s, "success");
  tcase_add_test(tc, valid_matches_reference);
  tcase_add_test(tc, valid_varlen);
  tcase_add_test(tc, valid_state_in_place);
  tcase_add_test(tc, valid_g_gamma);
  tcase_add_test(tc, valid_scale_one);
  tcase_add_test(tc, valid_kernel_name);
  tcase_add_test(tc, valid_seed_values);
  tcase_add_test(tc, names_and_version);

  return run_suite(s, 0);
}
