/* ref.c: the double-precision reference of SPEC section 1 (see ref.h). */
#include "ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t ref_elem_size(lta_dtype dtype) { return dtype == LTA_F32 ? 4 : 2; }

double ref_decode(lta_dtype dtype, const void *buf, int64_t i) {
  if (dtype == LTA_F32) return ((const float *)buf)[i];
  uint16_t h = ((const uint16_t *)buf)[i];
  if (dtype == LTA_BF16) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
  }
  int sign = h >> 15, e = (h >> 10) & 31, m = h & 1023;
  double x;
  if (e == 31) x = m ? NAN : INFINITY;
  else if (e == 0) x = ldexp(m, -24);
  else x = ldexp(1024 + m, e - 25);
  return sign ? -x : x;
}

#ifndef __FLT16_MAX__
/* f to f16, rounded to nearest even through the exponent (11 significant bits, subnormals
 * on a 2^-24 grid), for compilers that have no _Float16 type. */
static uint16_t f16_round(float f) {
  uint16_t sign = signbit(f) ? 0x8000 : 0;
  double a = fabs((double)f), r;
  if (isnan(a)) return 0x7e00;
  if (a < 0x1p-14) {
    r = nearbyint(ldexp(a, 24)); /* subnormal (or the smallest normal, 1024) */
    return sign | (uint16_t)r;
  }
  int e;
  double m = frexp(a, &e); /* a = m * 2^e, 0.5 <= m < 1 */
  r = ldexp(nearbyint(ldexp(m, 11)), e - 11);
  if (r >= 65520.0 || isinf(a)) return sign | 0x7c00;
  m = frexp(r, &e);
  return sign | (uint16_t)((e + 14) << 10) | (uint16_t)(ldexp(m, 11) - 1024);
}
#endif

void ref_encode(lta_dtype dtype, void *buf, int64_t i, double x) {
  if (dtype == LTA_F32) {
    ((float *)buf)[i] = (float)x;
  } else if (dtype == LTA_F16) {
#ifdef __FLT16_MAX__
    _Float16 h = (_Float16)(float)x; /* the compiler's own rounding, not the library's */
    memcpy((uint16_t *)buf + i, &h, 2);
#else
    ((uint16_t *)buf)[i] = f16_round((float)x); /* compilers without _Float16 (clang 14) */
#endif
  } else {
    /* Round to nearest even through the exponent: bf16 keeps 8 significant bits. */
    float f = (float)x;
    int e;
    double m = frexp(f, &e); /* f = m * 2^e, 0.5 <= |m| < 1 */
    double r = ldexp(nearbyint(ldexp(m, 8)), e - 8);
    float g = (float)r;
    uint32_t u;
    memcpy(&u, &g, 4);
    ((uint16_t *)buf)[i] = (uint16_t)(u >> 16);
  }
}

double ref_uniform(ref_rng *r) {
  /* splitmix64 */
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-52 - 1.0;
}

void ref_fill(ref_rng *r, lta_dtype dtype, void *buf, int64_t n, double amp) {
  for (int64_t i = 0; i < n; i++) ref_encode(dtype, buf, i, amp * ref_uniform(r));
}

static double max_abs(const double *x, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; i++) m = fmax(m, fabs(x[i]));
  return m > 1e-30 ? m : 1e-30;
}

double ref_error(lta_dtype dtype, const void *got, const double *want, int64_t n) {
  double worst = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = fabs(ref_decode(dtype, got, i) - want[i]);
    if (!(d <= worst)) worst = d; /* NaN is the worst */
  }
  return worst / max_abs(want, n);
}

double ref_error_f32(const float *got, const double *want, int64_t n) {
  return ref_error(LTA_F32, got, want, n);
}

double ref_tol(lta_dtype dtype) {
  return dtype == LTA_F32 ? TOL_F32 : dtype == LTA_F16 ? TOL_F16 : TOL_BF16;
}

void ref_retnet_g_gamma(int64_t H, float *g) {
  for (int64_t h = 0; h < H; h++) g[h] = (float)log(1.0 - ldexp(1.0, -5 - (int)(h % 40)));
}

void ref_forward(const ref_case *c) {
  const int64_t H = c->H, Hkv = c->Hkv, K = c->K, V = c->V, group = H / Hkv;
  double *S = malloc((size_t)(K * V) * sizeof(double));
  double *q = malloc((size_t)K * sizeof(double)), *k = malloc((size_t)K * sizeof(double));
  double *v = malloc((size_t)V * sizeof(double));
  for (int64_t n = 0; n < c->N; n++) {
    int64_t r0 = c->cu ? c->cu[n] : n * c->T, r1 = c->cu ? c->cu[n + 1] : (n + 1) * c->T;
    for (int64_t h = 0; h < H; h++) {
      int64_t hk = h / group, st = (n * H + h) * K * V;
      double lam = exp((double)c->g_gamma[h]);
      for (int64_t i = 0; i < K * V; i++) S[i] = c->s0 ? c->s0[st + i] : 0.0;
      for (int64_t step = 0; step < r1 - r0; step++) {
        int64_t r = c->reverse ? r1 - 1 - step : r0 + step;
        for (int64_t i = 0; i < K; i++) {
          q[i] = (double)c->scale * ref_decode(c->dtype, c->q, (r * H + h) * K + i);
          k[i] = ref_decode(c->dtype, c->k, (r * Hkv + hk) * K + i);
        }
        for (int64_t j = 0; j < V; j++) v[j] = ref_decode(c->dtype, c->v, (r * Hkv + hk) * V + j);
        double *o = c->o + (r * H + h) * V;
        for (int64_t j = 0; j < V; j++) o[j] = 0;
        for (int64_t i = 0; i < K; i++) {
          double *Si = S + i * V;
          for (int64_t j = 0; j < V; j++) {
            Si[j] = lam * Si[j] + k[i] * v[j];
            o[j] += q[i] * Si[j];
          }
        }
      }
      for (int64_t i = 0; i < K * V; i++) c->sT[st + i] = S[i];
    }
  }
  free(S);
  free(q);
  free(k);
  free(v);
}

void ref_backward(const ref_case *c, const void *d_o, const float *d_sT, double *dq, double *dk,
                  double *dv, double *ds0) {
  const int64_t H = c->H, Hkv = c->Hkv, K = c->K, V = c->V, group = H / Hkv;
  const int64_t rows = c->cu ? c->cu[c->N] : c->B * c->T;
  int64_t longest = 0;
  for (int64_t n = 0; n < c->N; n++) {
    int64_t len = c->cu ? c->cu[n + 1] - c->cu[n] : c->T;
    if (len > longest) longest = len;
  }
  for (int64_t i = 0; i < rows * H * K; i++) dq[i] = 0;
  for (int64_t i = 0; i < rows * Hkv * K; i++) dk[i] = 0;
  for (int64_t i = 0; i < rows * Hkv * V; i++) dv[i] = 0;
  /* S + s * K * V is the state after the s-th processed token of the sequence. */
  double *S = malloc((size_t)((longest + 1) * K * V) * sizeof(double));
  double *G = malloc((size_t)(K * V) * sizeof(double));
  double *q = malloc((size_t)K * sizeof(double)), *k = malloc((size_t)K * sizeof(double));
  double *v = malloc((size_t)V * sizeof(double)), *g = malloc((size_t)V * sizeof(double));
  for (int64_t n = 0; n < c->N; n++) {
    int64_t r0 = c->cu ? c->cu[n] : n * c->T, r1 = c->cu ? c->cu[n + 1] : (n + 1) * c->T;
    for (int64_t h = 0; h < H; h++) {
      int64_t hk = h / group, st = (n * H + h) * K * V;
      double lam = exp((double)c->g_gamma[h]), sc = (double)c->scale;
      /* Forward: S_0 is the initial state, S_{s+1} the state after processed token s. */
      for (int64_t i = 0; i < K * V; i++) S[i] = c->s0 ? c->s0[st + i] : 0.0;
      for (int64_t s = 0; s < r1 - r0; s++) {
        int64_t r = c->reverse ? r1 - 1 - s : r0 + s;
        const double *prev = S + s * K * V;
        double *cur = S + (s + 1) * K * V;
        for (int64_t i = 0; i < K; i++) {
          double ki = ref_decode(c->dtype, c->k, (r * Hkv + hk) * K + i);
          for (int64_t j = 0; j < V; j++)
            cur[i * V + j] =
                lam * prev[i * V + j] + ki * ref_decode(c->dtype, c->v, (r * Hkv + hk) * V + j);
        }
      }
      /* Backward: G is dL/dS after the token being visited, then (times lam) before it. */
      for (int64_t i = 0; i < K * V; i++) G[i] = d_sT ? d_sT[st + i] : 0.0;
      for (int64_t s = r1 - r0 - 1; s >= 0; s--) {
        int64_t r = c->reverse ? r1 - 1 - s : r0 + s;
        const double *St = S + (s + 1) * K * V;
        for (int64_t i = 0; i < K; i++) {
          q[i] = ref_decode(c->dtype, c->q, (r * H + h) * K + i);
          k[i] = ref_decode(c->dtype, c->k, (r * Hkv + hk) * K + i);
        }
        for (int64_t j = 0; j < V; j++) {
          v[j] = ref_decode(c->dtype, c->v, (r * Hkv + hk) * V + j);
          g[j] = ref_decode(c->dtype, d_o, (r * H + h) * V + j);
        }
        for (int64_t i = 0; i < K; i++)
          for (int64_t j = 0; j < V; j++) G[i * V + j] += sc * q[i] * g[j];
        for (int64_t i = 0; i < K; i++) {
          double a = 0, b = 0;
          for (int64_t j = 0; j < V; j++) {
            a += St[i * V + j] * g[j];
            b += G[i * V + j] * v[j];
          }
          dq[(r * H + h) * K + i] = sc * a;
          dk[(r * Hkv + hk) * K + i] += b;
        }
        for (int64_t j = 0; j < V; j++) {
          double a = 0;
          for (int64_t i = 0; i < K; i++) a += G[i * V + j] * k[i];
          dv[(r * Hkv + hk) * V + j] += a;
        }
        for (int64_t i = 0; i < K * V; i++) G[i] *= lam;
      }
      if (ds0)
        for (int64_t i = 0; i < K * V; i++) ds0[st + i] = G[i];
    }
  }
  free(S);
  free(G);
  free(q);
  free(k);
  free(v);
  free(g);
}
