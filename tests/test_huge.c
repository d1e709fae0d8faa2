/* test_huge.c: sizes past 32 bits.
 *
 *   overflow (quick): calls whose byte counts overflow (q, o, the states) are rejected with
 *     LTA_ERR_SIZE before anything is read; their buffers are tiny, so a call that went on
 *     would fault.
 *   huge (tag "huge"; ctest huge_sizes with -DLTA_HUGE_TESTS=ON): more than 2^31 output
 *     elements, so that any 32-bit index in the runtime or a kernel would wrap:
 *       bf16, H = 64 on one kv head, K = V = 32, T = 2^20 + 1: the generated kernel;
 *       bf16, H = 64 on one kv head, K = V = 1, T = 2^25 + 1: the generic kernel;
 *     o has 2^31 + 2048 (2^31 + 64) elements. q and o take 8 GiB; the test is skipped, saying
 *     so, when MemAvailable is short of that plus 1 GiB. Heads 0 and 63 are
 *     checked over every token against the recurrence of SPEC section 1 in double; their
 *     last rows sit past element 2^31.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "ref.h"

static void tiny_args(lta_forward_args *a, void *buf) {
  lta_forward_args_init(a);
  a->dtype = LTA_F32;
  a->batch = a->seqlen = a->num_heads = a->num_kv_heads = 1;
  a->head_dim_k = a->head_dim_v = 1;
  a->q = a->k = a->v = buf;
  a->o = (char *)buf + 64;
  a->layer_idx = 1, a->num_layers = 2;
}

START_TEST(overflow) {
  static float buf[64];
  lta_forward_args a;
  /* q: 2^62 elements of 4 bytes: the element count fits in int64, the byte count does not. */
  tiny_args(&a, buf);
  a.batch = (int64_t)1 << 31, a.seqlen = (int64_t)1 << 21, a.head_dim_k = 1024;
  ck_assert_int_eq(lta_forward(&a), LTA_ERR_SIZE);
  ck_assert_ptr_nonnull(strstr(lta_last_error(), "overflows"));
  /* o alone: V = 4096 where K = 1. */
  tiny_args(&a, buf);
  a.batch = (int64_t)1 << 25, a.seqlen = (int64_t)1 << 25, a.head_dim_v = 4096;
  ck_assert_int_eq(lta_forward(&a), LTA_ERR_SIZE);
  /* The states alone: N * H * K * V * 4 = 2^62 bytes while q, k, v and o need 2^50. */
  tiny_args(&a, buf);
  a.batch = (int64_t)1 << 36, a.head_dim_k = a.head_dim_v = 4096;
  a.final_state = buf + 32, a.num_states = a.batch;
  ck_assert_int_eq(lta_forward(&a), LTA_ERR_SIZE);
  ck_assert_ptr_nonnull(strstr(lta_last_error(), "states"));
  /* Heads near INT32_MAX on tokens near 2^32. */
  tiny_args(&a, buf);
  a.num_heads = a.num_kv_heads = INT32_MAX, a.seqlen = (int64_t)1 << 32;
  ck_assert_int_eq(lta_forward(&a), LTA_ERR_SIZE);
}
END_TEST

static long long mem_available(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  if (!f) return -1;
  char line[256];
  long long kb = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1) break;
  fclose(f);
  return kb < 0 ? -1 : kb * 1024;
}

/* Exactly representable bf16 values in [-0.5, 0.5), spread by a multiplicative hash. */
static uint16_t pattern(uint64_t i, uint32_t mul) {
  int x = (int)((uint32_t)(i * mul) >> 24) - 128;
  float f = (float)x / 256.0f;
  uint32_t u;
  memcpy(&u, &f, 4);
  return (uint16_t)(u >> 16);
}

static double bf16(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

/* Checks o and the final state of head h over every token, against the recurrence in double. */
static double check_head(const lta_forward_args *a, const uint16_t *q, const uint16_t *k,
                         const uint16_t *v, const uint16_t *o, const float *sT, int64_t h,
                         const float *g, double *S) {
  const int64_t T = a->seqlen, H = a->num_heads, K = a->head_dim_k, V = a->head_dim_v;
  double lam = exp((double)g[h]), scale = 1.0 / sqrt((double)K), worst = 0, big = 1e-30;
  memset(S, 0, (size_t)(K * V) * sizeof *S);
  for (int64_t t = 0; t < T; t++) {
    const uint16_t *qt = q + (t * H + h) * K, *kt = k + t * K, *vt = v + t * V;
    for (int64_t j = 0; j < V; j++) {
      double out = 0;
      for (int64_t i = 0; i < K; i++) {
        double *s = &S[i * V + j];
        *s = lam * *s + bf16(kt[i]) * bf16(vt[j]);
        out += scale * bf16(qt[i]) * *s;
      }
      double got = bf16(o[(t * H + h) * V + j]), d = fabs(got - out);
      if (!(d <= worst)) worst = d;
      big = fmax(big, fabs(out));
    }
  }
  double serr = 0, sbig = 1e-30;
  for (int64_t x = 0; x < K * V; x++) {
    double d = fabs(sT[h * K * V + x] - S[x]);
    if (!(d <= serr)) serr = d;
    sbig = fmax(sbig, fabs(S[x]));
  }
  ck_assert_msg(serr / sbig <= TOL_F32, "head %lld: final state error %.3g", (long long)h,
                serr / sbig);
  return worst / big;
}

static void run_huge(int64_t T, int64_t KV, void *q, void *k, void *v, void *o, lta_isa isa) {
  const int64_t H = 64;
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = LTA_BF16, a.batch = 1, a.seqlen = T, a.num_heads = H, a.num_kv_heads = 1;
  a.head_dim_k = a.head_dim_v = KV, a.q = q, a.k = k, a.v = v, a.o = o;
  float *sT = malloc((size_t)(H * KV * KV) * sizeof(float)), g[64];
  a.final_state = sT, a.num_states = 1, a.layer_idx = 12, a.num_layers = 24, a.isa = isa;
  ck_assert_int_eq(lta_seed_g_gamma(H, 12, 24, g), LTA_OK);
  int64_t nq = T * H * KV, nkv = T * KV;
  printf("huge: T=%lld H=64 K=V=%lld bf16: o has %lld elements (2^31 = %lld)\n", (long long)T,
         (long long)KV, (long long)nq, 1LL << 31);
  uint16_t *q16 = q, *k16 = k, *v16 = v, *o16 = o;
  for (int64_t i = 0; i < nq; i++) q16[i] = pattern((uint64_t)i, 2654435761u);
  for (int64_t i = 0; i < nkv; i++) k16[i] = pattern((uint64_t)i, 2246822519u);
  for (int64_t i = 0; i < nkv; i++) v16[i] = pattern((uint64_t)i, 3266489917u);
  memset(o, 0xFF, (size_t)nq * 2); /* NaN: a row never written shows */
  const char *name = NULL;
  ck_assert_int_eq(lta_forward_kernel(&a, &name), LTA_OK);
  ck_assert_int_eq(lta_forward(&a), LTA_OK);
  double *S = malloc((size_t)(KV * KV) * sizeof *S);
  static const int64_t heads[] = {0, 63};
  for (int i = 0; i < 2; i++) {
    double err = check_head(&a, q16, k16, v16, o16, sT, heads[i], g, S);
    printf("huge: %s head %lld: output error %.2e (tol %.0e)\n", name, (long long)heads[i], err,
           TOL_BF16);
    ck_assert_msg(err <= TOL_BF16, "%s head %lld: output error %.3g > %.3g", name,
                  (long long)heads[i], err, TOL_BF16);
  }
  free(S), free(sT);
}

START_TEST(huge) {
  /* Buffers for the larger of the two calls: 2^31 + 2048 elements of q and o. */
  size_t n_qo = ((size_t)1 << 31) + 2048, n_kv = ((size_t)1 << 25) + 32;
  size_t need = 2 * n_qo * 2 + 2 * n_kv * 2;
  long long avail = mem_available();
  if (avail >= 0 && (size_t)avail < need + ((size_t)1 << 30)) {
    printf("huge: SKIPPED: needs %.1f GiB and 1 GiB to spare, MemAvailable is %.1f GiB\n",
           need / 1073741824.0, avail / 1073741824.0);
    return;
  }
  void *q = malloc(n_qo * 2), *o = malloc(n_qo * 2), *k = malloc(n_kv * 2),
       *v = malloc(n_kv * 2);
  if (!q || !o || !k || !v) {
    printf("huge: SKIPPED: could not allocate %.1f GiB\n", need / 1073741824.0);
    free(q), free(o), free(k), free(v);
    return;
  }
  run_huge(((int64_t)1 << 20) + 1, 32, q, k, v, o, LTA_ISA_AUTO);
  run_huge(((int64_t)1 << 25) + 1, 1, q, k, v, o, LTA_ISA_GENERIC);
  free(q), free(o), free(k), free(v);
}
END_TEST

int main(void) {
  Suite *s = suite_create("huge");
  TCase *quick = tcase_create("overflow");
  tcase_add_test(quick, overflow);
  suite_add_tcase(s, quick);
  TCase *big = tcase_create("huge");
  tcase_set_tags(big, "huge");
  tcase_set_timeout(big, 3600);
  tcase_add_test(big, huge);
  suite_add_tcase(s, big);
  return run_suite(s, 0);
}
