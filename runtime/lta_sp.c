/* lta_sp.c: the public entry points of sequence parallelism (lightattn.h, "sequence parallel").
 *
 * A rank's call is checked as a whole first (lta_sp_prepare, lta_check.c), then its steps run:
 *   local:    the segment's state alone, from a zero state: lta_forward's final state (the
 *             backward: lta_backward's gradient of the initial state, from a zero final-state
 *             gradient) into slot `rank` of gathered, with the STATES_ONLY hint (lta_kernel.h),
 *             so that the kernels that can skip the outputs do;
 *   exchange: the caller's, or NCCL's (lta_sp_nccl.c);
 *   combine:  a generated kernel of op spf / spb (lta_threads.c, lta_cuda.c) combines the
 *             gathered states into this rank's entering state (the backward: the gradient of its
 *             outgoing state), then an ordinary lta_forward / lta_backward of the segment from it
 *             writes the outputs.
 * The outputs are thus computed once, by the same kernels as one device's call, rather than
 * from a zero state and then corrected.
 */
#include <string.h>

#include "lta_internal.h"

void lta_sp_args_init(lta_sp_args *args) {
  if (args) memset(args, 0, sizeof *args);
}

size_t lta_sp_slot_floats(const lta_sp_args *a) {
  const lta_forward_args *f = &a->bwd.fwd;
  return (size_t)(f->batch * f->num_heads * f->head_dim_k * f->head_dim_v);
}

static float *own_slot(const lta_sp_args *a) {
  return a->gathered + (size_t)a->rank * lta_sp_slot_floats(a);
}

/* The segment's state alone: an empty segment has none (the combine skips its slot). */
static lta_status local(const lta_sp_args *a, int op, const char *fn) {
  if (a->bwd.fwd.seqlen == 0) return LTA_OK;
  if (op == LTA_OP_SPF) {
    lta_forward_args f = a->bwd.fwd;
    f.initial_state = NULL;
    f.final_state = own_slot(a);
    f.num_states = f.batch;
    return lta_run_flagged(&f, NULL, LTA_PASS_STATES_ONLY, fn);
  }
  lta_backward_args b = a->bwd;
  b.fwd.initial_state = NULL; /* d_s0 does not depend on it */
  b.fwd.final_state = NULL;
  b.fwd.num_states = b.fwd.batch;
  b.d_final_state = NULL;
  b.d_initial_state = own_slot(a);
  return lta_run_flagged(NULL, &b, LTA_PASS_STATES_ONLY, fn);
}

/* The segment's outputs from its entering state (slot `rank` after the combine kernel; the
 * backward: the forward's entering state and, in the slot, its outgoing state's gradient). */
static lta_status outputs(const lta_sp_args *a, int op, const char *fn) {
  if (a->bwd.fwd.seqlen == 0) return LTA_OK;
  if (op == LTA_OP_SPF) {
    lta_forward_args f = a->bwd.fwd;
    f.initial_state = own_slot(a);
    f.final_state = NULL; /* the combine kernel wrote it */
    f.num_states = f.batch;
    return lta_run_flagged(&f, NULL, 0, fn);
  }
  lta_backward_args b = a->bwd;
  b.fwd.initial_state = a->entering_state;
  b.fwd.final_state = NULL;
  b.fwd.num_states = b.fwd.batch;
  b.d_final_state = own_slot(a);
  b.d_initial_state = NULL; /* the combine kernel wrote it */
  return lta_run_flagged(NULL, &b, 0, fn);
}

lta_status lta_sp_run(const lta_sp_args *a, int op, const char *fn, int steps,
                      lta_sp_gather_fn gather, void *comm) {
  lta_call call;
  lta_sp_problem sp;
  lta_status st = lta_sp_prepare(a, op, fn, &call, &sp);
  if (st == LTA_OK && (steps & LTA_SP_LOCAL)) st = local(a, op, fn);
  if (st == LTA_OK && gather) st = gather(a, comm, fn);
  if (st == LTA_OK && (steps & LTA_SP_COMBINE)) {
    st = call.device == LTA_DEVICE_CUDA ? lta_cuda_execute(&call, fn) : lta_cpu_execute(&call, fn);
    if (st == LTA_OK) st = outputs(a, op, fn);
  }
  lta_call_free(&call);
  return st;
}

lta_status lta_sp_forward_local(const lta_sp_args *args) {
  return lta_sp_run(args, LTA_OP_SPF, "lta_sp_forward_local", LTA_SP_LOCAL, NULL, NULL);
}

lta_status lta_sp_forward_combine(const lta_sp_args *args) {
  return lta_sp_run(args, LTA_OP_SPF, "lta_sp_forward_combine", LTA_SP_COMBINE, NULL, NULL);
}

lta_status lta_sp_backward_local(const lta_sp_args *args) {
  return lta_sp_run(args, LTA_OP_SPB, "lta_sp_backward_local", LTA_SP_LOCAL, NULL, NULL);
}

lta_status lta_sp_backward_combine(const lta_sp_args *args) {
  return lta_sp_run(args, LTA_OP_SPB, "lta_sp_backward_combine", LTA_SP_COMBINE, NULL, NULL);
}
