/* test_key.c: names and keys, and the runtime's choice among kernels.
 *
 *   names:     every registry name parses back to its key and renders again to itself; names
 *              are unique; non-canonical spellings are refused;
 *   registry:  every entry has a generic kernel to fall back on (same dtype and direction);
 *   selection: on a synthetic table with fixed head counts and every target, the two-level
 *              choice (exact key, then rank) and each forced ISA pick what they promise.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lta_internal.h"

START_TEST(registry_names_round_trip) {
  size_t n;
  const lta_entry *tab = lta_registry(&n);
  ck_assert_msg(n > 0, "the registry is empty");
  for (size_t i = 0; i < n; i++) {
    char name[LTA_KEY_NAME_MAX];
    lta_key k;
    ck_assert_msg(lta_key_name(&tab[i].key, name, sizeof name) > 0, "entry %zu has no name", i);
    ck_assert_msg(strcmp(name, tab[i].name) == 0, "entry %s renders as %s", tab[i].name, name);
    ck_assert_msg(lta_key_parse(tab[i].name, &k) == 0, "%s does not parse", tab[i].name);
    ck_assert_msg(memcmp(&k, &tab[i].key, sizeof k) == 0, "%s parses to another key",
                  tab[i].name);
    if (i > 0)
      ck_assert_msg(strcmp(tab[i - 1].name, tab[i].name) < 0, "%s and %s: not sorted or twice",
                    tab[i - 1].name, tab[i].name);
  }
}
END_TEST

START_TEST(every_key_round_trips) {
  /* The whole key space the generator may produce, not only this build's set. */
  static const int32_t dims[] = {0, 1, 7, 64, 4096};
  int count = 0;
  for (int op = 0; op < LTA_OP_COUNT; op++)
  for (int dt = 1; dt <= 3; dt++)
    for (int a = 0; a < 5; a++)
      for (int b = 0; b < 5; b++)
        for (int h = 0; h < 5; h++)
          for (int rev = 0; rev < 2; rev++)
            for (int t = 0; t < LTA_TARGET_COUNT; t++) {
              lta_key k = {op, dt, dims[a], dims[b], dims[h], rev, t}, back;
              char name[LTA_KEY_NAME_MAX];
              ck_assert_int_gt(lta_key_name(&k, name, sizeof name), 0);
              ck_assert_msg(lta_key_parse(name, &back) == 0, "%s does not parse", name);
              ck_assert_msg(memcmp(&k, &back, sizeof k) == 0, "%s: key changed", name);
              count++;
            }
  ck_assert_int_eq(count, LTA_OP_COUNT * 3 * 5 * 5 * 5 * 2 * LTA_TARGET_COUNT);
}
END_TEST

START_TEST(bad_names_and_keys) {
  static const char *const bad[] = {
      "",  "lta_fwd_f32_k64_v64",        "lta_fwd_f32_k64_v64__",  "lta_fwd_f64_k64_v64__avx2",
      "lta_grad_f32_k64_v64__avx2",     "lta_fwd_f32_k064_v64__avx2",    "lta_fwd_f32_k0_v64__avx2",
      "lta_fwd_f32_k64_v64_h0__avx2",   "lta_fwd_f32_k64_v64_hany__avx2", "lta_fwd_f32_k64_v64__sse",
      "lta_fwd_f32_k64_v64_rev_rev__avx2", "lta_fwd_f32_k4097_v64__avx2", "xlta_fwd_f32_k64_v64__avx2",
      "lta_fwd_f32_k64_v64__avx2x", "lta_fwd_f32_k99999999999999999999_v1__avx2"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    lta_key k;
    ck_assert_msg(lta_key_parse(bad[i], &k) != 0, "'%s' parsed", bad[i]);
  }
  char buf[LTA_KEY_NAME_MAX];
  lta_key k = {LTA_OP_FWD, LTA_KEY_F32, 64, 64, 0, 0, LTA_TARGET_COUNT};
  ck_assert_int_eq(lta_key_name(&k, buf, sizeof buf), -1);
  k.target = LTA_TARGET_AVX2;
  k.K = -1;
  ck_assert_int_eq(lta_key_name(&k, buf, sizeof buf), -1);
  k.K = 64;
  ck_assert_int_eq(lta_key_name(&k, buf, 8), -1); /* too small a buffer */
  ck_assert_int_eq(lta_key_name(&k, buf, sizeof buf), (int)strlen("lta_fwd_f32_k64_v64__avx2"));
}
END_TEST

START_TEST(registry_has_fallbacks) {
  size_t n;
  const lta_entry *tab = lta_registry(&n);
  for (size_t i = 0; i < n; i++) {
    lta_key want = tab[i].key;
    want.K = 48, want.V = 80; /* a shape no generated kernel has */
    want.op = LTA_OP_FWD;       /* a decode call falls back to the forward's (lta_check.c) */
    const lta_entry *e = lta_select(tab, n, &want, 1u << LTA_TARGET_SCALAR, LTA_ISA_AUTO);
    ck_assert_msg(e && lta_entry_is_generic(e), "no generic fallback for %s", tab[i].name);
  }
}
END_TEST

/* A synthetic table: fixed and any head dims and counts, every target. */
#define E(K, V, H, t) {NULL, {LTA_OP_FWD, LTA_KEY_BF16, K, V, H, 0, t}, NULL, NULL, NULL, NULL, NULL, NULL}
static lta_entry table[] = {
    E(0, 0, 0, LTA_TARGET_SCALAR),     E(64, 64, 0, LTA_TARGET_SCALAR),
    E(64, 64, 0, LTA_TARGET_AVX2),     E(64, 64, 0, LTA_TARGET_AVX512),
    E(64, 64, 16, LTA_TARGET_AVX2),    E(64, 64, 0, LTA_TARGET_NEON),
    E(128, 128, 32, LTA_TARGET_AVX2),
};
#define NTAB (sizeof table / sizeof table[0])

static int pick(int K, int V, int H, unsigned targets, lta_isa isa) {
  lta_key want = {LTA_OP_FWD, LTA_KEY_BF16, K, V, H, 0, 0};
  const lta_entry *e = lta_select(table, NTAB, &want, targets, isa);
  return e ? (int)(e - table) : -1;
}

START_TEST(selection) {
  unsigned x86 = 1u << LTA_TARGET_SCALAR | 1u << LTA_TARGET_AVX2 | 1u << LTA_TARGET_AVX512;
  unsigned avx2 = 1u << LTA_TARGET_SCALAR | 1u << LTA_TARGET_AVX2;
  unsigned arm = 1u << LTA_TARGET_SCALAR | 1u << LTA_TARGET_NEON;
  unsigned plain = 1u << LTA_TARGET_SCALAR;
  /* exact key, best target */
  ck_assert_int_eq(pick(64, 64, 8, x86, LTA_ISA_AUTO), 3);
  ck_assert_int_eq(pick(64, 64, 8, avx2, LTA_ISA_AUTO), 2);
  ck_assert_int_eq(pick(64, 64, 8, arm, LTA_ISA_AUTO), 5);
  ck_assert_int_eq(pick(64, 64, 8, plain, LTA_ISA_AUTO), 1);
  /* a fixed head count wins within its target, not over a better target */
  ck_assert_int_eq(pick(64, 64, 16, avx2, LTA_ISA_AUTO), 4);
  ck_assert_int_eq(pick(64, 64, 16, x86, LTA_ISA_AUTO), 3);
  ck_assert_int_eq(pick(128, 128, 32, x86, LTA_ISA_AUTO), 6);
  /* no exact key: the generic kernel */
  ck_assert_int_eq(pick(128, 128, 16, x86, LTA_ISA_AUTO), 0);
  ck_assert_int_eq(pick(64, 32, 8, x86, LTA_ISA_AUTO), 0);
  /* forced choices */
  ck_assert_int_eq(pick(64, 64, 8, x86, LTA_ISA_GENERIC), 0);
  ck_assert_int_eq(pick(64, 64, 8, x86, LTA_ISA_AVX2), 2);
  ck_assert_int_eq(pick(64, 64, 16, x86, LTA_ISA_AVX2), 4);
  ck_assert_int_eq(pick(64, 64, 8, x86, LTA_ISA_SCALAR), 1);
  ck_assert_int_eq(pick(128, 128, 8, x86, LTA_ISA_AVX512), 0);
  /* the functional key must match: dtype, direction */
  lta_key want = {LTA_OP_FWD, LTA_KEY_F32, 64, 64, 0, 0, 0};
  ck_assert_ptr_null(lta_select(table, NTAB, &want, x86, LTA_ISA_AUTO));
  want.dtype = LTA_KEY_BF16;
  want.reverse = 1;
  ck_assert_ptr_null(lta_select(table, NTAB, &want, x86, LTA_ISA_AUTO));
  /* a target the CPU lacks is never chosen, not even the generic one */
  ck_assert_int_eq(pick(64, 64, 8, 0, LTA_ISA_AUTO), -1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("keys");
  TCase *tc = tcase_create("names");
  tcase_add_test(tc, registry_names_round_trip);
  tcase_add_test(tc, every_key_round_trips);
  tcase_add_test(tc, bad_names_and_keys);
  suite_add_tcase(s, tc);
  tc = tcase_create("selection");
  tcase_add_test(tc, registry_has_fallbacks);
  tcase_add_test(tc, selection);
  suite_add_tcase(s, tc);
  return run_suite(s, 0);
}
