/* lta_kernel.h: the contract between the runtime and the generated CPU kernels.
 *
 * The runtime checks a call, resolves it into an lta_problem (decay array, scale, sizes), and
 * hands each thread a range of work items. An item is one (sequence n, query head h) pair,
 * item = n * num_heads + h (the backward: one (sequence n, kv head hk) pair, n * num_kv_heads +
 * hk, since the gradients of a kv head sum over its query heads; lta_item_count()). Items are
 * independent (each owns its output rows and its state), so a kernel needs no synchronisation
 * and its result does not depend on the thread count.
 *
 * With p->state_index (a state pool), sequence n's states are slot state_index[n] of the state
 * arrays, and a sequence whose slot is negative is skipped: no output row, no state written.
 * lta_item_segment() and lta_state_slot() do that mapping.
 *
 * Every generated kernel file defines
 *   void   NAME(const lta_problem *p, int64_t first, int64_t last, void *ws);   items [first, last)
 *   size_t NAME_workspace(const lta_problem *p);                                 bytes per thread
 * A call covers at most lta_group_size(p) items; a kernel may run them in any order or in
 * lockstep, but computes each one the same way whatever the other items of the call.
 * The workspace is 64-byte aligned, owned by the calling thread, and its content is undefined
 * on entry.
 *
 * When p->seg is set (the runtime's time split, lta_threads.c), the call covers one item and
 * only the steps [seg->begin, seg->end) of its sequence in walking order (reversed when
 * reverse), entering with seg->s_in (NULL: zeros) instead of the initial state, leaving its
 * state in seg->s_out (NULL: nowhere) instead of the final state, and writing output rows only
 * when seg->outputs.
 */
#ifndef LTA_KERNEL_H
#define LTA_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lta_key.h"

/* The version of this contract (lta_problem, lta_segment and the two functions). Kernels
 * compiled outside the library pass it to lta_register_kernel(), which refuses another one; any
 * change to these types or the functions' meaning must raise it. 2: kernels take a segment.
 * 3: states may live in a pool (lta_problem.state_index). 4: the CUDA backward's forward
 * passes (lta_problem.num_q_heads, pass_flags) and sequence parallelism (lta_problem.sp). */
#define LTA_KERNEL_ABI 4

typedef struct lta_segment {
  int64_t begin, end; /* steps of the sequence, in walking order */
  const float *s_in;  /* entering state [K, V], or NULL: zeros */
  float *s_out;       /* the state after the segment [K, V], or NULL */
  int outputs;        /* 0: the state only, no output row written */
} lta_segment;

/* Sequence parallel (ops LTA_OP_SPF, LTA_OP_SPB): one rank's view of the other ranks. Every
 * rank holds a contiguous segment (seg_lens[r] tokens, possibly 0) of each of the batch's
 * sequences; rank order is time order (walked backwards when reverse). gathered holds one
 * [N, H, K, V] slot per rank: the local final states B_r (SPF) or the local gradients D_r of
 * the entering states (SPB). The kernel combines the slots of the ranks before this one in
 * walking order (SPF: from the initial state) or after it (SPB: from the final state's
 * gradient), X = exp(g L_s) X + slot_s, then overwrites slot `rank` with X. */
#define LTA_SP_MAX_RANKS 256 /* the same definition as lightattn.h's (both are included) */

typedef struct lta_sp_problem {
  int rank, num_ranks;
  const int64_t *seg_lens;  /* [num_ranks], host memory */
  float *gathered;          /* [num_ranks][N, H, K, V], in the call's memory space */
  float *entering_state;    /* SPF: out [N, H, K, V] or NULL; SPB: unused */
} lta_sp_problem;

typedef struct lta_problem {
  int op;                 /* LTA_OP_FWD or LTA_OP_DEC (the forward), LTA_OP_BWD (the backward),
                             LTA_OP_SPF / LTA_OP_SPB (sequence parallel, see lta_sp_problem) */
  int dtype;              /* LTA_KEY_F32, LTA_KEY_F16, LTA_KEY_BF16: q, k, v and o */
  int reverse;            /* 1: tokens of each sequence are visited last to first */
  int64_t batch, seqlen;  /* q is [batch, seqlen, H, K] */
  int64_t num_heads, num_kv_heads, K, V;
  int64_t num_seqs;       /* N: batch, or the number of varlen sequences */
  const void *q, *k, *v;
  void *o;
  const float *initial_state; /* [N, H, K, V] or NULL (zeros); [slots, H, K, V] with a pool */
  float *final_state;         /* [N, H, K, V] or NULL; may equal initial_state */
  const int64_t *state_index; /* NULL, or [N]: sequence n's state slot, negative = skip it */
  int64_t num_slots;          /* slots of the state arrays: N, or the pool's with state_index */
  const int64_t *cu_seqlens;  /* [N + 1] or NULL */
  const float *g_gamma;       /* [H]: log decay per query head, finite and <= 0 */
  float scale;                /* multiplies q */
  /* The backward (op LTA_OP_BWD; NULL otherwise): inputs d_o [B,T,H,V] and d_sT [N,H,K,V] (or
   * NULL: zero), outputs d_q, d_k, d_v in dtype and d_s0 [N,H,K,V] (or NULL: not wanted). */
  const void *d_o;
  const float *d_sT;
  void *d_q, *d_k, *d_v;
  float *d_s0;
  /* The CUDA backward runs forward kernels on rearranged tensors (templates/cuda_bwd.cu.lt);
   * those calls alone set num_q_heads and all but one pass flag (sequence parallelism's local
   * step sets LTA_PASS_STATES_ONLY); every other call leaves them 0. */
  int64_t num_q_heads;        /* heads of the q tensor when not num_heads: head h reads q head
                                 h / (num_heads / num_q_heads) */
  int pass_flags;             /* LTA_PASS_* */
  const lta_segment *seg;     /* NULL: whole sequences (see above) */
  int64_t group;              /* the most items one call is given (0 counts as 1); with seg: 1 */
  /* Sequence parallel (ops SPF, SPB; NULL otherwise). seqlen is then this rank's segment length
   * (0 allowed); initial_state and final_state: the sequence's initial state and this rank's
   * outgoing state (SPF); d_sT and d_s0: the final state's gradient and that of this rank's
   * entering state (SPB). The combine only: o, d_q, d_k and d_v come from the forward or
   * backward that the runtime runs after it, from the entering state. */
  const lta_sp_problem *sp;
} lta_problem;

/* pass_flags: how a forward pass of the CUDA backward differs from the forward of SPEC 1.
 *   ABSORB_SCALE:    the state takes scale * k (x) v and the output is q . S (the initial state
 *                    is then not scaled); the terms within a chunk are the same.
 *   UNDECAYED_START: the first token of a sequence adds to the initial state without decaying it.
 *   OUT_F32:         o is fp32, not dtype.
 *   STATES_ONLY:     a hint (op FWD or BWD): only the final state (BWD: d_s0) is wanted; the
 *                    outputs o (d_q, d_k, d_v) may be left as they were or written with
 *                    anything. Sequence parallelism's local step sets it; a kernel that ignores
 *                    it is still right. */
enum {
  LTA_PASS_ABSORB_SCALE = 1,
  LTA_PASS_UNDECAYED_START = 2,
  LTA_PASS_OUT_F32 = 4,
  LTA_PASS_STATES_ONLY = 8
};

typedef void (*lta_cpu_run_fn)(const lta_problem *p, int64_t first, int64_t last, void *ws);
typedef size_t (*lta_cpu_workspace_fn)(const lta_problem *p);

/* Rows [*row0, *row1) of the flattened [batch * seqlen] token axis that sequence n owns. */
static inline void lta_seq_rows(const lta_problem *p, int64_t n, int64_t *row0, int64_t *row1) {
  if (p->cu_seqlens) {
    *row0 = p->cu_seqlens[n];
    *row1 = p->cu_seqlens[n + 1];
  } else {
    *row0 = n * p->seqlen;
    *row1 = *row0 + p->seqlen;
  }
}

/* The state slot of sequence n (n itself without a pool); negative: the sequence is skipped. */
static inline int64_t lta_state_slot(const lta_problem *p, int64_t n) {
  return p->state_index ? p->state_index[n] : n;
}

/* Element offset of item (n, h)'s state in the state arrays. */
static inline int64_t lta_state_offset(const lta_problem *p, int64_t n, int64_t h) {
  return (lta_state_slot(p, n) * p->num_heads + h) * p->K * p->V;
}

/* What a kernel call covers of item (sequence n, head h), whose sequence has len tokens: all
 * of it, or p->seg. Not for a skipped sequence (lta_state_slot() < 0). */
static inline lta_segment lta_item_segment(const lta_problem *p, int64_t n, int64_t h,
                                           int64_t len) {
  if (p->seg) return *p->seg;
  const int64_t state = lta_state_offset(p, n, h);
  lta_segment s = {0, len, p->initial_state ? p->initial_state + state : NULL,
                   p->final_state ? p->final_state + state : NULL, 1};
  return s;
}

/* The work items of a call: (sequence, query head) pairs; (sequence, kv head) for the backward
 * and the sequence-parallel backward (their dk, dv sum over a kv head's query heads). */
static inline int64_t lta_item_count(const lta_problem *p) {
  return p->num_seqs * (p->op == LTA_OP_BWD ? p->num_kv_heads : p->num_heads);
}

/* The most items one kernel call covers: what a workspace must hold states for. */
static inline int64_t lta_group_size(const lta_problem *p) { return p->group > 1 ? p->group : 1; }

/* Floats rounded up to a 64-byte multiple: workspace regions stay aligned. */
static inline size_t lta_ws_floats(int64_t n) { return (size_t)((n + 15) & ~(int64_t)15); }

/* ---- element conversions (round to nearest even, NaN kept NaN) ---- */

static inline float lta_bits_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static inline uint32_t lta_f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline float lta_bf16_to_f32(uint16_t b) { return lta_bits_f32((uint32_t)b << 16); }

static inline uint16_t lta_f32_to_bf16(float f) {
  uint32_t u = lta_f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u); /* quiet NaN */
  u += 0x7fffu + ((u >> 16) & 1u);
  return (uint16_t)(u >> 16);
}

static inline float lta_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
  if (exp == 0x1f) return lta_bits_f32(sign | 0x7f800000u | (man << 13)); /* inf, NaN */
  if (exp == 0) { /* zero or subnormal: man * 2^-24 is exact in f32 */
    float f = (float)man * 5.9604644775390625e-8f;
    return sign ? -f : f;
  }
  return lta_bits_f32(sign | ((exp + 112u) << 23) | (man << 13));
}

static inline uint16_t lta_f32_to_f16(float f) {
  uint32_t u = lta_f32_bits(f), sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
  if (a > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((a >> 13) & 0x3ffu)); /* NaN */
  if (a >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* rounds to >= 65520: inf */
  if (a < 0x38800000u) { /* below 2^-14: subnormal f16, rounded by the FPU's own addition */
    float m = lta_bits_f32(a) + 0.5f; /* 0.5 = 2^-1: puts the f16 subnormal ulp at bit 0 */
    return (uint16_t)(sign | (lta_f32_bits(m) - 0x3f000000u));
  }
  uint32_t r = a + 0xfffu + ((a >> 13) & 1u) - (112u << 23);
  return (uint16_t)(sign | (r >> 13));
}

/* Loads n elements of a row into floats, times mul. */
static inline void lta_load_f32(const void *src, float *dst, int64_t n, float mul) {
  const float *s = (const float *)src;
  for (int64_t i = 0; i < n; i++) dst[i] = s[i] * mul;
}
static inline void lta_load_f16(const void *src, float *dst, int64_t n, float mul) {
  const uint16_t *s = (const uint16_t *)src;
  for (int64_t i = 0; i < n; i++) dst[i] = lta_f16_to_f32(s[i]) * mul;
}
static inline void lta_load_bf16(const void *src, float *dst, int64_t n, float mul) {
  const uint16_t *s = (const uint16_t *)src;
  for (int64_t i = 0; i < n; i++) dst[i] = lta_bf16_to_f32(s[i]) * mul;
}

/* Stores n floats as a row of the output dtype. */
static inline void lta_store_f32(void *dst, const float *src, int64_t n) {
  memcpy(dst, src, (size_t)n * sizeof(float));
}
static inline void lta_store_f16(void *dst, const float *src, int64_t n) {
  uint16_t *d = (uint16_t *)dst;
  for (int64_t i = 0; i < n; i++) d[i] = lta_f32_to_f16(src[i]);
}
static inline void lta_store_bf16(void *dst, const float *src, int64_t n) {
  uint16_t *d = (uint16_t *)dst;
  for (int64_t i = 0; i < n; i++) d[i] = lta_f32_to_bf16(src[i]);
}

#endif
