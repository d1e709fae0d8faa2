/* test_concurrency.c: many threads calling lta_forward at once, and determinism.
 *
 * A job list covers every kernel of the registry that this CPU runs (forced to its ISA), the
 * automatic and the generic choice, assorted shapes (batch, varlen, GQA, K != V), states in and
 * out (in place too), both directions and 1 to 3 threads; and calls that must fail, each with a
 * message of its own (its values differ per job).
 *   determinism: every job run twice gives bit-identical o and final_state; and on this branch,
 *     where lta_threads.c computes each (sequence, head) item whole on one thread, the result
 *     is also bit-identical for 1, 2, 3 and 4 threads.
 *   concurrent: 8 threads run the whole list at once, each in its own order, several rounds:
 *     every result equals the serial one bit for bit, every failing call returns the serial
 *     status and message, and after every call lta_last_error() of the thread is the message of
 *     that thread's own last failure, never another thread's.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"
#include "ref.h"

#define MAX_JOBS 512
#define NTHREADS 8
#define ROUNDS 3

typedef struct job {
  lta_forward_args a;     /* inputs shared by every thread; o, final_state per call */
  int in_place;           /* final_state = a copy of initial_state, advanced in place */
  int must_fail;          /* a call made wrong on purpose */
  lta_status want;        /* serial status */
  char message[512];      /* serial message, failing jobs */
  size_t o_bytes, s_bytes;
  void *o;                /* serial result */
  float *s;
} job;

static job jobs[MAX_JOBS];
static int njobs;

/* A valid job of the given functional key; shape varies with i. */
static void add_job(lta_dtype dt, int64_t K, int64_t V, int reverse, lta_isa isa, int i) {
  job *j = &jobs[njobs++];
  ck_assert_int_lt(njobs, MAX_JOBS);
  lta_forward_args *a = &j->a;
  lta_forward_args_init(a);
  static const int64_t Ts[] = {1, 5, 33, 64, 70};
  int64_t T = Ts[i % 5], B = 1 + i % 2, H = 2 + 2 * (i % 2), Hkv = i % 3 == 0 ? 1 : H, N = B;
  int64_t *cu = NULL;
  if (i % 4 == 3) { /* varlen: 3 sequences, one of them empty */
    cu = malloc(4 * sizeof *cu);
    cu[0] = 0, cu[1] = T, cu[2] = T, cu[3] = T + 1 + i % 7;
    B = 1, N = 3, T = cu[3];
    a->cu_seqlens = cu, a->num_seqs = N;
  }
  ref_rng rng = {0xC0FFEEull + (uint64_t)i * 7919u};
  size_t es = ref_elem_size(dt);
  int64_t rows = B * T, s_elems = N * H * K * V;
  void *q = malloc((size_t)(rows * H * K) * es), *k = malloc((size_t)(rows * Hkv * K) * es);
  void *v = malloc((size_t)(rows * Hkv * V) * es);
  ref_fill(&rng, dt, q, rows * H * K, 1.0);
  ref_fill(&rng, dt, k, rows * Hkv * K, 1.0);
  ref_fill(&rng, dt, v, rows * Hkv * V, 1.0);
  a->dtype = dt, a->batch = B, a->seqlen = T, a->num_heads = H, a->num_kv_heads = Hkv;
  a->head_dim_k = K, a->head_dim_v = V, a->q = q, a->k = k, a->v = v;
  if (i % 3 != 2) {
    float *s0 = malloc((size_t)s_elems * sizeof(float));
    ref_fill(&rng, LTA_F32, s0, s_elems, 1.0);
    a->initial_state = s0;
  }
  j->in_place = a->initial_state && i % 5 == 1;
  j->s_bytes = (i % 3 != 1 || j->in_place) ? (size_t)s_elems * sizeof(float) : 0;
  a->num_states = (a->initial_state || j->s_bytes) ? N : 0;
  a->layer_idx = i % 25, a->num_layers = 24;
  a->has_scale = i % 2, a->scale = 0.75f;
  a->reverse = reverse, a->isa = isa, a->num_threads = 1 + i % 3;
  j->o_bytes = (size_t)(rows * H * V) * es;
  j->want = LTA_OK;
}

/* A job that must fail, with values that make its message its own. */
static void add_failing_job(int i) {
  add_job(LTA_F32, 3 + i % 5, 4, 0, LTA_ISA_AUTO, i);
  job *j = &jobs[njobs - 1];
  switch (i % 4) {
    case 0: j->a.layer_idx = 100 + i; break;           /* LTA_ERR_DECAY */
    case 1: j->a.has_scale = 1, j->a.scale = -(float)i; break; /* LTA_ERR_SCALE */
    case 2: j->a.head_dim_v = LTA_MAX_HEAD_DIM + i; break;     /* LTA_ERR_SIZE */
    default: j->a.num_kv_heads = 1000 + i; break;      /* LTA_ERR_HEADS */
  }
  j->must_fail = 1; /* status and message: those of the serial run */
}

/* Runs job j with fresh outputs (and threads, if not 0); returns the status, outputs in *o, *s. */
static lta_status run_job(const job *j, int threads, void **o, float **s) {
  lta_forward_args a = j->a;
  *o = malloc(j->o_bytes ? j->o_bytes : 1);
  *s = j->s_bytes ? malloc(j->s_bytes) : NULL;
  memset(*o, 0xEE, j->o_bytes);
  if (*s && j->in_place) memcpy(*s, a.initial_state, j->s_bytes);
  else if (*s) memset(*s, 0xEE, j->s_bytes);
  a.o = *o;
  a.final_state = *s;
  if (j->in_place) a.initial_state = *s;
  if (threads) a.num_threads = threads;
  return lta_forward(&a);
}

static void build_jobs(void) {
  if (njobs) return;
  size_t n;
  const lta_entry *tab = lta_registry(&n);
  int i = 0;
  for (size_t e = 0; e < n; e++) {
    if (!((lta_cpu_targets() >> tab[e].key.target) & 1) || tab[e].key.op >= LTA_OP_BWD) continue;
    int64_t K = tab[e].key.K ? tab[e].key.K : 5 + i % 11, V = tab[e].key.V ? tab[e].key.V : 3 + i % 13;
    add_job((lta_dtype)tab[e].key.dtype, K, V, tab[e].key.reverse, entry_isa(&tab[e]), i++);
    add_job((lta_dtype)tab[e].key.dtype, K, V, tab[e].key.reverse, LTA_ISA_AUTO, i++);
  }
  for (int f = 0; f < 24; f++) add_failing_job(i++);
  /* The serial results. */
  for (int k = 0; k < njobs; k++) {
    job *j = &jobs[k];
    lta_status st = run_job(j, 0, &j->o, &j->s);
    if (j->must_fail) {
      ck_assert_msg(st != LTA_OK, "job %d should fail", k);
      j->want = st;
      snprintf(j->message, sizeof j->message, "%s", lta_last_error());
      ck_assert_msg(j->message[0], "job %d failed without a message", k);
    } else {
      ck_assert_msg(st == LTA_OK, "job %d: %s", k, lta_last_error());
    }
  }
}

static void free_jobs(void) {
  for (int k = 0; k < njobs; k++) {
    job *j = &jobs[k];
    free((void *)j->a.q), free((void *)j->a.k), free((void *)j->a.v);
    free((void *)j->a.initial_state), free((void *)j->a.cu_seqlens), free(j->o), free(j->s);
  }
  njobs = 0;
}

static int same(const job *j, const void *o, const float *s) {
  return memcmp(o, j->o, j->o_bytes) == 0 && (!j->s_bytes || memcmp(s, j->s, j->s_bytes) == 0);
}

START_TEST(determinism) {
  build_jobs();
  int checked = 0;
  for (int k = 0; k < njobs; k++) {
    const job *j = &jobs[k];
    if (j->want != LTA_OK) continue;
    const char *name = NULL;
    lta_forward_args named = j->a;
    named.o = j->o;
    ck_assert_int_eq(lta_forward_kernel(&named, &name), LTA_OK);
    for (int threads = 0; threads <= 4; threads++) { /* 0: the job's own count, again */
      void *o;
      float *s;
      ck_assert_int_eq(run_job(j, threads, &o, &s), LTA_OK);
      ck_assert_msg(same(j, o, s),
                    "%s: job %d run %s differs bitwise from its first run (threads %d vs %d)",
                    name, k, threads ? "with another thread count" : "again",
                    threads ? threads : j->a.num_threads, j->a.num_threads);
      free(o), free(s);
      checked++;
    }
  }
  free_jobs();
  printf("determinism: %d runs bit-identical to the first (run to run, and 1-4 threads)\n",
         checked);
}
END_TEST

typedef struct worker {
  int id, calls, failures;
  char error[256];
} worker;

static void *hammer(void *arg) {
  worker *w = arg;
  char last[512] = ""; /* this thread's last failure message */
  for (int round = 0; round < ROUNDS; round++)
    for (int step = 0; step < njobs; step++) {
      /* Each thread its own order: a stride coprime with the count would do; a rotation and
       * a direction per thread are enough to mix kernels, shapes and failures. */
      int k = (w->id % 2 ? njobs - 1 - step : step);
      k = (k + w->id * 17 + round * 5) % njobs;
      const job *j = &jobs[k];
      void *o;
      float *s;
      lta_status st = run_job(j, 0, &o, &s);
      w->calls++;
      if (st != j->want) {
        snprintf(w->error, sizeof w->error, "job %d: status %s, serially %s", k,
                 lta_status_name(st), lta_status_name(j->want));
      } else if (st == LTA_OK && !same(j, o, s)) {
        snprintf(w->error, sizeof w->error, "job %d: result differs from the serial call", k);
      } else if (st != LTA_OK && strcmp(lta_last_error(), j->message) != 0) {
        snprintf(w->error, sizeof w->error, "job %d: message '%s', serially '%s'", k,
                 lta_last_error(), j->message);
      }
      if (st != LTA_OK) {
        w->failures++;
        snprintf(last, sizeof last, "%s", j->message);
      }
      if (!w->error[0] && strcmp(lta_last_error(), last) != 0)
        snprintf(w->error, sizeof w->error,
                 "after job %d lta_last_error() is '%s', this thread's last failure was '%s'", k,
                 lta_last_error(), last);
      free(o), free(s);
      if (w->error[0]) return NULL;
    }
  return NULL;
}

START_TEST(concurrent) {
  build_jobs();
  pthread_t t[NTHREADS];
  worker w[NTHREADS];
  for (int i = 0; i < NTHREADS; i++) {
    w[i] = (worker){.id = i};
    ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
  }
  int calls = 0, failures = 0;
  for (int i = 0; i < NTHREADS; i++) {
    pthread_join(t[i], NULL);
    ck_assert_msg(!w[i].error[0], "thread %d: %s", i, w[i].error);
    calls += w[i].calls, failures += w[i].failures;
  }
  printf("concurrent: %d threads, %d calls (%d rejected), %d jobs: all equal to serial calls\n",
         NTHREADS, calls, failures, njobs);
  free_jobs();
}
END_TEST

int main(void) {
  Suite *s = suite_create("concurrency");
  TCase *tc = tcase_create("concurrency");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, determinism);
  tcase_add_test(tc, concurrent);
  suite_add_tcase(s, tc);
  return run_suite(s, 0);
}
