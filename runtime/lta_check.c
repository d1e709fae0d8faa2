/* lta_check.c: every argument of a call checked before any work (SPEC section 5).
 *
 * Each failure returns its status with a message naming the argument and its value; nothing
 * the caller owns is written. On success the call is resolved: the decay array (the seed's
 * formula or the caller's), the scale, the thread count and the kernel.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lta_internal.h"

/* out = a * b * c ..., 0 on overflow past the largest object size. */
static int product(int64_t *out, int count, const int64_t *f) {
  int64_t r = 1;
  for (int i = 0; i < count; i++)
    if (__builtin_mul_overflow(r, f[i], &r) || r > (int64_t)(PTRDIFF_MAX / 2)) return 0;
  *out = r;
  return 1;
}

typedef struct span {
  const char *name;
  uintptr_t begin;
  int64_t bytes;
} span;

static int overlap(const span *a, const span *b) {
  return a->begin && b->begin && a->bytes > 0 && b->bytes > 0 &&
         a->begin < b->begin + (uintptr_t)b->bytes && b->begin < a->begin + (uintptr_t)a->bytes;
}

/* seqlen_min: 1, or 0 for a sequence-parallel rank (its segment may be empty). */
static lta_status check_sizes(const lta_forward_args *a, const char *fn, int64_t seqlen_min) {
  const struct { const char *name; int64_t value, min, max; } sizes[] = {
      {"batch", a->batch, 1, INT64_MAX},
      {"seqlen", a->seqlen, seqlen_min, INT64_MAX},
      {"num_heads", a->num_heads, 1, INT32_MAX},
      {"num_kv_heads", a->num_kv_heads, 1, INT32_MAX},
      {"head_dim_k", a->head_dim_k, 1, LTA_MAX_HEAD_DIM},
      {"head_dim_v", a->head_dim_v, 1, LTA_MAX_HEAD_DIM},
  };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    if (sizes[i].value < sizes[i].min)
      return lta_fail(LTA_ERR_SIZE, "%s: %s=%lld must be at least %lld", fn, sizes[i].name,
                      (long long)sizes[i].value, (long long)sizes[i].min);
    if (sizes[i].value > sizes[i].max)
      return lta_fail(LTA_ERR_SIZE, "%s: %s=%lld is larger than the limit %lld", fn,
                      sizes[i].name, (long long)sizes[i].value, (long long)sizes[i].max);
  }
  if (a->num_threads < 0 || a->num_threads > LTA_MAX_THREADS)
    return lta_fail(LTA_ERR_SIZE, "%s: num_threads=%d must be in 0 (automatic)..%d", fn,
                    a->num_threads, LTA_MAX_THREADS);
  if (a->num_heads % a->num_kv_heads != 0)
    return lta_fail(LTA_ERR_HEADS, "%s: num_kv_heads=%lld does not divide num_heads=%lld", fn,
                    (long long)a->num_kv_heads, (long long)a->num_heads);
  return LTA_OK;
}

/* On CUDA, cu_seqlens is device memory: the host checks its count, the kernels its values. */
static lta_status check_seqlens(const lta_forward_args *a, const char *fn, int64_t *num_seqs) {
  if (!a->cu_seqlens) {
    if (a->num_seqs != 0)
      return lta_fail(LTA_ERR_SEQLENS, "%s: num_seqs=%lld is given without cu_seqlens", fn,
                      (long long)a->num_seqs);
    *num_seqs = a->batch;
    return LTA_OK;
  }
  const int64_t *cu = a->cu_seqlens, n = a->num_seqs;
  if (a->batch != 1)
    return lta_fail(LTA_ERR_SEQLENS, "%s: batch=%lld must be 1 with cu_seqlens", fn,
                    (long long)a->batch);
  if (n < 1)
    return lta_fail(LTA_ERR_SEQLENS, "%s: num_seqs=%lld must be at least 1 with cu_seqlens",
                    fn, (long long)n);
  if (n > INT64_MAX / 2 / a->num_heads)
    return lta_fail(LTA_ERR_SEQLENS, "%s: num_seqs=%lld is too large", fn, (long long)n);
  if (a->device == LTA_DEVICE_CUDA) {
    *num_seqs = n;
    return LTA_OK;
  }
  if (cu[0] != 0)
    return lta_fail(LTA_ERR_SEQLENS, "%s: cu_seqlens[0]=%lld must be 0", fn, (long long)cu[0]);
  for (int64_t i = 1; i <= n; i++)
    if (cu[i] < cu[i - 1])
      return lta_fail(LTA_ERR_SEQLENS,
                      "%s: cu_seqlens[%lld]=%lld is less than cu_seqlens[%lld]=%lld", fn,
                      (long long)i, (long long)cu[i], (long long)(i - 1), (long long)cu[i - 1]);
  if (cu[n] != a->seqlen)
    return lta_fail(LTA_ERR_SEQLENS,
                    "%s: cu_seqlens[%lld]=%lld must equal the token count seqlen=%lld", fn,
                    (long long)n, (long long)cu[n], (long long)a->seqlen);
  *num_seqs = n;
  return LTA_OK;
}

static lta_status check_decay(const lta_forward_args *a, const char *fn) {
  if (a->g_gamma) {
    for (int64_t h = 0; h < a->num_heads; h++) {
      float g = a->g_gamma[h];
      if (!(g <= 0.0f) || isinf(g))
        return lta_fail(LTA_ERR_DECAY,
                        "%s: g_gamma[%lld]=%g must be a finite log decay <= 0", fn,
                        (long long)h, (double)g);
    }
    return LTA_OK;
  }
  if (a->num_layers <= 0)
    return lta_fail(LTA_ERR_DECAY, "%s: num_layers=%d must be positive (or pass g_gamma)", fn,
                    a->num_layers);
  if (a->layer_idx < 0 || a->layer_idx > a->num_layers)
    return lta_fail(LTA_ERR_DECAY, "%s: layer_idx=%d must be in 0..num_layers=%d", fn,
                    a->layer_idx, a->num_layers);
  return LTA_OK;
}

/* The ISA choice: the argument, else LTA_ISA from the environment, else AUTO. */
static lta_status resolve_isa(const lta_forward_args *a, const char *fn, lta_isa *isa) {
  *isa = a->isa;
  if ((int)a->isa < LTA_ISA_AUTO || a->isa > LTA_ISA_AVX512)
    return lta_fail(LTA_ERR_UNSUPPORTED, "%s: isa=%d is not an lta_isa value", fn, (int)a->isa);
  if (a->isa == LTA_ISA_AUTO) {
    const char *env = getenv("LTA_ISA");
    if (env && *env && strcmp(env, "auto") != 0) {
      int found = 0;
      for (int i = LTA_ISA_GENERIC; i <= LTA_ISA_AVX512 && !found; i++)
        if (strcmp(env, lta_isa_name((lta_isa)i)) == 0) {
          *isa = (lta_isa)i;
          found = 1;
        }
      if (!found)
        return lta_fail(LTA_ERR_UNSUPPORTED,
                        "%s: LTA_ISA='%s' is not one of auto, generic, scalar, neon, avx2, avx512",
                        fn, env);
    }
  }
  if (!lta_isa_supported(*isa))
    return lta_fail(LTA_ERR_UNSUPPORTED, "%s: isa=%s is not supported by this CPU%s", fn,
                    lta_isa_name(*isa), a->isa == LTA_ISA_AUTO ? " (from LTA_ISA)" : "");
  return LTA_OK;
}

static lta_status resolve_threads(const lta_forward_args *a, const char *fn, int *threads) {
  *threads = a->num_threads;
  if (*threads > 0) return LTA_OK;
  const char *env = getenv("LTA_NUM_THREADS");
  if (env && *env) {
    char *end;
    long n = strtol(env, &end, 10);
    if (*end || n < 1 || n > LTA_MAX_THREADS)
      return lta_fail(LTA_ERR_SIZE, "%s: LTA_NUM_THREADS='%s' is not a number in 1..%d", fn,
                      env, LTA_MAX_THREADS);
    *threads = (int)n;
    return LTA_OK;
  }
  *threads = lta_cpu_count();
  return LTA_OK;
}

/* Every buffer of a call with its byte extent: the inputs, then the outputs. */
enum {
  BUF_Q, BUF_K, BUF_V, BUF_S0, BUF_G, BUF_CU, BUF_SI, BUF_DO, BUF_DST, /* inputs */
  BUF_O, BUF_ST, BUF_DQ, BUF_DK, BUF_DV, BUF_DS0,                    /* outputs */
  BUF_COUNT
};

/* b: the backward's buffers (NULL: a forward call, whose o and final_state are outputs). */
static void buffer_spans(const lta_forward_args *a, const lta_backward_args *b, int64_t q_bytes,
                         const int64_t kv_bytes[2], int64_t o_bytes, int64_t state_bytes,
                         int64_t num_seqs, span s[BUF_COUNT]) {
  s[BUF_Q] = (span){"q", (uintptr_t)a->q, q_bytes};
  s[BUF_K] = (span){"k", (uintptr_t)a->k, kv_bytes[0]};
  s[BUF_V] = (span){"v", (uintptr_t)a->v, kv_bytes[1]};
  s[BUF_S0] = (span){"initial_state", (uintptr_t)a->initial_state, state_bytes};
  s[BUF_G] = (span){"g_gamma", (uintptr_t)a->g_gamma, a->num_heads * (int64_t)sizeof(float)};
  s[BUF_CU] = (span){"cu_seqlens", (uintptr_t)a->cu_seqlens,
                     a->cu_seqlens ? (num_seqs + 1) * (int64_t)sizeof(int64_t) : 0};
  s[BUF_SI] = (span){"state_indices", (uintptr_t)a->state_indices,
                     a->state_indices ? num_seqs * (int64_t)sizeof(int64_t) : 0};
  s[BUF_O] = (span){"o", (uintptr_t)(b ? NULL : a->o), o_bytes};
  s[BUF_ST] = (span){"final_state", (uintptr_t)(b ? NULL : a->final_state), state_bytes};
  s[BUF_DO] = (span){"d_o", (uintptr_t)(b ? b->d_o : NULL), o_bytes};
  s[BUF_DST] = (span){"d_final_state", (uintptr_t)(b ? b->d_final_state : NULL), state_bytes};
  s[BUF_DQ] = (span){"d_q", (uintptr_t)(b ? b->d_q : NULL), q_bytes};
  s[BUF_DK] = (span){"d_k", (uintptr_t)(b ? b->d_k : NULL), kv_bytes[0]};
  s[BUF_DV] = (span){"d_v", (uintptr_t)(b ? b->d_v : NULL), kv_bytes[1]};
  s[BUF_DS0] = (span){"d_initial_state", (uintptr_t)(b ? b->d_initial_state : NULL), state_bytes};
}

static lta_status check_aliases(const span s[BUF_COUNT], const char *fn) {
  for (int out = BUF_O; out < BUF_COUNT; out++)
    for (int in = 0; in < out; in++) {
      /* Decode advances a state in place: the very same buffer is allowed. */
      if (out == BUF_ST && in == BUF_S0 && s[out].begin == s[in].begin) continue;
      if (overlap(&s[out], &s[in]))
        return lta_fail(LTA_ERR_ALIAS, "%s: %s=%p overlaps %s=%p", fn, s[out].name,
                        (void *)s[out].begin, s[in].name, (void *)s[in].begin);
    }
  return LTA_OK;
}

/* LTA_ERR_MEMORY_SPACE naming the first of ptrs[0..n) that is CUDA device memory. */
static lta_status host_only(const void *const *ptrs, const char *const *names, int n,
                            const char *fn) {
  int dev = lta_first_device_pointer(ptrs, n);
  if (dev >= 0)
    return lta_fail(LTA_ERR_MEMORY_SPACE,
                    "%s: %s=%p is CUDA device memory; the CPU path needs host memory", fn,
                    names[dev], ptrs[dev]);
  return LTA_OK;
}

/* The CPU kernels read and write every buffer directly: device memory must not reach them.
 * The CUDA kernels read every buffer but g_gamma (host memory, copied into their parameters)
 * on the device. */
static lta_status check_memory(const span s[BUF_COUNT], lta_device device, const char *fn) {
  const void *ptrs[BUF_COUNT];
  const char *names[BUF_COUNT];
  for (int i = 0; i < BUF_COUNT; i++) ptrs[i] = (const void *)s[i].begin, names[i] = s[i].name;
  /* g_gamma (and, on the CPU, cu_seqlens and state_indices) were checked by
   * check_host_readable() before the host read their values. */
  ptrs[BUF_G] = NULL;
  if (device == LTA_DEVICE_CUDA) return lta_cuda_check_memory(ptrs, names, BUF_COUNT, fn);
  ptrs[BUF_CU] = ptrs[BUF_SI] = NULL;
  return host_only(ptrs, names, BUF_COUNT, fn);
}

/* The arrays the host itself reads before any kernel runs (g_gamma on every device,
 * cu_seqlens and state_indices on the CPU) must be host memory: checked before their values. */
static lta_status check_host_readable(const lta_forward_args *a, const char *fn) {
  if (a->device == LTA_DEVICE_CUDA) return lta_cuda_check_host(a->g_gamma, "g_gamma", fn);
  const void *ptrs[3] = {a->g_gamma, a->cu_seqlens, a->state_indices};
  const char *names[3] = {"g_gamma", "cu_seqlens", "state_indices"};
  return host_only(ptrs, names, 3, fn);
}

static int cmp_index(const void *x, const void *y) {
  const int64_t *a = x, *b = y; /* (value, position) pairs */
  return a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : (a[1] < b[1] ? -1 : a[1] > b[1]);
}

/* A state pool: its slot count, and (on the CPU, where the host reads it) every index in range
 * and none repeated. On CUDA the kernels check the values (LTA_CUDA_MAX_POOL_SEQS bounds the
 * table each block keeps for that). */
static lta_status check_pool(const lta_forward_args *a, const char *fn, int64_t N) {
  if (!a->initial_state && !a->final_state)
    return lta_fail(LTA_ERR_STATE,
                    "%s: state_indices=%p is given without initial_state or final_state", fn,
                    (const void *)a->state_indices);
  if (a->num_states < 1)
    return lta_fail(LTA_ERR_STATE,
                    "%s: num_states=%lld: a state pool (state_indices) needs at least one slot", fn,
                    (long long)a->num_states);
  if (a->device == LTA_DEVICE_CUDA) {
    if (N > LTA_CUDA_MAX_POOL_SEQS)
      return lta_fail(LTA_ERR_SIZE,
                      "%s: %lld sequences with state_indices: a CUDA call takes at most %d "
                      "(the kernels check the indices in shared memory)",
                      fn, (long long)N, LTA_CUDA_MAX_POOL_SEQS);
    if (a->num_states > INT32_MAX)
      return lta_fail(LTA_ERR_SIZE, "%s: num_states=%lld: a CUDA pool has at most %d slots", fn,
                      (long long)a->num_states, INT32_MAX);
    return LTA_OK;
  }
  const int64_t *idx = a->state_indices;
  for (int64_t n = 0; n < N; n++)
    if (idx[n] >= a->num_states)
      return lta_fail(LTA_ERR_STATE,
                      "%s: state_indices[%lld]=%lld is out of range: the pool has num_states=%lld "
                      "slots",
                      fn, (long long)n, (long long)idx[n], (long long)a->num_states);
  int64_t *pairs = malloc((size_t)N * 2 * sizeof(int64_t));
  if (!pairs)
    return lta_fail(LTA_ERR_NO_MEMORY, "%s: no memory to check %lld state_indices", fn,
                    (long long)N);
  int64_t m = 0;
  for (int64_t n = 0; n < N; n++)
    if (idx[n] >= 0) pairs[2 * m] = idx[n], pairs[2 * m + 1] = n, m++;
  qsort(pairs, (size_t)m, 2 * sizeof(int64_t), cmp_index);
  lta_status st = LTA_OK;
  for (int64_t i = 1; i < m && st == LTA_OK; i++)
    if (pairs[2 * i] == pairs[2 * i - 2])
      st = lta_fail(LTA_ERR_STATE, "%s: state_indices[%lld]=%lld repeats state_indices[%lld]", fn,
                    (long long)pairs[2 * i + 1], (long long)pairs[2 * i],
                    (long long)pairs[2 * i - 1]);
  free(pairs);
  return st;
}

/* 1 when every sequence of the call is short enough for the decode kernels. On CUDA with
 * cu_seqlens the host cannot read the lengths: there the average length decides (the decode
 * kernels are correct for any length, only slower than the chunked ones for long ones). */
static int decode_call(const lta_forward_args *a, int64_t N) {
  if (!a->cu_seqlens) return a->seqlen <= LTA_DECODE_MAX_TOKENS;
  if (a->device == LTA_DEVICE_CUDA) return a->seqlen <= LTA_DECODE_MAX_TOKENS * N;
  for (int64_t n = 0; n < N; n++)
    if (a->cu_seqlens[n + 1] - a->cu_seqlens[n] > LTA_DECODE_MAX_TOKENS) return 0;
  return 1;
}

/* The kernel: the exact key first, then the best target; the generic one always applies.
 * Short sequences (decode_call) take a decode kernel where one matches. CUDA: the tensor-core
 * and decode kernels read 16-byte vectors, so unaligned buffers take the generic kernel; the
 * tensor-core kernels do not take a state pool, so a pool takes a decode kernel (any length) or
 * the generic one. */
static lta_status select_kernel(const lta_forward_args *a, int op, const char *fn, int64_t N,
                                lta_isa isa, const lta_entry *forced, const lta_entry **out) {
  lta_key want = {op, (int)a->dtype, (int32_t)a->head_dim_k, (int32_t)a->head_dim_v,
                  (int32_t)a->num_heads, a->reverse != 0, 0};
  const int not_forward = op != LTA_OP_FWD; /* only the forward has a decode form */
  size_t count;
  const lta_entry *tab;
  unsigned targets;
  int cuda = a->device == LTA_DEVICE_CUDA, decode = !not_forward && decode_call(a, N);
  int unaligned = 0;
  if (cuda) {
    lta_status st = LTA_OK;
    targets = lta_cuda_targets(&st, fn);
    if (st != LTA_OK) return st;
    tab = lta_cuda_registry(&count);
    const void *bufs[] = {a->q, a->k, a->v, a->o, a->initial_state, a->final_state};
    for (int i = 0; i < 6; i++)
      if ((uintptr_t)bufs[i] % 16) unaligned = 1;
    if (a->state_indices) decode = 1;
  } else {
    targets = lta_cpu_targets();
    tab = lta_registry(&count);
  }
  if (forced) {
    const lta_key *k = &forced->key;
    int generic = lta_entry_is_generic(forced);
    /* A decode kernel serves every length; the CUDA tensor-core kernels want aligned buffers
     * and no pool. */
    int fits = (k->op == want.op || (k->op == LTA_OP_DEC && !not_forward)) &&
               k->dtype == want.dtype && k->reverse == want.reverse &&
               (k->K == 0 || k->K == want.K) &&
               (k->V == 0 || k->V == want.V) && (k->H == 0 || k->H == want.H) &&
               ((targets >> k->target) & 1) && (generic || isa != LTA_ISA_GENERIC) &&
               !(cuda && !generic && (unaligned || (k->op == LTA_OP_FWD && a->state_indices)));
    if (!fits)
      return lta_fail(LTA_ERR_UNSUPPORTED, "%s: kernel %s does not serve this call", fn,
                      forced->name);
    *out = forced;
    return LTA_OK;
  }
  *out = NULL;
  if (cuda && unaligned) isa = LTA_ISA_GENERIC;
  if (decode && isa != LTA_ISA_GENERIC) {
    want.op = LTA_OP_DEC;
    *out = cuda ? lta_select(tab, count, &want, targets, isa) : lta_lookup(&want, targets, isa);
    want.op = LTA_OP_FWD;
  }
  if (cuda && a->state_indices) isa = LTA_ISA_GENERIC;
  /* CPU: the built kernels and those registered at run time (lta_register_kernel). */
  if (!*out)
    *out = cuda ? lta_select(tab, count, &want, targets, isa) : lta_lookup(&want, targets, isa);
  if (!*out)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: no kernel for dtype=%s K=%lld V=%lld reverse=%d isa=%s on %s in this "
                    "build (its kernel set has no generic kernel for this key)",
                    fn, lta_dtype_string(want.dtype), (long long)want.K, (long long)want.V,
                    want.reverse, lta_isa_name(isa), cuda ? "CUDA" : "the CPU");
  return LTA_OK;
}

lta_status lta_forward_prepare(const lta_forward_args *a, const char *fn, const lta_entry *forced,
                               lta_call *call) {
  return lta_prepare(a, NULL, fn, forced, call);
}

/* lta_prepare() for the kernel op `op`: LTA_OP_FWD (b NULL), LTA_OP_BWD, or a sequence-parallel
 * rank's LTA_OP_SPF (b NULL) / LTA_OP_SPB, whose segment may be empty (seqlen 0: then q, k, v
 * and the row buffers may be NULL). */
static lta_status prepare(const lta_forward_args *a, const lta_backward_args *b, int op,
                          const char *fn, const lta_entry *forced, lta_call *call) {
  memset(call, 0, sizeof *call);
  lta_status st;
  const int sp = op == LTA_OP_SPF || op == LTA_OP_SPB;
  if (!a) return lta_fail(LTA_ERR_NULL, "%s: args=NULL", fn);
  if (a->device != LTA_DEVICE_CPU && a->device != LTA_DEVICE_CUDA)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: device=%d is not LTA_DEVICE_CPU (0) or LTA_DEVICE_CUDA (1)", fn,
                    (int)a->device);
  if (b && a->state_indices)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: fwd.state_indices=%p: the backward takes one state per sequence, not a "
                    "pool",
                    fn, (const void *)a->state_indices);
  if (a->dtype != LTA_F32 && a->dtype != LTA_F16 && a->dtype != LTA_BF16)
    return lta_fail(LTA_ERR_DTYPE, "%s: dtype=%d is not LTA_F32 (1), LTA_F16 (2) or LTA_BF16 (3)",
                    fn, (int)a->dtype);
  if ((st = check_sizes(a, fn, sp ? 0 : 1))) return st;
  const struct { const char *name; const void *ptr; } needed[] = {
      {"q", a->q}, {"k", a->k}, {"v", a->v}, {"o", b ? (const void *)1 : a->o},
      {"d_o", b ? b->d_o : (const void *)1}, {"d_q", b ? b->d_q : (void *)1},
      {"d_k", b ? b->d_k : (void *)1}, {"d_v", b ? b->d_v : (void *)1}};
  for (size_t i = 0; i < sizeof needed / sizeof needed[0] && a->seqlen > 0; i++)
    if (!needed[i].ptr) return lta_fail(LTA_ERR_NULL, "%s: %s=NULL", fn, needed[i].name);

  /* Byte counts of every buffer, each checked for overflow. */
  int64_t es = a->dtype == LTA_F32 ? 4 : 2, B = a->batch, T = a->seqlen, H = a->num_heads,
          Hkv = a->num_kv_heads, K = a->head_dim_k, V = a->head_dim_v;
  int64_t q_bytes, kv_bytes[2], o_bytes;
  const int64_t fq[] = {B, T, H, K, es}, fk[] = {B, T, Hkv, K, es}, fv[] = {B, T, Hkv, V, es},
                fo[] = {B, T, H, V, es};
  if (!product(&q_bytes, 5, fq) || !product(&kv_bytes[0], 5, fk) ||
      !product(&kv_bytes[1], 5, fv) || !product(&o_bytes, 5, fo))
    return lta_fail(LTA_ERR_SIZE,
                    "%s: batch=%lld x seqlen=%lld x heads=%lld x head dims=%lld/%lld: the byte "
                    "count overflows",
                    fn, (long long)B, (long long)T, (long long)H, (long long)K, (long long)V);

  int64_t N = 0;
  if ((st = check_host_readable(a, fn))) return st;
  if ((st = check_seqlens(a, fn, &N))) return st;
  int has_state = b ? a->initial_state || b->d_final_state || b->d_initial_state
                    : a->initial_state || a->final_state;
  if (a->state_indices) {
    if ((st = check_pool(a, fn, N))) return st;
  } else if (has_state && a->num_states != N) {
    return lta_fail(LTA_ERR_STATE, "%s: num_states=%lld does not match the %lld sequences", fn,
                    (long long)a->num_states, (long long)N);
  } else if (!has_state && a->num_states != 0 && a->num_states != N) {
    return lta_fail(LTA_ERR_STATE, "%s: num_states=%lld does not match the %lld sequences", fn,
                    (long long)a->num_states, (long long)N);
  }
  int64_t state_bytes = 0, slots = a->state_indices ? a->num_states : N;
  const int64_t fs[] = {slots, H, K, V, 4};
  if (!product(&state_bytes, 5, fs))
    return lta_fail(LTA_ERR_SIZE, "%s: states of %lld x %lld x %lld x %lld floats overflow", fn,
                    (long long)slots, (long long)H, (long long)K, (long long)V);
  if (!has_state) state_bytes = 0;
  if (!b && a->initial_state && a->final_state && a->initial_state != a->final_state) {
    span s0 = {"initial_state", (uintptr_t)a->initial_state, state_bytes};
    span s1 = {"final_state", (uintptr_t)a->final_state, state_bytes};
    if (overlap(&s0, &s1))
      return lta_fail(LTA_ERR_STATE,
                      "%s: final_state=%p partly overlaps initial_state=%p (same buffer or "
                      "disjoint only)",
                      fn, (void *)a->final_state, (void *)a->initial_state);
  }

  if ((st = check_decay(a, fn))) return st;
  if (a->device == LTA_DEVICE_CUDA && H > LTA_CUDA_MAX_HEADS)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: num_heads=%lld: CUDA calls take at most %d heads (their decays travel "
                    "in the kernel parameters)",
                    fn, (long long)H, LTA_CUDA_MAX_HEADS);
  if (a->has_scale && !(a->scale > 0.0f && isfinite(a->scale)))
    return lta_fail(LTA_ERR_SCALE, "%s: scale=%g must be positive and finite", fn,
                    (double)a->scale);
  lta_isa isa = a->isa;
  if (a->device == LTA_DEVICE_CPU) {
    if ((st = resolve_isa(a, fn, &isa))) return st;
  } else if (isa != LTA_ISA_AUTO && isa != LTA_ISA_GENERIC) {
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: isa=%d: a CUDA call takes LTA_ISA_AUTO or LTA_ISA_GENERIC", fn,
                    (int)isa);
  }
  int threads;
  if ((st = resolve_threads(a, fn, &threads))) return st;
  span bufs[BUF_COUNT];
  buffer_spans(a, b, q_bytes, kv_bytes, o_bytes, state_bytes, N, bufs);
  if ((st = check_aliases(bufs, fn))) return st;
  if ((st = check_memory(bufs, a->device, fn))) return st;
  if ((st = select_kernel(a, op, fn, N, isa, forced, &call->kernel))) return st;

  if (!a->g_gamma) {
    call->owned_g_gamma = malloc((size_t)H * sizeof(float));
    if (!call->owned_g_gamma)
      return lta_fail(LTA_ERR_NO_MEMORY, "%s: no memory for %lld decays", fn, (long long)H);
    lta_seed_g_gamma(H, a->layer_idx, a->num_layers, call->owned_g_gamma);
  }
  lta_problem *p = &call->p;
  p->op = op;
  p->dtype = (int)a->dtype;
  p->reverse = a->reverse != 0;
  p->batch = B;
  p->seqlen = T;
  p->num_heads = H;
  p->num_kv_heads = Hkv;
  p->K = K;
  p->V = V;
  p->num_seqs = N;
  p->q = a->q;
  p->k = a->k;
  p->v = a->v;
  p->o = b ? NULL : a->o;
  p->initial_state = a->initial_state;
  p->final_state = b ? NULL : a->final_state;
  if (b) {
    p->d_o = b->d_o;
    p->d_sT = b->d_final_state;
    p->d_q = b->d_q;
    p->d_k = b->d_k;
    p->d_v = b->d_v;
    p->d_s0 = b->d_initial_state;
  }
  p->state_index = a->state_indices;
  p->num_slots = a->state_indices ? a->num_states : N;
  p->cu_seqlens = a->cu_seqlens;
  p->g_gamma = a->g_gamma ? a->g_gamma : call->owned_g_gamma;
  p->scale = a->has_scale ? a->scale : (float)(1.0 / sqrt((double)K));
  call->threads = threads; /* more threads than items split the sequences (lta_threads.c) */
  call->device = a->device;
  call->stream = a->stream;
  call->workspace = a->workspace;
  call->workspace_bytes = a->workspace_bytes;
  if (b && a->device == LTA_DEVICE_CUDA) {
    /* The tensor-core forward kernels read 16-byte vectors; the backward's passes read and
     * write these buffers through them. */
    const void *bufs[] = {a->q, a->k, a->v, a->initial_state, b->d_o, b->d_final_state,
                          b->d_q, b->d_k, b->d_v, b->d_initial_state};
    call->generic_passes = isa == LTA_ISA_GENERIC;
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
      if ((uintptr_t)bufs[i] % 16) call->generic_passes = 1;
  }
  return LTA_OK;
}

lta_status lta_prepare(const lta_forward_args *a, const lta_backward_args *b, const char *fn,
                       const lta_entry *forced, lta_call *call) {
  return prepare(a, b, b ? LTA_OP_BWD : LTA_OP_FWD, fn, forced, call);
}

/* The sequence-parallel arguments around the segment's call (see lightattn.h). */
static lta_status check_sp(const lta_sp_args *s, int op, const char *fn) {
  const lta_forward_args *a = &s->bwd.fwd;
  if (s->num_ranks < 1 || s->num_ranks > LTA_SP_MAX_RANKS)
    return lta_fail(LTA_ERR_SIZE, "%s: num_ranks=%d must be in 1..%d", fn, s->num_ranks,
                    LTA_SP_MAX_RANKS);
  if (s->rank < 0 || s->rank >= s->num_ranks)
    return lta_fail(LTA_ERR_SIZE, "%s: rank=%d must be in 0..%d (num_ranks=%d)", fn, s->rank,
                    s->num_ranks - 1, s->num_ranks);
  if (!s->seg_lens) return lta_fail(LTA_ERR_NULL, "%s: seg_lens=NULL", fn);
  lta_status st;
  const void *lens = s->seg_lens;
  const char *name = "seg_lens";
  if ((st = a->device == LTA_DEVICE_CUDA ? lta_cuda_check_host(lens, name, fn)
                                         : host_only(&lens, &name, 1, fn)))
    return st;
  for (int r = 0; r < s->num_ranks; r++)
    if (s->seg_lens[r] < 0)
      return lta_fail(LTA_ERR_SIZE, "%s: seg_lens[%d]=%lld must be at least 0", fn, r,
                      (long long)s->seg_lens[r]);
  if (s->seg_lens[s->rank] != a->seqlen)
    return lta_fail(LTA_ERR_SIZE,
                    "%s: seg_lens[%d]=%lld differs from this rank's bwd.fwd.seqlen=%lld", fn,
                    s->rank, (long long)s->seg_lens[s->rank], (long long)a->seqlen);
  if (a->cu_seqlens)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: bwd.fwd.cu_seqlens=%p: a sequence-parallel rank takes a batch of "
                    "segments, not varlen",
                    fn, (const void *)a->cu_seqlens);
  if (a->state_indices)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: bwd.fwd.state_indices=%p: a sequence-parallel rank takes no state pool",
                    fn, (const void *)a->state_indices);
  if (!s->gathered) return lta_fail(LTA_ERR_NULL, "%s: gathered=NULL", fn);
  if (op == LTA_OP_SPB && !s->entering_state)
    return lta_fail(LTA_ERR_NULL,
                    "%s: entering_state=NULL: the backward needs the rank's entering state (the "
                    "forward combine's)",
                    fn);
  return LTA_OK;
}

/* gathered and entering_state against every buffer of the segment's call and each other, and
 * in the call's memory space. The segment's call has passed prepare(): its sizes do not
 * overflow. */
static lta_status check_sp_buffers(const lta_sp_args *s, const lta_backward_args *b,
                                   const char *fn) {
  const lta_forward_args *a = &s->bwd.fwd;
  const int64_t es = a->dtype == LTA_F32 ? 4 : 2, B = a->batch, T = a->seqlen,
                H = a->num_heads, Hkv = a->num_kv_heads, K = a->head_dim_k, V = a->head_dim_v;
  const int64_t kv_bytes[2] = {B * T * Hkv * K * es, B * T * Hkv * V * es};
  const int64_t state_bytes = B * H * K * V * 4, fg[] = {s->num_ranks, state_bytes};
  int64_t gathered_bytes;
  if (!product(&gathered_bytes, 2, fg))
    return lta_fail(LTA_ERR_SIZE, "%s: gathered: %d slots of %lld bytes overflow", fn,
                    s->num_ranks, (long long)state_bytes);
  span bufs[BUF_COUNT];
  buffer_spans(a, b, B * T * H * K * es, kv_bytes, B * T * H * V * es, state_bytes, B, bufs);
  const span mine[2] = {{"gathered", (uintptr_t)s->gathered, gathered_bytes},
                        {"entering_state", (uintptr_t)s->entering_state, state_bytes}};
  for (int m = 0; m < 2; m++)
    for (int i = 0; i < BUF_COUNT + m; i++) {
      const span *other = i < BUF_COUNT ? &bufs[i] : &mine[0];
      if (overlap(&mine[m], other))
        return lta_fail(LTA_ERR_ALIAS, "%s: %s=%p overlaps %s=%p", fn, mine[m].name,
                        (void *)mine[m].begin, other->name, (void *)other->begin);
    }
  const void *ptrs[2] = {s->gathered, s->entering_state};
  const char *names[2] = {"gathered", "entering_state"};
  if (a->device == LTA_DEVICE_CUDA) return lta_cuda_check_memory(ptrs, names, 2, fn);
  return host_only(ptrs, names, 2, fn);
}

lta_status lta_sp_prepare(const lta_sp_args *s, int op, const char *fn, lta_call *call,
                          lta_sp_problem *sp) {
  memset(call, 0, sizeof *call);
  if (!s) return lta_fail(LTA_ERR_NULL, "%s: args=NULL", fn);
  const lta_backward_args *b = op == LTA_OP_SPB ? &s->bwd : NULL;
  lta_status st = check_sp(s, op, fn);
  if (st == LTA_OK) st = prepare(&s->bwd.fwd, b, op, fn, NULL, call);
  if (st == LTA_OK) st = check_sp_buffers(s, b, fn);
  if (st != LTA_OK) {
    lta_call_free(call);
    return st;
  }
  sp->rank = s->rank;
  sp->num_ranks = s->num_ranks;
  sp->seg_lens = s->seg_lens;
  sp->gathered = s->gathered;
  sp->entering_state = op == LTA_OP_SPF ? s->entering_state : NULL;
  call->p.sp = sp;
  return LTA_OK;
}

void lta_call_free(lta_call *call) {
  free(call->owned_g_gamma);
  call->owned_g_gamma = NULL;
}

lta_status lta_seed_g_gamma(int64_t num_heads, int layer_idx, int num_layers, float *g_gamma) {
  const char *fn = "lta_seed_g_gamma";
  if (num_heads < 1)
    return lta_fail(LTA_ERR_SIZE, "%s: num_heads=%lld must be at least 1", fn,
                    (long long)num_heads);
  if (!g_gamma) return lta_fail(LTA_ERR_NULL, "%s: g_gamma=NULL", fn);
  if (num_layers <= 0)
    return lta_fail(LTA_ERR_DECAY, "%s: num_layers=%d must be positive", fn, num_layers);
  if (layer_idx < 0 || layer_idx > num_layers)
    return lta_fail(LTA_ERR_DECAY, "%s: layer_idx=%d must be in 0..num_layers=%d", fn, layer_idx,
                    num_layers);
  /* The seed computes this in fp32: -(8/H) * (1 - layer_idx/num_layers) * h. */
  float rate = (8.0f / (float)num_heads) * (1.0f - (float)layer_idx / (float)num_layers);
  for (int64_t h = 0; h < num_heads; h++) g_gamma[h] = -rate * (float)h;
  return LTA_OK;
}
