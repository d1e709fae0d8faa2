/* ref.h: the tests' double-precision reference and the helpers around it.
 *
 * The reference is the plain recurrence of SPEC section 1 in double, fed the same (rounded)
 * inputs as the kernels. Its element decoding is written here, independently of the library's.
 */
#ifndef LTA_TEST_REF_H
#define LTA_TEST_REF_H

#include <stddef.h>
#include <stdint.h>

#include "lightattn.h"

typedef struct ref_case {
  lta_dtype dtype;
  int64_t B, T, H, Hkv, K, V;
  int reverse;
  const void *q, *k, *v;      /* in dtype */
  const float *s0;            /* [N,H,K,V] or NULL */
  const int64_t *cu;          /* [N+1] or NULL */
  int64_t N;
  const float *g_gamma;       /* [H] */
  float scale;
  double *o;                  /* out: [B*T, H, V] */
  double *sT;                 /* out: [N, H, K, V] */
} ref_case;

void ref_forward(const ref_case *c);

/* The backward of SPEC section 2, in double, for c's inputs (its o and sT are neither read nor
 * written and may be NULL). d_o is in c->dtype [B*T, H, V]; d_sT fp32 [N, H, K, V] or NULL
 * (zero). Writes dq [B*T, H, K], dk [B*T, Hkv, K], dv [B*T, Hkv, V] (summed over the query heads
 * of each kv head's group) and ds0 [N, H, K, V] (the gradient of the initial state; NULL: not
 * wanted). Plain: a forward pass keeps every state S_t, then G walks back over them. */
void ref_backward(const ref_case *c, const void *d_o, const float *d_sT, double *dq, double *dk,
                  double *dv, double *ds0);

/* Element decoding and encoding, independent of the library. */
double ref_decode(lta_dtype dtype, const void *buf, int64_t i);
void ref_encode(lta_dtype dtype, void *buf, int64_t i, double x); /* round to nearest even */
size_t ref_elem_size(lta_dtype dtype);

/* A small deterministic generator. */
typedef struct ref_rng { uint64_t s; } ref_rng;
double ref_uniform(ref_rng *r); /* in [-1, 1) */

/* Fills n elements of dtype with uniform values in [-amp, amp), rounded to dtype. */
void ref_fill(ref_rng *r, lta_dtype dtype, void *buf, int64_t n, double amp);

/* max |got - want| / max(max |want|, tiny) over n elements; got in dtype or float. */
double ref_error(lta_dtype dtype, const void *got, const double *want, int64_t n);
double ref_error_f32(const float *got, const double *want, int64_t n);

/* Tolerances of SPEC section 4, on the error normalised by the largest reference value. */
#define TOL_F32 2e-5     /* f32 outputs and every fp32 state */
#define TOL_F16 2e-3     /* f16 outputs: the f16 rounding (2^-11) plus accumulation */
#define TOL_BF16 1e-2    /* bf16 outputs: the bf16 rounding (2^-8) plus accumulation */
double ref_tol(lta_dtype dtype); /* the output tolerance of dtype */

/* RetNet's decays, log(1 - 2^(-5-h)), as an explicit g_gamma. */
void ref_retnet_g_gamma(int64_t H, float *g);

#endif
