/* example.c: lightattn used from an installed copy (find_package or pkg-config).
 *
 * The seed's example: q, k, v of shape (2, 100, 8, D), layer 5 of 24, the final state out,
 * checked against a plain double-precision loop of the recurrence; then one bad call, to show
 * the error message. D is 64, or argv[1]; with argv[2], o and the final state are also written
 * there as raw float32 (examples/seed_example.py compares the Python package's results with
 * them). Built with LTA_EXAMPLE_EXTRA, it first registers the
 * extra kernels that lightattn_add_kernels(lta_example_kernels ...) generated (K = V = 96).
 * Exit status 0 when the results match.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lightattn.h"
#ifdef LTA_EXAMPLE_EXTRA
#include "lta_example_kernels.h"
#endif

enum { B = 2, T = 100, H = 8 };

static float uniform(unsigned *s) {
  *s = *s * 1664525u + 1013904223u;
  return (float)(*s >> 8) * 0x1.0p-23f - 1.0f;
}

int main(int argc, char **argv) {
  int D = argc > 1 ? atoi(argv[1]) : 64;
  if (D < 1 || D > 512) return fprintf(stderr, "usage: %s [head_dim 1..512]\n", argv[0]), 2;
#ifdef LTA_EXAMPLE_EXTRA
  if (lta_example_kernels_register() != LTA_OK)
    return fprintf(stderr, "register: %s\n", lta_last_error()), 1;
#endif
  size_t n = (size_t)B * T * H * D, ns = (size_t)B * H * D * D;
  float *q = malloc(n * 4), *k = malloc(n * 4), *v = malloc(n * 4), *o = malloc(n * 4);
  float *s = malloc(ns * 4), g[H];
  double *S = calloc((size_t)D * D, sizeof(double));
  if (!q || !k || !v || !o || !s || !S) return fprintf(stderr, "out of memory\n"), 1;
  unsigned seed = 42;
  for (size_t i = 0; i < n; i++) q[i] = uniform(&seed), k[i] = uniform(&seed), v[i] = uniform(&seed);

  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = LTA_F32;
  a.batch = B, a.seqlen = T, a.num_heads = a.num_kv_heads = H;
  a.head_dim_k = a.head_dim_v = D;
  a.q = q, a.k = k, a.v = v, a.o = o;
  a.layer_idx = 5, a.num_layers = 24;
  a.final_state = s, a.num_states = B;
  const char *kernel;
  if (lta_forward_kernel(&a, &kernel) != LTA_OK || lta_forward(&a) != LTA_OK)
    return fprintf(stderr, "lta_forward: %s\n", lta_last_error()), 1;

  /* The recurrence of the README, in double: decay, add k v^T, read with scale * q. */
  lta_seed_g_gamma(H, 5, 24, g);
  double scale = 1.0 / sqrt((double)D), err = 0, mag = 0, serr = 0, smag = 0;
  for (int b = 0; b < B; b++)
    for (int h = 0; h < H; h++) {
      double lam = exp((double)g[h]);
      for (int i = 0; i < D * D; i++) S[i] = 0;
      for (int t = 0; t < T; t++) {
        size_t row = (((size_t)b * T + t) * H + h) * D;
        for (int i = 0; i < D; i++)
          for (int j = 0; j < D; j++) S[i * D + j] = lam * S[i * D + j] + (double)k[row + i] * v[row + j];
        for (int j = 0; j < D; j++) {
          double x = 0;
          for (int i = 0; i < D; i++) x += scale * q[row + i] * S[i * D + j];
          err = fmax(err, fabs(o[row + j] - x)), mag = fmax(mag, fabs(x));
        }
      }
      for (int i = 0; i < D * D; i++) {
        double y = s[((size_t)b * H + h) * D * D + i];
        serr = fmax(serr, fabs(y - S[i])), smag = fmax(smag, fabs(S[i]));
      }
    }
  printf("lightattn %s: q, k, v (%d, %d, %d, %d), layer 5 of 24, kernel %s\n", lta_version(), B,
         T, H, D, kernel);
  printf("o[0,0,0,:3] = [%.6f %.6f %.6f]; error against a double loop: output %.2e, state %.2e\n",
         o[0], o[1], o[2], err / mag, serr / smag);

  if (argc > 2) {
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(o, 4, n, f) != n || fwrite(s, 4, ns, f) != ns || fclose(f) != 0)
      return fprintf(stderr, "cannot write %s\n", argv[2]), 1;
  }
  a.num_kv_heads = 3; /* a bad call: nothing is written, the message names the argument */
  lta_status st = lta_forward(&a);
  printf("bad call: %s: %s\n", lta_status_name(st), lta_last_error());
  free(q), free(k), free(v), free(o), free(s), free(S);
  return (err / mag < 2e-5 && serr / smag < 2e-5 && st == LTA_ERR_HEADS) ? 0 : 1;
}
