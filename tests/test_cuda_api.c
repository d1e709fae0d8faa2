/* test_cuda_api.c: the CUDA call's contract beyond the numbers of the sweep.
 *
 *   graph:        a call captured into a CUDA graph (with the caller's workspace, and without one)
 *                 replays to the same bits as a direct call, time split included;
 *   streams:      calls on two streams at once give the same bits as on one;
 *   memory:       host memory where device memory is needed, and a device g_gamma, are refused
 *                 with LTA_ERR_MEMORY_SPACE and the argument's name, nothing written;
 *   cu_seqlens:   a malformed cu_seqlens in device memory (which the host cannot read) makes the
 *                 kernels write nothing;
 *   huge (slow):  an output of more than 2^31 elements (B=1025, T=1024, H=16, V=128, bf16: 17 GB
 *                 on the device); sampled sequences, the last one wholly past element 2^31,
 *                 checked against the double reference.
 * Without a usable GPU it prints SKIPPED and exits 77.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lightattn.h"
#include "ref.h"
#include "cuda_util.h"

/* One problem on the device: bf16, K = V = 128 (the tensor-core kernel) unless told. */
typedef struct dev_problem {
  lta_forward_args a;
  void *q, *k, *v, *o;
  float *s0, *s1;
  size_t o_bytes, s_bytes;
  void *hq, *hk, *hv; /* the host inputs */
  float *hs;
} dev_problem;

static void setup(dev_problem *p, int64_t B, int64_t T, int64_t H, int64_t K, uint64_t seed) {
  memset(p, 0, sizeof *p);
  ref_rng r = {seed};
  size_t nq = (size_t)(B * T * H * K), ns = (size_t)(B * H * K * K);
  void *hq = malloc(nq * 2), *hk = malloc(nq * 2), *hv = malloc(nq * 2);
  float *hs = malloc(ns * 4);
  ref_fill(&r, LTA_BF16, hq, (int64_t)nq, 1.0);
  ref_fill(&r, LTA_BF16, hk, (int64_t)nq, 1.0);
  ref_fill(&r, LTA_BF16, hv, (int64_t)nq, 1.0);
  ref_fill(&r, LTA_F32, hs, (int64_t)ns, 1.0);
  p->q = dev_copy(hq, nq * 2), p->k = dev_copy(hk, nq * 2), p->v = dev_copy(hv, nq * 2);
  p->s0 = dev_copy(hs, ns * 4);
  p->o_bytes = nq * 2, p->s_bytes = ns * 4;
  CU(cudaMalloc(&p->o, p->o_bytes));
  CU(cudaMalloc((void **)&p->s1, p->s_bytes));
  p->hq = hq, p->hk = hk, p->hv = hv, p->hs = hs;
  lta_forward_args *a = &p->a;
  lta_forward_args_init(a);
  a->device = LTA_DEVICE_CUDA;
  a->dtype = LTA_BF16;
  a->batch = B, a->seqlen = T, a->num_heads = a->num_kv_heads = H;
  a->head_dim_k = a->head_dim_v = K;
  a->q = p->q, a->k = p->k, a->v = p->v, a->o = p->o;
  a->initial_state = p->s0, a->final_state = p->s1, a->num_states = B;
  a->layer_idx = 3, a->num_layers = 24;
}

static void teardown(dev_problem *p) {
  cudaFree(p->q), cudaFree(p->k), cudaFree(p->v), cudaFree(p->o), cudaFree(p->s0), cudaFree(p->s1);
  free(p->hq), free(p->hk), free(p->hv), free(p->hs);
}

/* o and the final state of a run against the double reference, with the sweep's tolerances. */
static void check_reference(const dev_problem *p, const void *o, const float *s) {
  const lta_forward_args *a = &p->a;
  float g[64];
  lta_seed_g_gamma(a->num_heads, a->layer_idx, a->num_layers, g);
  int64_t no = (int64_t)(p->o_bytes / 2), ns = (int64_t)(p->s_bytes / 4);
  double *ro = malloc((size_t)no * sizeof(double)), *rs = malloc((size_t)ns * sizeof(double));
  ref_case c = {LTA_BF16, a->batch, a->seqlen, a->num_heads, a->num_kv_heads, a->head_dim_k,
                a->head_dim_v, a->reverse, p->hq, p->hk, p->hv, p->hs, NULL, a->batch, g,
                (float)(1.0 / sqrt((double)a->head_dim_k)), ro, rs};
  ref_forward(&c);
  double eo = ref_error(LTA_BF16, o, ro, no), es = ref_error_f32(s, rs, ns);
  ck_assert_msg(eo <= 1e-2 && es <= 2e-5, "against the reference: output %g, state %g", eo, es);
  free(ro), free(rs);
}

/* Copies o and the final state back. */
static void fetch(const dev_problem *p, void *o, float *s) {
  CU(cudaDeviceSynchronize());
  CU(cudaMemcpy(o, p->o, p->o_bytes, cudaMemcpyDeviceToHost));
  CU(cudaMemcpy(s, p->s1, p->s_bytes, cudaMemcpyDeviceToHost));
}

static void poison(const dev_problem *p) {
  CU(cudaMemset(p->o, 0xFF, p->o_bytes));
  CU(cudaMemset(p->s1, 0xFF, p->s_bytes));
}

START_TEST(graph) {
  /* B=1, T=8192, H=4: few blocks, so the call splits time (states, combine, main kernels). */
  dev_problem p;
  setup(&p, 1, 8192, 4, 128, 11);
  void *o_direct = malloc(p.o_bytes), *o_graph = malloc(p.o_bytes);
  float *s_direct = malloc(p.s_bytes), *s_graph = malloc(p.s_bytes);
  size_t ws_bytes = 0;
  ck_assert_int_eq(lta_forward_workspace_size(&p.a, &ws_bytes), LTA_OK);
  ck_assert_msg(ws_bytes > 0, "this shape should split time and want a workspace");
  void *ws;
  CU(cudaMalloc(&ws, ws_bytes));
  cudaStream_t st;
  CU(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
  p.a.stream = st;
  p.a.workspace = ws, p.a.workspace_bytes = ws_bytes;

  poison(&p);
  ck_assert_int_eq(lta_forward(&p.a), LTA_OK);
  fetch(&p, o_direct, s_direct);
  check_reference(&p, o_direct, s_direct);

  for (int with_ws = 1; with_ws >= 0; with_ws--) {
    p.a.workspace = with_ws ? ws : NULL;
    p.a.workspace_bytes = with_ws ? ws_bytes : 0;
    poison(&p);
    cudaGraph_t g;
    cudaGraphExec_t ge;
    CU(cudaStreamBeginCapture(st, cudaStreamCaptureModeGlobal));
    lta_status rc = lta_forward(&p.a);
    CU(cudaStreamEndCapture(st, &g));
    ck_assert_msg(rc == LTA_OK, "captured call failed: %s", lta_last_error());
    CU(cudaGraphInstantiate(&ge, g, 0));
    for (int rep = 0; rep < 3; rep++) CU(cudaGraphLaunch(ge, st));
    CU(cudaStreamSynchronize(st));
    fetch(&p, o_graph, s_graph);
    if (with_ws) {
      /* The same kernels on the same workspace: the same bits. */
      ck_assert_msg(memcmp(o_direct, o_graph, p.o_bytes) == 0, "graph replay changed o");
      ck_assert_msg(memcmp(s_direct, s_graph, p.s_bytes) == 0, "graph replay changed the state");
    } else {
      /* Captured without a workspace: one segment a sequence, right up to rounding. */
      check_reference(&p, o_graph, s_graph);
    }
    cudaGraphExecDestroy(ge);
    cudaGraphDestroy(g);
  }
  cudaStreamDestroy(st);
  cudaFree(ws);
  free(o_direct), free(o_graph), free(s_direct), free(s_graph);
  teardown(&p);
}
END_TEST

START_TEST(streams) {
  dev_problem p1, p2;
  setup(&p1, 2, 1000, 8, 64, 21);
  setup(&p2, 2, 1000, 8, 64, 21); /* the same inputs */
  void *o1 = malloc(p1.o_bytes), *o2 = malloc(p1.o_bytes);
  float *s1 = malloc(p1.s_bytes), *s2 = malloc(p1.s_bytes);
  cudaStream_t a, b;
  CU(cudaStreamCreateWithFlags(&a, cudaStreamNonBlocking));
  CU(cudaStreamCreateWithFlags(&b, cudaStreamNonBlocking));
  p1.a.stream = a, p2.a.stream = b;
  for (int rep = 0; rep < 4; rep++) {
    ck_assert_int_eq(lta_forward(&p1.a), LTA_OK);
    ck_assert_int_eq(lta_forward(&p2.a), LTA_OK);
  }
  fetch(&p1, o1, s1);
  fetch(&p2, o2, s2);
  ck_assert_msg(memcmp(o1, o2, p1.o_bytes) == 0 && memcmp(s1, s2, p1.s_bytes) == 0,
                "two streams gave different bits");
  cudaStreamDestroy(a), cudaStreamDestroy(b);
  free(o1), free(o2), free(s1), free(s2);
  teardown(&p1), teardown(&p2);
}
END_TEST

START_TEST(memory) {
  dev_problem p;
  setup(&p, 1, 64, 2, 64, 31);
  poison(&p);
  void *host = calloc(p.o_bytes, 1);
  float g[2] = {0.0f, -0.5f}, *dg;
  CU(cudaMalloc((void **)&dg, sizeof g));
  CU(cudaMemcpy(dg, g, sizeof g, cudaMemcpyHostToDevice));
  const char *names[] = {"q=", "o=", "g_gamma="};
  for (int c = 0; c < 3; c++) {
    lta_forward_args a = p.a;
    if (c == 0) a.q = host;
    if (c == 1) a.o = host;
    if (c == 2) a.g_gamma = dg;
    ck_assert_int_eq(lta_forward(&a), LTA_ERR_MEMORY_SPACE);
    ck_assert_msg(strstr(lta_last_error(), names[c]), "message '%s' does not name %s",
                  lta_last_error(), names[c]);
  }
  /* Nothing written: o and the final state are still the poison. */
  unsigned char *o = malloc(p.o_bytes);
  CU(cudaMemcpy(o, p.o, p.o_bytes, cudaMemcpyDeviceToHost));
  for (size_t i = 0; i < p.o_bytes; i++) ck_assert_uint_eq(o[i], 0xFF);
  for (size_t i = 0; i < p.o_bytes; i++) ck_assert_uint_eq(((unsigned char *)host)[i], 0);
  free(o), free(host);
  cudaFree(dg);
  teardown(&p);
}
END_TEST

START_TEST(bad_cu_seqlens) {
  /* Three sequences of 64 tokens; each malformed array leaves o and the states untouched. */
  dev_problem p;
  setup(&p, 1, 192, 2, 128, 41);
  float *s3;
  CU(cudaMalloc((void **)&s3, 3 * p.s_bytes));
  CU(cudaMemset(s3, 0xFF, 3 * p.s_bytes));
  const int64_t bad[][4] = {{1, 64, 128, 192},   /* does not start at 0 */
                            {0, 100, 50, 192},   /* decreasing */
                            {0, 64, 128, 190},   /* does not end at seqlen */
                            {0, 64, 128, 999}};  /* past the end */
  int64_t *dcu;
  CU(cudaMalloc((void **)&dcu, sizeof bad[0]));
  unsigned char *o = malloc(p.o_bytes);
  for (int c = 0; c < 4; c++) {
    CU(cudaMemcpy(dcu, bad[c], sizeof bad[c], cudaMemcpyHostToDevice));
    CU(cudaMemset(p.o, 0xFF, p.o_bytes));
    lta_forward_args a = p.a;
    a.cu_seqlens = dcu, a.num_seqs = 3;
    a.initial_state = NULL, a.final_state = s3, a.num_states = 3;
    ck_assert_int_eq(lta_forward(&a), LTA_OK); /* the host cannot read device memory */
    CU(cudaDeviceSynchronize());
    CU(cudaMemcpy(o, p.o, p.o_bytes, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < p.o_bytes; i++)
      ck_assert_msg(o[i] == 0xFF, "case %d: o written at byte %zu", c, i);
  }
  float *s = malloc(3 * p.s_bytes);
  CU(cudaMemcpy(s, s3, 3 * p.s_bytes, cudaMemcpyDeviceToHost));
  for (size_t i = 0; i < 3 * p.s_bytes; i++)
    ck_assert_msg(((unsigned char *)s)[i] == 0xFF, "final state written at byte %zu", i);
  free(o), free(s);
  cudaFree(dcu), cudaFree(s3);
  teardown(&p);
}
END_TEST

START_TEST(huge) {
  const int64_t B = 1025, T = 1024, H = 16, K = 128;
  const int64_t elems = B * T * H * K; /* 2^31 + 2^21: o, q, k and v each */
  size_t free_b = 0, total_b = 0;
  CU(cudaMemGetInfo(&free_b, &total_b));
  size_t need = (size_t)elems * 2 * 4 + (size_t)(2 * B * H * K * K * 4) + ((size_t)1 << 30);
  if (free_b < need) {
    printf("huge: SKIPPED: %zu GB of device memory free, %zu needed\n", free_b >> 30, need >> 30);
    return;
  }
  ck_assert(elems > ((int64_t)1 << 31));
  /* Random inputs for three sampled sequences, zeros elsewhere (filled on the device). */
  const int64_t samples[3] = {0, 517, 1024}; /* 1024: elements 2^31 .. 2^31 + 2^21 - 1 */
  size_t seq = (size_t)(T * H * K);
  uint16_t *hq = malloc(seq * 2 * 3), *hk = malloc(seq * 2 * 3), *hv = malloc(seq * 2 * 3);
  ref_rng r = {51};
  ref_fill(&r, LTA_BF16, hq, (int64_t)seq * 3, 1.0);
  ref_fill(&r, LTA_BF16, hk, (int64_t)seq * 3, 1.0);
  ref_fill(&r, LTA_BF16, hv, (int64_t)seq * 3, 1.0);
  void *q, *k, *v, *o;
  float *s1;
  CU(cudaMalloc(&q, (size_t)elems * 2));
  CU(cudaMalloc(&k, (size_t)elems * 2));
  CU(cudaMalloc(&v, (size_t)elems * 2));
  CU(cudaMalloc(&o, (size_t)elems * 2));
  CU(cudaMalloc((void **)&s1, (size_t)(B * H * K * K * 4)));
  CU(cudaMemset(q, 0, (size_t)elems * 2));
  CU(cudaMemset(k, 0, (size_t)elems * 2));
  CU(cudaMemset(v, 0, (size_t)elems * 2));
  CU(cudaMemset(o, 0xFF, (size_t)elems * 2));
  for (int i = 0; i < 3; i++) {
    size_t off = (size_t)samples[i] * seq * 2;
    CU(cudaMemcpy((char *)q + off, hq + i * seq, seq * 2, cudaMemcpyHostToDevice));
    CU(cudaMemcpy((char *)k + off, hk + i * seq, seq * 2, cudaMemcpyHostToDevice));
    CU(cudaMemcpy((char *)v + off, hv + i * seq, seq * 2, cudaMemcpyHostToDevice));
  }
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.device = LTA_DEVICE_CUDA;
  a.dtype = LTA_BF16;
  a.batch = B, a.seqlen = T, a.num_heads = a.num_kv_heads = H, a.head_dim_k = a.head_dim_v = K;
  a.q = q, a.k = k, a.v = v, a.o = o, a.final_state = s1, a.num_states = B;
  a.layer_idx = 3, a.num_layers = 24;
  ck_assert_msg(lta_forward(&a) == LTA_OK, "%s", lta_last_error());
  CU(cudaDeviceSynchronize());
  float g[16];
  lta_seed_g_gamma(H, 3, 24, g);
  uint16_t *ho = malloc(seq * 2);
  double *ro = malloc(seq * sizeof(double)), *rs = malloc((size_t)(H * K * K) * sizeof(double));
  for (int i = 0; i < 3; i++) {
    ref_case c = {LTA_BF16, 1, T, H, H, K, K, 0, hq + i * seq, hk + i * seq, hv + i * seq,
                  NULL, NULL, 1, g, (float)(1.0 / sqrt((double)K)), ro, rs};
    ref_forward(&c);
    CU(cudaMemcpy(ho, (char *)o + (size_t)samples[i] * seq * 2, seq * 2, cudaMemcpyDeviceToHost));
    double err = ref_error(LTA_BF16, ho, ro, (int64_t)seq);
    ck_assert_msg(err <= 1e-2, "sequence %lld: error %g", (long long)samples[i], err);
    printf("huge: sequence %lld of %lld (o elements from %lld on): error %.2e\n",
           (long long)samples[i], (long long)B, (long long)(samples[i] * (int64_t)seq), err);
  }
  cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o), cudaFree(s1);
  free(hq), free(hk), free(hv), free(ho), free(ro), free(rs);
}
END_TEST

int main(void) {
  if (cuda_missing("cuda api")) return 77;
  Suite *s = suite_create("cuda_api");
  TCase *t = tcase_create("contract");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, graph);
  tcase_add_test(t, streams);
  tcase_add_test(t, memory);
  tcase_add_test(t, bad_cu_seqlens);
  suite_add_tcase(s, t);
  TCase *big = tcase_create("huge");
  tcase_set_tags(big, "slow");
  tcase_set_timeout(big, 900);
  tcase_add_test(big, huge);
  suite_add_tcase(s, big);
  return run_suite(s, 1);
}
