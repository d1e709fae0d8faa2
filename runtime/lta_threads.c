/* lta_threads.c: a call's items spread over threads.
 *
 * Items are handed out one at a time from a shared counter, so uneven sequences (varlen)
 * balance themselves. Each item is computed whole by one thread with the same code, so the
 * result is bit-identical for any thread count. Every workspace is allocated before the first
 * kernel runs: a failed allocation leaves the outputs untouched.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "lta_internal.h"

typedef struct lta_pool {
  const lta_call *call;
  int64_t items;
  atomic_llong next;
} lta_pool;

typedef struct lta_worker {
  lta_pool *pool;
  void *ws;
  pthread_t thread;
  int started;
} lta_worker;

static void *work(void *arg) {
  lta_worker *w = arg;
  lta_pool *pool = w->pool;
  const lta_call *c = pool->call;
  for (;;) {
    int64_t item = atomic_fetch_add(&pool->next, 1);
    if (item >= pool->items) break;
    c->kernel->run(&c->p, item, item + 1, w->ws);
  }
  return NULL;
}

lta_status lta_cpu_execute(const lta_call *call, const char *fn) {
  int n = call->threads < 1 ? 1 : call->threads;
  size_t bytes = call->kernel->workspace(&call->p);
  bytes = (bytes + 63) & ~(size_t)63;
  if (bytes == 0) bytes = 64;
  lta_worker *workers = calloc((size_t)n, sizeof *workers);
  if (!workers) return lta_fail(LTA_ERR_NO_MEMORY, "%s: no memory for %d workers", fn, n);
  for (int i = 0; i < n; i++) {
    workers[i].ws = aligned_alloc(64, bytes);
    if (!workers[i].ws) {
      for (int j = 0; j < i; j++) free(workers[j].ws);
      free(workers);
      return lta_fail(LTA_ERR_NO_MEMORY, "%s: no memory for a workspace of %zu bytes", fn,
                      bytes);
    }
  }
  lta_pool pool = {call, call->p.num_seqs * call->p.num_heads, 0};
  for (int i = 0; i < n; i++) workers[i].pool = &pool;
  /* Thread 0 is the caller; a thread that cannot be started just leaves its share to the
   * others, which take items until none are left. */
  for (int i = 1; i < n; i++)
    workers[i].started = pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0;
  work(&workers[0]);
  for (int i = 1; i < n; i++)
    if (workers[i].started) pthread_join(workers[i].thread, NULL);
  for (int i = 0; i < n; i++) free(workers[i].ws);
  free(workers);
  return LTA_OK;
}
