/* lta-chart: a picture of speed. Times the forward over sequence lengths for a few head-dim and
 * dtype configurations, each on the kernel the runtime picks and on the plain generic kernel
 * (scalar, sizes at run time: the reference), and writes
 *   CSV   one row per (configuration, kernel, T): time and effective GFLOP/s;
 *   SVG   effective GFLOP/s against T (log scale), one line per kernel, generic ones dashed.
 * Effective GFLOP/s count the minimal 4*K*V flops per token and head (SPEC section 6).
 *
 *   lta-chart [--threads N] [--csv FILE] [--svg FILE] [--quick]
 *             (defaults: 1 thread, lta-chart.csv, lta-chart.svg; --quick: short lengths, 1 run)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lightattn.h"

typedef struct config {
  lta_dtype dt;
  int K, V;
} config;

static const config configs[] = {
    {LTA_F32, 64, 64}, {LTA_F32, 128, 128}, {LTA_BF16, 128, 128}, {LTA_F32, 48, 48}};
#define NCONFIG (int)(sizeof configs / sizeof configs[0])
enum { B = 1, H = 8, MAXT = 16, KINDS = 2 /* picked kernel, generic kernel */ };

typedef struct series {
  char name[96];  /* kernel name */
  char label[160];
  int generic, config, n;
  int T[MAXT];
  double ms[MAXT], gflops[MAXT];
} series;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "lta-chart: %s: %s\n", what, lta_last_error());
  exit(1);
}

static void *filled(size_t n, size_t es, unsigned *seed) {
  unsigned char *p = malloc(n * es);
  if (!p) {
    fprintf(stderr, "lta-chart: out of memory\n");
    exit(1);
  }
  for (size_t i = 0; i < n; i++) { /* small values; bf16 takes the top half of a float */
    *seed = *seed * 1664525u + 1013904223u;
    float x = (float)(*seed >> 8) * 0x1.0p-24f - 0.5f;
    uint32_t u;
    memcpy(&u, &x, 4);
    if (es == 4) memcpy(p + 4 * i, &x, 4);
    else {
      uint16_t h = (uint16_t)(u >> 16);
      memcpy(p + 2 * i, &h, 2);
    }
  }
  return p;
}

/* Median milliseconds of reps calls after one warm-up call. */
static double time_ms(const lta_forward_args *a, int reps) {
  double t[8];
  if (lta_forward(a) != LTA_OK) die("lta_forward");
  for (int i = 0; i < reps; i++) {
    double t0 = now();
    if (lta_forward(a) != LTA_OK) die("lta_forward");
    t[i] = (now() - t0) * 1e3;
  }
  for (int i = 1; i < reps; i++)
    for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
      double x = t[j];
      t[j] = t[j - 1], t[j - 1] = x;
    }
  return t[reps / 2];
}

static void measure(series *s, const int *lengths, int nlen, int threads, int reps, FILE *csv) {
  for (int c = 0; c < NCONFIG; c++) {
    const config *cf = &configs[c];
    int maxT = lengths[nlen - 1];
    size_t es = cf->dt == LTA_F32 ? 4 : 2, nq = (size_t)B * maxT * H * cf->K;
    size_t nv = (size_t)B * maxT * H * cf->V;
    unsigned seed = 7;
    void *q = filled(nq, es, &seed), *k = filled(nq, es, &seed), *v = filled(nv, es, &seed);
    void *o = malloc(nv * es);
    float *st = malloc((size_t)B * H * cf->K * cf->V * sizeof(float));
    if (!o || !st) die("out of memory");
    for (int kind = 0; kind < KINDS; kind++) {
      series *sr = &s[c * KINDS + kind];
      sr->config = c, sr->generic = kind, sr->n = 0;
      for (int i = 0; i < nlen; i++) {
        lta_forward_args a;
        lta_forward_args_init(&a);
        a.dtype = cf->dt, a.batch = B, a.seqlen = lengths[i];
        a.num_heads = a.num_kv_heads = H, a.head_dim_k = cf->K, a.head_dim_v = cf->V;
        a.q = q, a.k = k, a.v = v, a.o = o, a.final_state = st, a.num_states = B;
        a.layer_idx = 3, a.num_layers = 24, a.num_threads = threads;
        a.isa = kind ? LTA_ISA_GENERIC : LTA_ISA_AUTO;
        const char *name;
        if (lta_forward_kernel(&a, &name) != LTA_OK) die("lta_forward_kernel");
        snprintf(sr->name, sizeof sr->name, "%s", name);
        double ms = time_ms(&a, reps);
        double gf = 4.0 * B * lengths[i] * H * (double)cf->K * cf->V / (ms * 1e6);
        sr->T[sr->n] = lengths[i], sr->ms[sr->n] = ms, sr->gflops[sr->n] = gf, sr->n++;
        fprintf(csv, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%.4f,%.3f\n", name,
                cf->dt == LTA_F32 ? "f32" : "bf16", cf->K, cf->V, B, lengths[i], H, threads,
                kind, ms, gf);
        fflush(csv);
      }
      snprintf(sr->label, sizeof sr->label, "%s %dx%d: %.100s", cf->dt == LTA_F32 ? "f32" : "bf16",
               cf->K, cf->V, kind ? "generic (reference)" : sr->name);
      fprintf(stderr, "lta-chart: %s done\n", sr->label);
    }
    free(q), free(k), free(v), free(o), free(st);
  }
}

static void cpu_model(char *buf, size_t size) {
  snprintf(buf, size, "unknown CPU");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[256];
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "model name", 10) == 0) {
      char *p = strchr(line, ':');
      if (p) {
        p += 1 + (p[1] == ' ');
        p[strcspn(p, "\n")] = 0;
        snprintf(buf, size, "%s", p);
      }
      break;
    }
  fclose(f);
}

/* A round step for about 6 y-axis divisions up to top. */
static double nice_step(double top) {
  double raw = top / 6, mag = pow(10, floor(log10(raw)));
  double m = raw / mag;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * mag;
}

static void write_svg(FILE *f, const series *s, int ns, int threads) {
  static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  const double W = 960, Hh = 540, L = 70, R = 330, T0 = 56, Bm = 60;
  const double pw = W - L - R, ph = Hh - T0 - Bm;
  double ymax = 0;
  int tmin = s[0].T[0], tmax = s[0].T[s[0].n - 1];
  for (int i = 0; i < ns; i++)
    for (int j = 0; j < s[i].n; j++) ymax = fmax(ymax, s[i].gflops[j]);
  double step = nice_step(ymax * 1.05), ytop = ceil(ymax * 1.05 / step) * step;
  double lx0 = log2(tmin), lx1 = log2(tmax);
#define XP(t) (L + (log2(t) - lx0) / (lx1 - lx0 > 0 ? lx1 - lx0 : 1) * pw)
#define YP(g) (T0 + ph - (g) / ytop * ph)
  char cpu[160];
  cpu_model(cpu, sizeof cpu);
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
          "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
          W, Hh, W, Hh);
  fprintf(f,
          "<text x=\"%.0f\" y=\"22\" font-size=\"15\" font-weight=\"bold\">lightattn %s forward: "
          "effective GFLOP/s against sequence length</text>\n"
          "<text x=\"%.0f\" y=\"40\" fill=\"#444\">%s, %d thread%s; B=%d, H=%d, layer 3 of 24, "
          "final state written; median of runs; 4*K*V flops per token and head</text>\n",
          L, lta_version(), L, cpu, threads, threads == 1 ? "" : "s", B, H);
  for (double y = 0; y <= ytop + 1e-9; y += step)
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
            L, YP(y), L + pw, YP(y), L - 6, YP(y) + 4, y);
  for (int j = 0; j < s[0].n; j++)
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
            XP(s[0].T[j]), T0, XP(s[0].T[j]), T0 + ph, XP(s[0].T[j]), T0 + ph + 16, s[0].T[j]);
  fprintf(f,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
          "stroke=\"#888\"/>\n"
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">sequence length T (log scale)</text>\n"
          "<text transform=\"translate(18 %.1f) rotate(-90)\" text-anchor=\"middle\">effective "
          "GFLOP/s</text>\n",
          L, T0, pw, ph, L + pw / 2, Hh - 18, T0 + ph / 2);
  for (int i = 0; i < ns; i++) {
    const char *col = colors[s[i].config % 5], *dash = s[i].generic ? " stroke-dasharray=\"6 4\"" : "";
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", col, dash);
    for (int j = 0; j < s[i].n; j++) fprintf(f, "%.1f,%.1f ", XP(s[i].T[j]), YP(s[i].gflops[j]));
    fprintf(f, "\"/>\n");
    for (int j = 0; j < s[i].n; j++)
      fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n", XP(s[i].T[j]),
              YP(s[i].gflops[j]), col);
    double ly = T0 + 10 + 20 * i, lx = L + pw + 16;
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"2\"%s/><text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s</text>\n",
            lx, ly, lx + 26, ly, col, dash, lx + 32, ly + 4, s[i].label);
  }
  fprintf(f, "</svg>\n");
#undef XP
#undef YP
}

int main(int argc, char **argv) {
  const char *csv_path = "lta-chart.csv", *svg_path = "lta-chart.svg";
  int threads = 1, quick = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) quick = 1;
    else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) threads = atoi(argv[++i]);
    else if (i + 1 < argc && strcmp(argv[i], "--csv") == 0) csv_path = argv[++i];
    else if (i + 1 < argc && strcmp(argv[i], "--svg") == 0) svg_path = argv[++i];
    else {
      fprintf(stderr, "usage: lta-chart [--threads N] [--csv FILE] [--svg FILE] [--quick]\n");
      return 2;
    }
  }
  if (threads < 1) threads = 1;
  static const int full[] = {64, 128, 256, 512, 1024, 2048, 4096, 8192};
  static const int short_[] = {16, 64, 256};
  const int *lengths = quick ? short_ : full;
  int nlen = quick ? 3 : 8, reps = quick ? 1 : 5;

  FILE *csv = fopen(csv_path, "w");
  if (!csv) return fprintf(stderr, "lta-chart: cannot write %s\n", csv_path), 1;
  fprintf(csv, "kernel,dtype,K,V,B,T,H,threads,generic,ms,gflops\n");
  series s[NCONFIG * KINDS];
  measure(s, lengths, nlen, threads, reps, csv);
  if (fclose(csv) != 0) return fprintf(stderr, "lta-chart: cannot write %s\n", csv_path), 1;

  /* The generic kernel serves 48x48 both ways: one line for it is enough. */
  int ns = 0;
  for (int i = 0; i < NCONFIG * KINDS; i++)
    if (!(s[i].generic && i > 0 && strcmp(s[i].name, s[i - 1].name) == 0)) s[ns++] = s[i];
  FILE *svg = fopen(svg_path, "w");
  if (!svg) return fprintf(stderr, "lta-chart: cannot write %s\n", svg_path), 1;
  write_svg(svg, s, ns, threads);
  if (fclose(svg) != 0) return fprintf(stderr, "lta-chart: cannot write %s\n", svg_path), 1;
  printf("lta-chart: wrote %s and %s (%d lines)\n", csv_path, svg_path, ns);
  return 0;
}
