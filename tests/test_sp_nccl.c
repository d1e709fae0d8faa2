/* test_sp_nccl.c: sequence parallel over NCCL on 2 or more GPUs of one host, against one GPU.
 *
 * One thread per GPU (rank), one communicator of ncclCommInitAll, each rank's segment of the
 * batch's sequences in its own GPU's memory: lta_sp_forward_nccl (local state, in-place
 * all-gather, combine, outputs) on the rank's stream; the outputs put together must match one
 * lta_forward over the whole sequences on GPU 0 and the double reference, the last rank's
 * (first, when reverse) outgoing state the final state. Then lta_sp_backward_nccl against one
 * lta_backward on GPU 0 and the reference backward. Cases: 2 ranks, then every GPU (up to 8),
 * both directions, GQA, bf16 and f32, uneven segments, an empty one from 4 ranks on.
 *
 * Without two usable GPUs it says SKIPPED and exits 77 (ctest: skipped). Not a Check suite:
 * the ranks' threads must not fork.
 */
#include <cuda_runtime_api.h>
#include <math.h>
#include <nccl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lightattn.h"
#include "ref.h"

#define MAXG 8

static int failures;

#define REQUIRE(cond, ...)                                                                     \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                     \
      fprintf(stderr, __VA_ARGS__);                                                            \
      fprintf(stderr, "\n");                                                                   \
      exit(1);                                                                                 \
    }                                                                                          \
  } while (0)
#define CUDA_OK(call)                                                                          \
  do {                                                                                         \
    cudaError_t e_ = (call);                                                                   \
    REQUIRE(e_ == cudaSuccess, "%s: %s", #call, cudaGetErrorString(e_));                       \
  } while (0)

static void *dev_copy_of(const void *host, size_t n) {
  void *d = NULL;
  CUDA_OK(cudaMalloc(&d, n ? n : 1));
  if (host) CUDA_OK(cudaMemcpy(d, host, n, cudaMemcpyHostToDevice));
  return d;
}

typedef struct tcase {
  lta_dtype dtype;
  int64_t B, H, Hkv, K, V;
  int reverse;
} tcase;

typedef struct world {
  const tcase *c;
  int R;
  ncclComm_t comms[MAXG];
  int64_t lens[MAXG], off[MAXG + 1], T;
  size_t es, slot;
  void *q, *k, *v, *d_o; /* whole, host */
  float *g, *s0, *dsT;
  void *o, *dq, *dk, *dv; /* the ranks' results, put together (host) */
  float *final, *d_init;  /* the last (first) rank's outgoing state, first (last) rank's d */
} world;

typedef struct rank_job {
  world *w;
  int r;
  lta_status fwd, bwd;
  char msg[512];
} rank_job;

/* Rows [t0, t1) of B sequences of T rows of `row` bytes, copied between host arrays. */
static void copy_rows(void *dst, const void *src, int64_t B, int64_t Tdst, int64_t Tsrc,
                      int64_t dst0, int64_t src0, int64_t n, size_t row) {
  for (int64_t b = 0; b < B; b++)
    memcpy((char *)dst + (size_t)(b * Tdst + dst0) * row,
           (const char *)src + (size_t)(b * Tsrc + src0) * row, (size_t)n * row);
}

static void *rank_main(void *arg) {
  rank_job *j = arg;
  world *w = j->w;
  const tcase *c = w->c;
  const int r = j->r;
  const int64_t L = w->lens[r], t0 = w->off[r], B = c->B;
  const size_t es = w->es, sb = w->slot * sizeof(float);
  const size_t rq = (size_t)(c->H * c->K) * es, rk = (size_t)(c->Hkv * c->K) * es;
  const size_t rv = (size_t)(c->Hkv * c->V) * es, ro = (size_t)(c->H * c->V) * es;
  CUDA_OK(cudaSetDevice(r));
  cudaStream_t stream;
  CUDA_OK(cudaStreamCreate(&stream));
  void *hq = malloc((size_t)(B * L) * rq + 1), *hk = malloc((size_t)(B * L) * rk + 1);
  void *hv = malloc((size_t)(B * L) * rv + 1), *hdo = malloc((size_t)(B * L) * ro + 1);
  copy_rows(hq, w->q, B, L, w->T, 0, t0, L, rq);
  copy_rows(hk, w->k, B, L, w->T, 0, t0, L, rk);
  copy_rows(hv, w->v, B, L, w->T, 0, t0, L, rv);
  copy_rows(hdo, w->d_o, B, L, w->T, 0, t0, L, ro);
  void *q = dev_copy_of(hq, (size_t)(B * L) * rq), *k = dev_copy_of(hk, (size_t)(B * L) * rk);
  void *v = dev_copy_of(hv, (size_t)(B * L) * rv), *d_o = dev_copy_of(hdo, (size_t)(B * L) * ro);
  void *o = dev_copy_of(NULL, (size_t)(B * L) * ro), *dq = dev_copy_of(NULL, (size_t)(B * L) * rq);
  void *dk = dev_copy_of(NULL, (size_t)(B * L) * rk), *dv = dev_copy_of(NULL, (size_t)(B * L) * rv);
  float *s0 = dev_copy_of(w->s0, sb), *dsT = dev_copy_of(w->dsT, sb);
  float *fin = dev_copy_of(NULL, sb), *enter = dev_copy_of(NULL, sb);
  float *dinit = dev_copy_of(NULL, sb);
  float *gathered = dev_copy_of(NULL, sb * (size_t)w->R);

  lta_sp_args a;
  lta_sp_args_init(&a);
  lta_forward_args *f = &a.bwd.fwd;
  f->dtype = c->dtype, f->batch = B, f->seqlen = L, f->num_heads = c->H;
  f->num_kv_heads = c->Hkv, f->head_dim_k = c->K, f->head_dim_v = c->V;
  f->q = L ? q : NULL, f->k = L ? k : NULL, f->v = L ? v : NULL, f->o = L ? o : NULL;
  f->initial_state = s0, f->final_state = fin, f->num_states = B;
  f->g_gamma = w->g, f->reverse = c->reverse;
  f->device = LTA_DEVICE_CUDA, f->stream = stream;
  a.bwd.d_o = L ? d_o : NULL, a.bwd.d_final_state = dsT;
  a.bwd.d_q = L ? dq : NULL, a.bwd.d_k = L ? dk : NULL, a.bwd.d_v = L ? dv : NULL;
  a.bwd.d_initial_state = dinit;
  a.rank = r, a.num_ranks = w->R, a.seg_lens = w->lens;
  a.gathered = gathered, a.entering_state = enter;

  j->fwd = lta_sp_forward_nccl(&a, w->comms[r]);
  if (j->fwd != LTA_OK) snprintf(j->msg, sizeof j->msg, "%s", lta_last_error());
  CUDA_OK(cudaStreamSynchronize(stream));
  j->bwd = LTA_ERR_UNSUPPORTED;
  if (j->fwd == LTA_OK) {
    j->bwd = lta_sp_backward_nccl(&a, w->comms[r]);
    if (j->bwd != LTA_OK) snprintf(j->msg, sizeof j->msg, "%s", lta_last_error());
    CUDA_OK(cudaStreamSynchronize(stream));
  }
  /* Results into the world's host arrays (each rank its own rows). */
  const int last = c->reverse ? 0 : w->R - 1, first = c->reverse ? w->R - 1 : 0;
  CUDA_OK(cudaMemcpy(hdo, o, (size_t)(B * L) * ro, cudaMemcpyDeviceToHost));
  copy_rows(w->o, hdo, B, w->T, L, t0, 0, L, ro);
  if (r == last) CUDA_OK(cudaMemcpy(w->final, fin, sb, cudaMemcpyDeviceToHost));
  if (j->bwd == LTA_OK) {
    CUDA_OK(cudaMemcpy(hq, dq, (size_t)(B * L) * rq, cudaMemcpyDeviceToHost));
    CUDA_OK(cudaMemcpy(hk, dk, (size_t)(B * L) * rk, cudaMemcpyDeviceToHost));
    CUDA_OK(cudaMemcpy(hv, dv, (size_t)(B * L) * rv, cudaMemcpyDeviceToHost));
    copy_rows(w->dq, hq, B, w->T, L, t0, 0, L, rq);
    copy_rows(w->dk, hk, B, w->T, L, t0, 0, L, rk);
    copy_rows(w->dv, hv, B, w->T, L, t0, 0, L, rv);
    if (r == first) CUDA_OK(cudaMemcpy(w->d_init, dinit, sb, cudaMemcpyDeviceToHost));
  }
  void *bufs[] = {q, k, v, d_o, o, dq, dk, dv, s0, dsT, fin, enter, dinit, gathered};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) cudaFree(bufs[i]);
  cudaStreamDestroy(stream);
  free(hq), free(hk), free(hv), free(hdo);
  return NULL;
}

/* One lta_forward / lta_backward over the whole sequences on GPU 0: o, final state, gradients
 * (host). */
static void one_gpu(const world *w, void *o, float *fin, void *dq, void *dk, void *dv,
                   float *dinit) {
  const tcase *c = w->c;
  const int64_t rows = c->B * w->T;
  const size_t es = w->es, sb = w->slot * sizeof(float);
  const size_t nq = (size_t)(rows * c->H * c->K) * es, nk = (size_t)(rows * c->Hkv * c->K) * es;
  const size_t nv = (size_t)(rows * c->Hkv * c->V) * es, no = (size_t)(rows * c->H * c->V) * es;
  CUDA_OK(cudaSetDevice(0));
  void *q = dev_copy_of(w->q, nq), *k = dev_copy_of(w->k, nk), *v = dev_copy_of(w->v, nv);
  void *d_o = dev_copy_of(w->d_o, no), *od = dev_copy_of(NULL, no);
  float *s0 = dev_copy_of(w->s0, sb), *dsT = dev_copy_of(w->dsT, sb);
  float *fd = dev_copy_of(NULL, sb), *did = dev_copy_of(NULL, sb);
  void *dqd = dev_copy_of(NULL, nq), *dkd = dev_copy_of(NULL, nk), *dvd = dev_copy_of(NULL, nv);
  lta_backward_args b;
  lta_backward_args_init(&b);
  lta_forward_args *f = &b.fwd;
  f->dtype = c->dtype, f->batch = c->B, f->seqlen = w->T, f->num_heads = c->H;
  f->num_kv_heads = c->Hkv, f->head_dim_k = c->K, f->head_dim_v = c->V;
  f->q = q, f->k = k, f->v = v, f->o = od, f->initial_state = s0, f->final_state = fd;
  f->num_states = c->B, f->g_gamma = w->g, f->reverse = c->reverse;
  f->device = LTA_DEVICE_CUDA;
  lta_status st = lta_forward(f);
  REQUIRE(st == LTA_OK, "one-GPU lta_forward: %s", lta_last_error());
  CUDA_OK(cudaDeviceSynchronize());
  CUDA_OK(cudaMemcpy(o, od, no, cudaMemcpyDeviceToHost));
  CUDA_OK(cudaMemcpy(fin, fd, sb, cudaMemcpyDeviceToHost));
  f->o = NULL, f->final_state = NULL;
  b.d_o = d_o, b.d_final_state = dsT, b.d_q = dqd, b.d_k = dkd, b.d_v = dvd;
  b.d_initial_state = did;
  st = lta_backward(&b);
  REQUIRE(st == LTA_OK, "one-GPU lta_backward: %s", lta_last_error());
  CUDA_OK(cudaDeviceSynchronize());
  CUDA_OK(cudaMemcpy(dq, dqd, nq, cudaMemcpyDeviceToHost));
  CUDA_OK(cudaMemcpy(dk, dkd, nk, cudaMemcpyDeviceToHost));
  CUDA_OK(cudaMemcpy(dv, dvd, nv, cudaMemcpyDeviceToHost));
  CUDA_OK(cudaMemcpy(dinit, did, sb, cudaMemcpyDeviceToHost));
  void *bufs[] = {q, k, v, d_o, od, s0, dsT, fd, did, dqd, dkd, dvd};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) cudaFree(bufs[i]);
}

/* got against the reference, and against the one-GPU result, within tol (normalised). */
static void compare(const char *what, const world *w, lta_dtype dt, const void *got,
                    const void *one, const double *ref, int64_t n, double tol) {
  double *onev = malloc((size_t)n * sizeof(double));
  for (int64_t i = 0; i < n; i++) onev[i] = ref_decode(dt, one, i);
  const double e_ref = ref_error(dt, got, ref, n), e_one = ref_error(dt, got, onev, n);
  const double e_one_ref = ref_error(dt, one, ref, n);
  printf("  R=%d %s %s%s: ranks vs reference %.2e, vs one GPU %.2e (one GPU vs reference %.2e; "
         "tol %.0e)\n",
         w->R, w->c->dtype == LTA_F32 ? "f32" : "bf16", what, w->c->reverse ? " (reverse)" : "",
         e_ref, e_one, e_one_ref, tol);
  if (!(e_ref <= tol) || !(e_one <= 2 * tol)) {
    printf("FAIL: %s\n", what);
    failures++;
  }
  free(onev);
}

static void run(const tcase *c, int R, uint64_t seed) {
  world w;
  memset(&w, 0, sizeof w);
  w.c = c, w.R = R;
  static const int64_t base[MAXG] = {1500, 977, 2048, 0, 1313, 64, 700, 1999};
  for (int r = 0; r < R; r++) {
    w.lens[r] = base[r];
    if (R == 2 && r == 1) w.lens[r] = 1221;
    w.off[r + 1] = w.off[r] + w.lens[r];
  }
  w.T = w.off[R];
  w.es = ref_elem_size(c->dtype);
  w.slot = (size_t)(c->B * c->H * c->K * c->V);
  const int64_t rows = c->B * w.T, nq = rows * c->H * c->K, nk = rows * c->Hkv * c->K;
  const int64_t nv = rows * c->Hkv * c->V, no = rows * c->H * c->V;
  ref_rng rng = {seed};
  w.q = malloc((size_t)nq * w.es), w.k = malloc((size_t)nk * w.es);
  w.v = malloc((size_t)nv * w.es), w.d_o = malloc((size_t)no * w.es);
  ref_fill(&rng, c->dtype, w.q, nq, 1.0), ref_fill(&rng, c->dtype, w.k, nk, 1.0);
  ref_fill(&rng, c->dtype, w.v, nv, 1.0), ref_fill(&rng, c->dtype, w.d_o, no, 1.0);
  w.g = malloc((size_t)c->H * sizeof(float));
  lta_seed_g_gamma(c->H, 3, 24, w.g);
  w.s0 = malloc(w.slot * sizeof(float)), w.dsT = malloc(w.slot * sizeof(float));
  ref_fill(&rng, LTA_F32, w.s0, (int64_t)w.slot, 1.0);
  ref_fill(&rng, LTA_F32, w.dsT, (int64_t)w.slot, 1.0);
  w.o = calloc((size_t)no, w.es), w.dq = calloc((size_t)nq, w.es);
  w.dk = calloc((size_t)nk, w.es), w.dv = calloc((size_t)nv, w.es);
  w.final = calloc(w.slot, sizeof(float)), w.d_init = calloc(w.slot, sizeof(float));

  int devs[MAXG];
  for (int r = 0; r < R; r++) devs[r] = r;
  ncclResult_t nr = ncclCommInitAll(w.comms, R, devs);
  REQUIRE(nr == ncclSuccess, "ncclCommInitAll(%d): %s", R, ncclGetErrorString(nr));
  rank_job jobs[MAXG];
  pthread_t th[MAXG];
  for (int r = 0; r < R; r++) {
    jobs[r] = (rank_job){&w, r, LTA_OK, LTA_OK, ""};
    pthread_create(&th[r], NULL, rank_main, &jobs[r]);
  }
  for (int r = 0; r < R; r++) pthread_join(th[r], NULL);
  for (int r = 0; r < R; r++) ncclCommDestroy(w.comms[r]);
  for (int r = 0; r < R; r++) {
    REQUIRE(jobs[r].fwd == LTA_OK, "rank %d: lta_sp_forward_nccl: %s", r, jobs[r].msg);
    REQUIRE(jobs[r].bwd == LTA_OK, "rank %d: lta_sp_backward_nccl: %s", r, jobs[r].msg);
  }

  /* The references: one GPU, and the double recurrence. */
  void *o1 = malloc((size_t)no * w.es), *dq1 = malloc((size_t)nq * w.es);
  void *dk1 = malloc((size_t)nk * w.es), *dv1 = malloc((size_t)nv * w.es);
  float *f1 = malloc(w.slot * sizeof(float)), *di1 = malloc(w.slot * sizeof(float));
  one_gpu(&w, o1, f1, dq1, dk1, dv1, di1);
  double *o_ref = malloc((size_t)no * sizeof(double)), *s_ref = malloc(w.slot * sizeof(double));
  const float scale = (float)(1.0 / sqrt((double)c->K));
  ref_case rc = {c->dtype, c->B, w.T, c->H, c->Hkv, c->K, c->V, c->reverse, w.q, w.k, w.v,
                 w.s0, NULL, c->B, w.g, scale, o_ref, s_ref};
  ref_forward(&rc);
  const double tol = ref_tol(c->dtype);
  compare("o", &w, c->dtype, w.o, o1, o_ref, no, tol);
  compare("final state", &w, LTA_F32, w.final, f1, s_ref, (int64_t)w.slot, TOL_F32);

  double *dq_ref = malloc((size_t)nq * sizeof(double));
  double *dk_ref = malloc((size_t)nk * sizeof(double));
  double *dv_ref = malloc((size_t)nv * sizeof(double));
  double *di_ref = malloc(w.slot * sizeof(double));
  ref_backward(&rc, w.d_o, w.dsT, dq_ref, dk_ref, dv_ref, di_ref);
  compare("d_q", &w, c->dtype, w.dq, dq1, dq_ref, nq, tol);
  compare("d_k", &w, c->dtype, w.dk, dk1, dk_ref, nk, tol);
  compare("d_v", &w, c->dtype, w.dv, dv1, dv_ref, nv, tol);
  compare("d_initial_state", &w, LTA_F32, w.d_init, di1, di_ref, (int64_t)w.slot, TOL_F32);
  free(dq_ref), free(dk_ref), free(dv_ref), free(di_ref);
  free(o1), free(dq1), free(dk1), free(dv1), free(f1), free(di1), free(o_ref), free(s_ref);
  free(w.q), free(w.k), free(w.v), free(w.d_o), free(w.g), free(w.s0), free(w.dsT);
  free(w.o), free(w.dq), free(w.dk), free(w.dv), free(w.final), free(w.d_init);
}

int main(void) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n < 2) {
    printf("test_sp_nccl: SKIPPED: it needs 2 or more GPUs; this machine has %d (%s)\n",
           e == cudaSuccess ? n : 0, e == cudaSuccess ? "found" : cudaGetErrorString(e));
    return 77;
  }
  if (n > MAXG) n = MAXG;
  static const tcase cases[] = {
      {LTA_BF16, 2, 4, 2, 128, 128, 0},
      {LTA_BF16, 1, 8, 4, 128, 128, 1},
      {LTA_F32, 1, 4, 1, 64, 128, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    run(&cases[i], 2, 100 + i);
    if (n > 2) run(&cases[i], n, 200 + i);
  }
  printf("test_sp_nccl: %s (%d GPUs)\n", failures ? "FAILED" : "passed", n);
  return failures ? 1 : 0;
}
