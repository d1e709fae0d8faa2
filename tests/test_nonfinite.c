/* test_nonfinite.c: NaN and Inf in q, k, v or the initial state reach the outputs that the
 * recurrence says they reach, and no other.
 *
 * Built with LTA_NONFINITE_CUDA (test_cuda_nonfinite), the same on every CUDA kernel, with
 * longer sequences (20, 0 and 55 tokens: several 16-token blocks, two chunks).
 * For every kernel of the registry that this CPU runs (forced): a varlen call of three
 * sequences (6, 0 and 9 tokens), GQA (4 query heads on 2 kv heads), an initial and a final
 * state. One element at a time is set to NaN, +Inf or -Inf. With t the poisoned token of
 * sequence n, "later" meaning at or after t in the processing direction (before t when reverse):
 *   q[t][h][i]      -> o[t][h][*]
 *   k[t][hk][i]     -> o[later][h][*] and final_state[n][h][i][*], for the heads h of group hk
 *   v[t][hk][j]     -> o[later][h][j] and final_state[n][h][*][j], for the heads h of group hk
 *   state[n][h][i][j] -> o[every token of n][h][j] and final_state[n][h][i][j]
 * Those outputs must be non-finite (NaN or Inf: Inf * 0 may give NaN); every other element of
 * o and final_state must equal the clean call's bit for bit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"
#include "ref.h"

enum { P_Q, P_K, P_V, P_STATE };
#define H 4
#define HKV 2
#define NSEQ 3

#ifdef LTA_NONFINITE_CUDA
/* Long enough for several 16-token blocks and two chunks of the tensor-core kernels. */
#include "cuda_util.h"
static const int64_t cu[NSEQ + 1] = {0, 20, 20, 75};
#define T 75
#define REGISTRY lta_cuda_registry
static unsigned machine_targets(void) {
  lta_status st;
  return lta_cuda_targets(&st, "nonfinite");
}

/* Kernel e on device copies of a's buffers (of the byte sizes given); o and the final state come
 * back into a's host buffers. */
static lta_status run_entry(const lta_forward_args *a, const lta_entry *e, size_t bq, size_t bk,
                            size_t bv, size_t bo, size_t bs) {
  lta_forward_args d = *a;
  d.device = LTA_DEVICE_CUDA, d.isa = LTA_ISA_AUTO, d.num_threads = 0;
  d.q = dev_copy(a->q, bq), d.k = dev_copy(a->k, bk), d.v = dev_copy(a->v, bv);
  d.initial_state = dev_copy(a->initial_state, bs);
  d.cu_seqlens = dev_copy(a->cu_seqlens, sizeof cu);
  d.o = dev_copy(a->o, bo), d.final_state = dev_copy(a->final_state, bs);
  lta_status st = lta_forward_entry(&d, e, 0, 0);
  CU(cudaDeviceSynchronize());
  CU(cudaMemcpy(a->o, d.o, bo, cudaMemcpyDeviceToHost));
  CU(cudaMemcpy(a->final_state, d.final_state, bs, cudaMemcpyDeviceToHost));
  cudaFree((void *)d.q), cudaFree((void *)d.k), cudaFree((void *)d.v);
  cudaFree((void *)d.initial_state), cudaFree((void *)d.cu_seqlens), cudaFree(d.o);
  cudaFree(d.final_state);
  return st;
}
#else
static const int64_t cu[NSEQ + 1] = {0, 6, 6, 15};
#define T 15
#define REGISTRY lta_registry
static unsigned machine_targets(void) { return lta_cpu_targets(); }
static lta_status run_entry(const lta_forward_args *a, const lta_entry *e, size_t bq, size_t bk,
                            size_t bv, size_t bo, size_t bs) {
  (void)bq, (void)bk, (void)bv, (void)bo, (void)bs;
  return lta_forward_entry(a, e, 0, 0);
}
#endif

static int seq_of(int64_t row) {
  int n = 0;
  while (row >= cu[n + 1]) n++;
  return n;
}

static int bits_equal(lta_dtype dt, const void *a, const void *b, int64_t i) {
  size_t es = dt == LTA_F32 ? 4 : 2;
  return memcmp((const char *)a + i * es, (const char *)b + i * es, es) == 0;
}

static void check_kernel(const lta_entry *e, int salt) {
  lta_dtype dt = (lta_dtype)e->key.dtype;
  int64_t K = e->key.K ? e->key.K : 7, V = e->key.V ? e->key.V : 5;
  int reverse = e->key.reverse;
  size_t es = ref_elem_size(dt);
  int64_t nq = T * H * K, nk = T * HKV * K, nv = T * HKV * V, no = T * H * V,
          ns = NSEQ * H * K * V;
  ref_rng rng = {0x5EEDull + (uint64_t)salt * 131};
  void *q = malloc((size_t)nq * es), *k = malloc((size_t)nk * es), *v = malloc((size_t)nv * es);
  void *o = malloc((size_t)no * es), *o_clean = malloc((size_t)no * es);
  float *s0 = malloc((size_t)ns * 4), *sT = malloc((size_t)ns * 4), *s_clean = malloc((size_t)ns * 4);
  ref_fill(&rng, dt, q, nq, 1.0);
  ref_fill(&rng, dt, k, nk, 1.0);
  ref_fill(&rng, dt, v, nv, 1.0);
  ref_fill(&rng, LTA_F32, s0, ns, 1.0);

  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = dt, a.batch = 1, a.seqlen = T, a.num_heads = H, a.num_kv_heads = HKV;
  a.head_dim_k = K, a.head_dim_v = V, a.q = q, a.k = k, a.v = v, a.o = o_clean;
  a.initial_state = s0, a.final_state = s_clean, a.num_states = NSEQ;
  a.cu_seqlens = cu, a.num_seqs = NSEQ, a.layer_idx = 5, a.num_layers = 24;
  a.reverse = reverse, a.isa = entry_isa(e), a.num_threads = 2;
  /* Forced: the decode kernels would not be chosen for 9 tokens, yet serve any length. */
  const size_t bq = (size_t)nq * es, bk = (size_t)nk * es, bv = (size_t)nv * es,
               bo = (size_t)no * es, bs = (size_t)ns * 4;
  ck_assert_int_eq(run_entry(&a, e, bq, bk, bv, bo, bs), LTA_OK);
  a.o = o, a.final_state = sT;

  static const double poison[3] = {NAN, INFINITY, -INFINITY};
  static const char *const what[4] = {"q", "k", "v", "initial_state"};
  for (int p = P_Q; p <= P_STATE; p++)
    for (int pv = 0; pv < 3; pv++) {
      /* The poisoned element: a random one of the tensor. */
      int64_t n_el = p == P_Q ? nq : p == P_K ? nk : p == P_V ? nv : ns;
      int64_t at = (int64_t)((ref_uniform(&rng) + 1.0) * 0.5 * (double)n_el) % n_el;
      void *buf = p == P_Q ? q : p == P_K ? k : p == P_V ? v : (void *)s0;
      lta_dtype bdt = p == P_STATE ? LTA_F32 : dt;
      size_t bes = ref_elem_size(bdt);
      unsigned char saved[4];
      memcpy(saved, (char *)buf + at * bes, bes);
      ref_encode(bdt, buf, at, poison[pv]);

      /* Where it lands: row (token), head, and the affected column and state row/column. */
      int64_t row = -1, head = -1, ii = -1, jj = -1;
      int seq;
      if (p == P_STATE) {
        seq = (int)(at / (H * K * V));
        head = at / (K * V) % H, ii = at / V % K, jj = at % V;
      } else {
        int64_t heads = p == P_Q ? H : HKV, dim = p == P_V ? V : K;
        row = at / (heads * dim), head = at / dim % heads;
        if (p == P_V) jj = at % dim;
        else ii = at % dim;
        seq = seq_of(row);
      }
      memset(o, 0x11, (size_t)no * es);
      memset(sT, 0x11, (size_t)ns * 4);
      ck_assert_int_eq(run_entry(&a, e, bq, bk, bv, bo, bs), LTA_OK);

      int group = H / HKV;
      for (int64_t r = 0; r < T; r++)
        for (int64_t h = 0; h < H; h++)
          for (int64_t j = 0; j < V; j++) {
            int64_t idx = (r * H + h) * V + j;
            int later = seq_of(r) == seq && (row < 0 || (reverse ? r <= row : r >= row));
            int hit = p == P_Q       ? r == row && h == head
                      : p == P_K     ? later && h / group == head
                      : p == P_V     ? later && h / group == head && j == jj
                                     : later && h == head && j == jj;
            double x = ref_decode(dt, o, idx);
            /* (ck_assert on every element would log each as a checkpoint: slow) */
            if (!(hit ? !isfinite(x) : bits_equal(dt, o, o_clean, idx)))
              ck_abort_msg("%s: %s[%lld] = %g: o[row %lld][head %lld][%lld] = %g %s", e->name,
                            what[p], (long long)at, poison[pv], (long long)r, (long long)h,
                            (long long)j, x,
                            hit ? "should be NaN or Inf" : "differs from the clean call");
          }
      for (int64_t x = 0; x < ns; x++) {
        int64_t n = x / (H * K * V), h = x / (K * V) % H, i = x / V % K, j = x % V;
        int hit = n == seq && (p == P_K   ? h / group == head && i == ii
                               : p == P_V ? h / group == head && j == jj
                               : p == P_STATE ? h == head && i == ii && j == jj
                                              : 0);
        if (!(hit ? !isfinite(sT[x]) : memcmp(&sT[x], &s_clean[x], 4) == 0))
          ck_abort_msg("%s: %s[%lld] = %g: final_state[%lld][%lld][%lld][%lld] = %g %s", e->name,
                        what[p], (long long)at, poison[pv], (long long)n, (long long)h,
                        (long long)i, (long long)j, (double)sT[x],
                        hit ? "should be NaN or Inf" : "differs from the clean call");
      }
      memcpy((char *)buf + at * bes, saved, bes);
    }
  free(q), free(k), free(v), free(o), free(o_clean), free(s0), free(sT), free(s_clean);
}

START_TEST(nonfinite) {
  size_t n;
  const lta_entry *tab = REGISTRY(&n);
  int run = 0;
  for (size_t e = 0; e < n; e++)
    if (((machine_targets() >> tab[e].key.target) & 1) && tab[e].key.op < LTA_OP_BWD) {
      check_kernel(&tab[e], (int)e);
      run++;
    }
  printf("nonfinite: %d kernels, 12 poisoned calls each (NaN, +Inf, -Inf in q, k, v, state)\n",
         run);
}
END_TEST

int main(void) {
#ifdef LTA_NONFINITE_CUDA
  if (cuda_missing("cuda nonfinite")) return 77;
#endif
  Suite *s = suite_create("nonfinite");
  TCase *tc = tcase_create("nonfinite");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, nonfinite);
  suite_add_tcase(s, tc);
#ifdef LTA_NONFINITE_CUDA
  return run_suite(s, 1);
#else
  return run_suite(s, 0);
#endif
}
