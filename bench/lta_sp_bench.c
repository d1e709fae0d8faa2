/* lta_sp_bench.c: weak scaling of sequence parallelism over the GPUs of one host (NCCL).
 *
 *   lta-sp-bench [--tokens L] [--batch B] [--heads H] [--dim D] [--reps N] [--gpus G,G,...]
 *
 * Every GPU holds a segment of L tokens of the batch's sequences (bf16, K = V = D, layer 3 of
 * 24, initial, final and entering states); for each GPU count G (default 1, 2, 4, 8 up to the
 * GPUs present) one sequence of G * L tokens runs as G ranks, one thread and one communicator
 * rank per GPU. Per repetition the ranks start together (a barrier), each times its call with
 * CUDA events on its own stream; a repetition's time is the slowest rank's; the median of N is
 * reported. Columns: the forward (lta_sp_forward_nccl), the plain forward of one segment
 * (lta_forward from the initial state: one GPU's work without sequence parallelism) and their
 * ratio, the weak-scaling efficiency (the 1-GPU sp forward's time over this one's), and the
 * same for the backward (lta_sp_backward_nccl against lta_backward of one segment). Without 1
 * usable GPU it says so and exits 77.
 */
#include <cuda_runtime_api.h>
#include <nccl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lightattn.h"

#define MAXG 8

#define CUDA_OK(call)                                                                          \
  do {                                                                                         \
    cudaError_t e_ = (call);                                                                   \
    if (e_ != cudaSuccess) {                                                                   \
      fprintf(stderr, "lta-sp-bench: %s: %s\n", #call, cudaGetErrorString(e_));                \
      exit(1);                                                                                 \
    }                                                                                          \
  } while (0)

typedef struct opts {
  int64_t L, B, H, D;
  int reps;
} opts;

typedef struct shared {
  const opts *o;
  int G;
  int64_t lens[MAXG];
  ncclComm_t comms[MAXG];
  pthread_barrier_t barrier;
  const uint16_t *host_in; /* one segment's worth of bf16 values, for q, k, v and d_o */
  float *times[4];         /* [what][rep * G + rank]: sp forward, plain forward, sp backward,
                              plain backward */
  int backward;            /* 1 while every rank's backward succeeds */
} shared;

typedef struct job {
  shared *s;
  int r;
} job;

static void *dev_alloc(size_t n) {
  void *p = NULL;
  CUDA_OK(cudaMalloc(&p, n));
  return p;
}

static void *rank_main(void *arg) {
  job *j = arg;
  shared *s = j->s;
  const opts *o = s->o;
  const int r = j->r;
  const int64_t L = o->L, B = o->B, H = o->H, D = o->D;
  const size_t row = (size_t)(B * L * H * D) * 2, sb = (size_t)(B * H * D * D) * sizeof(float);
  CUDA_OK(cudaSetDevice(r));
  cudaStream_t st;
  CUDA_OK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
  void *q = dev_alloc(row), *k = dev_alloc(row), *v = dev_alloc(row), *d_o = dev_alloc(row);
  void *out = dev_alloc(row), *dq = dev_alloc(row), *dk = dev_alloc(row), *dv = dev_alloc(row);
  float *s0 = dev_alloc(sb), *fin = dev_alloc(sb), *enter = dev_alloc(sb), *dinit = dev_alloc(sb);
  float *gathered = dev_alloc(sb * (size_t)s->G);
  CUDA_OK(cudaMemcpy(q, s->host_in, row, cudaMemcpyHostToDevice));
  CUDA_OK(cudaMemcpy(k, s->host_in + 1, row, cudaMemcpyHostToDevice)); /* shifted: others */
  CUDA_OK(cudaMemcpy(v, s->host_in + 2, row, cudaMemcpyHostToDevice));
  CUDA_OK(cudaMemcpy(d_o, s->host_in + 3, row, cudaMemcpyHostToDevice));
  CUDA_OK(cudaMemset(s0, 0, sb));

  lta_sp_args a;
  lta_sp_args_init(&a);
  lta_forward_args *f = &a.bwd.fwd;
  f->dtype = LTA_BF16, f->batch = B, f->seqlen = L, f->num_heads = H, f->num_kv_heads = H;
  f->head_dim_k = D, f->head_dim_v = D;
  f->q = q, f->k = k, f->v = v, f->o = out, f->initial_state = s0, f->final_state = fin;
  f->num_states = B, f->layer_idx = 3, f->num_layers = 24;
  f->device = LTA_DEVICE_CUDA, f->stream = st;
  a.bwd.d_o = d_o, a.bwd.d_q = dq, a.bwd.d_k = dk, a.bwd.d_v = dv, a.bwd.d_initial_state = dinit;
  a.rank = r, a.num_ranks = s->G, a.seg_lens = s->lens;
  a.gathered = gathered, a.entering_state = enter;
  lta_backward_args plain = a.bwd; /* one GPU's calls: the segment alone */

  cudaEvent_t e0, e1;
  CUDA_OK(cudaEventCreate(&e0));
  CUDA_OK(cudaEventCreate(&e1));
  for (int what = 0; what < 4; what++) {
    for (int rep = -2; rep < o->reps; rep++) { /* two warm-ups */
      pthread_barrier_wait(&s->barrier);
      CUDA_OK(cudaEventRecord(e0, st));
      lta_status res = what == 0   ? lta_sp_forward_nccl(&a, s->comms[r])
                       : what == 1 ? lta_forward(&plain.fwd)
                       : what == 2 ? lta_sp_backward_nccl(&a, s->comms[r])
                                   : lta_backward(&plain);
      if (res != LTA_OK) {
        if (what >= 2) { /* no CUDA backward in this build: every rank fails alike, first */
          if (r == 0) printf("(backward: %s)\n", lta_last_error());
          s->backward = 0;
          break;
        }
        fprintf(stderr, "lta-sp-bench: rank %d: %s\n", r, lta_last_error());
        exit(1);
      }
      CUDA_OK(cudaEventRecord(e1, st));
      CUDA_OK(cudaEventSynchronize(e1));
      float ms = 0;
      CUDA_OK(cudaEventElapsedTime(&ms, e0, e1));
      if (rep >= 0) s->times[what][rep * s->G + r] = ms;
    }
  }
  void *bufs[] = {q, k, v, d_o, out, dq, dk, dv, s0, fin, enter, dinit, gathered};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) cudaFree(bufs[i]);
  cudaEventDestroy(e0), cudaEventDestroy(e1), cudaStreamDestroy(st);
  return NULL;
}

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* The median over repetitions of the slowest rank's time. */
static float median_of_max(const float *t, int reps, int G) {
  float *m = malloc((size_t)reps * sizeof(float));
  for (int i = 0; i < reps; i++) {
    m[i] = 0;
    for (int r = 0; r < G; r++)
      if (t[i * G + r] > m[i]) m[i] = t[i * G + r];
  }
  qsort(m, (size_t)reps, sizeof(float), cmp_float);
  float med = m[reps / 2];
  free(m);
  return med;
}

int main(int argc, char **argv) {
  opts o = {65536, 1, 16, 128, 10};
  int gpus[MAXG] = {1, 2, 4, 8}, ngpus = 4;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(argv[i], "--tokens") && v) o.L = atoll(v), i++;
    else if (!strcmp(argv[i], "--batch") && v) o.B = atoll(v), i++;
    else if (!strcmp(argv[i], "--heads") && v) o.H = atoll(v), i++;
    else if (!strcmp(argv[i], "--dim") && v) o.D = atoll(v), i++;
    else if (!strcmp(argv[i], "--reps") && v) o.reps = atoi(v), i++;
    else if (!strcmp(argv[i], "--gpus") && v) {
      ngpus = 0;
      for (const char *p = v; *p && ngpus < MAXG; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
        gpus[ngpus++] = atoi(p);
      i++;
    } else {
      fprintf(stderr,
              "usage: lta-sp-bench [--tokens L] [--batch B] [--heads H] [--dim D] [--reps N] "
              "[--gpus 1,2,4,8]\n");
      return 2;
    }
  }
  if (o.L < 1 || o.B < 1 || o.H < 1 || o.D < 1 || o.reps < 1) {
    fprintf(stderr, "lta-sp-bench: sizes and --reps must be positive\n");
    return 2;
  }
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count < 1) {
    printf("lta-sp-bench: SKIPPED: no usable CUDA device (%s)\n",
           e != cudaSuccess ? cudaGetErrorString(e) : "none found");
    return 77;
  }
  const size_t n = (size_t)(o.B * o.L * o.H * o.D);
  uint16_t *in = malloc((n + 3) * sizeof(uint16_t));
  uint32_t x = 12345;
  for (size_t i = 0; i < n + 3; i++) { /* bf16 values in about [-1, 1) */
    x = x * 1664525u + 1013904223u;
    float f = (float)(x >> 8) / 8388608.0f - 1.0f;
    uint32_t u;
    memcpy(&u, &f, 4);
    in[i] = (uint16_t)(u >> 16);
  }
  printf("lta-sp-bench: weak scaling, %lld tokens a GPU, B=%lld H=%lld K=V=%lld bf16, median of "
         "%d, %d GPU(s) present\n\n",
         (long long)o.L, (long long)o.B, (long long)o.H, (long long)o.D, o.reps, count);
  printf("| GPUs | tokens | sp forward ms | plain forward ms | ratio | efficiency | "
         "sp backward ms | plain backward ms | ratio | efficiency |\n"
         "|---|---|---|---|---|---|---|---|---|---|\n");
  float t1 = 0, b1 = 0;
  for (int gi = 0; gi < ngpus; gi++) {
    const int G = gpus[gi];
    if (G < 1 || G > MAXG || G > count) continue;
    shared s;
    memset(&s, 0, sizeof s);
    s.o = &o, s.G = G, s.host_in = in, s.backward = 1;
    for (int r = 0; r < G; r++) s.lens[r] = o.L;
    int devs[MAXG];
    for (int r = 0; r < G; r++) devs[r] = r;
    ncclResult_t nr = ncclCommInitAll(s.comms, G, devs);
    if (nr != ncclSuccess) {
      fprintf(stderr, "lta-sp-bench: ncclCommInitAll(%d): %s\n", G, ncclGetErrorString(nr));
      return 1;
    }
    for (int w = 0; w < 4; w++) s.times[w] = calloc((size_t)(o.reps * G), sizeof(float));
    pthread_barrier_init(&s.barrier, NULL, (unsigned)G);
    job jobs[MAXG];
    pthread_t th[MAXG];
    for (int r = 0; r < G; r++) {
      jobs[r] = (job){&s, r};
      pthread_create(&th[r], NULL, rank_main, &jobs[r]);
    }
    for (int r = 0; r < G; r++) pthread_join(th[r], NULL);
    const float fwd = median_of_max(s.times[0], o.reps, G);
    const float loc = median_of_max(s.times[1], o.reps, G);
    if (G == 1 || t1 == 0) t1 = fwd;
    char bwd[96] = "- | - | - | -";
    if (s.backward) {
      const float sb = median_of_max(s.times[2], o.reps, G), pb = median_of_max(s.times[3], o.reps, G);
      if (G == 1 || b1 == 0) b1 = sb;
      snprintf(bwd, sizeof bwd, "%.3f | %.3f | %.2f | %.0f%%", sb, pb, sb / pb, 100.0 * b1 / sb);
    }
    printf("| %d | %lld | %.3f | %.3f | %.2f | %.0f%% | %s |\n", G, (long long)(o.L * G), fwd, loc,
           fwd / loc, 100.0 * t1 / fwd, bwd);
    pthread_barrier_destroy(&s.barrier);
    for (int r = 0; r < G; r++) ncclCommDestroy(s.comms[r]);
    for (int w = 0; w < 4; w++) free(s.times[w]);
  }
  free(in);
  return 0;
}
