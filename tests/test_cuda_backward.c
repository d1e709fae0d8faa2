/* test_cuda_backward.c: the CUDA backward against the double-precision reference backward
 * (tests/ref.c, itself checked against finite differences by test_grad).
 *
 * sweep: per CUDA backward kernel (dtype x direction), twice: its passes on the kernels the
 *   runtime picks (tensor-core ones for the generated head dims) and on the generic kernel
 *   only (LTA_ISA_GENERIC). Cases rotate over head dims (every generated pair, their swaps'
 *   partners, odd ones), MHA / GQA / MQA, batch and varlen (with an empty sequence), lengths
 *   from 1 token to several chunks and several time segments, with and without the initial
 *   state, the final state's gradient and d_initial_state, three decays and two scales, on
 *   random inputs: d_q, d_k, d_v within the dtype's tolerance, d_initial_state within fp32's,
 *   nothing written past an output.
 * LTA_SWEEP_KERNELS (glob patterns) limits the sweep to some kernels, as in test_sweep.
 * bad_seqlens: a malformed cu_seqlens (device memory: checked on the GPU) writes nothing.
 * workspace: lta_backward_workspace_size; a workspace too small; a graph capture without one
 *   (refused) and with one (its replay gives the plain call's bits).
 * Without a usable GPU the program says so and exits 77 (skipped).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"
#include "ref.h"
#include "cuda_util.h"
#include "bwd_case.h"

#define CANARY 64

/* Device buffer of n bytes then CANARY bytes of 0xA5. */
static void *dev_canary(size_t n) {
  void *d = NULL;
  CU(cudaMalloc(&d, n + CANARY));
  CU(cudaMemset(d, 0xA5, n + CANARY));
  return d;
}

/* Copies n bytes back into host memory and checks the canary after them. */
static int fetch(void *host, const void *dev, size_t n) {
  unsigned char *tmp = xmalloc(n + CANARY);
  CU(cudaMemcpy(tmp, dev, n + CANARY, cudaMemcpyDeviceToHost));
  memcpy(host, tmp, n);
  int ok = 1;
  for (int i = 0; i < CANARY; i++)
    if (tmp[n + i] != 0xA5) ok = 0;
  free(tmp);
  return ok;
}

static void run_case(const lta_entry *e, int generic, const bcase *c, uint64_t seed,
                     double worst[4]) {
  bdata d;
  bdata_make(&d, c, (lta_dtype)e->key.dtype, e->key.reverse, seed);
  const size_t es = d.es, nq = (size_t)d.nq, nk = (size_t)d.nk, nv = (size_t)d.nv;
  const size_t no = (size_t)d.no, ns = (size_t)d.ns;
  lta_backward_args b = d.b;
  lta_forward_args *a = &b.fwd;
  a->device = LTA_DEVICE_CUDA, a->isa = generic ? LTA_ISA_GENERIC : LTA_ISA_AUTO;
  a->q = dev_copy(d.q, nq * es), a->k = dev_copy(d.k, nk * es), a->v = dev_copy(d.v, nv * es);
  a->initial_state = dev_copy(d.s0, ns * 4);
  if (c->kind == 1) a->cu_seqlens = dev_copy(d.cu, sizeof d.cu);
  b.d_o = dev_copy(d.d_o, no * es), b.d_final_state = dev_copy(d.dsT, ns * 4);
  b.d_q = dev_canary(nq * es), b.d_k = dev_canary(nk * es), b.d_v = dev_canary(nv * es);
  b.d_initial_state = c->ds0 ? dev_canary(ns * 4) : NULL;
  const char *name = NULL;
  ck_assert_int_eq(lta_backward_kernel(&b, &name), LTA_OK);
  ck_assert_str_eq(name, e->name);
  ck_assert_msg(lta_backward(&b) == LTA_OK, "%s: %s", e->name, lta_last_error());
  CU(cudaDeviceSynchronize());

  void *hq = xmalloc(nq * es), *hk = xmalloc(nk * es), *hv = xmalloc(nv * es);
  float *hs = xmalloc(ns * 4);
  int canaries = fetch(hq, b.d_q, nq * es) & fetch(hk, b.d_k, nk * es) & fetch(hv, b.d_v, nv * es);
  if (c->ds0) canaries &= fetch(hs, b.d_initial_state, ns * 4);

  char what[240];
  snprintf(what, sizeof what, "%s%s: ", e->name, generic ? " (generic passes)" : "");
  bcase_name(c, what + strlen(what), sizeof what - strlen(what));
  bdata_check(&d, hq, hk, hv, c->ds0 ? hs : NULL, worst, what);
  ck_assert_msg(canaries, "wrote past an output (%s)", what);

  cudaFree((void *)a->q), cudaFree((void *)a->k), cudaFree((void *)a->v);
  cudaFree((void *)a->initial_state), cudaFree((void *)a->cu_seqlens);
  cudaFree((void *)b.d_o), cudaFree((void *)b.d_final_state), cudaFree(b.d_q), cudaFree(b.d_k);
  cudaFree(b.d_v), cudaFree(b.d_initial_state);
  bdata_free(&d);
  free(hq), free(hk), free(hv), free(hs);
}

START_TEST(sweep) {
  /* Every generated pair, and dims only the generic kernel takes. */
  static const int64_t dims[][2] = {{64, 64},  {128, 128}, {64, 128}, {32, 32},
                                    {256, 256}, {48, 80},  {3, 5}};
  static const int64_t heads[][2] = {{2, 2}, {4, 2}, {4, 1}};
  /* One token, less than a chunk, several chunks, several time segments. */
  static const int64_t Ts[] = {1, 23, 100, 600, 37};
  size_t n;
  const lta_entry *tab = lta_cuda_registry(&n);
  int kernels = 0, cases = 0;
  for (size_t i = 0; i < n; i++) {
    const lta_entry *e = &tab[i];
    if (e->key.op != LTA_OP_BWD || !sweep_wanted(e->name)) continue;
    for (int generic = 0; generic < 2; generic++) {
      double worst[4] = {0};
      const int count = generic ? 7 : 14;
      for (int r = 0; r < count; r++) {
        int x = r + (int)i;
        bcase c = {dims[r % 7][0], dims[r % 7][1], heads[x % 3][0], heads[x % 3][1], x % 3,
                   Ts[(r + x / 7) % 5], x % 2, (x / 2) % 2, (x / 3) % 2 || r == 0, x % 3,
                   (x / 4) % 2, 1};
        if (c.K >= 256 && c.T > 100) c.T = 100; /* the reference's time, not the GPU's */
        run_case(e, generic, &c, 0xCBAC4ull + (uint64_t)i * 131 + (uint64_t)r, worst);
        cases++;
      }
      printf("cuda backward: %s%s %d cases, worst error: d_q %.2e d_k %.2e d_v %.2e (tol %.0e), "
             "d_initial_state %.2e (tol %.0e)\n",
             e->name, generic ? " (generic passes)" : "", count, worst[0], worst[1], worst[2],
             ref_tol((lta_dtype)e->key.dtype), worst[3], TOL_F32);
    }
    kernels++;
  }
  ck_assert_msg(kernels > 0, "no CUDA backward kernel in the registry");
  printf("cuda backward: %d kernels, %d cases\n", kernels, cases);
}
END_TEST

/* cu_seqlens that does not end at the row count: the GPU finds it, and nothing is written. */
START_TEST(bad_seqlens) {
  const int64_t T = 40, H = 2, K = 64, V = 64, n = T * H * K;
  const int64_t bad[3] = {0, 10, 30};
  float *x = xmalloc((size_t)n * 4);
  ref_rng rng = {7};
  ref_fill(&rng, LTA_F32, x, n, 1.0);
  lta_backward_args b;
  lta_backward_args_init(&b);
  lta_forward_args *a = &b.fwd;
  a->device = LTA_DEVICE_CUDA, a->dtype = LTA_BF16, a->batch = 1, a->seqlen = T;
  a->num_heads = H, a->num_kv_heads = H, a->head_dim_k = K, a->head_dim_v = V;
  a->q = a->k = a->v = dev_copy(x, (size_t)n * 2);
  a->cu_seqlens = dev_copy(bad, sizeof bad), a->num_seqs = 2, a->num_states = 2;
  a->layer_idx = 3, a->num_layers = 24;
  b.d_o = dev_copy(x, (size_t)n * 2);
  b.d_q = dev_canary((size_t)n * 2), b.d_k = dev_canary((size_t)n * 2);
  b.d_v = dev_canary((size_t)n * 2), b.d_initial_state = dev_canary(2 * H * K * V * 4);
  ck_assert_int_eq(lta_backward(&b), LTA_OK); /* the host cannot read device lengths */
  CU(cudaDeviceSynchronize());
  unsigned char *h = xmalloc((size_t)2 * H * K * V * 4 + CANARY);
  void *outs[4] = {b.d_q, b.d_k, b.d_v, b.d_initial_state};
  const size_t sizes[4] = {(size_t)n * 2, (size_t)n * 2, (size_t)n * 2, (size_t)2 * H * K * V * 4};
  for (int i = 0; i < 4; i++) {
    CU(cudaMemcpy(h, outs[i], sizes[i], cudaMemcpyDeviceToHost));
    for (size_t j = 0; j < sizes[i]; j++)
      ck_assert_msg(h[j] == 0xA5, "output %d byte %zu written with a malformed cu_seqlens", i, j);
    cudaFree(outs[i]);
  }
  cudaFree((void *)a->q), cudaFree((void *)a->cu_seqlens), cudaFree((void *)b.d_o);
  free(h), free(x);
}
END_TEST

/* A GQA backward with both states on the device (T tokens, bf16), for the workspace tests. */
typedef struct dev_call {
  lta_backward_args b;
  size_t nq, nk, ns; /* elements of q (and d_o), of k (and v), of a state */
} dev_call;

static void dev_call_init(dev_call *c, int64_t T) {
  const int64_t H = 4, Hkv = 2, K = 64, V = 64;
  c->nq = (size_t)(T * H * K), c->nk = (size_t)(T * Hkv * K), c->ns = (size_t)(H * K * V);
  float *x = xmalloc(c->nq * 4);
  ref_rng rng = {11};
  ref_fill(&rng, LTA_F32, x, (int64_t)c->nq, 1.0);
  lta_backward_args_init(&c->b);
  lta_forward_args *a = &c->b.fwd;
  a->device = LTA_DEVICE_CUDA, a->dtype = LTA_BF16, a->batch = 1, a->seqlen = T;
  a->num_heads = H, a->num_kv_heads = Hkv, a->head_dim_k = K, a->head_dim_v = V;
  a->layer_idx = 3, a->num_layers = 24, a->num_states = 1;
  a->q = dev_copy(x, c->nq * 2), a->k = dev_copy(x, c->nk * 2), a->v = dev_copy(x, c->nk * 2);
  a->initial_state = dev_copy(x, c->ns * 4);
  c->b.d_o = dev_copy(x, c->nq * 2), c->b.d_final_state = dev_copy(x, c->ns * 4);
  c->b.d_q = dev_canary(c->nq * 2), c->b.d_k = dev_canary(c->nk * 2);
  c->b.d_v = dev_canary(c->nk * 2), c->b.d_initial_state = dev_canary(c->ns * 4);
  free(x);
}

static void dev_call_free(dev_call *c) {
  lta_forward_args *a = &c->b.fwd;
  cudaFree((void *)a->q), cudaFree((void *)a->k), cudaFree((void *)a->v);
  cudaFree((void *)a->initial_state), cudaFree((void *)c->b.d_o);
  cudaFree((void *)c->b.d_final_state), cudaFree(c->b.d_q), cudaFree(c->b.d_k), cudaFree(c->b.d_v);
  cudaFree(c->b.d_initial_state);
}

/* The outputs' bytes, d_q then d_k, d_v, d_initial_state (host, malloc'd). */
static unsigned char *outputs(const dev_call *c, size_t *n) {
  const size_t sz[4] = {c->nq * 2, c->nk * 2, c->nk * 2, c->ns * 4};
  const void *src[4] = {c->b.d_q, c->b.d_k, c->b.d_v, c->b.d_initial_state};
  *n = sz[0] + sz[1] + sz[2] + sz[3];
  unsigned char *h = xmalloc(*n), *at = h;
  for (int i = 0; i < 4; i++) {
    CU(cudaMemcpy(at, src[i], sz[i], cudaMemcpyDeviceToHost));
    at += sz[i];
  }
  return h;
}

/* The workspace: its size query; too small a one refused with nothing written; during a graph
 * capture, refused without one (this call needs memory: states to transpose, GQA's sums) and
 * captured with one, the replay giving the same bits as a plain call. */
START_TEST(workspace) {
  dev_call c;
  dev_call_init(&c, 300);
  size_t bytes = 0, n0, n1;
  ck_assert_int_eq(lta_backward_workspace_size(&c.b, &bytes), LTA_OK);
  ck_assert_msg(bytes > 0, "a GQA backward with states needs a workspace");
  void *ws = NULL;
  CU(cudaMalloc(&ws, bytes));
  unsigned char *fresh = outputs(&c, &n0);
  c.b.fwd.workspace = ws, c.b.fwd.workspace_bytes = 1;
  ck_assert_int_eq(lta_backward(&c.b), LTA_ERR_SIZE);
  ck_assert_msg(strstr(lta_last_error(), "workspace_bytes=1"), "%s", lta_last_error());
  CU(cudaDeviceSynchronize());
  unsigned char *after = outputs(&c, &n1);
  ck_assert_msg(!memcmp(fresh, after, n0), "a refused call wrote an output");
  free(after);

  c.b.fwd.workspace_bytes = bytes;
  ck_assert_int_eq(lta_backward(&c.b), LTA_OK);
  CU(cudaDeviceSynchronize());
  unsigned char *plain = outputs(&c, &n1);

  cudaStream_t s;
  CU(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  c.b.fwd.stream = s, c.b.fwd.workspace = NULL, c.b.fwd.workspace_bytes = 0;
  cudaGraph_t graph;
  CU(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  lta_status st = lta_backward(&c.b);
  CU(cudaStreamEndCapture(s, &graph));
  ck_assert_int_eq(st, LTA_ERR_UNSUPPORTED);
  ck_assert_msg(strstr(lta_last_error(), "workspace"), "%s", lta_last_error());
  CU(cudaGraphDestroy(graph));

  for (int i = 0; i < 4; i++) { /* fresh outputs for the replay */
    void *o[4] = {c.b.d_q, c.b.d_k, c.b.d_v, c.b.d_initial_state};
    const size_t sz[4] = {c.nq * 2, c.nk * 2, c.nk * 2, c.ns * 4};
    CU(cudaMemset(o[i], 0xA5, sz[i]));
  }
  c.b.fwd.workspace = ws, c.b.fwd.workspace_bytes = bytes;
  CU(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  st = lta_backward(&c.b);
  CU(cudaStreamEndCapture(s, &graph));
  ck_assert_msg(st == LTA_OK, "captured backward: %s", lta_last_error());
  cudaGraphExec_t exec;
  CU(cudaGraphInstantiate(&exec, graph, 0));
  CU(cudaGraphLaunch(exec, s));
  CU(cudaStreamSynchronize(s));
  unsigned char *replay = outputs(&c, &n1);
  ck_assert_msg(!memcmp(plain, replay, n0), "the graph's replay differs from the plain call");
  cudaGraphExecDestroy(exec), cudaGraphDestroy(graph), cudaStreamDestroy(s);
  cudaFree(ws), free(fresh), free(plain), free(replay);
  dev_call_free(&c);
}
END_TEST

int main(void) {
  if (cuda_missing("cuda backward")) return 77;
  Suite *s = suite_create("cuda_backward");
  TCase *tc = tcase_create("cuda_backward");
  tcase_set_timeout(tc, 1800);
  tcase_add_test(tc, sweep);
  tcase_add_test(tc, bad_seqlens);
  tcase_add_test(tc, workspace);
  suite_add_tcase(s, tc);
  return run_suite(s, 1); /* no fork: a CUDA context does not survive it */
}
