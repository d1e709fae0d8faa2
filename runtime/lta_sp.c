/* lta_sp.c: the public entry points of sequence parallelism (lightattn.h, "sequence parallel").
 *
 * A rank's call is checked as a whole first (lta_sp_prepare, lta_check.c), then its steps run:
 * the local step is an ordinary lta_forward / lta_backward over the rank's segment (from a zero
 * state; the backward from the rank's entering state and a zero final-state gradient) whose
 * final state (its gradient of the initial state) lands in slot `rank` of gathered; the
 * exchange is the caller's, or NCCL's (lta_sp_nccl.c); the combine and fix-up is a generated
 * kernel of op spf / spb, selected and run like any other (lta_threads.c, lta_cuda.c).
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

/* The segment alone: an empty one has nothing to compute (the combine skips its slot). */
static lta_status local(const lta_sp_args *a, int op) {
  if (a->bwd.fwd.seqlen == 0) return LTA_OK;
  if (op == LTA_OP_SPF) {
    lta_forward_args f = a->bwd.fwd;
    f.initial_state = NULL;
    f.final_state = own_slot(a);
    f.num_states = f.batch;
    return lta_forward(&f);
  }
  lta_backward_args b = a->bwd;
  b.fwd.initial_state = a->entering_state;
  b.fwd.final_state = NULL;
  b.fwd.num_states = b.fwd.batch;
  b.d_final_state = NULL;
  b.d_initial_state = own_slot(a);
  return lta_backward(&b);
}

lta_status lta_sp_run(const lta_sp_args *a, int op, const char *fn, int steps,
                      lta_sp_gather_fn gather, void *comm) {
  lta_call call;
  lta_sp_problem sp;
  lta_status st = lta_sp_prepare(a, op, fn, &call, &sp);
  if (st == LTA_OK && (steps & LTA_SP_LOCAL)) st = local(a, op);
  if (st == LTA_OK && gather) st = gather(a, comm, fn);
  if (st == LTA_OK && (steps & LTA_SP_COMBINE))
    st = call.device == LTA_DEVICE_CUDA ? lta_cuda_execute(&call, fn) : lta_cpu_execute(&call, fn);
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
