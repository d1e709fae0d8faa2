/* lta_threads.c: a call's work spread over threads.
 *
 * By items (the usual case): the (sequence, head) items are handed out from a shared counter
 * in runs of up to LTA_GROUP_MAX consecutive items (fewer when that would leave threads idle),
 * so uneven sequences (varlen) balance themselves and a chunked kernel can take the heads of a
 * run through each chunk together. Each item is computed whole by one thread with the same
 * code, so the result is bit-identical for any thread count.
 *
 * Across time, when there are fewer items than threads and the sequences are long enough (the
 * sequence-parallel scan of SPEC section 3): each item's sequence is cut into segments at
 * multiples of LTA_SEGMENT_ALIGN tokens, of at least LTA_SEGMENT_MIN tokens each (at most
 * LTA_SEGMENTS_MAX per item), and
 *   1. every segment but the last computes its local state from zero (no outputs);
 *   2. per item, the entering states follow by the associative combine
 *      E[s+1] = exp(g L_s) E[s] + B_s, from E[0] = the initial state (or zeros);
 *   3. every segment runs again from its entering state, writing its outputs; the last one
 *      writes the final state.
 * Results then differ from the one-thread result by rounding only (the entering states are
 * summed in another order), and depend on the thread count.
 *
 * Every workspace and buffer is allocated before the first kernel runs: a failed allocation
 * leaves the outputs untouched.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "lta_internal.h"

#define LTA_GROUP_MAX 16      /* items per run: heads that go through a chunk together */
#define LTA_SEGMENT_MIN 64    /* tokens: shorter segments are not worth a split */
#define LTA_SEGMENT_ALIGN 64  /* segment starts are multiples of this (of any chunk size) */
#define LTA_SEGMENTS_MAX 64   /* per item: bounds the states kept (K * V floats each) */

static atomic_llong time_split_calls;

long long lta_time_split_count(void) { return atomic_load(&time_split_calls); }

typedef struct lta_job lta_job;
typedef void (*lta_task_fn)(const lta_job *job, int64_t task, void *ws);

/* The time split's plan: segments of item i are [seg0[i], seg0[i + 1]) in a flat list; seg s
 * of it spans steps [cut[s], cut[s + 1]) and enters with states + s * KV. */
typedef struct lta_split {
  int64_t *seg0;   /* [items + 1] */
  int64_t *cut;    /* [segments + items]: per item, its nseg + 1 cut points */
  int64_t *owner;  /* [segments]: the item of each segment */
  float *states;   /* [segments][K * V]: entering states (phase 1: local final states) */
} lta_split;

struct lta_job {
  const lta_call *call;
  lta_problem p;   /* the call's problem, group set */
  int64_t tasks;
  atomic_llong next;
  lta_task_fn fn;
  lta_split split;
  int phase;
};

typedef struct lta_worker {
  lta_job *job;
  void *ws;
  pthread_t thread;
  int started;
} lta_worker;

static void *work(void *arg) {
  lta_worker *w = arg;
  lta_job *job = w->job;
  for (;;) {
    int64_t task = atomic_fetch_add(&job->next, 1);
    if (task >= job->tasks) break;
    job->fn(job, task, w->ws);
  }
  return NULL;
}

/* Runs tasks [0, tasks) of fn on up to n threads (the caller is one of them). A thread that
 * cannot be started just leaves its share to the others. */
static void run_tasks(lta_job *job, lta_worker *workers, int n, int64_t tasks, lta_task_fn fn) {
  job->tasks = tasks;
  job->fn = fn;
  atomic_store(&job->next, 0);
  if (n > tasks) n = (int)tasks;
  for (int i = 1; i < n; i++)
    workers[i].started = pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0;
  work(&workers[0]);
  for (int i = 1; i < n; i++)
    if (workers[i].started) pthread_join(workers[i].thread, NULL);
}

/* ---- by items ---- */

static void item_task(const lta_job *job, int64_t task, void *ws) {
  int64_t items = lta_item_count(&job->p), g = lta_group_size(&job->p);
  int64_t first = task * g, last = first + g < items ? first + g : items;
  job->call->kernel->run(&job->p, first, last, ws);
}

/* ---- across time ---- */

static int64_t seq_len(const lta_problem *p, int64_t n) {
  int64_t r0, r1;
  lta_seq_rows(p, n, &r0, &r1);
  return r1 - r0;
}

/* Segments per item: as many as threads allow, each at least LTA_SEGMENT_MIN tokens. */
static int64_t segments_of(const lta_problem *p, int64_t item, int threads) {
  int64_t items = p->num_seqs * p->num_heads, per = threads / items;
  if (lta_state_slot(p, item / p->num_heads) < 0) return 1; /* skipped: the kernel returns */
  if (per > LTA_SEGMENTS_MAX) per = LTA_SEGMENTS_MAX;
  int64_t most = seq_len(p, item / p->num_heads) / LTA_SEGMENT_MIN;
  int64_t nseg = per < most ? per : most;
  return nseg > 1 ? nseg : 1;
}

static void segment_task(const lta_job *job, int64_t task, void *ws) {
  const lta_split *sp = &job->split;
  const lta_problem *base = &job->p;
  int64_t item = sp->owner[task], s = task - sp->seg0[item];
  int64_t nseg = sp->seg0[item + 1] - sp->seg0[item];
  const int64_t *cut = sp->cut + sp->seg0[item] + item;
  size_t kv = (size_t)(base->K * base->V);
  lta_segment seg = {cut[s], cut[s + 1], NULL, NULL, 1};
  if (job->phase == 1) {
    if (s == nseg - 1) return; /* the last segment's local state is not needed */
    seg.outputs = 0;
    seg.s_out = sp->states + (size_t)(task + 1) * kv;
  } else {
    seg.s_in = sp->states + (size_t)task * kv;
    if (s == nseg - 1 && base->final_state)
      seg.s_out = base->final_state + lta_state_offset(base, item / base->num_heads,
                                                       item % base->num_heads);
  }
  lta_problem p = *base;
  p.seg = &seg;
  p.group = 1;
  job->call->kernel->run(&p, item, item + 1, ws);
}

/* Phase 2 for one item: E[0] = initial state or zeros; E[s] = exp(g L_{s-1}) E[s-1] + B_{s-1}. */
static void combine_task(const lta_job *job, int64_t item, void *ws) {
  (void)ws;
  const lta_split *sp = &job->split;
  const lta_problem *p = &job->p;
  size_t kv = (size_t)(p->K * p->V);
  int64_t s0 = sp->seg0[item], nseg = sp->seg0[item + 1] - s0;
  const int64_t *cut = sp->cut + s0 + item;
  float *E = sp->states + (size_t)s0 * kv;
  if (lta_state_slot(p, item / p->num_heads) < 0) return; /* a skipped sequence */
  if (p->initial_state)
    memcpy(E, p->initial_state + lta_state_offset(p, item / p->num_heads, item % p->num_heads),
           kv * sizeof(float));
  else
    memset(E, 0, kv * sizeof(float));
  const float g = p->g_gamma[item % p->num_heads];
  for (int64_t s = 1; s < nseg; s++) {
    const float a = expf(g * (float)(cut[s] - cut[s - 1])); /* a non-positive exponent */
    float *prev = E + (size_t)(s - 1) * kv, *cur = E + (size_t)s * kv;
    for (size_t i = 0; i < kv; i++) cur[i] += a * prev[i];
  }
}

/* Plans the split; 0 when it does not pay (then the call runs by items), -1 without memory. */
static int plan_split(lta_job *job, int threads) {
  const lta_problem *p = &job->p;
  int64_t items = p->num_seqs * p->num_heads;
  if (items >= threads || p->op != LTA_OP_FWD) return 0; /* the others run by items */
  int64_t segments = 0;
  for (int64_t i = 0; i < items; i++) segments += segments_of(p, i, threads);
  if (segments == items) return 0;
  lta_split *sp = &job->split;
  sp->seg0 = malloc((size_t)(items + 1) * sizeof(int64_t));
  sp->cut = malloc((size_t)(segments + items) * sizeof(int64_t));
  sp->owner = malloc((size_t)segments * sizeof(int64_t));
  sp->states = aligned_alloc(64, ((size_t)segments * (size_t)(p->K * p->V) * sizeof(float) + 63) &
                                     ~(size_t)63);
  if (!sp->seg0 || !sp->cut || !sp->owner || !sp->states) return -1;
  sp->seg0[0] = 0;
  for (int64_t i = 0; i < items; i++) {
    int64_t nseg = segments_of(p, i, threads), len = seq_len(p, i / p->num_heads);
    int64_t *cut = sp->cut + sp->seg0[i] + i;
    for (int64_t s = 0; s < nseg; s++) {
      cut[s] = len * s / nseg / LTA_SEGMENT_ALIGN * LTA_SEGMENT_ALIGN;
      sp->owner[sp->seg0[i] + s] = i;
    }
    cut[nseg] = len;
    sp->seg0[i + 1] = sp->seg0[i] + nseg;
  }
  return 1;
}

static void free_split(lta_split *sp) {
  free(sp->seg0), free(sp->cut), free(sp->owner), free(sp->states);
}

lta_status lta_cpu_execute(const lta_call *call, const char *fn) {
  int n = call->threads < 1 ? 1 : call->threads;
  lta_job job;
  memset(&job, 0, sizeof job);
  job.call = call;
  job.p = call->p;
  int64_t items = lta_item_count(&job.p);
  int split = plan_split(&job, n);
  if (split < 0) {
    free_split(&job.split);
    return lta_fail(LTA_ERR_NO_MEMORY, "%s: no memory for the segment states of %d threads", fn,
                    n);
  }
  int64_t group = split ? 1 : items / n;
  job.p.group = group < 1 ? 1 : group > LTA_GROUP_MAX ? LTA_GROUP_MAX : group;
  int64_t tasks = split ? job.split.seg0[items] : (items + job.p.group - 1) / job.p.group;
  if (n > tasks) n = (int)tasks;

  size_t bytes = call->kernel->workspace(&job.p);
  bytes = (bytes + 63) & ~(size_t)63;
  if (bytes == 0) bytes = 64;
  lta_worker *workers = calloc((size_t)n, sizeof *workers);
  if (!workers) {
    free_split(&job.split);
    return lta_fail(LTA_ERR_NO_MEMORY, "%s: no memory for %d workers", fn, n);
  }
  for (int i = 0; i < n; i++) {
    workers[i].job = &job;
    workers[i].ws = aligned_alloc(64, bytes);
    if (!workers[i].ws) {
      for (int j = 0; j < i; j++) free(workers[j].ws);
      free(workers);
      free_split(&job.split);
      return lta_fail(LTA_ERR_NO_MEMORY, "%s: no memory for a workspace of %zu bytes", fn,
                      bytes);
    }
  }
  if (split) {
    atomic_fetch_add(&time_split_calls, 1);
    job.phase = 1;
    run_tasks(&job, workers, n, tasks, segment_task);
    run_tasks(&job, workers, n, items, combine_task);
    job.phase = 3;
    run_tasks(&job, workers, n, tasks, segment_task);
  } else {
    run_tasks(&job, workers, n, tasks, item_task);
  }
  for (int i = 0; i < n; i++) free(workers[i].ws);
  free(workers);
  free_split(&job.split);
  return LTA_OK;
}
