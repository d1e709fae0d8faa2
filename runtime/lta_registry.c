/* lta_registry.c: the kernels built into this library, and the choice among them.
 *
 * The table comes from the generator's kernel list (lta_kernels.inc), the same list the build
 * compiled, so a kernel cannot be registered without being built or the reverse. Selection has
 * two levels: the functional key must match exactly (0 = any in the kernel's key matches every
 * size), then the candidates are ranked by specialisation and by target.
 *
 * Kernels generated outside this build (lta-gen against an installed copy, for head dims the
 * library was not built with) join at run time through lta_register_kernel(): an append-only
 * table, published entry by entry, so that a call running concurrently sees either the old or
 * the new count and never a half-written entry.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "lta_internal.h"

#define LTA_KERNEL(name, op, dtype, K, V, H, rev, target)      \
  void name(const lta_problem *, int64_t, int64_t, void *); \
  size_t name##_workspace(const lta_problem *);
#include "lta_kernels.inc"
#undef LTA_KERNEL

static const lta_entry entries[] = {
#define LTA_KERNEL(name, op, dtype, K, V, H, rev, target) \
  {#name, {op, dtype, K, V, H, rev, target}, name, name##_workspace, NULL, NULL, NULL, NULL},
#include "lta_kernels.inc"
#undef LTA_KERNEL
    {NULL, {0}, NULL, NULL, NULL, NULL, NULL, NULL} /* keeps the array valid when the list is empty */
};

#define LTA_CUDA_KERNEL(name, op, dtype, K, V, H, rev, target)                                   \
  int name(const lta_problem *, const lta_cuda_exec *);                                         \
  size_t name##_workspace(const lta_problem *, int);                                             \
  int name##_segments(const lta_problem *, int);                                                \
  int name##_passes(const lta_problem *, void *, lta_problem *);
#include "lta_cuda_kernels.inc"
#undef LTA_CUDA_KERNEL

static const lta_entry cuda_entries[] = {
#define LTA_CUDA_KERNEL(name, op, dtype, K, V, H, rev, target)                                   \
  {#name, {op, dtype, K, V, H, rev, target}, NULL, NULL, name, name##_workspace, name##_segments, \
   name##_passes},
#include "lta_cuda_kernels.inc"
#undef LTA_CUDA_KERNEL
    {NULL, {0}, NULL, NULL, NULL, NULL, NULL, NULL}};

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

/* ---- kernels registered at run time ---- */

static lta_entry extras[LTA_MAX_EXTRA_KERNELS];
static char extra_names[LTA_MAX_EXTRA_KERNELS][LTA_KEY_NAME_MAX];
static atomic_size_t extra_count;
static pthread_mutex_t extra_lock = PTHREAD_MUTEX_INITIALIZER;

static const lta_entry *find_name(const lta_entry *tab, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(tab[i].name, name) == 0) return &tab[i];
  return NULL;
}

lta_status lta_register_kernel(const char *name, lta_kernel_run_fn run,
                               lta_kernel_workspace_fn workspace, int abi_version) {
  static const char fn[] = "lta_register_kernel";
  if (!name || !run || !workspace)
    return lta_fail(LTA_ERR_NULL, "%s: name=%s run=%p workspace=%s must all be given", fn,
                    name ? name : "NULL", run ? "set" : "NULL", workspace ? "set" : "NULL");
  if (abi_version != LTA_KERNEL_ABI)
    return lta_fail(LTA_ERR_UNSUPPORTED,
                    "%s: %s was built for kernel ABI %d, this library has ABI %d: regenerate "
                    "it with this version's lta-gen and templates",
                    fn, name, abi_version, LTA_KERNEL_ABI);
  lta_key key;
  char canon[LTA_KEY_NAME_MAX];
  if (lta_key_parse(name, &key) != 0 || lta_key_name(&key, canon, sizeof canon) < 0 ||
      strcmp(canon, name) != 0)
    return lta_fail(LTA_ERR_UNSUPPORTED, "%s: name=\"%.120s\" is not a kernel name", fn, name);
  const char *family = lta_target_family(key.target);
  if (!family || strcmp(family, "cpu") != 0)
    return lta_fail(LTA_ERR_UNSUPPORTED, "%s: %s: only CPU kernels can be registered", fn, name);
  pthread_mutex_lock(&extra_lock);
  lta_status st = LTA_OK;
  size_t nbuilt, n = atomic_load_explicit(&extra_count, memory_order_relaxed);
  const lta_entry *tab = lta_registry(&nbuilt);
  if (find_name(tab, nbuilt, name) || find_name(extras, n, name)) {
    st = lta_fail(LTA_ERR_UNSUPPORTED, "%s: %s is already %s", fn, name,
                  find_name(tab, nbuilt, name) ? "built into the library" : "registered");
  } else if (n == LTA_MAX_EXTRA_KERNELS) {
    st = lta_fail(LTA_ERR_NO_MEMORY, "%s: %s: the table of %d registered kernels is full", fn,
                  name, LTA_MAX_EXTRA_KERNELS);
  } else {
    memcpy(extra_names[n], canon, sizeof canon);
    extras[n] = (lta_entry){.name = extra_names[n], .key = key, .run = run, .workspace = workspace};
    atomic_store_explicit(&extra_count, n + 1, memory_order_release);
  }
  pthread_mutex_unlock(&extra_lock);
  return st;
}

const lta_entry *lta_registered(size_t *count) {
  *count = atomic_load_explicit(&extra_count, memory_order_acquire);
  return extras;
}

/* ---- selection ---- */

static int size_matches(int32_t have, int32_t want) { return have == 0 || have == want; }

/* Preference among entries that match: fixed K and V, then the higher target, then fixed H. */
static int entry_score(const lta_entry *e) {
  const lta_key *k = &e->key;
  return (k->K != 0 && k->V != 0) * 4 * LTA_TARGET_COUNT + k->target * 2 + (k->H != 0);
}

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
    int score = entry_score(e);
    if (score > best_score) {
      best = e;
      best_score = score;
    }
  }
  return best;
}

const lta_entry *lta_lookup(const lta_key *want, unsigned targets, lta_isa isa) {
  size_t nbuilt, nextra;
  const lta_entry *built = lta_registry(&nbuilt), *extra = lta_registered(&nextra);
  const lta_entry *a = lta_select(built, nbuilt, want, targets, isa);
  const lta_entry *b = nextra ? lta_select(extra, nextra, want, targets, isa) : NULL;
  if (!a || !b) return a ? a : b;
  return entry_score(b) > entry_score(a) ? b : a;
}
