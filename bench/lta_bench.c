/* lta-bench: the main job. Runs the seed's example, then times the kernels the runtime picks
 * against the plain generic kernel (the reference: scalar, sizes at run time) in the same run.
 *
 *   lta-bench            the example and the table (1 thread and all threads)
 *   lta-bench --quick    the example and a shorter table
 *   lta-bench --table    the table only (the CPU forward: fp32 shapes, then the others)
 *   lta-bench --min      the fastest run of each instead of the median (a machine shared with
 *                        other jobs: what the kernel does when it gets the cores)
 *   lta-bench --decode   the decode table only
 *   lta-bench --backward the backward table only
 *
 * Effective GFLOP/s count the minimal 4*K*V flops per token and head (SPEC section 6).
 * Then decode (one token a sequence, states in place): bytes moved over the copy bandwidth;
 * and the backward against the forward of the same call.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lightattn.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

/* The generated kernel list of this build: what the runtime can choose from. */
static const char *const built_kernels[] = {
#define LTA_KERNEL(name, op, dtype, K, V, H, rev, target) #name,
#include "lta_kernels.inc"
#undef LTA_KERNEL
    NULL};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static float uniform(void) { /* xorshift64*, in [-1, 1) */
  rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
  return (float)((rng_state * 0x2545f4914f6cdd1dull) >> 40) * 0x1.0p-23f - 1.0f;
}

static uint16_t to_bf16(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

static float from_bf16(uint16_t b) {
  uint32_t u = (uint32_t)b << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static void *random_buffer(lta_dtype dt, size_t n) {
  size_t es = dt == LTA_F32 ? 4 : 2;
  void *p = malloc(n * es);
  if (!p) {
    fprintf(stderr, "lta-bench: out of memory\n");
    exit(1);
  }
  for (size_t i = 0; i < n; i++) {
    float x = uniform();
    if (dt == LTA_F32) ((float *)p)[i] = x;
    else ((uint16_t *)p)[i] = to_bf16(x);
  }
  return p;
}

static void check(lta_status st) {
  if (st != LTA_OK) {
    fprintf(stderr, "lta-bench: %s: %s\n", lta_status_name(st), lta_last_error());
    exit(1);
  }
}

/* The seed's example: q, k, v of shape (2, 100, 8, 64), layer 5 of 24, the final state out. */
static void seed_example(lta_dtype dt) {
  const int64_t B = 2, T = 100, H = 8, D = 64;
  size_t n = (size_t)(B * T * H * D), es = dt == LTA_F32 ? 4 : 2;
  void *q = random_buffer(dt, n), *k = random_buffer(dt, n), *v = random_buffer(dt, n);
  void *o = malloc(n * es), *o_ref = malloc(n * es);
  float *s = malloc((size_t)(B * H * D * D) * sizeof(float));
  float *s_ref = malloc((size_t)(B * H * D * D) * sizeof(float));

  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = dt;
  a.batch = B, a.seqlen = T, a.num_heads = a.num_kv_heads = H;
  a.head_dim_k = a.head_dim_v = D;
  a.q = q, a.k = k, a.v = v, a.o = o;
  a.layer_idx = 5, a.num_layers = 24;
  a.final_state = s, a.num_states = B;
  const char *name;
  check(lta_forward_kernel(&a, &name));
  check(lta_forward(&a));
  lta_forward_args r = a; /* the same call on the plain generic kernel */
  r.o = o_ref, r.final_state = s_ref, r.isa = LTA_ISA_GENERIC;
  check(lta_forward(&r));

  double err = 0, mag = 0, serr = 0, smag = 0;
  for (size_t i = 0; i < n; i++) {
    double x = dt == LTA_F32 ? ((float *)o)[i] : from_bf16(((uint16_t *)o)[i]);
    double y = dt == LTA_F32 ? ((float *)o_ref)[i] : from_bf16(((uint16_t *)o_ref)[i]);
    err = fmax(err, fabs(x - y)), mag = fmax(mag, fabs(y));
  }
  for (size_t i = 0; i < (size_t)(B * H * D * D); i++)
    serr = fmax(serr, fabs((double)s[i] - s_ref[i])), smag = fmax(smag, fabs((double)s_ref[i]));
  float g[8];
  lta_seed_g_gamma(H, 5, 24, g);
  printf("seed example (%s): q, k, v (2, 100, 8, 64), layer 5 of 24 -> o (2, 100, 8, 64), "
         "final_state (2, 8, 64, 64)\n",
         dt == LTA_F32 ? "f32" : "bf16");
  printf("  kernel %s; g_gamma = [%.4f %.4f ... %.4f]; o[0,0,0,:3] = [%.5f %.5f %.5f]\n", name,
         g[0], g[1], g[7],
         dt == LTA_F32 ? ((float *)o)[0] : from_bf16(((uint16_t *)o)[0]),
         dt == LTA_F32 ? ((float *)o)[1] : from_bf16(((uint16_t *)o)[1]),
         dt == LTA_F32 ? ((float *)o)[2] : from_bf16(((uint16_t *)o)[2]));
  printf("  against the generic kernel: output differs by %.2e of its largest value, state by "
         "%.2e\n\n",
         err / mag, serr / smag);
  free(q), free(k), free(v), free(o), free(o_ref), free(s), free(s_ref);
}

/* ---- the FMA peak of this machine, measured in the same run ----
 * Each thread runs 12 independent chains of vector FMAs held in registers (more than the FMA
 * latency times the FMA ports of any current core), on the widest ISA the kernels use here
 * (AVX2+FMA on x86-64 without AVX-512; NEON on AArch64). Flops = 2 per lane per FMA. */
#define PEAK_CHAINS 12
#define PEAK_BLOCK 100000 /* FMA rounds between clock reads */

/* The twelve chains as named variables: an array would live in memory at -O2. */
#define PEAK_ROUND(FMA)                                                                         \
  c0 = FMA(c0), c1 = FMA(c1), c2 = FMA(c2), c3 = FMA(c3), c4 = FMA(c4), c5 = FMA(c5);           \
  c6 = FMA(c6), c7 = FMA(c7), c8 = FMA(c8), c9 = FMA(c9), c10 = FMA(c10), c11 = FMA(c11)

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static double peak_avx2(double seconds) {
  const __m256 m = _mm256_set1_ps(0.9999f), a = _mm256_set1_ps(1e-4f);
#define PEAK_INIT_AVX2(i) _mm256_set1_ps(0.01f * (i)) /* distinct: no chain is a copy */
  __m256 c0 = PEAK_INIT_AVX2(0), c1 = PEAK_INIT_AVX2(1), c2 = PEAK_INIT_AVX2(2),
         c3 = PEAK_INIT_AVX2(3), c4 = PEAK_INIT_AVX2(4), c5 = PEAK_INIT_AVX2(5),
         c6 = PEAK_INIT_AVX2(6), c7 = PEAK_INIT_AVX2(7), c8 = PEAK_INIT_AVX2(8),
         c9 = PEAK_INIT_AVX2(9), c10 = PEAK_INIT_AVX2(10), c11 = PEAK_INIT_AVX2(11);
#define PEAK_FMA_AVX2(c) _mm256_fmadd_ps(c, m, a)
  double t0 = now(), t;
  long rounds = 0;
  do {
    for (int r = 0; r < PEAK_BLOCK; r++) {
      PEAK_ROUND(PEAK_FMA_AVX2);
    }
    rounds += PEAK_BLOCK;
    t = now() - t0;
  } while (t < seconds);
  __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                             _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
  sum = _mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
  volatile float sink = _mm256_cvtss_f32(sum); /* the chains are used */
  (void)sink;
  return (double)rounds * PEAK_CHAINS * 16 / t;
}
#elif defined(__aarch64__)
static double peak_neon(double seconds) {
  const float32x4_t m = vdupq_n_f32(0.9999f), a = vdupq_n_f32(1e-4f);
#define PEAK_INIT_NEON(i) vdupq_n_f32(0.01f * (i))
  float32x4_t c0 = PEAK_INIT_NEON(0), c1 = PEAK_INIT_NEON(1), c2 = PEAK_INIT_NEON(2),
              c3 = PEAK_INIT_NEON(3), c4 = PEAK_INIT_NEON(4), c5 = PEAK_INIT_NEON(5),
              c6 = PEAK_INIT_NEON(6), c7 = PEAK_INIT_NEON(7), c8 = PEAK_INIT_NEON(8),
              c9 = PEAK_INIT_NEON(9), c10 = PEAK_INIT_NEON(10), c11 = PEAK_INIT_NEON(11);
#define PEAK_FMA_NEON(c) vfmaq_f32(a, c, m)
  double t0 = now(), t;
  long rounds = 0;
  do {
    for (int r = 0; r < PEAK_BLOCK; r++) {
      PEAK_ROUND(PEAK_FMA_NEON);
    }
    rounds += PEAK_BLOCK;
    t = now() - t0;
  } while (t < seconds);
  float32x4_t sum = vaddq_f32(vaddq_f32(vaddq_f32(c0, c1), vaddq_f32(c2, c3)),
                              vaddq_f32(vaddq_f32(c4, c5), vaddq_f32(c6, c7)));
  sum = vaddq_f32(sum, vaddq_f32(vaddq_f32(c8, c9), vaddq_f32(c10, c11)));
  volatile float sink = vgetq_lane_f32(sum, 0);
  (void)sink;
  return (double)rounds * PEAK_CHAINS * 8 / t;
}
#endif

/* Flop/s of one thread's FMA chains, or 0 where no vector FMA is known. */
static double peak_one(double seconds) {
#if defined(__x86_64__) || defined(__i386__)
  if (lta_isa_supported(LTA_ISA_AVX2)) return peak_avx2(seconds);
#elif defined(__aarch64__)
  return peak_neon(seconds);
#endif
  (void)seconds;
  return 0;
}

typedef struct peak_job {
  double seconds, flops;
  pthread_t thread;
} peak_job;

static void *peak_thread(void *arg) {
  peak_job *j = arg;
  j->flops = peak_one(j->seconds);
  return NULL;
}

/* The summed peak of `threads` threads running at once: the best of three short runs. */
static double measure_peak(int threads) {
  peak_job jobs[256];
  if (threads > 256) threads = 256;
  double best = 0;
  for (int rep = 0; rep < 3; rep++) {
    for (int i = 1; i < threads; i++) {
      jobs[i].seconds = 0.1;
      pthread_create(&jobs[i].thread, NULL, peak_thread, &jobs[i]);
    }
    jobs[0].seconds = 0.1;
    peak_thread(&jobs[0]);
    double sum = jobs[0].flops;
    for (int i = 1; i < threads; i++) {
      pthread_join(jobs[i].thread, NULL);
      sum += jobs[i].flops;
    }
    if (sum > best) best = sum;
  }
  return best;
}

typedef struct shape {
  int64_t B, T, H, K, V;
  lta_dtype dt;
} shape;

static int report_min; /* --min: the fastest run, else the median */

/* The median of t[0..n) (the fastest with --min); sorts t. */
static double pick(double *t, int n) {
  for (int i = 1; i < n; i++) /* insertion sort */
    for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
      double x = t[j];
      t[j] = t[j - 1], t[j - 1] = x;
    }
  return report_min ? t[0] : t[n / 2];
}

/* Median (or fastest) seconds of reps calls. */
static double time_call(lta_forward_args *a, int reps) {
  double t[16];
  check(lta_forward(a)); /* warm-up: page faults, caches */
  for (int i = 0; i < reps; i++) {
    double t0 = now();
    check(lta_forward(a));
    t[i] = now() - t0;
  }
  return pick(t, reps);
}

static void bench_shape(const shape *s, int threads, int reps) {
  size_t nq = (size_t)(s->B * s->T * s->H * s->K), nv = (size_t)(s->B * s->T * s->H * s->V);
  size_t es = s->dt == LTA_F32 ? 4 : 2;
  void *q = random_buffer(s->dt, nq), *k = random_buffer(s->dt, nq), *v = random_buffer(s->dt, nv);
  void *o = malloc(nv * es);
  float *st = malloc((size_t)(s->B * s->H * s->K * s->V) * sizeof(float));
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = s->dt;
  a.batch = s->B, a.seqlen = s->T, a.num_heads = a.num_kv_heads = s->H;
  a.head_dim_k = s->K, a.head_dim_v = s->V;
  a.q = q, a.k = k, a.v = v, a.o = o, a.final_state = st, a.num_states = s->B;
  a.layer_idx = 3, a.num_layers = 24;
  a.num_threads = threads;
  const char *name;
  check(lta_forward_kernel(&a, &name));
  double peak = measure_peak(threads); /* just before, under the same load */
  double t = time_call(&a, reps);
  a.isa = LTA_ISA_GENERIC;
  double t_ref = time_call(&a, reps);
  double flops = 4.0 * (double)(s->B * s->T * s->H) * (double)(s->K * s->V);
  char frac[32] = "n/a";
  if (peak > 0) snprintf(frac, sizeof frac, "%.0f%%", 100.0 * flops / t / peak);
  printf("| %lld, %lld, %lld, %lld, %lld | %s | %d | %s | %.2f | %.1f | %.1f | %s | %.2f | %.1f | "
         "%.2fx |\n",
         (long long)s->B, (long long)s->T, (long long)s->H, (long long)s->K, (long long)s->V,
         s->dt == LTA_F32 ? "f32" : "bf16", threads, name, t * 1e3, flops / t * 1e-9,
         peak * 1e-9, frac, t_ref * 1e3, flops / t_ref * 1e-9, t_ref / t);
  fflush(stdout);
  free(q), free(k), free(v), free(o), free(st);
}

/* ---- backward ---- */

/* Median (or fastest) seconds of reps backward calls. */
static double time_backward(lta_backward_args *b, int reps) {
  double t[16];
  check(lta_backward(b));
  for (int i = 0; i < reps; i++) {
    double t0 = now();
    check(lta_backward(b));
    t[i] = now() - t0;
  }
  return pick(t, reps);
}

/* The backward (d_q, d_k, d_v and d_initial_state from d_o and d_final_state) against the
 * forward of the same call, in the same run (issue 5: at most 2.5x at K=V=128). */
static void backward_table(int reps) {
  static const shape shapes[] = {{1, 4096, 16, 128, 128, LTA_F32},
                                 {1, 4096, 16, 64, 64, LTA_F32},
                                 {1, 4096, 16, 128, 128, LTA_BF16}};
  printf("\nBackward: layer 3 of 24, 1 thread, %s of %d runs; the forward with its final state,\n"
         "the backward with the final state's gradient and d_initial_state.\n\n",
         report_min ? "fastest" : "median", reps);
  printf("| B, T, H, K, V | dtype | forward kernel | forward ms | backward kernel | backward ms | "
         "backward / forward |\n|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < 3; i++) {
    const shape *s = &shapes[i];
    size_t nq = (size_t)(s->B * s->T * s->H * s->K), nv = (size_t)(s->B * s->T * s->H * s->V);
    size_t ns = (size_t)(s->B * s->H * s->K * s->V);
    void *q = random_buffer(s->dt, nq), *k = random_buffer(s->dt, nq), *v = random_buffer(s->dt, nv);
    void *d_o = random_buffer(s->dt, nv), *o = malloc(nv * 4);
    float *st = malloc(ns * 4), *dst = random_buffer(LTA_F32, ns), *ds0 = malloc(ns * 4);
    void *dq = malloc(nq * 4), *dk = malloc(nq * 4), *dv = malloc(nv * 4);
    lta_backward_args b;
    lta_backward_args_init(&b);
    lta_forward_args *a = &b.fwd;
    a->dtype = s->dt, a->batch = s->B, a->seqlen = s->T, a->num_heads = a->num_kv_heads = s->H;
    a->head_dim_k = s->K, a->head_dim_v = s->V, a->q = q, a->k = k, a->v = v, a->o = o;
    a->final_state = st, a->num_states = s->B, a->layer_idx = 3, a->num_layers = 24;
    a->num_threads = 1;
    b.d_o = d_o, b.d_final_state = dst, b.d_q = dq, b.d_k = dk, b.d_v = dv;
    b.d_initial_state = ds0;
    const char *fname, *bname;
    check(lta_forward_kernel(a, &fname));
    check(lta_backward_kernel(&b, &bname));
    double tf = time_call(a, reps), tb = time_backward(&b, reps);
    printf("| %lld, %lld, %lld, %lld, %lld | %s | %s | %.1f | %s | %.1f | %.2fx |\n",
           (long long)s->B, (long long)s->T, (long long)s->H, (long long)s->K, (long long)s->V,
           s->dt == LTA_F32 ? "f32" : "bf16", fname, tf * 1e3, bname, tb * 1e3, tb / tf);
    fflush(stdout);
    free(q), free(k), free(v), free(d_o), free(o), free(st), free(dst), free(ds0);
    free(dq), free(dk), free(dv);
  }
}

/* ---- decode ---- */

/* Copy bandwidth of threads threads in bytes/s (read + written), memcpy of 64 MiB each. */
typedef struct copy_job {
  char *src, *dst;
  size_t bytes;
} copy_job;
static void *copy_thread(void *arg) {
  copy_job *j = arg;
  for (int r = 0; r < 4; r++) memcpy(j->dst, j->src, j->bytes);
  return NULL;
}
static double copy_bandwidth(int threads) {
  const size_t bytes = (size_t)64 << 20;
  copy_job jobs[64];
  pthread_t tid[64];
  threads = threads > 64 ? 64 : threads;
  for (int i = 0; i < threads; i++) {
    jobs[i].src = malloc(bytes), jobs[i].dst = malloc(bytes), jobs[i].bytes = bytes;
    memset(jobs[i].src, 1, bytes), memset(jobs[i].dst, 2, bytes);
  }
  double best = 0;
  for (int rep = 0; rep < 3; rep++) {
    double t0 = now();
    for (int i = 0; i < threads; i++) pthread_create(&tid[i], NULL, copy_thread, &jobs[i]);
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    double bw = 2.0 * 4 * (double)bytes * threads / (now() - t0);
    best = bw > best ? bw : best;
  }
  for (int i = 0; i < threads; i++) free(jobs[i].src), free(jobs[i].dst);
  return best;
}

/* Decode (issue 6): B=32, H=16, K=V=128, one token, bf16 inputs, fp32 states in place, each call
 * on the next of 4 state pools (128 MiB: not a cache's), against the generic kernel and the
 * copy bandwidth of as many threads, measured in the same run. */
static void decode_table(int threads_all, int reps) {
  const int64_t B = 32, H = 16, K = 128, V = 128;
  const size_t nst = (size_t)(B * H * K * V), nq = (size_t)(B * H * K);
  void *q = random_buffer(LTA_BF16, nq), *k = random_buffer(LTA_BF16, nq);
  void *v = random_buffer(LTA_BF16, nq), *o = malloc(nq * 2);
  float *pools[4];
  for (int i = 0; i < 4; i++) {
    pools[i] = malloc(nst * sizeof(float));
    memset(pools[i], 0, nst * sizeof(float));
  }
  printf("\nDecode: B=32, H=16, K=V=128, T=1, bf16 inputs, fp32 states in place (each call on the\n"
         "next of 4 state buffers); GB/s = states read and written + q, k, v, o, over the time;\n"
         "copy = memcpy bandwidth of as many threads (read + written), measured just before.\n\n");
  printf("| threads | kernel | us a call | GB/s | copy GB/s | %% of copy | generic us | speed-up |\n"
         "|---|---|---|---|---|---|---|---|\n");
  const int counts[2] = {1, threads_all};
  for (int ti = 0; ti < (threads_all > 1 ? 2 : 1); ti++) {
    const int threads = counts[ti];
    lta_forward_args a;
    lta_forward_args_init(&a);
    a.dtype = LTA_BF16, a.batch = B, a.seqlen = 1, a.num_heads = a.num_kv_heads = H;
    a.head_dim_k = K, a.head_dim_v = V, a.q = q, a.k = k, a.v = v, a.o = o;
    a.num_states = B, a.layer_idx = 3, a.num_layers = 24, a.num_threads = threads;
    a.initial_state = a.final_state = pools[0];
    const char *name;
    check(lta_forward_kernel(&a, &name));
    double copy = copy_bandwidth(threads), us[2];
    for (int pass = 0; pass < 2; pass++) {
      a.isa = pass ? LTA_ISA_GENERIC : LTA_ISA_AUTO;
      double t[16];
      for (int r = 0; r < reps + 1; r++) {
        double t0 = now();
        for (int c = 0; c < 8; c++) {
          a.initial_state = a.final_state = pools[c % 4];
          check(lta_forward(&a));
        }
        if (r) t[r - 1] = (now() - t0) / 8;
      }
      us[pass] = 1e6 * pick(t, reps);
    }
    double bytes = 2.0 * (double)nst * 4 + 4.0 * (double)nq * 2, gbs = bytes / us[0] * 1e-3;
    printf("| %d | %s | %.0f | %.1f | %.1f | %.0f%% | %.0f | %.2fx |\n", threads, name, us[0], gbs,
           copy * 1e-9, 100.0 * gbs * 1e9 / copy, us[1], us[1] / us[0]);
    fflush(stdout);
  }
  free(q), free(k), free(v), free(o);
  for (int i = 0; i < 4; i++) free(pools[i]);
}

int main(int argc, char **argv) {
  int quick = 0, table = 0, decode_only = 0, backward_only = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) quick = 1;
    else if (strcmp(argv[i], "--decode") == 0) decode_only = 1;
    else if (strcmp(argv[i], "--backward") == 0) backward_only = 1;
    else if (strcmp(argv[i], "--table") == 0) table = 1;
    else if (strcmp(argv[i], "--min") == 0) report_min = 1;
    else {
      fprintf(stderr, "usage: lta-bench [--quick] [--table] [--min] [--decode] [--backward]\n");
      return 2;
    }
  }
  int nbuilt = 0;
  while (built_kernels[nbuilt]) nbuilt++;
  printf("lightattn %s: %d kernels built (lta_kernels.inc); ISAs this CPU runs:", lta_version(),
         nbuilt);
  for (int i = LTA_ISA_SCALAR; i <= LTA_ISA_AVX512; i++)
    if (lta_isa_supported((lta_isa)i)) printf(" %s", lta_isa_name((lta_isa)i));
  printf("\n\n");
  int all = 0;
  const char *env = getenv("LTA_NUM_THREADS");
  if (env) all = atoi(env);
  if (all <= 0) all = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (decode_only) {
    decode_table(all, quick ? 3 : 7);
    return 0;
  }
  if (backward_only) {
    backward_table(3);
    return 0;
  }
  if (!table) {
    seed_example(LTA_F32);
    seed_example(LTA_BF16);
  }

  static const shape shapes[] = {
      {1, 4096, 16, 64, 64, LTA_F32},  {1, 4096, 16, 128, 128, LTA_F32},
      {4, 2048, 8, 128, 128, LTA_F32}, {1, 4096, 16, 128, 128, LTA_BF16},
      {2, 1024, 8, 48, 48, LTA_F32},
  };
  int nshapes = quick ? 2 : (int)(sizeof shapes / sizeof shapes[0]);
  printf("Forward, layer 3 of 24, final state written; %s of %d runs after a warm-up.\n"
         "generic = the plain scalar kernel with run-time sizes, timed in the same run.\n\n",
         report_min ? "fastest" : "median", quick ? 3 : 5);
  printf("peak = the FMA peak of as many threads, measured just before each row (12 independent\n"
         "FMA chains in registers per thread); %% of peak = GFLOP/s / peak.\n\n");
  printf("| B, T, H, K, V | dtype | threads | kernel | ms | GFLOP/s | peak GFLOP/s | %% of peak | "
         "generic ms | generic GFLOP/s | speed-up |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < nshapes; i++) {
    bench_shape(&shapes[i], 1, quick ? 3 : 5);
    if (all > 1) bench_shape(&shapes[i], all, quick ? 3 : 5);
  }
  decode_table(all, quick ? 3 : 7);
  backward_table(3);
  return 0;
}
