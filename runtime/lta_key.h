/* lta_key.h: a kernel's identity.
 *
 * A key says what a kernel computes (op, dtype, head dims, head count, direction) and where it
 * runs (target). Its name is rendered by lta_key_name() alone, and that name is the kernel's
 * identity everywhere: the generator's file names, the registry, the tests and every message.
 * This file is shared by the generator (gen/) and the library (runtime/), so it must not depend
 * on either.
 */
#ifndef LTA_KEY_H
#define LTA_KEY_H

#include <stddef.h>
#include <stdint.h>

/* What a kernel computes. FWD: the forward of any length (chunked where the kernel is
 * specialised). DEC: the same forward for decode, a few tokens per sequence (serving): the state
 * stays in registers and is read and written once; correct for any length, fast for short.
 * BWD: the backward of SPEC section 2 (gradients of q, k, v and the initial state).
 * SPF, SPB: sequence parallel (one sequence cut into segments over ranks, lta_sp_* in
 * lightattn.h): a rank combines the other ranks' gathered states into its own entering state
 * (SPF) or outgoing state gradient (SPB) and corrects its outputs (SPF) or dk, dv (SPB). */
typedef enum lta_op {
  LTA_OP_FWD = 0, LTA_OP_DEC, LTA_OP_BWD, LTA_OP_SPF, LTA_OP_SPB, LTA_OP_COUNT
} lta_op;

/* Element type of q, k, v and o (states are always fp32). Values match lta_dtype in
 * lightattn.h so that a public dtype converts by value. */
enum { LTA_KEY_F32 = 1, LTA_KEY_F16 = 2, LTA_KEY_BF16 = 3 };

/* Where a kernel runs. The order is the preference order within one family: a larger value
 * is preferred when the machine supports it. */
typedef enum lta_target {
  LTA_TARGET_SCALAR = 0, /* family cpu */
  LTA_TARGET_NEON,
  LTA_TARGET_AVX2,
  LTA_TARGET_AVX512,
  LTA_TARGET_CUDA, /* family cuda: the generic CUDA kernels, any GPU of compute capability 8.0+ */
  LTA_TARGET_SM80, /* compute capability 8.x (PTX included, so 9.x runs it too) */
  LTA_TARGET_SM90, /* compute capability 9.x */
  LTA_TARGET_COUNT
} lta_target;

/* 0 in K, V or H means "any": the kernel takes that size at run time. */
typedef struct lta_key {
  int op;      /* lta_op */
  int dtype;   /* LTA_KEY_F32 .. LTA_KEY_BF16 */
  int32_t K;   /* q/k head dim, 0 = any */
  int32_t V;   /* v/o head dim, 0 = any */
  int32_t H;   /* query heads, 0 = any */
  int reverse; /* 0 = forward in time, 1 = reverse */
  int target;  /* lta_target */
} lta_key;

/* Longest name lta_key_name() can render, terminator included. */
#define LTA_KEY_NAME_MAX 96

/* Renders "lta_<op>_<dtype>_k<K|any>_v<V|any>[_h<H>][_rev]__<target>" into buf.
 * Returns the length, or -1 when the key has a field out of range or buf is too small. */
int lta_key_name(const lta_key *key, char *buf, size_t size);

/* Parses a name rendered by lta_key_name(). Returns 0 on success, -1 when name is not one. */
int lta_key_parse(const char *name, lta_key *key);

/* Field spellings, as used in names and in the generator's kernel spec; NULL when out of
 * range. The *_from_string functions return -1 for an unknown spelling. */
const char *lta_op_string(int op);
const char *lta_dtype_string(int dtype);
const char *lta_target_string(int target);
int lta_op_from_string(const char *s);
int lta_dtype_from_string(const char *s);
int lta_target_from_string(const char *s);

/* The family a target belongs to ("cpu" or "cuda"): the generated file's folder, its kernel
 * list and the runtime's dispatch path. NULL when out of range. */
const char *lta_target_family(int target);

/* Largest head dim or head count a key may name (sizes past it run on the generic kernel). */
#define LTA_KEY_DIM_MAX 4096

#endif
