/* lta_key.c: kernel names, rendered and parsed in one place (see lta_key.h). */
#include "lta_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[LTA_OP_COUNT] = {"fwd", "dec", "bwd", "spf", "spb"};
static const char *const dtype_names[] = {NULL, "f32", "f16", "bf16"};
static const char *const target_names[LTA_TARGET_COUNT] = {"scalar", "neon", "avx2", "avx512",
                                                           "cuda",   "sm80", "sm90"};
static const char *const target_families[LTA_TARGET_COUNT] = {"cpu",  "cpu",  "cpu", "cpu",
                                                              "cuda", "cuda", "cuda"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *lookup(const char *const *names, int count, int i) {
  return (i >= 0 && i < count) ? names[i] : NULL;
}

static int find(const char *const *names, int count, const char *s) {
  for (int i = 0; i < count; i++)
    if (names[i] && s && strcmp(names[i], s) == 0) return i;
  return -1;
}

const char *lta_op_string(int op) { return lookup(op_names, COUNT(op_names), op); }
const char *lta_dtype_string(int dt) { return lookup(dtype_names, COUNT(dtype_names), dt); }
const char *lta_target_string(int t) { return lookup(target_names, COUNT(target_names), t); }
const char *lta_target_family(int t) { return lookup(target_families, COUNT(target_families), t); }
int lta_op_from_string(const char *s) { return find(op_names, COUNT(op_names), s); }
int lta_dtype_from_string(const char *s) { return find(dtype_names, COUNT(dtype_names), s); }
int lta_target_from_string(const char *s) { return find(target_names, COUNT(target_names), s); }

static int dim_ok(int32_t d) { return d >= 0 && d <= LTA_KEY_DIM_MAX; }

int lta_key_name(const lta_key *key, char *buf, size_t size) {
  const char *op = lta_op_string(key->op), *dt = lta_dtype_string(key->dtype);
  const char *tg = lta_target_string(key->target);
  if (!op || !dt || !tg || !dim_ok(key->K) || !dim_ok(key->V) || !dim_ok(key->H) ||
      (key->reverse != 0 && key->reverse != 1))
    return -1;
  char k[16] = "any", v[16] = "any", h[16] = "";
  if (key->K) snprintf(k, sizeof k, "%d", (int)key->K);
  if (key->V) snprintf(v, sizeof v, "%d", (int)key->V);
  if (key->H) snprintf(h, sizeof h, "_h%d", (int)key->H);
  int n = snprintf(buf, size, "lta_%s_%s_k%s_v%s%s%s__%s", op, dt, k, v, h,
                   key->reverse ? "_rev" : "", tg);
  return (n < 0 || (size_t)n >= size) ? -1 : n;
}

/* Reads "any" or a decimal size without sign or leading zero; advances *p. */
static int parse_dim(const char **p, int32_t *out) {
  if (strncmp(*p, "any", 3) == 0) {
    *p += 3;
    *out = 0;
    return 0;
  }
  const char *s = *p;
  if (*s < '1' || *s > '9') return -1;
  long v = 0;
  while (*s >= '0' && *s <= '9' && v <= LTA_KEY_DIM_MAX) v = v * 10 + (*s++ - '0');
  if (v > LTA_KEY_DIM_MAX) return -1;
  *p = s;
  *out = (int32_t)v;
  return 0;
}

/* Reads a word up to the next '_' into w; advances *p past it. */
static int parse_word(const char **p, char *w, size_t size) {
  size_t n = strcspn(*p, "_");
  if (n == 0 || n >= size) return -1;
  memcpy(w, *p, n);
  w[n] = 0;
  *p += n;
  return 0;
}

int lta_key_parse(const char *name, lta_key *key) {
  lta_key k = {0};
  char w[32];
  const char *p = name;
  if (strncmp(p, "lta_", 4) != 0) return -1;
  p += 4;
  if (parse_word(&p, w, sizeof w) || (k.op = lta_op_from_string(w)) < 0 || *p++ != '_') return -1;
  if (parse_word(&p, w, sizeof w) || (k.dtype = lta_dtype_from_string(w)) < 0) return -1;
  if (strncmp(p, "_k", 2) != 0) return -1;
  p += 2;
  if (parse_dim(&p, &k.K) || strncmp(p, "_v", 2) != 0) return -1;
  p += 2;
  if (parse_dim(&p, &k.V)) return -1;
  if (strncmp(p, "_h", 2) == 0) {
    p += 2;
    if (parse_dim(&p, &k.H) || k.H == 0) return -1; /* "any" heads is spelled by omission */
  }
  if (strncmp(p, "_rev", 4) == 0) {
    p += 4;
    k.reverse = 1;
  }
  if (strncmp(p, "__", 2) != 0) return -1;
  p += 2;
  if ((k.target = lta_target_from_string(p)) < 0) return -1;
  /* Accept only the canonical spelling, so that name and key are one-to-one. */
  char again[LTA_KEY_NAME_MAX];
  if (lta_key_name(&k, again, sizeof again) < 0 || strcmp(again, name) != 0) return -1;
  *key = k;
  return 0;
}
