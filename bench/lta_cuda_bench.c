/* lta-cuda-bench: the CUDA forward on the four shapes of SPEC section 6 (bf16, layer 3 of 24,
 * final state written), timed with CUDA events: 3 warm-up calls, then the median of 20.
 *
 *   lta-cuda-bench [--csv FILE]
 *
 * Printed per shape: the kernel, ms, the HBM floor (q, k, v read and o written once, over the
 * device-to-device copy bandwidth measured in the same run) and the fraction of it reached,
 * and effective TFLOP/s (the minimal 4*K*V flops per token and head). Also B=1, T=65536 with
 * the time split off (one segment), to show what the split buys.
 * Then decode (issue 6): B=128, H=64 and B=32, H=16, K=V=128, one token, states in place,
 * plain and pooled: microseconds a call and the bytes moved over the copy bandwidth.
 * And the backward of the four shapes (dO in; dq, dk, dv out), with forward + backward.
 */
#include <cuda_runtime_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lightattn.h"

#define CHECK(call)                                                                      \
  do {                                                                                   \
    cudaError_t e_ = (call);                                                             \
    if (e_ != cudaSuccess) {                                                             \
      fprintf(stderr, "lta-cuda-bench: %s: %s\n", #call, cudaGetErrorString(e_));        \
      exit(1);                                                                           \
    }                                                                                    \
  } while (0)

static int cmp_float(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* Random bf16 in [-1, 1) written on the device, so that no host buffer of gigabytes is needed. */
static void fill_random(uint16_t *dst, size_t n, uint64_t seed) {
  const size_t chunk = 1 << 24;
  uint16_t *host = malloc(chunk * sizeof *host);
  uint64_t s = seed | 1;
  for (size_t done = 0; done < n; done += chunk) {
    size_t m = n - done < chunk ? n - done : chunk;
    for (size_t i = 0; i < m; i++) {
      s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
      float f = (float)((s * 0x2545f4914f6cdd1dull) >> 40) * 0x1.0p-23f - 1.0f;
      uint32_t u;
      memcpy(&u, &f, 4);
      host[i] = (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    }
    CHECK(cudaMemcpy(dst + done, host, m * sizeof *host, cudaMemcpyHostToDevice));
  }
  free(host);
}

/* Device-to-device copy bandwidth in bytes/s, counting bytes read plus bytes written. */
static double copy_bandwidth(void) {
  const size_t bytes = (size_t)2 << 30;
  void *a, *b;
  CHECK(cudaMalloc(&a, bytes));
  CHECK(cudaMalloc(&b, bytes));
  CHECK(cudaMemset(a, 1, bytes));
  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  float t[10];
  for (int i = 0; i < 13; i++) {
    CHECK(cudaEventRecord(e0, 0));
    CHECK(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, 0));
    CHECK(cudaEventRecord(e1, 0));
    CHECK(cudaEventSynchronize(e1));
    if (i >= 3) CHECK(cudaEventElapsedTime(&t[i - 3], e0, e1));
  }
  qsort(t, 10, sizeof t[0], cmp_float);
  cudaFree(a), cudaFree(b), cudaEventDestroy(e0), cudaEventDestroy(e1);
  return 2.0 * (double)bytes / (t[5] * 1e-3);
}

typedef struct shape {
  int64_t B, T, H, K;
} shape;

/* Median ms of lta_forward on a (workspace: the caller's, sized by lta_forward_workspace_size,
 * unless no_split). */
/* Median ms of 20 calls of run(args) after 3 warm-up calls, each timed with CUDA events. */
static float time_median(lta_status (*run)(const void *), const void *args) {
  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  float t[20];
  for (int i = 0; i < 23; i++) {
    CHECK(cudaEventRecord(e0, 0));
    if (run(args) != LTA_OK) {
      fprintf(stderr, "lta-cuda-bench: %s\n", lta_last_error());
      exit(1);
    }
    CHECK(cudaEventRecord(e1, 0));
    CHECK(cudaEventSynchronize(e1));
    if (i >= 3) CHECK(cudaEventElapsedTime(&t[i - 3], e0, e1));
  }
  qsort(t, 20, sizeof t[0], cmp_float);
  cudaEventDestroy(e0), cudaEventDestroy(e1);
  return (t[9] + t[10]) / 2;
}

static lta_status run_forward(const void *a) { return lta_forward((const lta_forward_args *)a); }
static lta_status run_backward(const void *b) { return lta_backward((const lta_backward_args *)b); }

static float time_forward(lta_forward_args *a, int no_split) {
  size_t ws_bytes = 0;
  if (lta_forward_workspace_size(a, &ws_bytes) != LTA_OK) {
    fprintf(stderr, "lta-cuda-bench: %s\n", lta_last_error());
    exit(1);
  }
  void *ws = NULL;
  if (ws_bytes && !no_split) CHECK(cudaMalloc(&ws, ws_bytes));
  a->workspace = ws;
  a->workspace_bytes = no_split ? 1 : ws_bytes; /* 1 byte: room for no segment */
  if (no_split) a->workspace = (void *)a->o;     /* never used: too small for any split */
  float ms = time_median(run_forward, a);
  if (ws) cudaFree(ws);
  a->workspace = NULL;
  a->workspace_bytes = 0;
  return ms;
}

/* ---- decode ---- */

/* Median microseconds a decode call takes end to end from C: calls issued back to back (each
 * on the next of `rot` state buffers, so that the states come from memory, not from L2), timed
 * with CUDA events around each run of 50 calls; the median of 15 runs after 2 warm-up runs. */
static double wall_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

/* Also: *host_us, the median host time of one call (issuing it), and *graph_us, the median time
 * a call takes when the 50 calls are replayed from a CUDA graph (no host in the loop). */
static double time_decode(lta_forward_args *a, float **states, int rot, double *host_us,
                          double *graph_us) {
  cudaEvent_t e0, e1;
  CHECK(cudaEventCreate(&e0));
  CHECK(cudaEventCreate(&e1));
  enum { CALLS = 50, RUNS = 15 };
  float t[RUNS], h[RUNS], g[RUNS];
  for (int r = 0; r < RUNS + 2; r++) {
    CHECK(cudaEventRecord(e0, 0));
    double w0 = wall_us();
    for (int c = 0; c < CALLS; c++) {
      a->initial_state = a->final_state = states[c % rot];
      if (lta_forward(a) != LTA_OK) {
        fprintf(stderr, "lta-cuda-bench: %s\n", lta_last_error());
        exit(1);
      }
    }
    double w1 = wall_us();
    CHECK(cudaEventRecord(e1, 0));
    CHECK(cudaEventSynchronize(e1));
    if (r >= 2) {
      CHECK(cudaEventElapsedTime(&t[r - 2], e0, e1));
      h[r - 2] = (float)((w1 - w0) / CALLS);
    }
  }
  /* The same calls captured once into a graph on a stream of their own. */
  cudaStream_t s;
  cudaGraph_t graph;
  cudaGraphExec_t exec;
  CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
  a->stream = s;
  CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  for (int c = 0; c < CALLS; c++) {
    a->initial_state = a->final_state = states[c % rot];
    if (lta_forward(a) != LTA_OK) {
      fprintf(stderr, "lta-cuda-bench: %s\n", lta_last_error());
      exit(1);
    }
  }
  CHECK(cudaStreamEndCapture(s, &graph));
  CHECK(cudaGraphInstantiate(&exec, graph, 0));
  for (int r = 0; r < RUNS + 2; r++) {
    CHECK(cudaEventRecord(e0, s));
    CHECK(cudaGraphLaunch(exec, s));
    CHECK(cudaEventRecord(e1, s));
    CHECK(cudaEventSynchronize(e1));
    if (r >= 2) CHECK(cudaEventElapsedTime(&g[r - 2], e0, e1));
  }
  a->stream = NULL;
  cudaGraphExecDestroy(exec), cudaGraphDestroy(graph), cudaStreamDestroy(s);
  qsort(t, RUNS, sizeof t[0], cmp_float);
  qsort(h, RUNS, sizeof h[0], cmp_float);
  qsort(g, RUNS, sizeof g[0], cmp_float);
  cudaEventDestroy(e0), cudaEventDestroy(e1);
  *host_us = h[RUNS / 2];
  *graph_us = g[RUNS / 2] * 1e3 / CALLS;
  return t[RUNS / 2] * 1e3 / CALLS;
}

/* Decode of SPEC section 6 / issue 6: one token per sequence, bf16 q, k, v, o, fp32 states
 * updated in place; plain (one state per sequence) and through a pool (state_indices, a
 * shuffled permutation of the slots). Bytes: the states read and written, q, k, v read, o
 * written. */
static void bench_decode(double bw, FILE *out) {
  printf("\ndecode, T=1, bf16 inputs, fp32 states in place; us a call end to end from C\n");
  printf("(host us: the host's time to issue one call; graph: the same 50 calls replayed from a\n"
         "CUDA graph, per call, and its fraction of the copy bandwidth)\n");
  printf("%-22s %-30s %6s %9s %9s %8s %9s %9s %8s\n", "B,H,K=V", "kernel", "pool", "us", "GB/s",
         "of copy", "host us", "graph us", "of copy");
  const int64_t cases[][3] = {{128, 64, 128}, {32, 16, 128}};
  for (int ci = 0; ci < 2; ci++)
    for (int pooled = 0; pooled < 2; pooled++) {
      const int64_t B = cases[ci][0], H = cases[ci][1], K = cases[ci][2];
      const size_t nqk = (size_t)(B * H * K), nst = (size_t)(B * H * K * K);
      /* Enough buffers to hold 4 x the H200's 50 MB L2, at least 2. */
      int rot = (int)((size_t)(256 << 20) / (nst * 4)) + 1;
      rot = rot < 2 ? 2 : (rot > 16 ? 16 : rot);
      uint16_t *q, *k, *v, *o;
      float *states[16];
      int64_t *idx = NULL;
      CHECK(cudaMalloc((void **)&q, nqk * 2));
      CHECK(cudaMalloc((void **)&k, nqk * 2));
      CHECK(cudaMalloc((void **)&v, nqk * 2));
      CHECK(cudaMalloc((void **)&o, nqk * 2));
      fill_random(q, nqk, 11), fill_random(k, nqk, 12), fill_random(v, nqk, 13);
      for (int r = 0; r < rot; r++) {
        CHECK(cudaMalloc((void **)&states[r], nst * 4));
        CHECK(cudaMemset(states[r], 0, nst * 4));
      }
      if (pooled) {
        int64_t *h = malloc((size_t)B * sizeof *h);
        for (int64_t n = 0; n < B; n++) h[n] = (n * 37 + 11) % B; /* 37 is prime to B */
        CHECK(cudaMalloc((void **)&idx, (size_t)B * sizeof *idx));
        CHECK(cudaMemcpy(idx, h, (size_t)B * sizeof *idx, cudaMemcpyHostToDevice));
        free(h);
      }
      lta_forward_args a;
      lta_forward_args_init(&a);
      a.device = LTA_DEVICE_CUDA, a.dtype = LTA_BF16;
      a.batch = B, a.seqlen = 1, a.num_heads = a.num_kv_heads = H;
      a.head_dim_k = a.head_dim_v = K;
      a.q = q, a.k = k, a.v = v, a.o = o;
      a.initial_state = a.final_state = states[0], a.num_states = B, a.state_indices = idx;
      a.layer_idx = 3, a.num_layers = 24;
      const char *name = "?";
      if (lta_forward_kernel(&a, &name) != LTA_OK) {
        fprintf(stderr, "lta-cuda-bench: %s\n", lta_last_error());
        exit(1);
      }
      double host_us, graph_us, us = time_decode(&a, states, rot, &host_us, &graph_us);
      double bytes = 2.0 * (double)nst * 4 + 4.0 * (double)nqk * 2;
      double gbs = bytes / (us * 1e-6) / 1e9;
      char label[64];
      snprintf(label, sizeof label, "%lld,%lld,%lld", (long long)B, (long long)H, (long long)K);
      printf("%-22s %-30s %6s %9.1f %9.0f %7.0f%% %9.1f %9.1f %7.0f%%\n", label, name,
             pooled ? "yes" : "no", us, gbs, 100.0 * gbs * 1e9 / bw, host_us, graph_us,
             100.0 * bytes / (graph_us * 1e-6) / bw);
      if (out)
        fprintf(out, "decode,%lld,%lld,%lld,%s,%s,%.2f,%.1f,%.3f,%.2f,%.2f\n", (long long)B,
                (long long)H, (long long)K, name, pooled ? "pool" : "plain", us, gbs,
                gbs * 1e9 / bw, host_us, graph_us);
      cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o);
      for (int r = 0; r < rot; r++) cudaFree(states[r]);
      if (idx) cudaFree(idx);
    }
}

int main(int argc, char **argv) {
  const char *csv = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) csv = argv[++i];
    else {
      fprintf(stderr, "usage: lta-cuda-bench [--csv FILE]\n");
      return 2;
    }
  }
  int dev = 0;
  struct cudaDeviceProp prop;
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&prop, dev) != cudaSuccess) {
    printf("lta-cuda-bench: no CUDA device: nothing to time\n");
    return 0;
  }
  double bw = copy_bandwidth();
  printf("device: %s, %d SMs; copy bandwidth %.2f TB/s (read + write, 2 GiB cudaMemcpy)\n",
         prop.name, prop.multiProcessorCount, bw / 1e12);
  FILE *out = csv ? fopen(csv, "w") : NULL;
  if (out) fprintf(out, "B,T,H,K,V,kernel,split,ms,floor_ms,fraction_of_floor,tflops\n");
  printf("%-22s %-34s %6s %9s %9s %7s %8s\n", "shape B,T,H,K=V", "kernel", "split", "ms",
         "floor ms", "floor%", "TFLOP/s");
  const shape shapes[] = {{8, 4096, 16, 128}, {1, 65536, 16, 128}, {16, 2048, 32, 64},
                          {4, 8192, 64, 128}, {1, 65536, 16, 128}};
  float fwd_ms[4] = {0}, bwd_ms[4] = {0};
  for (int si = 0; si < 5; si++) {
    const shape sh = shapes[si];
    int no_split = si == 4;
    size_t nqk = (size_t)(sh.B * sh.T * sh.H * sh.K), nst = (size_t)(sh.B * sh.H * sh.K * sh.K);
    uint16_t *q, *k, *v, *o;
    float *st;
    CHECK(cudaMalloc((void **)&q, nqk * 2));
    CHECK(cudaMalloc((void **)&k, nqk * 2));
    CHECK(cudaMalloc((void **)&v, nqk * 2));
    CHECK(cudaMalloc((void **)&o, nqk * 2));
    CHECK(cudaMalloc((void **)&st, nst * 4));
    fill_random(q, nqk, 1 + si), fill_random(k, nqk, 2 + si), fill_random(v, nqk, 3 + si);
    lta_forward_args a;
    lta_forward_args_init(&a);
    a.device = LTA_DEVICE_CUDA;
    a.dtype = LTA_BF16;
    a.batch = sh.B, a.seqlen = sh.T, a.num_heads = a.num_kv_heads = sh.H;
    a.head_dim_k = a.head_dim_v = sh.K;
    a.q = q, a.k = k, a.v = v, a.o = o;
    a.final_state = st, a.num_states = sh.B;
    a.layer_idx = 3, a.num_layers = 24;
    const char *name = "?";
    lta_forward_kernel(&a, &name);
    float ms = time_forward(&a, no_split);
    double floor_ms = 4.0 * (double)nqk * 2 / bw * 1e3;
    double tflops = 4.0 * sh.K * sh.K * (double)(sh.B * sh.T * sh.H) / (ms * 1e-3) / 1e12;
    char label[64];
    snprintf(label, sizeof label, "%lld,%lld,%lld,%lld", (long long)sh.B, (long long)sh.T,
             (long long)sh.H, (long long)sh.K);
    printf("%-22s %-34s %6s %9.3f %9.3f %6.0f%% %8.1f\n", label, name, no_split ? "off" : "auto",
           ms, floor_ms, 100.0 * floor_ms / ms, tflops);
    if (out)
      fprintf(out, "%s,%lld,%s,%s,%.4f,%.4f,%.3f,%.2f\n", label, (long long)sh.K, name,
              no_split ? "off" : "auto", ms, floor_ms, floor_ms / ms, tflops);
    if (si < 4) { /* the backward of the same call: dO in, dq, dk, dv out, as fla's o.backward */
      uint16_t *d_o, *dq, *dk, *dv;
      CHECK(cudaMalloc((void **)&d_o, nqk * 2));
      CHECK(cudaMalloc((void **)&dq, nqk * 2));
      CHECK(cudaMalloc((void **)&dk, nqk * 2));
      CHECK(cudaMalloc((void **)&dv, nqk * 2));
      fill_random(d_o, nqk, 4 + si);
      lta_backward_args b;
      lta_backward_args_init(&b);
      b.fwd = a;
      b.d_o = d_o, b.d_q = dq, b.d_k = dk, b.d_v = dv;
      bwd_ms[si] = time_median(run_backward, &b);
      fwd_ms[si] = ms;
      cudaFree(d_o), cudaFree(dq), cudaFree(dk), cudaFree(dv);
    }
    cudaFree(q), cudaFree(k), cudaFree(v), cudaFree(o), cudaFree(st);
  }
  printf("\nbackward (dq, dk, dv from dO; bf16), the forward above plus the backward:\n");
  printf("%-22s %9s %9s %9s %9s\n", "shape B,T,H,K=V", "fwd ms", "bwd ms", "fwd+bwd", "bwd/fwd");
  if (out) fprintf(out, "backward,B,T,H,K,fwd_ms,bwd_ms,fwd_bwd_ms\n");
  for (int si = 0; si < 4; si++) {
    const shape sh = shapes[si];
    char label[64];
    snprintf(label, sizeof label, "%lld,%lld,%lld,%lld", (long long)sh.B, (long long)sh.T,
             (long long)sh.H, (long long)sh.K);
    printf("%-22s %9.3f %9.3f %9.3f %9.2f\n", label, fwd_ms[si], bwd_ms[si],
           fwd_ms[si] + bwd_ms[si], bwd_ms[si] / fwd_ms[si]);
    if (out)
      fprintf(out, "backward,%s,%.4f,%.4f,%.4f\n", label, fwd_ms[si], bwd_ms[si],
              fwd_ms[si] + bwd_ms[si]);
  }
  if (out) fprintf(out, "decode,B,H,K,kernel,states,us,GB_s,fraction_of_copy,host_us,graph_us\n");
  bench_decode(bw, out);
  if (out) fclose(out);
  return 0;
}
