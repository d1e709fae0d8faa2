/* test_memspace.c: device memory handed to the CPU path is rejected, not dereferenced.
 *
 * Needs the CUDA driver and a GPU: it loads libcuda.so.1 itself and runs without forking (a
 * CUDA context does not survive fork), allocates device, managed and pinned host memory, and
 * checks that device pointers get LTA_ERR_MEMORY_SPACE with nothing written while managed and
 * pinned memory (readable by the host) are computed on. Without a driver or a device it exits
 * 77, which ctest reports as skipped.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lightattn.h"
#include "ref.h"

#define SKIP 77

typedef int (*cu_init_fn)(unsigned);
typedef int (*cu_device_get_fn)(int *, int);
typedef int (*cu_ctx_retain_fn)(void **, int);
typedef int (*cu_ctx_set_fn)(void *);
typedef int (*cu_alloc_fn)(unsigned long long *, size_t);
typedef int (*cu_alloc_managed_fn)(unsigned long long *, size_t, unsigned);
typedef int (*cu_alloc_host_fn)(void **, size_t);

static struct {
  cu_alloc_fn alloc;
  cu_alloc_managed_fn alloc_managed;
  cu_alloc_host_fn alloc_host;
} cu;

/* Loads the driver and makes a context current; 0 when there is no usable GPU. */
static int cuda_up(void) {
  void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
  if (!h) return 0;
  cu_init_fn init = (cu_init_fn)dlsym(h, "cuInit");
  cu_device_get_fn device_get = (cu_device_get_fn)dlsym(h, "cuDeviceGet");
  cu_ctx_retain_fn retain = (cu_ctx_retain_fn)dlsym(h, "cuDevicePrimaryCtxRetain");
  cu_ctx_set_fn set = (cu_ctx_set_fn)dlsym(h, "cuCtxSetCurrent");
  cu.alloc = (cu_alloc_fn)dlsym(h, "cuMemAlloc_v2");
  cu.alloc_managed = (cu_alloc_managed_fn)dlsym(h, "cuMemAllocManaged");
  cu.alloc_host = (cu_alloc_host_fn)dlsym(h, "cuMemAllocHost_v2");
  int dev;
  void *ctx;
  return init && device_get && retain && set && cu.alloc && cu.alloc_managed && cu.alloc_host &&
         init(0) == 0 && device_get(&dev, 0) == 0 && retain(&ctx, dev) == 0 && set(ctx) == 0;
}

enum { B = 1, T = 9, H = 2, D = 16, N_QKV = B * T * H * D, N_S = B * H * D * D };

static void *device_buffer(size_t bytes) {
  unsigned long long p = 0;
  ck_assert_int_eq(cu.alloc(&p, bytes), 0);
  return (void *)(uintptr_t)p;
}

static void *managed_buffer(size_t bytes) {
  unsigned long long p = 0;
  ck_assert_int_eq(cu.alloc_managed(&p, bytes, 1 /* CU_MEM_ATTACH_GLOBAL */), 0);
  return (void *)(uintptr_t)p;
}

static void *pinned_buffer(size_t bytes) {
  void *p = NULL;
  ck_assert_int_eq(cu.alloc_host(&p, bytes), 0);
  return p;
}

static lta_forward_args call(void *q, void *k, void *v, void *o, float *s) {
  lta_forward_args a;
  lta_forward_args_init(&a);
  a.dtype = LTA_F32;
  a.batch = B, a.seqlen = T, a.num_heads = a.num_kv_heads = H, a.head_dim_k = a.head_dim_v = D;
  a.q = q, a.k = k, a.v = v, a.o = o, a.final_state = s, a.num_states = B;
  a.layer_idx = 1, a.num_layers = 4;
  return a;
}

START_TEST(device_pointers_rejected) {
  float host[3][N_QKV], o[N_QKV], s[N_S];
  ref_rng rng = {7};
  for (int i = 0; i < 3; i++) ref_fill(&rng, LTA_F32, host[i], N_QKV, 1.0);
  const char *names[] = {"q", "k", "v", "o", "final_state", "g_gamma", "cu_seqlens"};
  for (int which = 0; which < 7; which++) {
    void *dev = device_buffer(sizeof(float) * N_S);
    memset(o, 0x5A, sizeof o);
    memset(s, 0x5A, sizeof s);
    lta_forward_args a = call(host[0], host[1], host[2], o, s);
    if (which == 0) a.q = dev;
    if (which == 1) a.k = dev;
    if (which == 2) a.v = dev;
    if (which == 3) a.o = dev;
    if (which == 4) a.final_state = dev;
    if (which == 5) a.g_gamma = dev; /* read by the host itself: checked before its values */
    if (which == 6) a.batch = 1, a.seqlen = B * T, a.cu_seqlens = dev, a.num_seqs = B;
    ck_assert_int_eq(lta_forward(&a), LTA_ERR_MEMORY_SPACE);
    char want[64];
    snprintf(want, sizeof want, "%s=%p is CUDA device memory", names[which], dev);
    ck_assert_msg(strstr(lta_last_error(), want), "message '%s' lacks '%s'", lta_last_error(),
                  want);
    for (size_t i = 0; i < sizeof o; i++) ck_assert_int_eq(((unsigned char *)o)[i], 0x5A);
    for (size_t i = 0; i < sizeof s; i++) ck_assert_int_eq(((unsigned char *)s)[i], 0x5A);
  }
}
END_TEST

START_TEST(managed_and_pinned_accepted) {
  float *q = managed_buffer(sizeof(float) * N_QKV), *k = managed_buffer(sizeof(float) * N_QKV);
  float *v = pinned_buffer(sizeof(float) * N_QKV), *o = managed_buffer(sizeof(float) * N_QKV);
  float *s = pinned_buffer(sizeof(float) * N_S);
  ref_rng rng = {11};
  ref_fill(&rng, LTA_F32, q, N_QKV, 1.0);
  ref_fill(&rng, LTA_F32, k, N_QKV, 1.0);
  ref_fill(&rng, LTA_F32, v, N_QKV, 1.0);
  lta_forward_args a = call(q, k, v, o, s);
  ck_assert_msg(lta_forward(&a) == LTA_OK, "managed/pinned memory rejected: %s", lta_last_error());
  float g[H];
  lta_seed_g_gamma(H, 1, 4, g);
  double o_ref[N_QKV], s_ref[N_S];
  ref_case r = {LTA_F32, B, T, H, H, D, D, 0, q, k, v, NULL, NULL, B, g, 0.25f, o_ref, s_ref};
  ref_forward(&r);
  ck_assert_double_le(ref_error(LTA_F32, o, o_ref, N_QKV), 2e-5);
  ck_assert_double_le(ref_error_f32(s, s_ref, N_S), 2e-5);
}
END_TEST

int main(void) {
  if (!cuda_up()) {
    printf("memspace: SKIPPED: no CUDA driver (libcuda.so.1) or no GPU on this machine\n");
    return SKIP;
  }
  Suite *s = suite_create("memspace");
  TCase *tc = tcase_create("cuda");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, device_pointers_rejected);
  tcase_add_test(tc, managed_and_pinned_accepted);
  suite_add_tcase(s, tc);
  return run_suite(s, 1); /* no fork: the CUDA context lives in this process */
}
