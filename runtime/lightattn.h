/* lightattn.h: lightning attention (linear attention with a constant per-head decay).
 *
 * Per sequence n and query head h, with lam = exp(g_gamma[h]) and a K x V fp32 state S:
 *
 *   S = initial_state[n][h] or zeros
 *   for t over the sequence (descending when reverse):
 *     S[i][j]    = lam * S[i][j] + k[t][hk][i] * v[t][hk][j]
 *     o[t][h][j] = sum_i (scale * q[t][h][i]) * S[i][j]
 *   final_state[n][h] = S
 *
 * with hk = h / (num_heads / num_kv_heads) (GQA, MQA). Layouts are contiguous row-major:
 * q [B,T,H,K], k [B,T,Hkv,K], v [B,T,Hkv,V], o [B,T,H,V], states [N,H,K,V] (fp32).
 *
 *   lta_forward_args a;
 *   lta_forward_args_init(&a);
 *   a.dtype = LTA_BF16;
 *   a.batch = 2; a.seqlen = 100; a.num_heads = a.num_kv_heads = 8;
 *   a.head_dim_k = a.head_dim_v = 64;
 *   a.q = q; a.k = k; a.v = v; a.o = o;
 *   a.layer_idx = 5; a.num_layers = 24;        (or a.g_gamma = your per-head log decays)
 *   a.final_state = s; a.num_states = 2;
 *   if (lta_forward(&a) != LTA_OK) fprintf(stderr, "%s\n", lta_last_error());
 *
 * Every argument is checked before any work starts: a rejected call returns an error code,
 * lta_last_error() names the argument and its value, and no output has been written.
 * With device = LTA_DEVICE_CUDA the same call runs on the GPU (see lta_device): cu_seqlens then
 * lives in device memory, where the host cannot read it; the kernels check it instead and, if
 * it is malformed, write nothing (the call has already returned LTA_OK by then).
 * Decode: a call whose sequences are all short (T <= LTA_DECODE_MAX_TOKENS tokens each, e.g.
 * one new token per running sequence) runs the decode kernels, which read and write each state
 * once; with state_indices the states stay in a pool of slots, updated in place.
 * All functions are thread-safe; error messages are per thread.
 */
#ifndef LIGHTATTN_H
#define LIGHTATTN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LTA_BUILDING_SHARED) && defined(__GNUC__)
#define LTA_API __attribute__((visibility("default")))
#else
#define LTA_API
#endif

#define LTA_VERSION_MAJOR 0
#define LTA_VERSION_MINOR 1
#define LTA_VERSION_PATCH 0

/* Result of every call. The set is small and stable; lta_last_error() says more. */
typedef enum lta_status {
  LTA_OK = 0,
  LTA_ERR_NULL = 1,        /* a pointer that must hold data is NULL */
  LTA_ERR_SIZE = 2,        /* a size is zero, negative, too large, or its byte count overflows */
  LTA_ERR_HEADS = 3,       /* num_kv_heads does not divide num_heads */
  LTA_ERR_SEQLENS = 4,     /* cu_seqlens is malformed, or batch != 1 with cu_seqlens */
  LTA_ERR_STATE = 5,       /* num_states does not match the sequences, or states overlap */
  LTA_ERR_DECAY = 6,       /* layer_idx / num_layers out of range, or a g_gamma entry > 0, NaN, inf */
  LTA_ERR_SCALE = 7,       /* scale is not a positive finite number */
  LTA_ERR_DTYPE = 8,       /* unknown dtype */
  LTA_ERR_ALIAS = 9,       /* an output overlaps an input or another output */
  LTA_ERR_UNSUPPORTED = 10,/* the requested ISA or kernel is not available on this machine */
  LTA_ERR_NO_MEMORY = 11,  /* a workspace allocation failed */
  LTA_ERR_MEMORY_SPACE = 12,/* device memory where host memory is required, or the reverse */
  LTA_ERR_CUDA = 13        /* the CUDA runtime reported an error (its text is in the message) */
} lta_status;

/* Where a call's data lives and its kernels run. CPU: host memory, CPU kernels on threads.
 * CUDA: q, k, v, o, the states, cu_seqlens and the workspace are device memory of the current
 * CUDA device (or managed memory); g_gamma stays host memory. The call only enqueues work on
 * `stream` and returns: no synchronisation, no host-device copy, and no allocation when a
 * workspace is given or none is needed, so it can be captured in a CUDA graph. */
typedef enum lta_device { LTA_DEVICE_CPU = 0, LTA_DEVICE_CUDA = 1 } lta_device;

typedef enum lta_dtype { LTA_F32 = 1, LTA_F16 = 2, LTA_BF16 = 3 } lta_dtype;

/* Which kernels a call may use. AUTO: the best kernel for this CPU (the LTA_ISA environment
 * variable, if set, takes AUTO's place: generic, scalar, neon, avx2 or avx512). GENERIC: the
 * portable kernel with run-time sizes. An ISA: a kernel generated for exactly that instruction
 * set when one matches the call, else the generic kernel; an error if the CPU lacks the ISA. */
typedef enum lta_isa {
  LTA_ISA_AUTO = 0,
  LTA_ISA_GENERIC = 1,
  LTA_ISA_SCALAR = 2,
  LTA_ISA_NEON = 3,
  LTA_ISA_AVX2 = 4,
  LTA_ISA_AVX512 = 5
} lta_isa;

/* The longest sequence the decode kernels are chosen for (speculative decoding's drafts). */
#define LTA_DECODE_MAX_TOKENS 8

/* Largest head dim accepted (K and V), and largest thread count. */
#define LTA_MAX_HEAD_DIM 4096
#define LTA_MAX_THREADS 4096

typedef struct lta_forward_args {
  lta_dtype dtype;          /* of q, k, v and o */
  int64_t batch;            /* B; must be 1 with cu_seqlens */
  int64_t seqlen;           /* T; the total token count with cu_seqlens */
  int64_t num_heads;        /* H, query heads */
  int64_t num_kv_heads;     /* Hkv, divides H (Hkv = H: MHA, 1: MQA) */
  int64_t head_dim_k;       /* K, of q and k: 1..LTA_MAX_HEAD_DIM */
  int64_t head_dim_v;       /* V, of v and o: 1..LTA_MAX_HEAD_DIM */

  const void *q, *k, *v;    /* inputs, see the layouts above */
  void *o;                  /* output, [B,T,H,V] in dtype */

  const float *initial_state; /* [N,H,K,V] or NULL (zero state); a pool: see state_indices */
  float *final_state;         /* [N,H,K,V] or NULL; may be the same buffer as initial_state */
  int64_t num_states;         /* N when a state is given: B, or num_seqs with cu_seqlens;
                                 with state_indices, the number of slots of the pool */

  const int64_t *cu_seqlens;  /* NULL, or N+1 offsets: 0 = cu[0] <= cu[1] <= ... = seqlen */
  int64_t num_seqs;           /* N with cu_seqlens; sequence n is tokens [cu[n], cu[n+1]) */

  const float *g_gamma;       /* [H] natural-log decay per query head, each <= 0; or NULL: */
  int layer_idx, num_layers;  /*   g_gamma[h] = -(8/H) * (1 - layer_idx/num_layers) * h */

  int has_scale;              /* 0: scale = 1/sqrt(K) */
  float scale;                /* multiplies q when has_scale; positive and finite */

  int reverse;                /* 1: walk each sequence from its last token to its first */
  lta_isa isa;                /* kernel choice; see lta_isa */
  int num_threads;            /* 0: LTA_NUM_THREADS, else all online CPUs; <= LTA_MAX_THREADS */

  lta_device device;          /* LTA_DEVICE_CPU (0) or LTA_DEVICE_CUDA */
  void *stream;               /* CUDA: the cudaStream_t to run on; NULL = the legacy default */
  void *workspace;            /* CUDA: device scratch for long sequences, or NULL (see */
  size_t workspace_bytes;     /*   lta_forward_workspace_size) */

  /* A state pool, as serving engines keep one: NULL, or N entries (one per sequence, in the
   * memory space of the call, like cu_seqlens). initial_state and final_state (either or both,
   * usually the same buffer) then hold num_states slots [num_states,H,K,V], and sequence n
   * reads and writes slot state_indices[n]. A negative index skips sequence n: its output rows
   * and its state are left alone. An index >= num_states, or one that repeats another
   * non-negative one, is rejected (LTA_ERR_STATE) before anything is written; on CUDA the
   * kernels check the indices, as they do cu_seqlens. */
  const int64_t *state_indices;
} lta_forward_args;

/* Zero-fills *args: no states, no varlen, seed decay, default scale, AUTO kernel choice. */
LTA_API void lta_forward_args_init(lta_forward_args *args);

/* Computes o (and final_state, when given). */
LTA_API lta_status lta_forward(const lta_forward_args *args);

/* Device bytes of workspace that lets a CUDA call split each sequence's time across
 * multiprocessors (long sequences, few heads); 0 when it needs none, and on the CPU. Without a
 * workspace of that size, the call takes one from a memory pool of the library's own,
 * stream-ordered (cudaMallocFromPoolAsync, no synchronisation), except while the stream is being
 * captured into a graph: then it runs each sequence in one piece (same results up to rounding,
 * slower for long sequences). */
LTA_API lta_status lta_forward_workspace_size(const lta_forward_args *args, size_t *bytes);

/* Checks args as lta_forward() does and sets *name to the kernel lta_forward() would run
 * (a static string, e.g. "lta_fwd_bf16_k128_v128__avx2", or the generic kernel's name). */
LTA_API lta_status lta_forward_kernel(const lta_forward_args *args, const char **name);

/* ---- backward (SPEC section 2): the gradients for training ----
 * Given the forward call's inputs and the gradient of its output (and of its final state), the
 * gradients of q, k, v (in the dtype; summed over the query heads of each kv head) and of the
 * initial state (fp32). Every forward feature: reverse, varlen, initial state, GQA/MQA,
 * K != V, the seed's decay or g_gamma, every dtype. The decay gets no gradient. The states are
 * recomputed from the initial state, never stored. A state pool (state_indices) is refused.
 * On CUDA (fwd.device) it runs on fwd.stream, without synchronising, like the forward; its
 * workspace is fwd.workspace (see lta_backward_workspace_size) or the library's pool. Two of
 * its three passes run on side streams the library keeps per device, forked from fwd.stream
 * and joined back into it by events, so the call orders as one operation on fwd.stream (while
 * fwd.stream is being captured into a graph, the passes run one after another on it). */
typedef struct lta_backward_args {
  lta_forward_args fwd;        /* the forward call as it was made; its o and final_state are
                                  not read (they may be NULL) */
  const void *d_o;             /* [B,T,H,V] in dtype: the gradient of o */
  const float *d_final_state;  /* [N,H,K,V], or NULL: zero */
  void *d_q;                   /* out: [B,T,H,K] in dtype */
  void *d_k;                   /* out: [B,T,Hkv,K] in dtype */
  void *d_v;                   /* out: [B,T,Hkv,V] in dtype */
  float *d_initial_state;      /* out: [N,H,K,V], or NULL: not wanted */
} lta_backward_args;

/* Zero-fills *args (and so args->fwd as lta_forward_args_init does). */
LTA_API void lta_backward_args_init(lta_backward_args *args);

/* Computes d_q, d_k, d_v (and d_initial_state, when given). Every argument is checked as for
 * lta_forward (fwd.num_states counts the states given: initial_state, d_final_state,
 * d_initial_state), and the outputs may not overlap any input or each other. */
LTA_API lta_status lta_backward(const lta_backward_args *args);

/* Device bytes of workspace a CUDA backward uses (0 on the CPU): for the initial state and its
 * gradient transposed, GQA's fp32 sums, and the time split of its passes. Without
 * fwd.workspace it takes them from the library's stream-ordered pool, except while the stream
 * is being captured into a graph: then a call that needs any gets LTA_ERR_UNSUPPORTED, and one
 * given fwd.workspace of at least this size runs. A smaller fwd.workspace drops the time split
 * first, then is refused (LTA_ERR_SIZE). */
LTA_API lta_status lta_backward_workspace_size(const lta_backward_args *args, size_t *bytes);

/* Checks args as lta_backward() does and names the kernel it would run. */
LTA_API lta_status lta_backward_kernel(const lta_backward_args *args, const char **name);

/* ---- sequence parallel: one long sequence cut over ranks (GPUs), LASP-2 style ----
 * Each of num_ranks ranks holds a contiguous time segment of every sequence of the batch:
 * rank r holds seg_lens[r] tokens (possibly 0; ranks may differ), rank order being time order.
 * Only one K x V state per (sequence, head) crosses a segment boundary, so a rank
 *   1. computes its segment from a zero state (local): outputs o and its local final state B_r,
 *      written to slot `rank` of `gathered`;
 *   2. all-gathers the slots, so that every rank holds every B_s (the caller, or NCCL);
 *   3. combines the ranks before it (SPEC section 3: (a, b) o (a', b') = (a a', a' b + b') with
 *      a = exp(g L_s), from the initial state) into its entering state X, then corrects its
 *      outputs, o_i += scale exp(g (i + 1)) q_i X (i: the step within the segment), and writes
 *      its outgoing state exp(g L_r) X + B_r (combine).
 * With reverse the state flows from the last rank to the first. The backward mirrors it: the
 * local backward (from the entering state X, with a zero final-state gradient) gives the
 * gradients of q, k, v within the segment and D_r, the gradient of X; the D are all-gathered;
 * each rank combines the ranks after it (from the final state's gradient) into the gradient
 * Y of its outgoing state and adds dk_j += exp(g (L_r - 1 - j)) Y v_j, dv_j += ... Y^T k_j.
 * Together the ranks compute exactly what one lta_forward / lta_backward over the whole
 * sequences computes (to rounding).
 *
 * args.bwd.fwd describes this rank's segment like an lta_forward call: batch B, seqlen =
 * seg_lens[rank] (0 allowed: then q, k, v, o may be NULL), q, k, v, o of its tokens
 * ([B, L_r, ...]), heads, dims, decay, scale, reverse, device and stream. Its initial_state is
 * the sequences' initial state (the same on every rank, or NULL everywhere) and its
 * final_state (or NULL) receives this rank's outgoing state: on the last rank (the first when
 * reverse) the sequences' final state. No cu_seqlens, no state pool. The gradient fields of
 * args.bwd are read by the backward only: d_final_state is the gradient of the sequences'
 * final state (the same on every rank, or NULL), d_initial_state (or NULL) receives the
 * gradient of this rank's entering state: on the first rank (the last when reverse) that of the
 * sequences' initial state. The arrays live where the call runs (device memory on CUDA),
 * except seg_lens (host memory). */
#define LTA_SP_MAX_RANKS 256

typedef struct lta_sp_args {
  lta_backward_args bwd;     /* bwd.fwd: this rank's segment (above); the rest: backward only */
  int rank, num_ranks;       /* 0 <= rank < num_ranks <= LTA_SP_MAX_RANKS */
  const int64_t *seg_lens;   /* [num_ranks], host memory, the same on every rank */
  float *gathered;           /* [num_ranks][B, H, K, V] fp32: slot s holds rank s's B_s (D_s in
                                the backward). local writes slot `rank`; combine reads every
                                slot and then leaves X (Y) in slot `rank` */
  float *entering_state;     /* [B, H, K, V]: forward combine: out (or NULL), this rank's
                                entering state X; backward: in, required (the forward's) */
} lta_sp_args;

/* Zero-fills *args. */
LTA_API void lta_sp_args_init(lta_sp_args *args);

/* Step 1 of the forward: slot `rank` of gathered, the segment's final state from a zero state
 * (nothing when the segment is empty). o may be written with anything: step 3 writes it. */
LTA_API lta_status lta_sp_forward_local(const lta_sp_args *args);
/* Step 3 of the forward, once gathered holds every rank's slot: combines them into this rank's
 * entering state, writes bwd.fwd.final_state and entering_state (when given), then o by the
 * segment's forward from the entering state. */
LTA_API lta_status lta_sp_forward_combine(const lta_sp_args *args);
/* Step 1 of the backward: slot `rank` of gathered, the gradient of the segment's entering state
 * from a zero gradient of its end (nothing when the segment is empty). d_q, d_k, d_v may be
 * written with anything: step 3 writes them. */
LTA_API lta_status lta_sp_backward_local(const lta_sp_args *args);
/* Step 3 of the backward: combines the slots into the gradient of this rank's outgoing state,
 * writes bwd.d_initial_state (if given), then d_q, d_k, d_v by the segment's backward from the
 * entering state and that gradient. */
LTA_API lta_status lta_sp_backward_combine(const lta_sp_args *args);

/* All three steps on a CUDA device, the exchange by one in-place ncclAllGather of gathered on
 * bwd.fwd.stream: nothing waits on the host. nccl_comm is the ncclComm_t of the ranks (its
 * size num_ranks, this process's rank `rank`, its device the current one). Every rank must
 * call it (a collective); a call rejected on one rank leaves the others waiting in NCCL, so
 * check the arguments the same way everywhere. LTA_ERR_UNSUPPORTED in a build without NCCL.
 * Each step costs about one forward (backward) of the segment: the local steps compute states
 * only where the selected kernel can (the tensor-core kernels), the whole call elsewhere. */
LTA_API lta_status lta_sp_forward_nccl(const lta_sp_args *args, void *nccl_comm);
LTA_API lta_status lta_sp_backward_nccl(const lta_sp_args *args, void *nccl_comm);

/* Fills g_gamma[0..num_heads) with the seed's decay for a layer (fp32, h = 0 never decays). */
LTA_API lta_status lta_seed_g_gamma(int64_t num_heads, int layer_idx, int num_layers,
                                    float *g_gamma);

/* The message of this thread's last failed call ("" if none). */
LTA_API const char *lta_last_error(void);

/* "LTA_ERR_SIZE" etc.; "unknown status" for other values. */
LTA_API const char *lta_status_name(lta_status status);

/* "avx2" etc.; NULL for other values. */
LTA_API const char *lta_isa_name(lta_isa isa);

/* 1 when this CPU (and its OS) can run code of isa; GENERIC and SCALAR always can. */
LTA_API int lta_isa_supported(lta_isa isa);

/* "0.1.0" */
LTA_API const char *lta_version(void);

/* ---- extra kernels, generated outside the library's build ----
 * A kernel that lta-gen rendered from the installed templates (for a head dim the library was
 * not built with) joins the registry at run time; lta_forward() then picks it like a built one,
 * and a built kernel wins a tie. name is its key name ("lta_fwd_f32_k96_v96__avx2"), run and
 * workspace its two functions, abi_version the LTA_KERNEL_ABI of the lta_kernel.h it was
 * compiled with (installed as <lightattn/lta_kernel.h>). Only CPU kernels; a name that is built
 * in or already registered is refused (LTA_ERR_UNSUPPORTED), as is another ABI. At most 1024.
 * The CMake function lightattn_add_kernels() (find_package(lightattn)) generates, compiles and
 * registers such a set; see the README, "Extra kernels". Thread-safe. */
struct lta_problem;
typedef void (*lta_kernel_run_fn)(const struct lta_problem *p, int64_t first, int64_t last,
                                  void *workspace);
typedef size_t (*lta_kernel_workspace_fn)(const struct lta_problem *p);
LTA_API lta_status lta_register_kernel(const char *name, lta_kernel_run_fn run,
                                       lta_kernel_workspace_fn workspace, int abi_version);

#ifdef __cplusplus
}
#endif

#endif
