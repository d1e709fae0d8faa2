/* fuzz_forward.c: libFuzzer target for the public lta_forward and lta_backward (CPU).
 *
 * The input is read as a description of a call: dtype, batch or varlen lengths, tokens, heads
 * (MHA, GQA, MQA), head dims (tiny and odd ones, and the generated ones), states (none, initial,
 * final, in place), decay (the seed's formula or an explicit g_gamma), scale, direction, ISA,
 * thread count, a state pool (state_indices over a few more slots than sequences, one sequence
 * sometimes skipped) and the seed of the random q, k, v and state values. Buffers are allocated at
 * exactly the sizes that description needs (AddressSanitizer catches a byte past them). Then,
 * sometimes, one argument is made wrong in a way the library must detect (a bad size, NULL,
 * overlapping buffers, malformed cu_seqlens, a positive decay, a byte count that overflows, ...).
 *
 * Every call must either succeed and match the double-precision reference (tests/ref.c) within
 * the sweep's tolerances, or be rejected with a non-empty message and not one byte of o, the
 * states or any input changed. lta_forward_kernel() must agree with lta_forward() on the status.
 * After a forward call that succeeded (without a state pool, which the backward refuses), the
 * backward of the same call, with a random output gradient (and final-state gradient, and
 * d_initial_state, as the input says), must match the reference backward.
 * A violation aborts with the description, which libFuzzer then saves as a crash input.
 *
 * CUDA (later; the planned lta_forward_args.device): the same description would drive
 * a.device = LTA_DEVICE_CUDA with device copies of q, k, v, states and cu_seqlens placed between
 * canaries, checked after a stream sync against the same reference; the host checks of a
 * rejected call (nothing written) carry over unchanged.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lightattn.h"
#include "ref.h"

typedef struct bytes {
  const uint8_t *p;
  size_t n;
} bytes;

static unsigned u8(bytes *b) {
  if (!b->n) return 0;
  b->n--;
  return *b->p++;
}
static unsigned u16(bytes *b) { return u8(b) | u8(b) << 8; }

#define FAIL(...)                                   \
  do {                                              \
    fprintf(stderr, "fuzz_forward: " __VA_ARGS__);  \
    fprintf(stderr, "\n  call: %s\n", describe(&a)); \
    abort();                                        \
  } while (0)

static const char *describe(const lta_forward_args *a) {
  static char s[600];
  snprintf(s, sizeof s,
           "dtype=%d B=%lld T=%lld H=%lld/%lld K=%lld V=%lld q=%p k=%p v=%p o=%p s0=%p sT=%p "
           "N=%lld cu=%p nseq=%lld g=%p layer=%d/%d scale=%d:%g rev=%d isa=%d threads=%d "
           "state_indices=%p [%lld %lld %lld %lld]",
           (int)a->dtype, (long long)a->batch, (long long)a->seqlen, (long long)a->num_heads,
           (long long)a->num_kv_heads, (long long)a->head_dim_k, (long long)a->head_dim_v, a->q,
           a->k, a->v, a->o, (const void *)a->initial_state, (void *)a->final_state,
           (long long)a->num_states, (const void *)a->cu_seqlens, (long long)a->num_seqs,
           (const void *)a->g_gamma, a->layer_idx, a->num_layers, a->has_scale,
           (double)a->scale, a->reverse, (int)a->isa, a->num_threads,
           (const void *)a->state_indices, (long long)(a->state_indices ? a->state_indices[0] : 0),
           (long long)(a->state_indices && a->num_seqs > 1 ? a->state_indices[1] : 0),
           (long long)(a->state_indices && a->num_seqs > 2 ? a->state_indices[2] : 0),
           (long long)(a->state_indices && a->num_seqs > 3 ? a->state_indices[3] : 0));
  return s;
}

/* A head dim: mostly small odd and even sizes, sometimes a generated one. */
static int64_t head_dim(bytes *b) {
  static const int64_t generated[] = {32, 64, 128, 64, 32};
  unsigned x = u8(b);
  return x < 240 ? 1 + x % 20 : generated[x % 5];
}

/* One argument made wrong in a way lta_forward must detect. Returns 0 if the chosen kind does
 * not apply to this call (then the call stays valid). */
static int corrupt(lta_forward_args *a, bytes *b, int64_t *cu_bad, float *g_bad, int64_t N,
                   int64_t *idx_bad) {
  unsigned kind = u8(b) % 19, v = u8(b);
  switch (kind) {
    case 18: /* a bad state pool */
      if (!a->state_indices) return 0;
      memcpy(idx_bad, a->state_indices, (size_t)N * sizeof *idx_bad);
      a->state_indices = idx_bad;
      if (v % 4 == 0) {
        idx_bad[v / 4 % N] = a->num_states + v / 16 % 3; /* past the pool */
      } else if (v % 4 == 1) {                              /* one slot twice */
        if (N < 2) return 0;
        idx_bad[0] = idx_bad[1 + v / 4 % (N - 1)] = v / 16 % a->num_states;
      } else if (v % 4 == 2) {
        a->num_states = 0;
      } else {
        a->initial_state = a->final_state = NULL;
      }
      return 1;
    case 0: a->dtype = (lta_dtype)(v % 2 ? 0 : 4 + v); return 1;
    case 1: a->batch = v % 2 ? 0 : -(int64_t)v - 1; return 1;
    case 2: a->seqlen = v % 2 ? 0 : -1; return 1;
    case 3: a->num_heads = 0; return 1;
    case 4: a->num_kv_heads = a->num_heads + 1; return 1;
    case 5: a->head_dim_k = v % 2 ? 0 : LTA_MAX_HEAD_DIM + 1; return 1;
    case 6: a->head_dim_v = v % 2 ? -3 : LTA_MAX_HEAD_DIM + 1 + v; return 1;
    case 7:
      if (v % 4 == 0) a->q = NULL;
      else if (v % 4 == 1) a->k = NULL;
      else if (v % 4 == 2) a->v = NULL;
      else a->o = NULL;
      return 1;
    case 8:
      if (!a->cu_seqlens) {
        a->num_seqs = 1 + v % 3; /* num_seqs without cu_seqlens */
        return 1;
      }
      memcpy(cu_bad, a->cu_seqlens, (size_t)(N + 1) * sizeof *cu_bad);
      a->cu_seqlens = cu_bad;
      if (v % 5 == 0) cu_bad[0] = 1;
      else if (v % 5 == 1) cu_bad[N] = a->seqlen + 1;
      else if (v % 5 == 2) cu_bad[1 + v / 5 % N] = -1;
      else if (v % 5 == 3) a->batch = 2;
      else a->num_seqs = 0;
      return 1;
    case 9:
      if (a->state_indices) { /* a pool one slot short of its largest index (or none) */
        int64_t m = -1;
        for (int64_t n = 0; n < N; n++) m = a->state_indices[n] > m ? a->state_indices[n] : m;
        a->num_states = m > 0 ? m : 0;
      } else {
        a->num_states = N + 1 + v % 3;
      }
      return 1;
    case 10:
      a->g_gamma = NULL;
      if (v % 3 == 0) a->num_layers = -(int)(v / 3);
      else if (v % 3 == 1) a->layer_idx = a->num_layers + 1 + v / 3;
      else a->layer_idx = -1;
      return 1;
    case 11: {
      static const float bad[] = {1e-30f, 0.5f, NAN, INFINITY, -INFINITY};
      if (a->g_gamma) memcpy(g_bad, a->g_gamma, (size_t)a->num_heads * sizeof *g_bad);
      else lta_seed_g_gamma(a->num_heads, a->layer_idx, a->num_layers, g_bad);
      g_bad[v % a->num_heads] = bad[v / 16 % 5];
      a->g_gamma = g_bad;
      return 1;
    }
    case 12: {
      static const float bad[] = {0.0f, -1.0f, NAN, INFINITY, -0.0f};
      a->has_scale = 1;
      a->scale = bad[v % 5];
      return 1;
    }
    case 13: a->isa = (lta_isa)(v % 2 ? 6 + v : -1 - (int)v); return 1;
    case 14: a->num_threads = v % 2 ? -1 - (int)v : LTA_MAX_THREADS + 1 + (int)v; return 1;
    case 15: /* an output overlapping an input or the other output */
      if (v % 5 == 0) a->o = (void *)a->q;
      else if (v % 5 == 1) a->o = (void *)a->k;
      else if (v % 5 == 2) a->o = (void *)a->v;
      else if (v % 5 == 3 && a->final_state) a->final_state = (float *)a->o;
      else if (a->initial_state) a->o = (void *)a->initial_state;
      else return 0;
      return 1;
    case 16: /* final_state partly over initial_state */
    {
      int64_t elems = a->head_dim_k * a->head_dim_v * a->num_heads * N;
      if (!a->initial_state || elems < 2) return 0;
      a->final_state = (float *)a->initial_state + 1 + v % (elems - 1); /* inside, not at 0 */
      a->num_states = N;
      return 1;
    }
    default: /* byte counts that overflow */
      if (v % 3 == 0) {
        a->seqlen = INT64_MAX / 8;
        a->cu_seqlens = NULL;
        a->num_seqs = 0;
        a->num_states = 0;
        a->initial_state = NULL;
        a->final_state = NULL;
      } else if (v % 3 == 1) {
        a->batch = (int64_t)1 << 40;
        a->num_heads = a->num_kv_heads = INT32_MAX;
      } else {
        a->head_dim_k = a->head_dim_v = LTA_MAX_HEAD_DIM;
        a->batch = (int64_t)1 << 50;
        a->cu_seqlens = NULL;
        a->num_seqs = 0;
      }
      return 1;
  }
}

/* A buffer of exactly n bytes (AddressSanitizer reports the first byte past it). */
static void *exact(size_t n) { return malloc(n ? n : 1); }

static double max_abs_error(lta_dtype dt, const void *got, const double *want, int64_t n) {
  double worst = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = fabs(ref_decode(dt, got, i) - want[i]);
    if (!(d <= worst)) worst = d; /* NaN is the worst */
  }
  return worst;
}

static double max_abs(const double *x, int64_t n, double floor) {
  double m = floor > 1e-30 ? floor : 1e-30;
  for (int64_t i = 0; i < n; i++) m = fmax(m, fabs(x[i]));
  return m;
}

/* A copy of n elements of dtype with every value made non-negative (NULL for NULL). */
static void *abs_copy(lta_dtype dt, const void *src, int64_t n) {
  if (!src) return NULL;
  void *d = exact((size_t)n * ref_elem_size(dt));
  for (int64_t i = 0; i < n; i++) ref_encode(dt, d, i, fabs(ref_decode(dt, src, i)));
  return d;
}

/* The largest |o| and |S| (in *s_norm) of the reference run on absolute values, or of the real
 * one, whichever is larger, and at least floor for o. */
static double magnitude(const ref_case *r, double floor, double *s_norm) {
  int64_t rows = r->B * r->T, nq = rows * r->H * r->K, nk = rows * r->Hkv * r->K,
          nv = rows * r->Hkv * r->V, no = rows * r->H * r->V, ns = r->N * r->H * r->K * r->V;
  void *q = abs_copy(r->dtype, r->q, nq), *k = abs_copy(r->dtype, r->k, nk);
  void *v = abs_copy(r->dtype, r->v, nv);
  float *s0 = abs_copy(LTA_F32, r->s0, ns);
  ref_case a = *r;
  a.q = q, a.k = k, a.v = v, a.s0 = s0;
  a.o = exact((size_t)no * sizeof(double));
  a.sT = exact((size_t)ns * sizeof(double));
  ref_forward(&a);
  double o_norm = fmax(max_abs(a.o, no, floor), max_abs(r->o, no, floor));
  *s_norm = fmax(max_abs(a.sT, ns, 0.0), max_abs(r->sT, ns, 0.0));
  free(q), free(k), free(v), free(s0), free(a.o), free(a.sT);
  return o_norm;
}

/* max over i of |x_i| (at least 1e-30). */
static double peak(const double *x, int64_t n) { return max_abs(x, n, 0.0); }

/* The backward of a forward call that succeeded (a, with its initial state as it was before the
 * call, s0): random d_o and d_final_state, outputs at exact sizes; the gradients must match
 * tests/ref.c's within the dtype's tolerance, normalised by the gradients of the same call on
 * absolute values (the largest magnitude the sums pass through), as for the forward. */
static void check_backward(const lta_forward_args *fa, const float *s0, bytes *in, uint64_t seed) {
  lta_forward_args a = *fa;
  const lta_dtype dt = a.dtype;
  const size_t es = ref_elem_size(dt);
  const int64_t B = a.batch, T = a.seqlen, H = a.num_heads, Hkv = a.num_kv_heads;
  const int64_t K = a.head_dim_k, V = a.head_dim_v, N = a.cu_seqlens ? a.num_seqs : B;
  const int64_t rows = B * T, nq = rows * H * K, nk = rows * Hkv * K, nv = rows * Hkv * V,
                no = rows * H * V, ns = N * H * K * V;
  unsigned flags = u8(in);
  int with_dst = flags & 1, with_ds0 = flags >> 1 & 1;
  ref_rng rng = {seed * 0x2545F4914F6CDD1Dull + 7};
  void *d_o = exact((size_t)no * es);
  float *dsT = with_dst ? exact((size_t)ns * sizeof(float)) : NULL;
  ref_fill(&rng, dt, d_o, no, 1.0);
  if (dsT) ref_fill(&rng, LTA_F32, dsT, ns, 1.0);
  lta_backward_args b;
  lta_backward_args_init(&b);
  a.initial_state = s0;
  a.num_states = (s0 || dsT || with_ds0) ? N : 0;
  b.fwd = a;
  b.d_o = d_o, b.d_final_state = dsT;
  b.d_q = exact((size_t)nq * es), b.d_k = exact((size_t)nk * es), b.d_v = exact((size_t)nv * es);
  b.d_initial_state = with_ds0 ? exact((size_t)ns * sizeof(float)) : NULL;
  lta_status st = lta_backward(&b);
  if (st != LTA_OK) FAIL("the backward of a valid call failed: %s: %s", lta_status_name(st),
                         lta_last_error());
  float *g = exact((size_t)H * sizeof(float));
  if (a.g_gamma) memcpy(g, a.g_gamma, (size_t)H * sizeof(float));
  else lta_seed_g_gamma(H, a.layer_idx, a.num_layers, g);
  const float scale = a.has_scale ? a.scale : (float)(1.0 / sqrt((double)K));
  /* The reference, and the same on absolute values for the magnitudes. */
  double *r[4], *m[4];
  const int64_t n[4] = {nq, nk, nv, ns};
  for (int i = 0; i < 4; i++) r[i] = exact((size_t)n[i] * 8), m[i] = exact((size_t)n[i] * 8);
  ref_case rc = {dt, B, T, H, Hkv, K, V, a.reverse, a.q, a.k, a.v, s0, a.cu_seqlens, N, g, scale,
                 NULL, NULL};
  ref_backward(&rc, d_o, dsT, r[0], r[1], r[2], r[3]);
  void *aq = abs_copy(dt, a.q, nq), *ak = abs_copy(dt, a.k, nk), *av = abs_copy(dt, a.v, nv);
  void *ado = abs_copy(dt, d_o, no);
  float *as0 = abs_copy(LTA_F32, s0, ns), *adst = abs_copy(LTA_F32, dsT, ns);
  ref_case ra = rc;
  ra.q = aq, ra.k = ak, ra.v = av, ra.s0 = as0;
  ref_backward(&ra, ado, adst, m[0], m[1], m[2], m[3]);
  static const char *const what[4] = {"d_q", "d_k", "d_v", "d_initial_state"};
  const void *got[4] = {b.d_q, b.d_k, b.d_v, b.d_initial_state};
  for (int i = 0; i < 4; i++) {
    if (!got[i]) continue;
    lta_dtype gdt = i == 3 ? LTA_F32 : dt;
    double norm = fmax(peak(m[i], n[i]), peak(r[i], n[i]));
    if (dt == LTA_F16 && i < 3) norm = fmax(norm, 0x1p-14);
    double err = max_abs_error(gdt, got[i], r[i], n[i]) / norm, tol = i == 3 ? TOL_F32 : ref_tol(dt);
    if (!(err <= tol)) FAIL("lta_backward: %s error %.3g > %.3g", what[i], err, tol);
  }
  for (int i = 0; i < 4; i++) free(r[i]), free(m[i]);
  free(aq), free(ak), free(av), free(ado), free(as0), free(adst), free(g), free(d_o), free(dsT);
  free(b.d_q), free(b.d_k), free(b.d_v), free(b.d_initial_state);
}

/* A copy of a buffer, to prove afterwards that a rejected call changed nothing. */
static void *snapshot(const void *p, size_t n) {
  if (!p) return NULL;
  void *c = exact(n);
  memcpy(c, p, n);
  return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bytes in = {data, size};
  static const lta_dtype dtypes[] = {LTA_F32, LTA_F16, LTA_BF16};
  lta_dtype dt = dtypes[u8(&in) % 3];
  int64_t Hkv = 1 + u8(&in) % 3, H = Hkv * (1 + u8(&in) % 3);
  int64_t K = head_dim(&in), V = head_dim(&in);
  int varlen = u8(&in) % 3 == 0;
  int64_t B = varlen ? 1 : 1 + u8(&in) % 3, N = varlen ? 1 + u8(&in) % 4 : B;
  if (K * V > 256) { /* large states: fewer of them, so that one call stays cheap */
    Hkv = 1;
    H = H > 2 ? 2 : H;
    B = 1;
    N = varlen ? (N > 2 ? 2 : N) : B;
  }
  /* Tokens per sequence, capped so that one call stays cheap. */
  int64_t cap = (1 << 13) / (H * K * V);
  cap = cap < 1 ? 1 : cap > 24 ? 24 : cap;
  int64_t cu[5] = {0}, T;
  if (varlen) {
    for (int64_t n = 0; n < N; n++) cu[n + 1] = cu[n] + u8(&in) % (cap + 1);
    T = cu[N];
  } else {
    T = u8(&in) % (cap + 1); /* 0 tokens: a call to reject */
  }
  unsigned flags = u8(&in);
  int init = flags & 1, final_mode = flags >> 1 & 3, reverse = flags >> 3 & 1,
      explicit_g = flags >> 4 & 1, has_scale = flags >> 5 & 1;
  if (final_mode == 3 || (final_mode == 2 && !init)) final_mode = 1; /* 2: in place */
  /* A state pool: N of `slots` slots, a shuffled choice, one sequence sometimes skipped (-1). */
  int pool = (flags >> 6 & 1) && (init || final_mode);
  int64_t slots = pool ? N + u8(&in) % 3 : N, idx[6];
  if (pool) {
    int64_t perm[6];
    for (int64_t i = 0; i < slots; i++) perm[i] = i;
    for (int64_t i = slots - 1; i > 0; i--) {
      int64_t j = u8(&in) % (i + 1), x = perm[i];
      perm[i] = perm[j], perm[j] = x;
    }
    for (int64_t n = 0; n < N; n++) idx[n] = perm[n];
    unsigned skip = u8(&in);
    if (skip < 96) idx[skip % N] = -1;
  }
  lta_isa isa = (lta_isa)(u8(&in) % 6);
  unsigned t = u8(&in);
  int threads = t < 192 ? 1 : (int)(t % 4); /* 0: automatic; mostly 1, threads cost time */
  int layer = (int)(u8(&in) % 25);
  float scale = ldexpf(1.0f + (float)u8(&in) / 256.0f, (int)(u8(&in) % 10) - 6);
  uint64_t seed = u16(&in);
  int corrupting = u8(&in) < 64;

  size_t es = ref_elem_size(dt);
  int64_t rows = B * T, o_elems = rows * H * V, s_elems = slots * H * K * V;
  size_t o_bytes = (size_t)o_elems * es, s_bytes = (size_t)s_elems * sizeof(float);
  void *q = exact((size_t)(rows * H * K) * es), *k = exact((size_t)(rows * Hkv * K) * es);
  void *v = exact((size_t)(rows * Hkv * V) * es), *o = exact(o_bytes);
  float *s0 = init ? exact(s_bytes) : NULL, *sT = final_mode == 1 ? exact(s_bytes) : NULL;
  float *g = exact((size_t)H * sizeof *g), *g_bad = exact((size_t)H * sizeof *g_bad);
  int64_t cu_bad[5], idx_bad[6];
  ref_rng rng = {seed * 0x9E3779B97F4A7C15ull + 1};
  ref_fill(&rng, dt, q, rows * H * K, 1.0);
  ref_fill(&rng, dt, k, rows * Hkv * K, 1.0);
  ref_fill(&rng, dt, v, rows * Hkv * V, 1.0);
  if (s0) ref_fill(&rng, LTA_F32, s0, s_elems, 1.0);
  memset(o, 0xA5, o_bytes);
  if (sT) memset(sT, 0x5A, s_bytes);
  if (explicit_g)
    for (int64_t h = 0; h < H; h++) g[h] = h == 0 ? 0.0f : -(float)u8(&in) / 16.0f;
  else
    lta_seed_g_gamma(H, layer, 24, g);

  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = dt;
  a.batch = B;
  a.seqlen = T;
  a.num_heads = H;
  a.num_kv_heads = Hkv;
  a.head_dim_k = K;
  a.head_dim_v = V;
  a.q = q, a.k = k, a.v = v, a.o = o;
  a.initial_state = s0;
  a.final_state = final_mode == 2 ? s0 : sT;
  a.num_states = (s0 || a.final_state) ? slots : 0;
  if (pool) a.state_indices = idx;
  if (varlen) a.cu_seqlens = cu, a.num_seqs = N;
  if (explicit_g) a.g_gamma = g;
  a.layer_idx = layer;
  a.num_layers = 24;
  a.has_scale = has_scale;
  a.scale = has_scale ? scale : 0.0f;
  a.reverse = reverse;
  a.isa = isa;
  a.num_threads = threads;

  int expect_ok = T > 0 && lta_isa_supported(isa);
  if (corrupting && corrupt(&a, &in, cu_bad, g_bad, N, idx_bad)) expect_ok = 0;

  /* The reference first: in place, the call overwrites the initial state. Errors are measured
   * against the largest magnitude the sums went through (the reference on |q|, |k|, |v|, |S0|):
   * with a handful of outputs, one that cancels to near 0 is otherwise all the sweep's
   * "largest reference value" sees. f16 adds its smallest normal, 2^-14, below which its grid
   * is absolute. */
  double *o_ref = NULL, *s_ref = NULL, o_norm = 0, s_norm = 0;
  const int64_t KV = K * V, seq_elems = N * H * KV; /* the reference's states: one a sequence */
  float *s0_seq = s0; /* a pool's: each sequence's slot (zeros for a skipped one) */
  if (pool && s0) {
    s0_seq = exact((size_t)seq_elems * sizeof(float));
    for (int64_t n = 0; n < N; n++)
      for (int64_t e = 0; e < H * KV; e++)
        s0_seq[n * H * KV + e] = idx[n] >= 0 ? s0[idx[n] * H * KV + e] : 0.0f;
  }
  if (expect_ok) {
    o_ref = exact((size_t)o_elems * sizeof(double));
    s_ref = exact((size_t)seq_elems * sizeof(double));
    ref_case r = {dt, B, T, H, Hkv, K, V, reverse, q, k, v, s0_seq, varlen ? cu : NULL, N, g,
                  has_scale ? scale : (float)(1.0 / sqrt((double)K)), o_ref, s_ref};
    ref_forward(&r);
    o_norm = magnitude(&r, dt == LTA_F16 ? 0x1p-14 : 0.0, &s_norm);
  }
  void *o_copy = snapshot(o, o_bytes), *s0_copy = snapshot(s0, s_bytes),
       *sT_copy = snapshot(sT, s_bytes);
  void *q_copy = snapshot(q, (size_t)(rows * H * K) * es);

  const char *name = NULL;
  lta_status st_kernel = lta_forward_kernel(&a, &name);
  lta_status st = lta_forward(&a);
  if (st != st_kernel)
    FAIL("lta_forward returned %s but lta_forward_kernel %s", lta_status_name(st),
         lta_status_name(st_kernel));
  if (st == LTA_OK) {
    if (!expect_ok) FAIL("a call that must be rejected succeeded (kernel %s)", name);
    /* A skipped sequence's rows keep their bytes (then count as exact below). */
    for (int64_t n = 0; pool && n < N; n++) {
      if (idx[n] >= 0) continue;
      int64_t r0 = varlen ? cu[n] : n * T, r1 = varlen ? cu[n + 1] : (n + 1) * T;
      size_t at = (size_t)(r0 * H * V) * es, len = (size_t)((r1 - r0) * H * V) * es;
      if (memcmp((char *)o + at, (char *)o_copy + at, len))
        FAIL("%s wrote the output rows of skipped sequence %lld", name, (long long)n);
      for (int64_t i = r0 * H * V; i < r1 * H * V; i++) o_ref[i] = ref_decode(dt, o, i);
    }
    double err = max_abs_error(dt, o, o_ref, o_elems) / o_norm;
    if (!(err <= ref_tol(dt)))
      FAIL("%s: output error %.3g > %.3g", name, err, ref_tol(dt));
    /* Each slot: a sequence's state, or (owned by none) the bytes it had. */
    const float *before = a.final_state == s0 ? s0_copy : sT_copy;
    for (int64_t sl = 0; a.final_state && sl < slots; sl++) {
      int64_t owner = pool ? -1 : sl;
      for (int64_t n = 0; pool && n < N; n++)
        if (idx[n] == sl) owner = n;
      const float *got = a.final_state + sl * H * KV;
      if (owner < 0) {
        if (memcmp(got, before + sl * H * KV, (size_t)(H * KV) * sizeof(float)))
          FAIL("%s wrote slot %lld, which no sequence owns", name, (long long)sl);
        continue;
      }
      double serr = max_abs_error(LTA_F32, got, s_ref + owner * H * KV, H * KV) / s_norm;
      if (!(serr <= TOL_F32)) FAIL("%s: final state error %.3g > %.3g", name, serr, TOL_F32);
    }
    if (s0 && a.final_state != s0 && memcmp(s0, s0_copy, s_bytes))
      FAIL("%s changed initial_state, which is not an output of this call", name);
  } else {
    if (expect_ok) FAIL("a valid call was rejected: %s: %s", lta_status_name(st), lta_last_error());
    if (!lta_last_error()[0]) FAIL("rejected with %s and an empty message", lta_status_name(st));
    if (memcmp(o, o_copy, o_bytes) || (s0 && memcmp(s0, s0_copy, s_bytes)) ||
        (sT && memcmp(sT, sT_copy, s_bytes)))
      FAIL("rejected (%s: %s) but an output was written", lta_status_name(st), lta_last_error());
  }
  if (memcmp(q, q_copy, (size_t)(rows * H * K) * es)) FAIL("q was written");
  if (st == LTA_OK && !pool) check_backward(&a, s0_copy, &in, seed);

  free(o_ref), free(s_ref), free(o_copy), free(s0_copy), free(sT_copy), free(q_copy);
  free(q), free(k), free(v), free(o), free(s0), free(sT), free(g), free(g_bad);
  if (s0_seq != s0) free(s0_seq);
  return 0;
}
