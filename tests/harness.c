/* harness.c: see harness.h. */
#include "harness.h"

#include <stdlib.h>

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
