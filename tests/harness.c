/* harness.c: see harness.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strtok_r */
#endif
#include "harness.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lta_internal.h"

#ifdef LTA_CHECK_LITE
jmp_buf ckl_on_failure;
#endif

int run_suite(Suite *s, int nofork) {
  SRunner *sr = srunner_create(s);
  if (nofork) srunner_set_fork_status(sr, CK_NOFORK);
  if (getenv("CK_INCLUDE_TAGS") || getenv("CK_EXCLUDE_TAGS")) srunner_run_all(sr, CK_NORMAL);
  else srunner_run_tagged(sr, NULL, NULL, NULL, "slow", CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

lta_isa entry_isa(const lta_entry *e) {
  if (lta_entry_is_generic(e)) return LTA_ISA_GENERIC;
  switch (e->key.target) {
    case LTA_TARGET_AVX512: return LTA_ISA_AVX512;
    case LTA_TARGET_AVX2: return LTA_ISA_AVX2;
    case LTA_TARGET_NEON: return LTA_ISA_NEON;
    default: return LTA_ISA_SCALAR;
  }
}

int sweep_wanted(const char *name) {
  const char *env = getenv("LTA_SWEEP_KERNELS");
  if (!env || !*env) return 1;
  char buf[512];
  snprintf(buf, sizeof buf, "%s", env);
  for (char *save = NULL, *pat = strtok_r(buf, ",", &save); pat; pat = strtok_r(NULL, ",", &save))
    if (fnmatch(pat, name, 0) == 0) return 1;
  return 0;
}
