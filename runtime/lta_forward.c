/* lta_forward.c: the public entry points of the forward and the backward.
 *
 * lta_forward(), lta_backward(): check and resolve the call (lta_check.c, which also selects
 * the kernel), then run it over threads (lta_threads.c) or on the GPU (lta_cuda.c). LTA_VERBOSE=1 prints each call's choice on stderr,
 * saying so when the generic kernel serves a shape no generated kernel covers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lta_internal.h"

void lta_forward_args_init(lta_forward_args *args) {
  if (args) memset(args, 0, sizeof *args);
}

static void report(const lta_call *c, const char *fn) {
  const char *env = getenv("LTA_VERBOSE");
  if (!env || !*env || strcmp(env, "0") == 0) return;
  const lta_problem *p = &c->p;
  int generic = lta_entry_is_generic(c->kernel);
  fprintf(stderr,
          "lightattn: %s %s N=%lld T=%lld H=%lld/%lld K=%lld V=%lld%s -> %s on %d "
          "%s%s\n",
          fn, lta_dtype_string(p->dtype), (long long)p->num_seqs, (long long)p->seqlen,
          (long long)p->num_heads, (long long)p->num_kv_heads, (long long)p->K, (long long)p->V,
          p->reverse ? " reverse" : "", c->kernel->name,
          c->device == LTA_DEVICE_CUDA ? 1 : c->threads,
          c->device == LTA_DEVICE_CUDA ? "CUDA stream" : "thread(s)",
          generic ? " (generic kernel: no generated kernel matches, or it was asked for)" : "");
}

/* One call: check, select, report, run. b NULL: the forward of a; else the backward of b. */
static lta_status run(const lta_forward_args *a, const lta_backward_args *b, const lta_entry *forced,
                      int segments, int pass_flags, const char *fn) {
  if (b) a = &b->fwd;
  lta_call call;
  lta_status st = lta_prepare(a, b, fn, forced, &call);
  if (st == LTA_OK) {
    call.segments = segments;
    call.p.pass_flags |= pass_flags;
    report(&call, fn);
    st = call.device == LTA_DEVICE_CUDA ? lta_cuda_execute(&call, fn) : lta_cpu_execute(&call, fn);
  }
  lta_call_free(&call);
  return st;
}

lta_status lta_forward(const lta_forward_args *args) {
  return run(args, NULL, NULL, 0, 0, "lta_forward");
}

lta_status lta_forward_entry(const lta_forward_args *a, const lta_entry *e, int segments,
                             int pass_flags) {
  if (!e) return lta_fail(LTA_ERR_NULL, "lta_forward_entry: kernel=NULL");
  return run(a, NULL, e, segments, pass_flags, "lta_forward");
}

lta_status lta_run_flagged(const lta_forward_args *a, const lta_backward_args *b, int pass_flags,
                           const char *fn) {
  return run(a, b, NULL, 0, pass_flags, fn);
}

lta_status lta_forward_workspace_size(const lta_forward_args *args, size_t *bytes) {
  if (!bytes) return lta_fail(LTA_ERR_NULL, "lta_forward_workspace_size: bytes=NULL");
  lta_call call;
  lta_status st = lta_forward_prepare(args, "lta_forward_workspace_size", NULL, &call);
  *bytes = 0;
  if (st == LTA_OK && call.device == LTA_DEVICE_CUDA)
    st = lta_cuda_workspace(&call, bytes, "lta_forward_workspace_size");
  lta_call_free(&call);
  return st;
}

void lta_backward_args_init(lta_backward_args *args) {
  if (args) memset(args, 0, sizeof *args);
}

lta_status lta_backward_workspace_size(const lta_backward_args *args, size_t *bytes) {
  static const char fn[] = "lta_backward_workspace_size";
  if (!args) return lta_fail(LTA_ERR_NULL, "%s: args=NULL", fn);
  if (!bytes) return lta_fail(LTA_ERR_NULL, "%s: bytes=NULL", fn);
  *bytes = 0;
  lta_call call;
  lta_status st = lta_prepare(&args->fwd, args, fn, NULL, &call);
  if (st == LTA_OK && call.device == LTA_DEVICE_CUDA) st = lta_cuda_workspace(&call, bytes, fn);
  lta_call_free(&call);
  return st;
}

lta_status lta_backward(const lta_backward_args *args) {
  static const char fn[] = "lta_backward";
  if (!args) return lta_fail(LTA_ERR_NULL, "%s: args=NULL", fn);
  return run(NULL, args, NULL, 0, 0, fn);
}

lta_status lta_backward_kernel(const lta_backward_args *args, const char **name) {
  static const char fn[] = "lta_backward_kernel";
  if (!name) return lta_fail(LTA_ERR_NULL, "%s: name=NULL", fn);
  if (!args) return lta_fail(LTA_ERR_NULL, "%s: args=NULL", fn);
  lta_call call;
  lta_status st = lta_prepare(&args->fwd, args, fn, NULL, &call);
  *name = st == LTA_OK ? call.kernel->name : NULL;
  lta_call_free(&call);
  return st;
}

lta_status lta_forward_kernel(const lta_forward_args *args, const char **name) {
  if (!name) return lta_fail(LTA_ERR_NULL, "lta_forward_kernel: name=NULL");
  lta_call call;
  lta_status st = lta_forward_prepare(args, "lta_forward_kernel", NULL, &call);
  *name = st == LTA_OK ? call.kernel->name : NULL;
  lta_call_free(&call);
  return st;
}
