/* lta_internal.h: the runtime's parts, in the order a call passes through them:
 *
 *   lightattn.h -> lta_forward.c (entry) -> lta_check.c (arguments -> lta_problem)
 *               -> lta_registry.c (key -> kernel) -> lta_threads.c (items over threads)
 *               -> a generated kernel (generated/cpu/...)
 *
 * lta_cpu.c answers which targets this CPU runs; lta_memspace.c whether a pointer is device
 * memory; lta_error.c keeps the per-thread message.
 * Tests link the static library and may use these declarations; users may not.
 */
#ifndef LTA_INTERNAL_H
#define LTA_INTERNAL_H

#include "lightattn.h"
#include "lta_cuda_kernel.h"
#include "lta_kernel.h"
#include "lta_key.h"

/* ---- errors (lta_error.c) ---- */

/* Records "fmt..." as this thread's message and returns status. */
lta_status lta_fail(lta_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- registry and selection (lta_registry.c) ---- */

typedef struct lta_entry {
  const char *name;
  lta_key key;
  lta_cpu_run_fn run;                      /* CPU kernels */
  lta_cpu_workspace_fn workspace;
  lta_cuda_run_fn cuda_run;                /* CUDA kernels */
  lta_cuda_workspace_fn cuda_workspace;
  lta_cuda_segments_fn cuda_segments;
  lta_cuda_passes_fn cuda_passes;          /* the CUDA backward's forward passes (0 elsewhere) */
} lta_entry;

/* The CPU kernels built into this library, sorted by name. */
const lta_entry *lta_registry(size_t *count);

/* The CUDA kernels built into this library (none without CUDA), sorted by name. */
const lta_entry *lta_cuda_registry(size_t *count);

/* 1 for the generic kernels: every size taken at run time, plain code (scalar C, or CUDA). */
int lta_entry_is_generic(const lta_entry *e);

/* The best entry of tab for the functional key want (op, dtype, K, V, H, reverse; its target is
 * ignored), among targets in the bit mask targets (1 << lta_target):
 *   isa AUTO:     any allowed target;
 *   isa GENERIC:  generic entries only;
 *   isa X:        entries of target X, else generic ones.
 * Preference: fixed K and V over any, then the higher target, then fixed H over any.
 * NULL when nothing applies. */
const lta_entry *lta_select(const lta_entry *tab, size_t n, const lta_key *want,
                            unsigned targets, lta_isa isa);

/* Kernels added by lta_register_kernel(), in registration order (at most
 * LTA_MAX_EXTRA_KERNELS). Entries are never changed or removed once counted. */
#define LTA_MAX_EXTRA_KERNELS 1024
const lta_entry *lta_registered(size_t *count);

/* lta_select() over the built kernels and the registered ones together: the built kernel wins
 * a tie. What lta_forward() runs. */
const lta_entry *lta_lookup(const lta_key *want, unsigned targets, lta_isa isa);

/* The lta_target of an ISA choice, or -1 for AUTO and GENERIC. */
int lta_isa_target(lta_isa isa);

/* ---- CPU (lta_cpu.c, compiled without ISA flags) ---- */

/* Bit mask (1 << lta_target) of the targets this CPU and OS run. Cached after the first call. */
unsigned lta_cpu_targets(void);

/* Online CPUs this process may run on (at least 1). */
int lta_cpu_count(void);

/* ---- memory spaces (lta_memspace.c) ---- */

/* The index of the first of ptrs[0..n) that is CUDA device memory the host cannot read, or -1
 * (told only when the process has the CUDA driver loaded; NULL entries are skipped). */
int lta_first_device_pointer(const void *const *ptrs, int n);

/* ---- a checked call (lta_check.c) ---- */

typedef struct lta_call {
  lta_problem p;
  const lta_entry *kernel;
  int threads;
  float *owned_g_gamma; /* the seed's decay when the caller gave none; freed by lta_call_free */
  lta_device device;
  void *stream, *workspace; /* CUDA: the caller's */
  size_t workspace_bytes;
  int segments;             /* CUDA: time segments forced by a test, 0 = the kernel's choice */
  int generic_passes;       /* CUDA backward: run its passes on the generic forward kernel
                               (LTA_ISA_GENERIC, or buffers the tensor-core kernels cannot take) */
} lta_call;

/* Checks every argument (SPEC section 5), resolves the decay, scale and thread count, and
 * selects the kernel (forced: that entry, which must match the call's key; tests only).
 * fn names the public function in messages. Writes nothing the caller owns; on failure
 * returns the status with the message set. */
lta_status lta_forward_prepare(const lta_forward_args *a, const char *fn, const lta_entry *forced,
                               lta_call *call);
/* The same for a forward call (b NULL) or the backward of b (a = &b->fwd). */
lta_status lta_prepare(const lta_forward_args *a, const lta_backward_args *b, const char *fn,
                       const lta_entry *forced, lta_call *call);
void lta_call_free(lta_call *call);

/* lta_forward() with the kernel forced and, on CUDA, the time segments (0 = automatic) and
 * LTA_PASS_* hints: the sweep's way to reach every kernel and every path of the time split. */
lta_status lta_forward_entry(const lta_forward_args *a, const lta_entry *e, int segments,
                             int pass_flags);
/* lta_forward() (b NULL) or lta_backward(b) with LTA_PASS_* hints added to the kernel's problem
 * (sequence parallelism's STATES_ONLY); fn names the caller in messages. */
lta_status lta_run_flagged(const lta_forward_args *a, const lta_backward_args *b, int pass_flags,
                           const char *fn);

/* ---- sequence parallel (lta_sp.c; the exchange: lta_sp_nccl.c, or lta_sp_nccl_none.c) ---- */

/* Checks a rank's call of op LTA_OP_SPF or LTA_OP_SPB (the segment's arguments as lta_forward /
 * lta_backward would, the ranks, seg_lens, gathered and entering_state) and resolves it into
 * call, whose problem points at *sp (filled here). Writes nothing the caller owns. */
lta_status lta_sp_prepare(const lta_sp_args *s, int op, const char *fn, lta_call *call,
                          lta_sp_problem *sp);

/* Floats of one slot of gathered, [B, H, K, V] (for a checked call). */
size_t lta_sp_slot_floats(const lta_sp_args *a);

/* The all-gather of slot `rank` of a->gathered into every rank's gathered (the caller's stream). */
typedef lta_status (*lta_sp_gather_fn)(const lta_sp_args *a, void *comm, const char *fn);

/* A rank's steps (bits): the local state, then the combine and the outputs from its result. */
enum { LTA_SP_LOCAL = 1, LTA_SP_COMBINE = 2 };

/* Checks the call (op LTA_OP_SPF or LTA_OP_SPB), then runs the steps asked for, with gather
 * (if not NULL) between them. */
lta_status lta_sp_run(const lta_sp_args *a, int op, const char *fn, int steps,
                      lta_sp_gather_fn gather, void *comm);

/* ---- CUDA (lta_cuda.c; lta_cuda_none.c in a build without CUDA) ---- */

/* Bit mask (1 << lta_target) of the CUDA targets the current device runs; 0 when there is no
 * usable device (message set, status in *st). */
unsigned lta_cuda_targets(lta_status *st, const char *fn);

/* LTA_ERR_MEMORY_SPACE unless each non-NULL ptrs[i] is memory the current device can access
 * (device memory of that device, managed memory, or mapped host memory). */
lta_status lta_cuda_check_memory(const void *const *ptrs, const char *const *names, int n,
                                 const char *fn);

/* LTA_ERR_MEMORY_SPACE when ptr (if not NULL) is device memory the host cannot read. */
lta_status lta_cuda_check_host(const void *ptr, const char *name, const char *fn);

/* Runs the call's CUDA kernel on its stream (workspace: the caller's, else the pool's). */
lta_status lta_cuda_execute(const lta_call *call, const char *fn);

/* The workspace bytes lta_cuda_execute would use for the call. */
lta_status lta_cuda_workspace(const lta_call *call, size_t *bytes, const char *fn);

/* ---- threads (lta_threads.c) ---- */

/* Runs the call's kernel over all items on up to call->threads threads, each with its own
 * workspace: by items, or across time when there are fewer items than threads (see there).
 * Returns LTA_ERR_NO_MEMORY (nothing written) if a workspace cannot be had. */
lta_status lta_cpu_execute(const lta_call *call, const char *fn);

/* How many calls of this process ran split across time (for the tests). */
long long lta_time_split_count(void);

#endif
