/* harness.h: how every test program runs its Check suite. */
#ifndef LTA_TEST_HARNESS_H
#define LTA_TEST_HARNESS_H

#ifdef LTA_CHECK_LITE
#include "check_lite.h" /* targets without Check: the AArch64 cross build of the sweep */
#else
#include <check.h>
#endif

#include "lightattn.h"

/* Runs s and returns the process's exit status (EXIT_SUCCESS when every test passed). Each
 * test forks unless nofork (needed where a CUDA context must live in this process). Tests are
 * selected by CK_INCLUDE_TAGS / CK_EXCLUDE_TAGS as Check does; with neither set, the test
 * cases tagged "slow" are left out, so a plain run is the quick one. */
int run_suite(Suite *s, int nofork);

/* LTA_SWEEP_KERNELS="pat1,pat2": 1 when name matches one of the glob patterns (to keep a run
 * under compute-sanitizer short); unset or empty: 1 for every kernel. */
int sweep_wanted(const char *name);

/* The ISA choice that makes lta_forward run kernel e (GENERIC for the generic kernels). */
struct lta_entry;
lta_isa entry_isa(const struct lta_entry *e);

#endif
