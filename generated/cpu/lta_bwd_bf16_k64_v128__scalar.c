/* Auto-generated file. Do not edit!
 *   Template:  templates/cpu_bwd.c.lt
 *   Kernel:    lta_bwd_bf16_k64_v128__scalar
 *   Key:       op=bwd dtype=bf16 K=64 V=128 H=any dir=fwd target=scalar
 *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.
 * One file per kernel: each specialization is compiled with its own ISA flags
 * and only what a template or key change touches is rebuilt.
 */
#include <math.h>

#include "lta_kernel.h"

/* The mapping of scalar: 1 float lane(s) per vector. */
#define LTA_V_VEC float
#define LTA_V_ZERO() 0.0f
#define LTA_V_SET1(x) (x)
#define LTA_V_LOAD(p) (*(p))
#define LTA_V_STORE(p, x) (*(p) = (x))
#define LTA_V_MUL(a, b) ((a) * (b))
#define LTA_V_FMA(a, b, c) ((a) * (b) + (c))
#define LTA_V_LOAD_F32(p) (*(p))
#define LTA_V_LOAD_F16(p) lta_f16_to_f32(*(p))
#define LTA_V_LOAD_BF16(p) lta_bf16_to_f32(*(p))
#define LTA_V_STORE_F32(p, x) (*(p) = (x))
#define LTA_V_STORE_F16(p, x) (*(p) = lta_f32_to_f16(x))
/* The same operations on one float, for tails. */
#define LTA_S_VEC float
#define LTA_S_ZERO() 0.0f
#define LTA_S_SET1(x) (x)
#define LTA_S_LOAD(p) (*(p))
#define LTA_S_STORE(p, x) (*(p) = (x))
#define LTA_S_MUL(a, b) ((a) * (b))
#define LTA_S_FMA(a, b, c) ((a) * (b) + (c))

void lta_bwd_bf16_k64_v128__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws);
size_t lta_bwd_bf16_k64_v128__scalar_workspace(const lta_problem *p);

/* Row r of the flattened token axis at step `step` of a walk over [row0, row1): the forward's
 * direction (first to last), or its opposite. */
static inline int64_t lta_bwd_bf16_k64_v128__scalar_row(int64_t row0, int64_t row1, int64_t step, int forward) {
  return forward ? row0 + step : row1 - 1 - step;
}

/* The rows that the next item loads (see load_chunk in the template), their cache lines asked
 * for in order from line `at` of row i on. */
typedef struct {
  const char *start[96], *end[96]; /* a row's first line, and its end */
  const char *at;
  int64_t n, i; /* rows listed; the row asked for now */
} lta_bwd_bf16_k64_v128__scalar_next;

static inline void lta_bwd_bf16_k64_v128__scalar_ask(lta_bwd_bf16_k64_v128__scalar_next *nx, const void *row, size_t bytes) {
  nx->start[nx->n] = (const char *)((uintptr_t)row & ~(uintptr_t)63);
  nx->end[nx->n] = (const char *)row + bytes;
  if (nx->n++ == 0) nx->at = nx->start[0];
}

/* Asks for the next per lines (opens a tile of the products that close an item). */
static inline void lta_bwd_bf16_k64_v128__scalar_step(lta_bwd_bf16_k64_v128__scalar_next *nx, const int per) {
  for (int k = 0; k < per && nx->i < nx->n; k++) {
    __builtin_prefetch(nx->at, 0, 2);
    nx->at += 64;
    if (nx->at >= nx->end[nx->i] && ++nx->i < nx->n) nx->at = nx->start[nx->i];
  }
}

/* Items [item0, item1) of one sequence (consecutive kv heads), their query heads h0.. in
 * lockstep: dq chunk by chunk in the forward's direction, then dk, dv and d_initial_state in the
 * opposite one. A token's rows of the heads are neighbours in memory: one page and one prefetch
 * stream serve them all. The heads' states and decays live in ws after the chunk's buffers. */
static void lta_bwd_bf16_k64_v128__scalar_group(const lta_problem *p, int64_t item0, int64_t item1, float *ws) {
  const int64_t K = 64, V = 128, C = 16, KV = K * V;
  const int64_t H = p->num_heads, Hkv = p->num_kv_heads, G = H / Hkv;
  const int64_t n = item0 / Hkv, hk0 = item0 % Hkv, NI = item1 - item0, h0 = hk0 * G;
  int64_t row0, row1;
  lta_seq_rows(p, n, &row0, &row1);
  const int64_t len = row1 - row0;
  const uint16_t *q = (const uint16_t *)p->q, *k = (const uint16_t *)p->k, *v = (const uint16_t *)p->v;
  const uint16_t *d_o = (const uint16_t *)p->d_o;
  uint16_t *d_q = (uint16_t *)p->d_q, *d_k = (uint16_t *)p->d_k, *d_v = (uint16_t *)p->d_v;
  float *Kc = ws, *Vc = Kc + lta_ws_floats(C * K), *Kt = Vc + lta_ws_floats(C * V);
  float *Vt = Kt + lta_ws_floats(K * C), *Qs = Vt + lta_ws_floats(V * C);
  float *Oc = Qs + lta_ws_floats(C * K), *A = Oc + lta_ws_floats(C * V), *P = A + lta_ws_floats(C * C);
  float *Kd = P + lta_ws_floats(C * C), *Vd = Kd + lta_ws_floats(C * K), *dKT = Vd + lta_ws_floats(C * V);
  float *dKx = dKT + lta_ws_floats(K * C), *dKc = dKx + lta_ws_floats(C * K), *dVc = dKc + lta_ws_floats(C * K);
  /* per head: D[d] = exp(g d), d = 0..C, then Dm[i][j] = D[i - j] for j <= i (else 0) */
  const int64_t DS = lta_ws_floats(C + 1) + lta_ws_floats(C * C);
  float *states = dVc + lta_ws_floats(C * V), *decays = states + NI * G * lta_ws_floats(KV);
  float Dr[16]; /* D[L - 1 - t] for t < L, else 0 */
  lta_bwd_bf16_k64_v128__scalar_next nx;
  const int keepP = G * C * (int64_t)sizeof(float) <= K * (int64_t)sizeof(uint16_t);
  nx.n = nx.i = 0, nx.at = NULL;
  memset(Kc, 0, (size_t)(C * K) * sizeof(float)); /* rows past a short chunk stay finite */
  memset(Vc, 0, (size_t)(C * V) * sizeof(float));
  for (int64_t h = h0; h < h0 + NI * G; h++) {
    float *D = decays + (h - h0) * DS, *Dm = D + lta_ws_floats(C + 1), *St = states + (h - h0) * lta_ws_floats(KV);
    const float g = p->g_gamma[h];
    for (int64_t d = 0; d <= C; d++) D[d] = expf(g * (float)d);
    for (int64_t i = 0; i < C; i++)
      for (int64_t j = 0; j < C; j++) Dm[i * C + j] = j <= i ? D[i - j] : 0.0f;
    if (p->initial_state) {
      const float *s0 = p->initial_state + (n * H + h) * KV;
    for (int64_t t = 0; t < K; t++)
      for (int64_t i = 0; i < V; i++) St[i * K + t] = s0[t * V + i];
    } else {
      memset(St, 0, (size_t)KV * sizeof(float));
    }
  }

  /* 1. dq, chunk by chunk in the forward's direction. */
  for (int64_t c0 = 0; c0 < len; c0 += C)
  for (int64_t hk = hk0; hk < hk0 + NI; hk++) {
    const int64_t L = len - c0 < C ? len - c0 : C;
    for (int64_t tt = c0 + C + hk - hk0; tt < c0 + C + C; tt += NI)
      if (tt >= 0 && tt < len) {
        const int64_t rr = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, tt, 1);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(k + rr * Hkv * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * V * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(v + rr * Hkv * V) + b, 0, 2);
        for (int64_t b = 0; b < H * V * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(d_o + rr * H * V) + b, 0, 2);
        for (int64_t b = 0; b < H * K * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(d_q + rr * H * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(d_k + rr * Hkv * K) + b, 0, 2);
      }
    nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, c0 + t, 1);
      const int64_t xn = hk + 1 < hk0 + NI ? hk + 1 : hk0;
      const int64_t sn = xn > hk ? c0 + t : c0 + C + t, rn = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const uint16_t *kr = k + (r * Hkv + hk) * K, *vr = v + (r * Hkv + hk) * V;
      if (next) {
        lta_bwd_bf16_k64_v128__scalar_ask(&nx, k + (rn * Hkv + xn) * K, K * sizeof(uint16_t));
        lta_bwd_bf16_k64_v128__scalar_ask(&nx, v + (rn * Hkv + xn) * V, V * sizeof(uint16_t));
        if (keepP) lta_bwd_bf16_k64_v128__scalar_ask(&nx, d_k + (rn * Hkv + xn) * K, G * C * sizeof(float));
      }
      for (int64_t i = 0; i < 64; i += 1)
        LTA_V_STORE(Kc + t * K + i, LTA_V_MUL(LTA_V_LOAD_BF16(kr + i), LTA_V_SET1(1.0f)));
      for (int64_t i = 0; i < 128; i += 1)
        LTA_V_STORE(Vc + t * V + i, LTA_V_MUL(LTA_V_LOAD_BF16(vr + i), LTA_V_SET1(1.0f)));
    }
    for (int64_t t = 0; t < L; t++)
      for (int64_t i = 0; i < V; i++) Vt[i * C + t] = Vc[t * V + i];
    for (int64_t e = 0; e < G; e++) {
      const int64_t h = hk * G + e;
      const float *D = decays + (h - h0) * DS, *Dm = D + lta_ws_floats(C + 1);
      for (int64_t t = 0; t < C; t++) Dr[t] = t < L ? D[L - 1 - t] : 0.0f;
      float *St = states + (h - h0) * lta_ws_floats(KV);
      const float dL = D[L];
      const LTA_V_VEC dLv = LTA_V_SET1(dL);
      (void)dL, (void)dLv;
      uint16_t *dqrow[16]; /* the chunk's dq rows */
    if (e > 0) nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, c0 + t, 1);
      const int64_t xn = h + 1 < h0 + NI * G ? h + 1 : h0;
      const int64_t sn = xn > h ? c0 + t : c0 + C + t, rn = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const uint16_t *dor = d_o + (r * H + h) * V;
      if (next) lta_bwd_bf16_k64_v128__scalar_ask(&nx, d_o + (rn * H + xn) * V, V * sizeof(uint16_t));
      for (int64_t i = 0; i < 128; i += 1)
        LTA_V_STORE(Oc + t * V + i, LTA_V_MUL(LTA_V_LOAD_BF16(dor + i), LTA_V_SET1(p->scale)));
      dqrow[t] = d_q + (r * H + h) * K;
      if (next) lta_bwd_bf16_k64_v128__scalar_ask(&nx, d_q + (rn * H + xn) * K, K * sizeof(uint16_t));
    }
      /* Scores, then the decay mask: the triangle above the diagonal is selected to 0. */
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
          for (int64_t jb = 0; jb < i0 + 4; jb += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c1_2 = LTA_V_ZERO();
          LTA_V_VEC c1_3 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c2_2 = LTA_V_ZERO();
          LTA_V_VEC c2_3 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          LTA_V_VEC c3_2 = LTA_V_ZERO();
          LTA_V_VEC c3_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vt + u * C + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Vt + u * C + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Vt + u * C + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(Oc[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(Oc[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(Oc[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 1, c0_1);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 2, c0_2);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 3, c0_3);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 1, c1_1);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 2, c1_2);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 3, c1_3);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 1, c2_1);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 2, c2_2);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 3, c2_3);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 1, c3_1);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 2, c3_2);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 3, c3_3);
        }
        for (; i0 < L; i0++)
          for (int64_t jb = 0; jb < i0 + 1; jb += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vt + u * C + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Vt + u * C + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Vt + u * C + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 1, c0_1);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 2, c0_2);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 3, c0_3);
        }
      }
      for (int64_t i = 0; i < L; i++) {
        float *Ai = P + i * C;
        const float *Mi = Dm + i * C;
        for (int64_t j = 0; j < C; j++) Ai[j] = j <= i ? Ai[j] * Mi[j] : 0.0f;
        for (int64_t j = 0; j < V; j++) Oc[i * V + j] *= D[i + 1];
      }
      if (keepP) /* for pass 2 */
        for (int64_t t = 0; t < L; t++)
          memcpy((char *)(d_k + (lta_bwd_bf16_k64_v128__scalar_row(row0, row1, c0 + t, 1) * Hkv + hk) * K) + e * C * sizeof(float),
                 P + t * C, C * sizeof(float));
      for (int64_t jb = 0; jb + 4 <= K; jb += 4)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c1_2 = LTA_V_ZERO();
          LTA_V_VEC c1_3 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c2_2 = LTA_V_ZERO();
          LTA_V_VEC c2_3 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          LTA_V_VEC c3_2 = LTA_V_ZERO();
          LTA_V_VEC c3_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kc + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(P[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(P[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kc + u * K + jb + 3);
            const LTA_V_VEC a1 = LTA_V_SET1(P[(i0 + 1) * C + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kc + u * K + jb + 3);
            const LTA_V_VEC a2 = LTA_V_SET1(P[(i0 + 2) * C + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          {
            const int64_t u = i0 + 3;
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kc + u * K + jb + 3);
            const LTA_V_VEC a3 = LTA_V_SET1(P[(i0 + 3) * C + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(St + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(St + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(St + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(St + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(Oc[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(Oc[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(Oc[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 1, c0_1);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 2, c0_2);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 3, c0_3);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 1, c1_1);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 2, c1_2);
          LTA_V_STORE(Qs + (i0 + 1) * K + jb + 3, c1_3);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 1, c2_1);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 2, c2_2);
          LTA_V_STORE(Qs + (i0 + 2) * K + jb + 3, c2_3);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 1, c3_1);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 2, c3_2);
          LTA_V_STORE(Qs + (i0 + 3) * K + jb + 3, c3_3);
        }
        for (; i0 < L; i0++)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < i0 + 1; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kc + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(P[(i0 + 0) * C + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(St + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(St + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(St + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(St + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 1, c0_1);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 2, c0_2);
          LTA_V_STORE(Qs + (i0 + 0) * K + jb + 3, c0_3);
        }
      }
      for (int64_t t = 0; t < L; t++) {
        uint16_t *dqt = dqrow[t];
        const float *qbt = Qs + t * K;
        lta_store_bf16(dqt + 0, qbt + 0, 64);
      }
      for (int64_t t = 0; t < L; t++)
        for (int64_t i = 0; i < V; i++) Vd[t * V + i] = Vc[t * V + i] * Dr[t];
      for (int64_t jb = 0; jb + 4 <= K; jb += 4)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= V; i0 += 4)
        {
          lta_bwd_bf16_k64_v128__scalar_step(&nx, 1);
          __builtin_prefetch(St + (i0 + 4) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 5) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 6) * K + jb + 0);
          __builtin_prefetch(St + (i0 + 7) * K + jb + 0);
          LTA_V_VEC c0_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c0_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 1));
          LTA_V_VEC c0_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 2));
          LTA_V_VEC c0_3 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 0) * K + jb + 3));
          LTA_V_VEC c1_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 0));
          LTA_V_VEC c1_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 1));
          LTA_V_VEC c1_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 2));
          LTA_V_VEC c1_3 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 1) * K + jb + 3));
          LTA_V_VEC c2_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 0));
          LTA_V_VEC c2_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 1));
          LTA_V_VEC c2_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 2));
          LTA_V_VEC c2_3 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 2) * K + jb + 3));
          LTA_V_VEC c3_0 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 0));
          LTA_V_VEC c3_1 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 1));
          LTA_V_VEC c3_2 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 2));
          LTA_V_VEC c3_3 = LTA_V_MUL(dLv, LTA_V_LOAD(St + (i0 + 3) * K + jb + 3));
          for (int64_t u = 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kc + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kc + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kc + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kc + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Vd[u * V + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(Vd[u * V + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(Vd[u * V + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(Vd[u * V + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(St + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(St + (i0 + 0) * K + jb + 1, c0_1);
          LTA_V_STORE(St + (i0 + 0) * K + jb + 2, c0_2);
          LTA_V_STORE(St + (i0 + 0) * K + jb + 3, c0_3);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 1, c1_1);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 2, c1_2);
          LTA_V_STORE(St + (i0 + 1) * K + jb + 3, c1_3);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 1, c2_1);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 2, c2_2);
          LTA_V_STORE(St + (i0 + 2) * K + jb + 3, c2_3);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 1, c3_1);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 2, c3_2);
          LTA_V_STORE(St + (i0 + 3) * K + jb + 3, c3_3);
        }
      }
    }
  }

  /* 2. dk, dv and d_initial_state, chunk by chunk in the opposite direction. */
  for (int64_t h = h0; h < h0 + NI * G; h++) {
    float *dS = states + (h - h0) * lta_ws_floats(KV);
    if (p->d_sT)
      memcpy(dS, p->d_sT + (n * H + h) * KV, (size_t)KV * sizeof(float));
    else
      memset(dS, 0, (size_t)KV * sizeof(float));
  }
  for (int64_t c0 = (len - 1) / C * C; c0 >= 0 && len > 0; c0 -= C)
  for (int64_t hk = hk0; hk < hk0 + NI; hk++) {
    const int64_t L = len - c0 < C ? len - c0 : C;
    for (int64_t tt = c0 + -C + hk - hk0; tt < c0 + -C + C; tt += NI)
      if (tt >= 0 && tt < len) {
        const int64_t rr = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, tt, 1);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(k + rr * Hkv * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * V * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(v + rr * Hkv * V) + b, 0, 2);
        for (int64_t b = 0; b < H * V * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(d_o + rr * H * V) + b, 0, 2);
        for (int64_t b = 0; b < H * K * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(q + rr * H * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * K * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(d_k + rr * Hkv * K) + b, 0, 2);
        for (int64_t b = 0; b < Hkv * V * (int64_t)sizeof(uint16_t); b += 4096)
          __builtin_prefetch((const char *)(d_v + rr * Hkv * V) + b, 0, 2);
      }
    nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, c0 + t, 1);
      const int64_t xn = hk + 1 < hk0 + NI ? hk + 1 : hk0;
      const int64_t sn = xn > hk ? c0 + t : c0 + -C + t, rn = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const uint16_t *kr = k + (r * Hkv + hk) * K, *vr = v + (r * Hkv + hk) * V;
      if (next) {
        lta_bwd_bf16_k64_v128__scalar_ask(&nx, k + (rn * Hkv + xn) * K, K * sizeof(uint16_t));
        lta_bwd_bf16_k64_v128__scalar_ask(&nx, v + (rn * Hkv + xn) * V, V * sizeof(uint16_t));
        lta_bwd_bf16_k64_v128__scalar_ask(&nx, d_k + (rn * Hkv + xn) * K, K * sizeof(uint16_t));
        lta_bwd_bf16_k64_v128__scalar_ask(&nx, d_v + (rn * Hkv + xn) * V, V * sizeof(uint16_t));
      }
      for (int64_t i = 0; i < 64; i += 1)
        LTA_V_STORE(Kc + t * K + i, LTA_V_MUL(LTA_V_LOAD_BF16(kr + i), LTA_V_SET1(1.0f)));
      for (int64_t i = 0; i < 128; i += 1)
        LTA_V_STORE(Vc + t * V + i, LTA_V_MUL(LTA_V_LOAD_BF16(vr + i), LTA_V_SET1(1.0f)));
    }
    for (int64_t t = 0; t < L; t++)
      for (int64_t i = 0; i < K; i++) Kt[i * C + t] = Kc[t * K + i];
    for (int64_t t = 0; t < L; t++)
      for (int64_t i = 0; i < V; i++) Vt[i * C + t] = Vc[t * V + i];
    for (int64_t e = 0; e < G; e++) {
      const int64_t h = hk * G + e;
      const float *D = decays + (h - h0) * DS, *Dm = D + lta_ws_floats(C + 1);
      for (int64_t t = 0; t < C; t++) Dr[t] = t < L ? D[L - 1 - t] : 0.0f;
      float *dS = states + (h - h0) * lta_ws_floats(KV);
      const float dL = D[L];
      const LTA_V_VEC dLv = LTA_V_SET1(dL);
      (void)dL, (void)dLv;
    if (e > 0) nx.n = 0;
    nx.i = 0;
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, c0 + t, 1);
      const int64_t xn = h + 1 < h0 + NI * G ? h + 1 : h0;
      const int64_t sn = xn > h ? c0 + t : c0 + -C + t, rn = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, sn, 1);
      const int next = sn >= 0 && sn < len;
      const uint16_t *dor = d_o + (r * H + h) * V;
      if (next) lta_bwd_bf16_k64_v128__scalar_ask(&nx, d_o + (rn * H + xn) * V, V * sizeof(uint16_t));
      for (int64_t i = 0; i < 128; i += 1)
        LTA_V_STORE(Oc + t * V + i, LTA_V_MUL(LTA_V_LOAD_BF16(dor + i), LTA_V_SET1(p->scale)));
      const uint16_t *qr = q + (r * H + h) * K;
      if (next) lta_bwd_bf16_k64_v128__scalar_ask(&nx, q + (rn * H + xn) * K, K * sizeof(uint16_t));
      for (int64_t i = 0; i < 64; i += 1)
        LTA_V_STORE(Qs + t * K + i, LTA_V_MUL(LTA_V_LOAD_BF16(qr + i), LTA_V_SET1(1.0f)));
    }
      /* Scores, then the decay mask: the triangle above the diagonal is selected to 0. */
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
          for (int64_t jb = 0; jb < i0 + 4; jb += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c1_2 = LTA_V_ZERO();
          LTA_V_VEC c1_3 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c2_2 = LTA_V_ZERO();
          LTA_V_VEC c2_3 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          LTA_V_VEC c3_2 = LTA_V_ZERO();
          LTA_V_VEC c3_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kt + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kt + u * C + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kt + u * C + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kt + u * C + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(Qs[(i0 + 1) * K + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(Qs[(i0 + 2) * K + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(Qs[(i0 + 3) * K + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(A + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(A + (i0 + 0) * C + jb + 1, c0_1);
          LTA_V_STORE(A + (i0 + 0) * C + jb + 2, c0_2);
          LTA_V_STORE(A + (i0 + 0) * C + jb + 3, c0_3);
          LTA_V_STORE(A + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(A + (i0 + 1) * C + jb + 1, c1_1);
          LTA_V_STORE(A + (i0 + 1) * C + jb + 2, c1_2);
          LTA_V_STORE(A + (i0 + 1) * C + jb + 3, c1_3);
          LTA_V_STORE(A + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(A + (i0 + 2) * C + jb + 1, c2_1);
          LTA_V_STORE(A + (i0 + 2) * C + jb + 2, c2_2);
          LTA_V_STORE(A + (i0 + 2) * C + jb + 3, c2_3);
          LTA_V_STORE(A + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(A + (i0 + 3) * C + jb + 1, c3_1);
          LTA_V_STORE(A + (i0 + 3) * C + jb + 2, c3_2);
          LTA_V_STORE(A + (i0 + 3) * C + jb + 3, c3_3);
        }
        for (; i0 < L; i0++)
          for (int64_t jb = 0; jb < i0 + 1; jb += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Kt + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Kt + u * C + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Kt + u * C + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Kt + u * C + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          LTA_V_STORE(A + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(A + (i0 + 0) * C + jb + 1, c0_1);
          LTA_V_STORE(A + (i0 + 0) * C + jb + 2, c0_2);
          LTA_V_STORE(A + (i0 + 0) * C + jb + 3, c0_3);
        }
      }
      for (int64_t i = 0; i < L; i++) {
        float *Ai = A + i * C;
        const float *Mi = Dm + i * C;
        for (int64_t j = 0; j < C; j++) Ai[j] = j <= i ? Ai[j] * Mi[j] : 0.0f;
      }
      if (keepP) { /* pass 1's */
        for (int64_t t = 0; t < L; t++)
          memcpy(P + t * C, (const char *)(d_k + (lta_bwd_bf16_k64_v128__scalar_row(row0, row1, c0 + t, 1) * Hkv + hk) * K) + e * C * sizeof(float),
                 C * sizeof(float));
      } else {
      /* Scores, then the decay mask: the triangle above the diagonal is selected to 0. */
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
          for (int64_t jb = 0; jb < i0 + 4; jb += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c1_2 = LTA_V_ZERO();
          LTA_V_VEC c1_3 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c2_2 = LTA_V_ZERO();
          LTA_V_VEC c2_3 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          LTA_V_VEC c3_2 = LTA_V_ZERO();
          LTA_V_VEC c3_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vt + u * C + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Vt + u * C + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Vt + u * C + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(Oc[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(Oc[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(Oc[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 1, c0_1);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 2, c0_2);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 3, c0_3);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 1, c1_1);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 2, c1_2);
          LTA_V_STORE(P + (i0 + 1) * C + jb + 3, c1_3);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 1, c2_1);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 2, c2_2);
          LTA_V_STORE(P + (i0 + 2) * C + jb + 3, c2_3);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 1, c3_1);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 2, c3_2);
          LTA_V_STORE(P + (i0 + 3) * C + jb + 3, c3_3);
        }
        for (; i0 < L; i0++)
          for (int64_t jb = 0; jb < i0 + 1; jb += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vt + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vt + u * C + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Vt + u * C + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Vt + u * C + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Oc[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          LTA_V_STORE(P + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 1, c0_1);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 2, c0_2);
          LTA_V_STORE(P + (i0 + 0) * C + jb + 3, c0_3);
        }
      }
      for (int64_t i = 0; i < L; i++) {
        float *Ai = P + i * C;
        const float *Mi = Dm + i * C;
        for (int64_t j = 0; j < C; j++) Ai[j] = j <= i ? Ai[j] * Mi[j] : 0.0f;
      }
      }
      for (int64_t t = 0; t < L; t++)
        for (int64_t i = 0; i < K; i++) Kd[t * K + i] = Kc[t * K + i] * Dr[t];
      for (int64_t i = 0; i < V; i++) /* Vd = Vc decayed, transposed (columns past L: 0) */
        for (int64_t t = 0; t < C; t++) Vd[i * C + t] = Vt[i * C + t] * Dr[t];
      for (int64_t jb = 0; jb + 4 <= C; jb += 4)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= K; i0 += 4)
        {
          LTA_V_VEC c0_0 = LTA_V_ZERO();
          LTA_V_VEC c0_1 = LTA_V_ZERO();
          LTA_V_VEC c0_2 = LTA_V_ZERO();
          LTA_V_VEC c0_3 = LTA_V_ZERO();
          LTA_V_VEC c1_0 = LTA_V_ZERO();
          LTA_V_VEC c1_1 = LTA_V_ZERO();
          LTA_V_VEC c1_2 = LTA_V_ZERO();
          LTA_V_VEC c1_3 = LTA_V_ZERO();
          LTA_V_VEC c2_0 = LTA_V_ZERO();
          LTA_V_VEC c2_1 = LTA_V_ZERO();
          LTA_V_VEC c2_2 = LTA_V_ZERO();
          LTA_V_VEC c2_3 = LTA_V_ZERO();
          LTA_V_VEC c3_0 = LTA_V_ZERO();
          LTA_V_VEC c3_1 = LTA_V_ZERO();
          LTA_V_VEC c3_2 = LTA_V_ZERO();
          LTA_V_VEC c3_3 = LTA_V_ZERO();
          for (int64_t u = 0; u < V; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Vd + u * C + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Vd + u * C + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Vd + u * C + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Vd + u * C + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(dS[(i0 + 0) * V + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(dS[(i0 + 1) * V + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(dS[(i0 + 2) * V + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(dS[(i0 + 3) * V + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(dKT + (i0 + 0) * C + jb + 0, c0_0);
          LTA_V_STORE(dKT + (i0 + 0) * C + jb + 1, c0_1);
          LTA_V_STORE(dKT + (i0 + 0) * C + jb + 2, c0_2);
          LTA_V_STORE(dKT + (i0 + 0) * C + jb + 3, c0_3);
          LTA_V_STORE(dKT + (i0 + 1) * C + jb + 0, c1_0);
          LTA_V_STORE(dKT + (i0 + 1) * C + jb + 1, c1_1);
          LTA_V_STORE(dKT + (i0 + 1) * C + jb + 2, c1_2);
          LTA_V_STORE(dKT + (i0 + 1) * C + jb + 3, c1_3);
          LTA_V_STORE(dKT + (i0 + 2) * C + jb + 0, c2_0);
          LTA_V_STORE(dKT + (i0 + 2) * C + jb + 1, c2_1);
          LTA_V_STORE(dKT + (i0 + 2) * C + jb + 2, c2_2);
          LTA_V_STORE(dKT + (i0 + 2) * C + jb + 3, c2_3);
          LTA_V_STORE(dKT + (i0 + 3) * C + jb + 0, c3_0);
          LTA_V_STORE(dKT + (i0 + 3) * C + jb + 1, c3_1);
          LTA_V_STORE(dKT + (i0 + 3) * C + jb + 2, c3_2);
          LTA_V_STORE(dKT + (i0 + 3) * C + jb + 3, c3_3);
        }
      }
      { /* dKx = dKT transposed */
    for (int64_t t = 0; t < K; t++)
      for (int64_t i = 0; i < C; i++) dKx[i * K + t] = dKT[t * C + i];
      }
      for (int64_t jb = 0; jb + 4 <= K; jb += 4)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
        {
          lta_bwd_bf16_k64_v128__scalar_step(&nx, 1);
          LTA_V_VEC c0_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c0_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 1), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 1)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 1));
          LTA_V_VEC c0_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 2), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 2)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 2));
          LTA_V_VEC c0_3 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 3), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 3)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 3));
          LTA_V_VEC c1_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 0));
          LTA_V_VEC c1_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 1), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 1)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 1));
          LTA_V_VEC c1_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 2), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 2)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 2));
          LTA_V_VEC c1_3 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 3), LTA_V_LOAD(dKc + (i0 + 1) * K + jb + 3)) : LTA_V_LOAD(dKx + (i0 + 1) * K + jb + 3));
          LTA_V_VEC c2_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 0));
          LTA_V_VEC c2_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 1), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 1)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 1));
          LTA_V_VEC c2_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 2), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 2)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 2));
          LTA_V_VEC c2_3 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 3), LTA_V_LOAD(dKc + (i0 + 2) * K + jb + 3)) : LTA_V_LOAD(dKx + (i0 + 2) * K + jb + 3));
          LTA_V_VEC c3_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 0));
          LTA_V_VEC c3_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 1), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 1)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 1));
          LTA_V_VEC c3_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 2), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 2)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 2));
          LTA_V_VEC c3_3 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 3), LTA_V_LOAD(dKc + (i0 + 3) * K + jb + 3)) : LTA_V_LOAD(dKx + (i0 + 3) * K + jb + 3));
          {
            const int64_t u = i0 + 0;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Qs + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Qs + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Qs + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
          }
          for (int64_t u = i0 + 3; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Qs + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(P[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(P[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(P[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 1, c0_1);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 2, c0_2);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 3, c0_3);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 0, c1_0);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 1, c1_1);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 2, c1_2);
          LTA_V_STORE(dKc + (i0 + 1) * K + jb + 3, c1_3);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 0, c2_0);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 1, c2_1);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 2, c2_2);
          LTA_V_STORE(dKc + (i0 + 2) * K + jb + 3, c2_3);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 0, c3_0);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 1, c3_1);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 2, c3_2);
          LTA_V_STORE(dKc + (i0 + 3) * K + jb + 3, c3_3);
        }
        for (; i0 < L; i0++)
        {
          lta_bwd_bf16_k64_v128__scalar_step(&nx, 1);
          LTA_V_VEC c0_0 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 0)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 0));
          LTA_V_VEC c0_1 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 1), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 1)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 1));
          LTA_V_VEC c0_2 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 2), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 2)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 2));
          LTA_V_VEC c0_3 = (e ? LTA_V_FMA(LTA_V_SET1(1.0f), LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 3), LTA_V_LOAD(dKc + (i0 + 0) * K + jb + 3)) : LTA_V_LOAD(dKx + (i0 + 0) * K + jb + 3));
          for (int64_t u = i0 + 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Qs + u * K + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Qs + u * K + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Qs + u * K + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Qs + u * K + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(P[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 0, c0_0);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 1, c0_1);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 2, c0_2);
          LTA_V_STORE(dKc + (i0 + 0) * K + jb + 3, c0_3);
        }
      }
      for (int64_t jb = 0; jb + 4 <= V; jb += 4)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= L; i0 += 4)
        {
          lta_bwd_bf16_k64_v128__scalar_step(&nx, 1);
          LTA_V_VEC c0_0 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c0_1 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 1) : LTA_V_ZERO());
          LTA_V_VEC c0_2 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 2) : LTA_V_ZERO());
          LTA_V_VEC c0_3 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 3) : LTA_V_ZERO());
          LTA_V_VEC c1_0 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c1_1 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 1) : LTA_V_ZERO());
          LTA_V_VEC c1_2 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 2) : LTA_V_ZERO());
          LTA_V_VEC c1_3 = (e ? LTA_V_LOAD(dVc + (i0 + 1) * V + jb + 3) : LTA_V_ZERO());
          LTA_V_VEC c2_0 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c2_1 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 1) : LTA_V_ZERO());
          LTA_V_VEC c2_2 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 2) : LTA_V_ZERO());
          LTA_V_VEC c2_3 = (e ? LTA_V_LOAD(dVc + (i0 + 2) * V + jb + 3) : LTA_V_ZERO());
          LTA_V_VEC c3_0 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c3_1 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 1) : LTA_V_ZERO());
          LTA_V_VEC c3_2 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 2) : LTA_V_ZERO());
          LTA_V_VEC c3_3 = (e ? LTA_V_LOAD(dVc + (i0 + 3) * V + jb + 3) : LTA_V_ZERO());
          {
            const int64_t u = i0 + 0;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Oc + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          {
            const int64_t u = i0 + 1;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Oc + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
          }
          {
            const int64_t u = i0 + 2;
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Oc + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
          }
          for (int64_t u = i0 + 3; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Oc + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(A[u * C + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(A[u * C + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(A[u * C + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(dS + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(dS + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(dS + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(dS + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Kd[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(Kd[(i0 + 1) * K + u]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(Kd[(i0 + 2) * K + u]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(Kd[(i0 + 3) * K + u]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 1, c0_1);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 2, c0_2);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 3, c0_3);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 1, c1_1);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 2, c1_2);
          LTA_V_STORE(dVc + (i0 + 1) * V + jb + 3, c1_3);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 1, c2_1);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 2, c2_2);
          LTA_V_STORE(dVc + (i0 + 2) * V + jb + 3, c2_3);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 1, c3_1);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 2, c3_2);
          LTA_V_STORE(dVc + (i0 + 3) * V + jb + 3, c3_3);
        }
        for (; i0 < L; i0++)
        {
          lta_bwd_bf16_k64_v128__scalar_step(&nx, 1);
          LTA_V_VEC c0_0 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 0) : LTA_V_ZERO());
          LTA_V_VEC c0_1 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 1) : LTA_V_ZERO());
          LTA_V_VEC c0_2 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 2) : LTA_V_ZERO());
          LTA_V_VEC c0_3 = (e ? LTA_V_LOAD(dVc + (i0 + 0) * V + jb + 3) : LTA_V_ZERO());
          for (int64_t u = i0 + 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Oc + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(A[u * C + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          for (int64_t u = 0; u < K; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(dS + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(dS + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(dS + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(dS + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Kd[(i0 + 0) * K + u]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
          }
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 1, c0_1);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 2, c0_2);
          LTA_V_STORE(dVc + (i0 + 0) * V + jb + 3, c0_3);
        }
      }
      for (int64_t i = 0; i < L; i++)
        for (int64_t j = 0; j < K; j++) Qs[i * K + j] *= D[i + 1];
      for (int64_t jb = 0; jb + 4 <= V; jb += 4)
      {
        int64_t i0 = 0;
        for (; i0 + 4 <= K; i0 += 4)
        {
          lta_bwd_bf16_k64_v128__scalar_step(&nx, 1);
          __builtin_prefetch(dS + (i0 + 4) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 5) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 6) * V + jb + 0);
          __builtin_prefetch(dS + (i0 + 7) * V + jb + 0);
          LTA_V_VEC c0_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 0));
          LTA_V_VEC c0_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 1));
          LTA_V_VEC c0_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 2));
          LTA_V_VEC c0_3 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 0) * V + jb + 3));
          LTA_V_VEC c1_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 0));
          LTA_V_VEC c1_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 1));
          LTA_V_VEC c1_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 2));
          LTA_V_VEC c1_3 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 1) * V + jb + 3));
          LTA_V_VEC c2_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 0));
          LTA_V_VEC c2_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 1));
          LTA_V_VEC c2_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 2));
          LTA_V_VEC c2_3 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 2) * V + jb + 3));
          LTA_V_VEC c3_0 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 0));
          LTA_V_VEC c3_1 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 1));
          LTA_V_VEC c3_2 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 2));
          LTA_V_VEC c3_3 = LTA_V_MUL(dLv, LTA_V_LOAD(dS + (i0 + 3) * V + jb + 3));
          for (int64_t u = 0; u < L; u++) {
            const LTA_V_VEC b0 = LTA_V_LOAD(Oc + u * V + jb + 0);
            const LTA_V_VEC b1 = LTA_V_LOAD(Oc + u * V + jb + 1);
            const LTA_V_VEC b2 = LTA_V_LOAD(Oc + u * V + jb + 2);
            const LTA_V_VEC b3 = LTA_V_LOAD(Oc + u * V + jb + 3);
            const LTA_V_VEC a0 = LTA_V_SET1(Qs[u * K + i0 + 0]);
            c0_0 = LTA_V_FMA(a0, b0, c0_0);
            c0_1 = LTA_V_FMA(a0, b1, c0_1);
            c0_2 = LTA_V_FMA(a0, b2, c0_2);
            c0_3 = LTA_V_FMA(a0, b3, c0_3);
            const LTA_V_VEC a1 = LTA_V_SET1(Qs[u * K + i0 + 1]);
            c1_0 = LTA_V_FMA(a1, b0, c1_0);
            c1_1 = LTA_V_FMA(a1, b1, c1_1);
            c1_2 = LTA_V_FMA(a1, b2, c1_2);
            c1_3 = LTA_V_FMA(a1, b3, c1_3);
            const LTA_V_VEC a2 = LTA_V_SET1(Qs[u * K + i0 + 2]);
            c2_0 = LTA_V_FMA(a2, b0, c2_0);
            c2_1 = LTA_V_FMA(a2, b1, c2_1);
            c2_2 = LTA_V_FMA(a2, b2, c2_2);
            c2_3 = LTA_V_FMA(a2, b3, c2_3);
            const LTA_V_VEC a3 = LTA_V_SET1(Qs[u * K + i0 + 3]);
            c3_0 = LTA_V_FMA(a3, b0, c3_0);
            c3_1 = LTA_V_FMA(a3, b1, c3_1);
            c3_2 = LTA_V_FMA(a3, b2, c3_2);
            c3_3 = LTA_V_FMA(a3, b3, c3_3);
          }
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 0, c0_0);
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 1, c0_1);
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 2, c0_2);
          LTA_V_STORE(dS + (i0 + 0) * V + jb + 3, c0_3);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 0, c1_0);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 1, c1_1);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 2, c1_2);
          LTA_V_STORE(dS + (i0 + 1) * V + jb + 3, c1_3);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 0, c2_0);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 1, c2_1);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 2, c2_2);
          LTA_V_STORE(dS + (i0 + 2) * V + jb + 3, c2_3);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 0, c3_0);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 1, c3_1);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 2, c3_2);
          LTA_V_STORE(dS + (i0 + 3) * V + jb + 3, c3_3);
        }
      }
    }
    for (int64_t t = 0; t < L; t++) {
      const int64_t r = lta_bwd_bf16_k64_v128__scalar_row(row0, row1, c0 + t, 1);
      uint16_t *dkt = d_k + (r * Hkv + hk) * K, *dvt = d_v + (r * Hkv + hk) * V;
      const float *dkb = dKc + t * K, *dvb = dVc + t * V;
        lta_store_bf16(dkt + 0, dkb + 0, 64);
        lta_store_bf16(dvt + 0, dvb + 0, 128);
    }
  }
  if (p->d_s0)
    for (int64_t h = h0; h < h0 + NI * G; h++)
      memcpy(p->d_s0 + (n * H + h) * KV, states + (h - h0) * lta_ws_floats(KV), (size_t)KV * sizeof(float));
}

/* Items [first, last), at most lta_group_size(p) of them, in runs of one sequence each. */
void lta_bwd_bf16_k64_v128__scalar(const lta_problem *p, int64_t first, int64_t last, void *ws) {
  const int64_t Hkv = p->num_kv_heads;
  while (first < last) {
    const int64_t end = (first / Hkv + 1) * Hkv < last ? (first / Hkv + 1) * Hkv : last;
    lta_bwd_bf16_k64_v128__scalar_group(p, first, end, (float *)ws);
    first = end;
  }
}

size_t lta_bwd_bf16_k64_v128__scalar_workspace(const lta_problem *p) {
  const int64_t K = 64, V = 128, C = 16, G = p->num_heads / p->num_kv_heads;
  const int64_t heads = lta_group_size(p) * G;
  return sizeof(float) * (5 * lta_ws_floats(C * K) + 4 * lta_ws_floats(C * V) + 2 * lta_ws_floats(K * C) +
                          lta_ws_floats(V * C) + 2 * lta_ws_floats(C * C) +
                          (size_t)heads * (lta_ws_floats(K * V) + lta_ws_floats(C + 1) + lta_ws_floats(C * C)));
}
#undef LTA_V_VEC
#undef LTA_V_ZERO
#undef LTA_V_SET1
#undef LTA_V_LOAD
#undef LTA_V_STORE
#undef LTA_V_MUL
#undef LTA_V_FMA
#undef LTA_V_LOAD_F32
#undef LTA_V_LOAD_F16
#undef LTA_V_LOAD_BF16
#undef LTA_V_STORE_F32
#undef LTA_V_STORE_F16
#undef LTA_S_VEC
#undef LTA_S_ZERO
#undef LTA_S_SET1
#undef LTA_S_LOAD
#undef LTA_S_STORE
#undef LTA_S_MUL
#undef LTA_S_FMA
