/* lta_registry.c: the kernels built into this library, and the choice among them.
 *
 * The table comes from the generator's kernel list (lta_kernels.inc), the same list the build
 * compiled, so a kernel cannot be registered without being built or the reverse. Selection has
 * two levels: the functional key must match exactly (0 = any in the kernel's key matches every
 * size), then the candidates are ranked by specialisation and by target.
 */
#include <stddef.h>

#include "lta_internal.h"

#define LTA_KERNEL(name, op, dtype, K, V, H, rev, target)      \
  void name(const lta_problem *, int64_t, int64_t, void *); \
  size_t name##_workspace(const lta_problem *);
#include "lta_kernels.inc"
#undef LTA_KERNEL

static const lta_entry entries[] = {
#define LTA_KERNEL(name, op, dtype, K, V, H, rev, target) \
  {#name, {op, dtype, K, V, H, rev, target}, name, name##_workspace, NULL, NULL, NULL},
#include "lta_kernels.inc"
#undef LTA_KERNEL
    {NULL, {0}, NULL, NULL, NULL, NULL, NULL} /* keeps the array valid when the list is empty */
};

#define LTA_CUDA_KERNEL(name, op, dtype, K, V, H, rev, target)                                   \
  int name(const lta_problem *, const lta_cuda_exec *);                                         \
  size_t name##_workspace(const lta_problem *, int);                                             \
  int name##_segments(const lta_problem *, int);
#include "lta_cuda_kernels.inc"
#undef LTA_CUDA_KERNEL

static const lta_entry cuda_entries[] = {
#define LTA_CUDA_KERNEL(name, op, dtype, K, V, H, rev, target)                                   \
  {#name, {op, dtype, K, V, H, rev, target}, NULL, NULL, name, name##_workspace, name##_segments},
#include "lta_cuda_kernels.inc"
#undef LTA_CUDA_KERNEL
    {NULL, {0}, NULL, NULL, NULL, NULL, NULL}};

const lta_entry *lta_registry(size_t *count) {
  *count = sizeof entries / sizeof entries[0] - 1;
  return entries;
}

const lta_entry *lta_cuda_registry(size_t *count) {
  *count = sizeof cuda_entries / sizeof cuda_entries[0] - 1;
  return cuda_entries;
}

int lta_entry_is_generic(const lta_entry *e) {
  return e->key.K == 0 && e->key.V == 0 && e->key.H == 0 &&
         (e->key.target == LTA_TARGET_SCALAR || e->key.target == LTA_TARGET_CUDA);
}

static int size_matches(int32_t have, int32_t want) { return have == 0 || have == want; }

const lta_entry *lta_select(const lta_entry *tab, size_t n, const lta_key *want,
                            unsigned targets, lta_isa isa) {
  const lta_entry *best = NULL;
  int best_score = -1, forced = lta_isa_target(isa);
  for (size_t i = 0; i < n; i++) {
    const lta_entry *e = &tab[i];
    const lta_key *k = &e->key;
    if (k->op != want->op || k->dtype != want->dtype || k->reverse != want->reverse ||
        !size_matches(k->K, want->K) || !size_matches(k->V, want->V) ||
        !size_matches(k->H, want->H) || !((targets >> k->target) & 1))
      continue;
    int generic = lta_entry_is_generic(e);
    if (isa == LTA_ISA_GENERIC && !generic) continue;
    if (forced >= 0 && k->target != forced && !generic) continue;
    int score = (k->K != 0 && k->V != 0) * 4 * LTA_TARGET_COUNT + k->target * 2 + (k->H != 0);
    if (score > best_score) {
      best = e;
      best_score = score;
    }
  }
  return best;
}
