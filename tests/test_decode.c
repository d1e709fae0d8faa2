/* test_decode.c: decode (issue 6) against one forward and the double reference.
 *
 *   chained: a sequence advanced by decode calls of 1 or 3 tokens each, the state in place,
 *     equals one forward over the same tokens (and the reference): both directions, MHA and GQA,
 *     K != V, a head dim with no generated kernel (the generic path), every dtype. The decode
 *     calls must run a decode kernel where one is generated.
 *   pool: state_indices into a pool of slots, with a skipped sequence (-1): per batch and per
 *     varlen, decode-length and long calls, in place and into a separate pool. Every slot and
 *     output row the call does not own keeps its bytes.
 *   bad_indices: an index past the pool, a repeated one, a pool without states or slots: on the
 *     CPU rejected with a message naming the index before anything is written; on CUDA (where
 *     the host cannot read the indices) the kernels write nothing.
 *   graph (CUDA): decode steps captured into a CUDA graph (no allocation, no synchronisation,
 *     no copy in the call) replay to the same bits as the calls themselves.
 *
 * Built twice: test_decode (CPU) and, with LTA_DECODE_CUDA, test_cuda_decode, where every
 * buffer is device memory; without a usable GPU that one says so and exits 77 (skipped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"
#include "ref.h"

#ifdef LTA_DECODE_CUDA
#define LTA_TEST_CUDA_MEM
#endif
#include "call_mem.h"

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(p);
  return p;
}

/* ---- chained decode == one forward ---- */

typedef struct shape {
  lta_dtype dt;
  int64_t K, V, H, Hkv;
  int reverse, step;
} shape;

static void chained_case(const shape *sh, uint64_t seed) {
  const int64_t B = 3, T = 7, H = sh->H, Hkv = sh->Hkv, K = sh->K, V = sh->V;
  const size_t es = ref_elem_size(sh->dt);
  const int64_t nq = B * T * H * K, nk = B * T * Hkv * K, nv = B * T * Hkv * V, no = B * T * H * V;
  const int64_t ns = B * H * K * V;
  ref_rng rng = {seed};
  void *q = xmalloc((size_t)nq * es), *k = xmalloc((size_t)nk * es), *v = xmalloc((size_t)nv * es);
  float *s0 = xmalloc((size_t)ns * 4), *g = xmalloc((size_t)H * 4);
  ref_fill(&rng, sh->dt, q, nq, 1.0);
  ref_fill(&rng, sh->dt, k, nk, 1.0);
  ref_fill(&rng, sh->dt, v, nv, 1.0);
  ref_fill(&rng, LTA_F32, s0, ns, 1.0);
  ref_retnet_g_gamma(H, g);

  /* The reference, and one forward over all T tokens. */
  double *o_ref = xmalloc((size_t)no * 8), *s_ref = xmalloc((size_t)ns * 8);
  ref_case r = {sh->dt, B, T, H, Hkv, K, V, sh->reverse, q, k, v, s0, NULL, B, g, 0.5f, o_ref, s_ref};
  ref_forward(&r);
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = sh->dt, a.batch = B, a.seqlen = T, a.num_heads = H, a.num_kv_heads = Hkv;
  a.head_dim_k = K, a.head_dim_v = V, a.g_gamma = g, a.has_scale = 1, a.scale = 0.5f;
  a.reverse = sh->reverse, a.device = DEVICE, a.num_states = B;
  void *dq = mem_copy(q, (size_t)nq * es), *dk = mem_copy(k, (size_t)nk * es);
  void *dv = mem_copy(v, (size_t)nv * es), *dO = mem_alloc((size_t)no * es);
  float *dS = mem_copy(s0, (size_t)ns * 4), *dS1 = mem_alloc((size_t)ns * 4);
  a.q = dq, a.k = dk, a.v = dv, a.o = dO, a.initial_state = dS, a.final_state = dS1;
  ck_assert_msg(lta_forward(&a) == LTA_OK, "%s", lta_last_error());
  void *o_full = xmalloc((size_t)no * es);
  float *s_full = xmalloc((size_t)ns * 4);
  from_mem(o_full, dO, (size_t)no * es);
  from_mem(s_full, dS1, (size_t)ns * 4);

  /* Decode: calls of `step` tokens in walking order, the state advanced in place. The tokens
   * of one call are copied into contiguous [B, step, ...] buffers. */
  void *o_chain = xmalloc((size_t)no * es);
  const int64_t step = sh->step;
  void *tq = xmalloc((size_t)(B * step * H * K) * es), *tk = xmalloc((size_t)(B * step * Hkv * K) * es);
  void *tv = xmalloc((size_t)(B * step * Hkv * V) * es), *to = xmalloc((size_t)(B * step * H * V) * es);
  void *dtq = mem_alloc((size_t)(B * step * H * K) * es), *dtk = mem_alloc((size_t)(B * step * Hkv * K) * es);
  void *dtv = mem_alloc((size_t)(B * step * Hkv * V) * es), *dto = mem_alloc((size_t)(B * step * H * V) * es);
  to_mem(dS, s0, (size_t)ns * 4);
  char kernel[LTA_KEY_NAME_MAX] = "";
  for (int64_t done = 0; done < T; done += step) {
    const int64_t L = T - done < step ? T - done : step;
    const int64_t t0 = sh->reverse ? T - done - L : done; /* the call's first token in time */
    const int64_t rq = H * K * (int64_t)es, rk = Hkv * K * (int64_t)es, rv = Hkv * V * (int64_t)es,
                  ro = H * V * (int64_t)es;
    for (int64_t b = 0; b < B; b++) {
      memcpy((char *)tq + b * L * rq, (char *)q + (b * T + t0) * rq, (size_t)(L * rq));
      memcpy((char *)tk + b * L * rk, (char *)k + (b * T + t0) * rk, (size_t)(L * rk));
      memcpy((char *)tv + b * L * rv, (char *)v + (b * T + t0) * rv, (size_t)(L * rv));
    }
    to_mem(dtq, tq, (size_t)(B * L * rq));
    to_mem(dtk, tk, (size_t)(B * L * rk));
    to_mem(dtv, tv, (size_t)(B * L * rv));
    lta_forward_args d = a;
    d.seqlen = L, d.q = dtq, d.k = dtk, d.v = dtv, d.o = dto;
    d.initial_state = dS, d.final_state = dS;
    const char *name = NULL;
    ck_assert_int_eq(lta_forward_kernel(&d, &name), LTA_OK);
    snprintf(kernel, sizeof kernel, "%s", name);
    ck_assert_msg(lta_forward(&d) == LTA_OK, "%s", lta_last_error());
    from_mem(to, dto, (size_t)(B * L * ro));
    for (int64_t b = 0; b < B; b++)
      memcpy((char *)o_chain + (b * T + t0) * ro, (char *)to + b * L * ro, (size_t)(L * ro));
  }
  float *s_chain = xmalloc((size_t)ns * 4);
  from_mem(s_chain, dS, (size_t)ns * 4);

  char what[200];
  snprintf(what, sizeof what, "%s K=%lld V=%lld H=%lld/%lld%s, %d token(s) a call, by %s",
           lta_dtype_string(sh->dt), (long long)K, (long long)V, (long long)H, (long long)Hkv,
           sh->reverse ? " reverse" : "", sh->step, kernel);
  int generated = (K == 32 || K == 64 || K == 128) && (V == K || (K == 64 && V == 128));
  ck_assert_msg(!generated || strncmp(kernel, "lta_dec_", 8) == 0,
                "%s: a decode call ran no decode kernel", what);
  const double tol = ref_tol(sh->dt);
  double e1 = ref_error(sh->dt, o_chain, o_ref, no), e2 = ref_error_f32(s_chain, s_ref, ns);
  ck_assert_msg(e1 <= tol && e2 <= TOL_F32, "%s: decode vs reference: output %.3g, state %.3g",
                what, e1, e2);
  /* Decode against the forward: each within the reference's tolerance of the other. */
  double *o_fd = xmalloc((size_t)no * 8), *s_fd = xmalloc((size_t)ns * 8);
  for (int64_t i = 0; i < no; i++) o_fd[i] = ref_decode(sh->dt, o_full, i);
  for (int64_t i = 0; i < ns; i++) s_fd[i] = s_full[i];
  e1 = ref_error(sh->dt, o_chain, o_fd, no), e2 = ref_error_f32(s_chain, s_fd, ns);
  ck_assert_msg(e1 <= tol && e2 <= TOL_F32, "%s: decode vs one forward: output %.3g, state %.3g",
                what, e1, e2);

  free(q), free(k), free(v), free(s0), free(g), free(o_ref), free(s_ref), free(o_full);
  free(s_full), free(o_chain), free(tq), free(tk), free(tv), free(to), free(s_chain);
  free(o_fd), free(s_fd);
  mem_free(dq), mem_free(dk), mem_free(dv), mem_free(dO), mem_free(dS), mem_free(dS1);
  mem_free(dtq), mem_free(dtk), mem_free(dtv), mem_free(dto);
}

START_TEST(chained) {
  static const int64_t dims[][2] = {{128, 128}, {64, 128}, {48, 48}, {32, 32}};
  static const int64_t heads[][2] = {{8, 2}, {4, 4}};
  static const lta_dtype dts[] = {LTA_F32, LTA_F16, LTA_BF16};
  int n = 0;
  for (int d = 0; d < 3; d++)
    for (int s = 0; s < 4; s++)
      for (int h = 0; h < 2; h++)
        for (int rev = 0; rev < 2; rev++)
          for (int step = 1; step <= 3; step += 2) {
            shape sh = {dts[d], dims[s][0], dims[s][1], heads[h][0], heads[h][1], rev, step};
            chained_case(&sh, 0xDEC0DEull + (uint64_t)n++ * 977u);
          }
  printf("decode chained: %d shapes, each equal to one forward and to the reference\n", n);
}
END_TEST

/* ---- the state pool ---- */

#define NSEQ 5
#define SLOTS 9
static const int64_t slot_of[NSEQ] = {7, -1, 2, 0, 5};

/* One pooled call: batch (T tokens each) or varlen (lens), in place or into a second pool.
 * Checks o and the pools against the reference and the untouched bytes. */
static void pool_case(lta_dtype dt, int64_t K, int64_t V, int varlen, int64_t T, int in_place,
                      uint64_t seed) {
  const int64_t H = 4, Hkv = 2, KV = K * V;
  const size_t es = ref_elem_size(dt);
  int64_t cu[NSEQ + 1] = {0}, B = varlen ? 1 : NSEQ, rows;
  static const int64_t lens[NSEQ] = {2, 0, 1, 3, 1};
  if (varlen) {
    for (int n = 0; n < NSEQ; n++) cu[n + 1] = cu[n] + lens[n] * (T > 8 ? 9 : 1);
    rows = cu[NSEQ];
  } else {
    rows = B * T;
  }
  const int64_t nq = rows * H * K, nk = rows * Hkv * K, nv = rows * Hkv * V, no = rows * H * V;
  const int64_t np = SLOTS * H * KV, ns = NSEQ * H * KV;
  ref_rng rng = {seed};
  void *q = xmalloc((size_t)nq * es), *k = xmalloc((size_t)nk * es), *v = xmalloc((size_t)nv * es);
  float *pool = xmalloc((size_t)np * 4), *pool2 = xmalloc((size_t)np * 4), *g = xmalloc((size_t)H * 4);
  ref_fill(&rng, dt, q, nq, 1.0);
  ref_fill(&rng, dt, k, nk, 1.0);
  ref_fill(&rng, dt, v, nv, 1.0);
  ref_fill(&rng, LTA_F32, pool, np, 1.0);
  ref_fill(&rng, LTA_F32, pool2, np, 1.0);
  lta_seed_g_gamma(H, 3, 24, g);

  /* The reference on the sequences' own states (a skipped one gets zeros: not compared). */
  float *s0 = xmalloc((size_t)ns * 4);
  for (int n = 0; n < NSEQ; n++)
    for (int64_t e = 0; e < H * KV; e++)
      s0[n * H * KV + e] = slot_of[n] >= 0 ? pool[slot_of[n] * H * KV + e] : 0.0f;
  double *o_ref = xmalloc((size_t)no * 8), *s_ref = xmalloc((size_t)ns * 8);
  ref_case r = {dt, B, varlen ? rows : T, H, Hkv, K, V, 0, q, k, v, s0, varlen ? cu : NULL,
                NSEQ, g, 0.125f, o_ref, s_ref};
  ref_forward(&r);

  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = dt, a.batch = B, a.seqlen = varlen ? rows : T, a.num_heads = H, a.num_kv_heads = Hkv;
  a.head_dim_k = K, a.head_dim_v = V, a.layer_idx = 3, a.num_layers = 24;
  a.has_scale = 1, a.scale = 0.125f, a.device = DEVICE;
  void *dq = mem_copy(q, (size_t)nq * es), *dk = mem_copy(k, (size_t)nk * es);
  void *dv = mem_copy(v, (size_t)nv * es);
  void *o = xmalloc((size_t)no * es);
  memset(o, 0x5A, (size_t)no * es);
  void *dO = mem_copy(o, (size_t)no * es);
  float *dP = mem_copy(pool, (size_t)np * 4), *dP2 = mem_copy(pool2, (size_t)np * 4);
  int64_t *dcu = varlen ? mem_copy(cu, sizeof cu) : NULL;
  int64_t *didx = mem_copy(slot_of, sizeof slot_of);
  a.q = dq, a.k = dk, a.v = dv, a.o = dO, a.cu_seqlens = dcu, a.num_seqs = varlen ? NSEQ : 0;
  a.initial_state = dP, a.final_state = in_place ? dP : dP2, a.num_states = SLOTS;
  a.state_indices = didx;
  ck_assert_msg(lta_forward(&a) == LTA_OK, "%s", lta_last_error());
  const char *kname = NULL;
  ck_assert_int_eq(lta_forward_kernel(&a, &kname), LTA_OK);
  float *out = xmalloc((size_t)np * 4);
  from_mem(o, dO, (size_t)no * es);
  from_mem(out, in_place ? dP : dP2, (size_t)np * 4);

  char what[200];
  snprintf(what, sizeof what, "%s K=%lld V=%lld %s T=%lld %s, by %s", lta_dtype_string(dt),
           (long long)K, (long long)V, varlen ? "varlen" : "batch", (long long)T,
           in_place ? "in place" : "into a second pool", kname);
  const float *before = in_place ? pool : pool2;
  double worst = 0.0, peak = 1e-30; /* over the rows of the sequences that ran */
  for (int64_t row = 0; row < rows; row++) {
    int n = 0;
    if (varlen)
      while (row >= cu[n + 1]) n++;
    else
      n = (int)(row / T);
    for (int64_t e = 0; e < H * V; e++) {
      int64_t i = row * H * V + e;
      if (slot_of[n] < 0) {
        unsigned char want[4];
        memset(want, 0x5A, es);
        ck_assert_msg(memcmp((char *)o + i * es, want, es) == 0,
                      "%s: o row %lld of skipped sequence %d was written", what, (long long)row, n);
      } else {
        double err = ref_decode(dt, o, i) - o_ref[i];
        worst = err > worst ? err : (-err > worst ? -err : worst);
        peak = o_ref[i] > peak ? o_ref[i] : (-o_ref[i] > peak ? -o_ref[i] : peak);
      }
    }
  }
  ck_assert_msg(worst / peak <= ref_tol(dt), "%s: output error %.3g > %.3g", what, worst / peak,
                ref_tol(dt));
  for (int64_t sl = 0; sl < SLOTS; sl++) {
    int owner = -1;
    for (int n = 0; n < NSEQ; n++)
      if (slot_of[n] == sl) owner = n;
    const float *got = out + sl * H * KV;
    if (owner < 0) {
      ck_assert_msg(memcmp(got, before + sl * H * KV, (size_t)(H * KV) * 4) == 0,
                    "%s: slot %lld, owned by no sequence, was written", what, (long long)sl);
    } else {
      double e = ref_error_f32(got, s_ref + owner * H * KV, H * KV);
      ck_assert_msg(e <= TOL_F32, "%s: slot %lld (sequence %d): state error %.3g", what,
                    (long long)sl, owner, e);
    }
  }
  free(q), free(k), free(v), free(pool), free(pool2), free(g), free(s0), free(o_ref);
  free(s_ref), free(o), free(out);
  mem_free(dq), mem_free(dk), mem_free(dv), mem_free(dO), mem_free(dP), mem_free(dP2);
  if (dcu) mem_free(dcu);
  mem_free(didx);
}

START_TEST(pool) {
  static const lta_dtype dts[] = {LTA_F32, LTA_BF16, LTA_F16};
  static const int64_t dims[][2] = {{64, 64}, {48, 48}, {64, 128}};
  static const int64_t Ts[] = {1, 3, 20};
  int n = 0;
  for (int d = 0; d < 3; d++)
    for (int s = 0; s < 3; s++)
      for (int t = 0; t < 3; t++)
        for (int varlen = 0; varlen < 2; varlen++)
          for (int ip = 0; ip < 2; ip++)
            pool_case(dts[d], dims[s][0], dims[s][1], varlen, Ts[t], ip,
                      0x9001ull + (uint64_t)n++ * 31u);
  printf("decode pool: %d calls, skipped rows and foreign slots untouched\n", n);
}
END_TEST

/* ---- bad indices ---- */

/* A pooled decode call (K = V = 32, bf16) with indices idx; returns its status, and whether it
 * left o and the pool as they were. */
static lta_status pooled_call(const int64_t *idx, int64_t nseq, int64_t slots, int with_states,
                              int *untouched) {
  const int64_t H = 2, K = 32, V = 32, es = 2;
  const int64_t no = nseq * H * V, np = (slots > 0 ? slots : 1) * H * K * V;
  void *qkv = xmalloc((size_t)(nseq * H * K * es));
  memset(qkv, 0x3c, (size_t)(nseq * H * K * es)); /* bf16 0.0115 */
  void *o = xmalloc((size_t)(no * es));
  memset(o, 0x5A, (size_t)(no * es));
  float *pool = xmalloc((size_t)np * 4);
  for (int64_t i = 0; i < np; i++) pool[i] = (float)(i % 7);
  void *dq = mem_copy(qkv, (size_t)(nseq * H * K * es)), *dO = mem_copy(o, (size_t)(no * es));
  float *dP = mem_copy(pool, (size_t)np * 4);
  int64_t *didx = mem_copy(idx, (size_t)nseq * sizeof(int64_t));
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = LTA_BF16, a.batch = nseq, a.seqlen = 1, a.num_heads = a.num_kv_heads = H;
  a.head_dim_k = K, a.head_dim_v = V, a.q = a.k = a.v = dq, a.o = dO;
  a.layer_idx = 1, a.num_layers = 4, a.device = DEVICE;
  if (with_states) a.initial_state = a.final_state = dP;
  a.num_states = slots, a.state_indices = didx;
  lta_status st = lta_forward(&a);
  void *o2 = xmalloc((size_t)(no * es));
  float *pool2 = xmalloc((size_t)np * 4);
  from_mem(o2, dO, (size_t)(no * es));
  from_mem(pool2, dP, (size_t)np * 4);
  *untouched = memcmp(o, o2, (size_t)(no * es)) == 0 && memcmp(pool, pool2, (size_t)np * 4) == 0;
  free(qkv), free(o), free(pool), free(o2), free(pool2);
  mem_free(dq), mem_free(dO), mem_free(dP), mem_free(didx);
  return st;
}

START_TEST(bad_indices) {
  int untouched = 0;
  const int64_t good[4] = {3, -1, 0, 2};
  ck_assert_int_eq(pooled_call(good, 4, 4, 1, &untouched), LTA_OK);
  ck_assert_msg(!untouched, "a good pooled call wrote nothing");

  const int64_t past[4] = {3, -1, 4, 2}, twice[4] = {3, 1, -1, 3};
#ifdef LTA_DECODE_CUDA
  /* The host cannot read them: the call is enqueued, and every block refuses to write. */
  ck_assert_int_eq(pooled_call(past, 4, 4, 1, &untouched), LTA_OK);
  ck_assert_msg(untouched, "an index past the pool: the kernels wrote");
  ck_assert_int_eq(pooled_call(twice, 4, 4, 1, &untouched), LTA_OK);
  ck_assert_msg(untouched, "a repeated index: the kernels wrote");
  /* More sequences than a block's table holds: refused on the host. */
  int64_t *many = xmalloc((LTA_CUDA_MAX_POOL_SEQS + 1) * sizeof(int64_t));
  for (int i = 0; i <= LTA_CUDA_MAX_POOL_SEQS; i++) many[i] = i;
  ck_assert_int_eq(pooled_call(many, LTA_CUDA_MAX_POOL_SEQS + 1, LTA_CUDA_MAX_POOL_SEQS + 1, 1,
                               &untouched),
                   LTA_ERR_SIZE);
  ck_assert(untouched);
  free(many);
  /* Host memory for the indices of a CUDA call. */
  {
    lta_forward_args a;
    lta_forward_args_init(&a);
    void *d = mem_alloc(4096);
    a.dtype = LTA_F32, a.batch = 1, a.seqlen = 1, a.num_heads = a.num_kv_heads = 1;
    a.head_dim_k = a.head_dim_v = 4, a.q = a.k = a.v = d, a.o = (char *)d + 1024;
    a.final_state = (float *)((char *)d + 2048), a.num_states = 2;
    a.layer_idx = 0, a.num_layers = 1, a.device = LTA_DEVICE_CUDA;
    a.state_indices = good;
    ck_assert_int_eq(lta_forward(&a), LTA_ERR_MEMORY_SPACE);
    ck_assert_ptr_nonnull(strstr(lta_last_error(), "state_indices"));
    mem_free(d);
  }
#else
  ck_assert_int_eq(pooled_call(past, 4, 4, 1, &untouched), LTA_ERR_STATE);
  ck_assert_msg(untouched, "rejected, yet written");
  ck_assert_str_eq(lta_last_error(),
                   "lta_forward: state_indices[2]=4 is out of range: the pool has num_states=4 "
                   "slots");
  ck_assert_int_eq(pooled_call(twice, 4, 4, 1, &untouched), LTA_ERR_STATE);
  ck_assert(untouched);
  ck_assert_str_eq(lta_last_error(), "lta_forward: state_indices[3]=3 repeats state_indices[0]");
#endif
  ck_assert_int_eq(pooled_call(good, 4, 4, 0, &untouched), LTA_ERR_STATE);
  ck_assert(untouched);
  ck_assert_ptr_nonnull(strstr(lta_last_error(), "without initial_state or final_state"));
  ck_assert_int_eq(pooled_call(good, 4, 0, 1, &untouched), LTA_ERR_STATE);
  ck_assert(untouched);
  ck_assert_ptr_nonnull(strstr(lta_last_error(), "num_states=0"));
}
END_TEST

#ifdef LTA_DECODE_CUDA
/* Three decode steps of a pooled batch, as calls and as a captured graph: the same bits. */
START_TEST(graph) {
  const int64_t B = 6, H = 8, K = 128, V = 128, slots = 8;
  const int64_t nq = B * H * K, np = slots * H * K * V;
  ref_rng rng = {77};
  uint16_t *q = xmalloc((size_t)nq * 2);
  float *pool = xmalloc((size_t)np * 4), *a1 = xmalloc((size_t)np * 4), *a2 = xmalloc((size_t)np * 4);
  ref_fill(&rng, LTA_BF16, q, nq, 1.0);
  ref_fill(&rng, LTA_F32, pool, np, 1.0);
  const int64_t idx[6] = {4, 0, -1, 7, 2, 5};
  void *dq = mem_copy(q, (size_t)nq * 2), *dO = mem_alloc((size_t)(B * H * V) * 2);
  float *dP = mem_copy(pool, (size_t)np * 4);
  int64_t *didx = mem_copy(idx, sizeof idx);
  cudaStream_t s;
  CU(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = LTA_BF16, a.batch = B, a.seqlen = 1, a.num_heads = a.num_kv_heads = H;
  a.head_dim_k = K, a.head_dim_v = V, a.q = a.k = a.v = dq, a.o = dO;
  a.initial_state = a.final_state = dP, a.num_states = slots, a.state_indices = didx;
  a.layer_idx = 2, a.num_layers = 8, a.device = LTA_DEVICE_CUDA, a.stream = s;
  for (int i = 0; i < 3; i++) ck_assert_int_eq(lta_forward(&a), LTA_OK);
  CU(cudaStreamSynchronize(s));
  CU(cudaMemcpy(a1, dP, (size_t)np * 4, cudaMemcpyDeviceToHost));

  CU(cudaMemcpy(dP, pool, (size_t)np * 4, cudaMemcpyHostToDevice));
  cudaGraph_t graph;
  cudaGraphExec_t exec;
  CU(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  lta_status st = lta_forward(&a);
  CU(cudaStreamEndCapture(s, &graph));
  ck_assert_msg(st == LTA_OK, "%s", lta_last_error());
  CU(cudaGraphInstantiate(&exec, graph, 0));
  for (int i = 0; i < 3; i++) CU(cudaGraphLaunch(exec, s));
  CU(cudaStreamSynchronize(s));
  CU(cudaMemcpy(a2, dP, (size_t)np * 4, cudaMemcpyDeviceToHost));
  ck_assert_msg(memcmp(a1, a2, (size_t)np * 4) == 0, "the graph's states differ from the calls'");
  CU(cudaGraphExecDestroy(exec));
  CU(cudaGraphDestroy(graph));
  CU(cudaStreamDestroy(s));
  free(q), free(pool), free(a1), free(a2);
  mem_free(dq), mem_free(dO), mem_free(dP), mem_free(didx);
}
END_TEST
#endif

int main(void) {
#ifdef LTA_DECODE_CUDA
  if (cuda_missing("cuda decode")) return 77;
#endif
  Suite *s = suite_create("decode");
  TCase *tc = tcase_create("decode");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, chained);
  tcase_add_test(tc, pool);
  tcase_add_test(tc, bad_indices);
#ifdef LTA_DECODE_CUDA
  tcase_add_test(tc, graph);
#endif
  suite_add_tcase(s, tc);
#ifdef LTA_DECODE_CUDA
  return run_suite(s, 1);
#else
  return run_suite(s, 0);
#endif
}
