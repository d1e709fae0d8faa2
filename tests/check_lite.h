/* check_lite.h: the part of Check's API that the sweep uses, for targets without Check.
 *
 * Debian has no Check for the AArch64 cross toolchain, so the NEON sweep (tools/test.sh, run
 * under qemu-user) is built with -DLTA_CHECK_LITE against this header instead: the same test
 * source, the same assertions. Tests run in this process, one after another (no fork); a failed
 * assertion prints its file:line and message, ends its test and counts as a failure. Tags work
 * as in Check: CK_INCLUDE_TAGS / CK_EXCLUDE_TAGS, else srunner_run_tagged's arguments.
 */
#ifndef LTA_CHECK_LITE_H
#define LTA_CHECK_LITE_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CKL_MAX 64

typedef void (*ckl_fn)(int);
typedef struct TCase {
  const char *name, *tags;
  const char *test_names[CKL_MAX];
  ckl_fn tests[CKL_MAX];
  int lo[CKL_MAX], hi[CKL_MAX], ntests;
} TCase;
typedef struct Suite {
  const char *name;
  TCase *tcases[CKL_MAX];
  int ntcases;
} Suite;
typedef struct SRunner {
  Suite *suite;
  int run, failed;
} SRunner;
enum { CK_NORMAL, CK_NOFORK };

extern jmp_buf ckl_on_failure; /* one for the program: defined in harness.c */

#define START_TEST(name) static void name(int _i) { (void)_i;
#define END_TEST }

#define ck_assert_msg(cond, ...)                                          \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: failed: ", __FILE__, __LINE__);              \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      longjmp(ckl_on_failure, 1);                                          \
    }                                                                      \
  } while (0)
#define ck_assert(cond) ck_assert_msg(cond, "%s", #cond)
#define ck_assert_ptr_nonnull(p) ck_assert_msg((p) != NULL, "%s is NULL", #p)
#define ck_assert_int_eq(a, b)                                                              \
  do {                                                                                      \
    intmax_t ckl_a = (intmax_t)(a), ckl_b = (intmax_t)(b);                                 \
    ck_assert_msg(ckl_a == ckl_b, "%s == %s: %jd != %jd", #a, #b, ckl_a, ckl_b);           \
  } while (0)
#define ck_assert_str_eq(a, b)                                                              \
  do {                                                                                      \
    const char *ckl_a = (a), *ckl_b = (b);                                                  \
    ck_assert_msg(ckl_a && ckl_b && strcmp(ckl_a, ckl_b) == 0, "%s == %s: \"%s\" != \"%s\"", \
                  #a, #b, ckl_a ? ckl_a : "(null)", ckl_b ? ckl_b : "(null)");              \
  } while (0)

static inline Suite *suite_create(const char *name) {
  Suite *s = calloc(1, sizeof *s);
  if (!s) abort();
  s->name = name;
  return s;
}
static inline TCase *tcase_create(const char *name) {
  TCase *tc = calloc(1, sizeof *tc);
  if (!tc) abort();
  tc->name = name;
  tc->tags = "";
  return tc;
}
static inline void tcase_set_timeout(TCase *tc, double seconds) { (void)tc, (void)seconds; }
static inline void tcase_set_tags(TCase *tc, const char *tags) { tc->tags = tags; }
static inline void suite_add_tcase(Suite *s, TCase *tc) {
  if (s->ntcases == CKL_MAX) abort();
  s->tcases[s->ntcases++] = tc;
}
static inline void ckl_add(TCase *tc, const char *name, ckl_fn fn, int lo, int hi) {
  if (tc->ntests == CKL_MAX) abort();
  tc->test_names[tc->ntests] = name;
  tc->tests[tc->ntests] = fn;
  tc->lo[tc->ntests] = lo;
  tc->hi[tc->ntests++] = hi;
}
#define tcase_add_loop_test(tc, fn, lo, hi) ckl_add(tc, #fn, fn, lo, hi)
#define tcase_add_test(tc, fn) ckl_add(tc, #fn, fn, 0, 1)

static inline SRunner *srunner_create(Suite *s) {
  SRunner *sr = calloc(1, sizeof *sr);
  if (!sr) abort();
  sr->suite = s;
  return sr;
}
static inline void srunner_set_fork_status(SRunner *sr, int status) { (void)sr, (void)status; }
static inline void srunner_free(SRunner *sr) {
  for (int i = 0; i < sr->suite->ntcases; i++) free(sr->suite->tcases[i]);
  free(sr->suite);
  free(sr);
}
static inline int srunner_ntests_failed(SRunner *sr) { return sr->failed; }

/* Whether the comma-separated tag list has tag. */
static inline int ckl_has_tag(const char *list, const char *tag) {
  size_t n = strlen(tag);
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, tag, n) == 0) return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/* Runs one test: 1 when an assertion failed. */
static inline int ckl_run_one(ckl_fn fn, int i) {
  if (setjmp(ckl_on_failure) == 0) {
    fn(i);
    return 0;
  }
  return 1;
}

static inline void srunner_run_tagged(SRunner *sr, const char *sname, const char *tcname,
                               const char *include, const char *exclude, int mode) {
  (void)sname, (void)tcname, (void)mode;
  Suite *s = sr->suite;
  for (int t = 0; t < s->ntcases; t++) {
    TCase *tc = s->tcases[t];
    if (include && *include && !ckl_has_tag(include, tc->tags)) continue;
    if (exclude && *exclude && ckl_has_tag(exclude, tc->tags)) continue;
    for (int k = 0; k < tc->ntests; k++)
      for (int i = tc->lo[k]; i < tc->hi[k]; i++) {
        sr->run++;
        if (ckl_run_one(tc->tests[k], i)) {
          sr->failed++;
          fprintf(stderr, "%s:%s:%s:%d: FAILED\n", s->name, tc->name, tc->test_names[k], i);
        }
      }
  }
  printf("%d%%: Checks: %d, Failures: %d, Errors: 0\n",
         sr->run ? 100 * (sr->run - sr->failed) / sr->run : 100, sr->run, sr->failed);
}
static inline void srunner_run_all(SRunner *sr, int mode) {
  srunner_run_tagged(sr, NULL, NULL, getenv("CK_INCLUDE_TAGS"), getenv("CK_EXCLUDE_TAGS"), mode);
}

#endif
