/* lta_cuda_kernel.h: the contract between the runtime and the generated CUDA kernels.
 *
 * The runtime checks a call exactly as for the CPU (lta_check.c), resolves it into an
 * lta_problem whose data pointers are device memory (g_gamma excepted: host memory, copied into
 * the kernels' parameters), picks the time segments and the workspace, and calls the kernel's
 * launcher on the caller's stream. A launcher only enqueues work: no allocation, no copy, no
 * synchronisation, so that a call can be captured in a CUDA graph.
 *
 * Every generated CUDA kernel file defines, with C linkage,
 *   int    NAME(const lta_problem *p, const lta_cuda_exec *x);   enqueue; returns a cudaError_t
 *   size_t NAME_workspace(const lta_problem *p, int segments);   device bytes it needs
 *   int    NAME_segments(const lta_problem *p, int num_sms);     time segments it would use
 *   int    NAME_passes(const lta_problem *p, void *ws, lta_problem pass[LTA_CUDA_MAX_PASSES]);
 *            the forward calls it makes (the backward; 0 for a forward kernel), their tensors
 *            in its workspace ws (NULL: only their shapes are wanted)
 * The backward runs its passes on forward kernels the runtime selects for them (lta_cuda.c),
 * each with its own segments and workspace, handed over in lta_cuda_exec.passes.
 * Time segments (SPEC section 3): each sequence is cut into `segments` runs of whole chunks;
 * the state each run enters with comes from a scan over the runs before it, kept in the
 * workspace. segments = 1 needs no workspace.
 */
#ifndef LTA_CUDA_KERNEL_H
#define LTA_CUDA_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "lta_kernel.h"

/* Most query heads a CUDA call takes: the decays travel in the kernel parameters. */
#define LTA_CUDA_MAX_HEADS 1024

/* Most sequences a CUDA call with a state pool takes: every block checks the indices for
 * repeats in a hash table of shared memory (2N ints, rounded up to a power of two). */
#define LTA_CUDA_MAX_POOL_SEQS 4096

#define LTA_CUDA_MAX_PASSES 3

struct lta_cuda_pass;

typedef struct lta_cuda_exec {
  void *stream;    /* cudaStream_t */
  void *workspace; /* device memory of NAME_workspace(p, segments) bytes (NULL when that is 0) */
  int segments;    /* time segments per sequence, >= 1 */
  const struct lta_cuda_pass *passes; /* the backward: one per pass NAME_passes gave */
  void *fork;      /* the backward: cudaEvent_t for its passes with a stream (NULL when none) */
} lta_cuda_exec;

typedef int (*lta_cuda_run_fn)(const lta_problem *p, const lta_cuda_exec *x);

/* A forward pass of the backward: the kernel the runtime chose and how to run it. Passes with a
 * stream of their own (side streams the runtime keeps per thread and device) run concurrently:
 * the backward records lta_cuda_exec.fork on its stream once its own preparation is enqueued,
 * each such pass waits for it, and the backward's stream waits for each pass's `done` event
 * before anything that reads the passes' results. */
typedef struct lta_cuda_pass {
  lta_cuda_run_fn run;
  void *workspace;
  int segments;
  void *stream; /* cudaStream_t, or NULL: the backward's own stream */
  void *done;   /* cudaEvent_t to record after the pass (with stream) */
} lta_cuda_pass;

typedef size_t (*lta_cuda_workspace_fn)(const lta_problem *p, int segments);
typedef int (*lta_cuda_segments_fn)(const lta_problem *p, int num_sms);
typedef int (*lta_cuda_passes_fn)(const lta_problem *p, void *ws, lta_problem *pass);

/* The kernels' parameters, passed by value (about 4.2 KB: CUDA 12.1+ takes up to 32 KB). */
typedef struct lta_cuda_params {
  const void *q, *k, *v;
  void *o;
  const float *s0;         /* initial states or NULL */
  float *s1;               /* final states or NULL */
  float *ws;               /* workspace: [N*H][segments][K][V] entering states */
  const int64_t *cu;       /* cu_seqlens or NULL */
  const int64_t *si;       /* state pool indices [num_seqs] or NULL (see lta_problem) */
  int64_t slots;           /* the pool's slot count (with si) */
  int64_t batch, seqlen, num_seqs;
  int H, Hkv, K, V;
  int Hq;                  /* heads of q (lta_problem.num_q_heads; H when 0) */
  int flags;               /* LTA_PASS_* */
  int segments;
  float scale;
  float g[LTA_CUDA_MAX_HEADS];
} lta_cuda_params;

#endif
