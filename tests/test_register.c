/* test_register.c: kernels generated outside the library, added with lta_register_kernel().
 *
 * The build generates K = V = 96 kernels (examples/extra/kernels_k96.lua, which the default set
 * lacks) with lightattn_add_kernels(), the function the installed package exports. Before
 * registration such a call runs on the generic kernel; after it, on the new kernel of the best
 * target this CPU runs, and its results match the double-precision reference. Bad
 * registrations are refused with a message naming the name.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lightattn.h"
#include "lta_kernel.h"
#include "lta_test_extra.h"
#include "ref.h"

enum { B = 2, T = 37, H = 3, D = 96 };

static void run_case(lta_dtype dt, int reverse, const char *want_kernel) {
  ref_rng rng = {0x1234567u + (uint64_t)dt * 7u + (uint64_t)reverse};
  size_t es = ref_elem_size(dt), n = (size_t)B * T * H * D, ns = (size_t)B * H * D * D;
  void *q = malloc(n * es), *k = malloc(n * es), *v = malloc(n * es), *o = malloc(n * es);
  float *s0 = malloc(ns * sizeof(float)), *st = malloc(ns * sizeof(float)), g[H];
  double *o_ref = malloc(n * sizeof(double)), *s_ref = malloc(ns * sizeof(double));
  ck_assert(q && k && v && o && s0 && st && o_ref && s_ref);
  ref_fill(&rng, dt, q, (int64_t)n, 1.0);
  ref_fill(&rng, dt, k, (int64_t)n, 1.0);
  ref_fill(&rng, dt, v, (int64_t)n, 1.0);
  ref_fill(&rng, LTA_F32, s0, (int64_t)ns, 0.5);
  lta_seed_g_gamma(H, 2, 12, g);

  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = dt, a.batch = B, a.seqlen = T, a.num_heads = a.num_kv_heads = H;
  a.head_dim_k = a.head_dim_v = D;
  a.q = q, a.k = k, a.v = v, a.o = o, a.initial_state = s0, a.final_state = st;
  a.num_states = B, a.layer_idx = 2, a.num_layers = 12, a.reverse = reverse;
  const char *name;
  ck_assert_int_eq(lta_forward_kernel(&a, &name), LTA_OK);
  ck_assert_msg(strcmp(name, want_kernel) == 0, "kernel %s, want %s", name, want_kernel);
  ck_assert_int_eq(lta_forward(&a), LTA_OK);

  ref_case c = {dt, B, T, H, H, D, D, reverse, q, k, v, s0, NULL, B, g,
                (float)(1.0 / sqrt((double)D)), o_ref, s_ref};
  ref_forward(&c);
  double eo = ref_error(dt, o, o_ref, (int64_t)n), es_ = ref_error_f32(st, s_ref, (int64_t)ns);
  double tol = dt == LTA_F32 ? 2e-5 : 1e-2;
  ck_assert_msg(eo <= tol && es_ <= 2e-5, "%s: output error %.3g, state error %.3g", name, eo,
                es_);
  free(q), free(k), free(v), free(o), free(s0), free(st), free(o_ref), free(s_ref);
}

/* The best target this CPU runs among those the library was built with. */
static const char *best_target(void) {
  static const lta_isa order[] = {LTA_ISA_AVX512, LTA_ISA_AVX2, LTA_ISA_NEON, LTA_ISA_SCALAR};
  for (int i = 0; i < 4; i++)
    if (lta_isa_supported(order[i]) && strstr(LTA_TEST_EXTRA_TARGETS, lta_isa_name(order[i])))
      return lta_isa_name(order[i]);
  return "scalar";
}

START_TEST(registered_kernels_run) {
  static const lta_dtype dts[] = {LTA_F32, LTA_BF16};
  char want[96];
  for (int d = 0; d < 2; d++)
    for (int rev = 0; rev < 2; rev++) {
      snprintf(want, sizeof want, "lta_fwd_%s_kany_vany%s__scalar",
               dts[d] == LTA_F32 ? "f32" : "bf16", rev ? "_rev" : "");
      run_case(dts[d], rev, want);
    }
  ck_assert_int_eq(lta_test_extra_register(), LTA_OK);
  for (int d = 0; d < 2; d++)
    for (int rev = 0; rev < 2; rev++) {
      snprintf(want, sizeof want, "lta_fwd_%s_k96_v96%s__%s", dts[d] == LTA_F32 ? "f32" : "bf16",
               rev ? "_rev" : "", best_target());
      run_case(dts[d], rev, want);
    }
}
END_TEST

static void dummy_run(const struct lta_problem *p, int64_t a, int64_t b, void *ws) {
  (void)p, (void)a, (void)b, (void)ws;
}
static size_t dummy_ws(const struct lta_problem *p) { return (void)p, 0; }

static void expect_refused(lta_status want, const char *name, int abi, const char *fragment) {
  lta_status st = lta_register_kernel(name, dummy_run, dummy_ws, abi);
  ck_assert_msg(st == want, "%s: status %s, want %s", name ? name : "NULL", lta_status_name(st),
                lta_status_name(want));
  ck_assert_msg(strstr(lta_last_error(), "lta_register_kernel: ") &&
                    strstr(lta_last_error(), fragment),
                "message \"%s\" lacks \"%s\"", lta_last_error(), fragment);
}

START_TEST(bad_registrations_refused) {
  expect_refused(LTA_ERR_NULL, NULL, LTA_KERNEL_ABI, "name=NULL");
  expect_refused(LTA_ERR_UNSUPPORTED, "lta_fwd_f32_k96", LTA_KERNEL_ABI,
                 "name=\"lta_fwd_f32_k96\" is not a kernel name");
  expect_refused(LTA_ERR_UNSUPPORTED, "lta_fwd_f32_kany_vany__scalar", LTA_KERNEL_ABI, /* always built */
                 "lta_fwd_f32_kany_vany__scalar is already built into the library");
  expect_refused(LTA_ERR_UNSUPPORTED, "lta_fwd_f32_k80_v80__scalar", LTA_KERNEL_ABI + 1,
                 "kernel ABI");
  ck_assert_int_eq(lta_register_kernel("lta_fwd_f32_k80_v80__scalar", dummy_run, dummy_ws,
                                       LTA_KERNEL_ABI),
                   LTA_OK);
  expect_refused(LTA_ERR_UNSUPPORTED, "lta_fwd_f32_k80_v80__scalar", LTA_KERNEL_ABI,
                 "is already registered");
  ck_assert_int_eq(lta_test_extra_register(), LTA_OK);
  ck_assert_int_eq(lta_test_extra_register(), LTA_ERR_UNSUPPORTED); /* twice: refused */
}
END_TEST

int main(void) {
  Suite *s = suite_create("register");
  TCase *tc = tcase_create("register");
  tcase_add_test(tc, registered_kernels_run);
  tcase_add_test(tc, bad_registrations_refused);
  suite_add_tcase(s, tc);
  return run_suite(s, 0);
}
