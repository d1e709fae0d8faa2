/* lta_memspace.c: telling device memory from host memory, where that can be told.
 *
 * The CPU kernels dereference every pointer they get; a CUDA device pointer would crash them.
 * When the process already has the CUDA driver loaded (an application that uses the GPU), the
 * driver can say what a pointer is. lightattn never loads the driver itself (RTLD_NOLOAD): a
 * CPU-only process pays nothing and gains no dependency. Managed (unified) memory is usable
 * from the host and is accepted; so is any pointer the driver does not know.
 */
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>

#include "lta_internal.h"

/* From the CUDA driver API (cuda.h), which a CPU build does not include. */
#define CU_POINTER_ATTRIBUTE_MEMORY_TYPE 2
#define CU_POINTER_ATTRIBUTE_IS_MANAGED 8
#define CU_MEMORYTYPE_DEVICE 2
typedef int (*cu_pointer_get_attribute_fn)(void *data, int attribute, unsigned long long ptr);

static _Atomic(cu_pointer_get_attribute_fn) cached;

/* The driver's query, once the process has loaded the driver; asked again on each call until
 * then, since an application may load CUDA after its first lightattn call. The handle is kept
 * open, so the function stays valid. */
static cu_pointer_get_attribute_fn driver_query(void) {
  cu_pointer_get_attribute_fn f = atomic_load_explicit(&cached, memory_order_acquire);
  if (f) return f;
  void *driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
  if (!driver) return NULL;
  f = (cu_pointer_get_attribute_fn)dlsym(driver, "cuPointerGetAttribute");
  if (f) atomic_store_explicit(&cached, f, memory_order_release);
  else dlclose(driver);
  return f;
}

static int is_device(cu_pointer_get_attribute_fn get_attribute, const void *p) {
  unsigned int type = 0, managed = 0;
  unsigned long long address = (unsigned long long)(uintptr_t)p;
  if (get_attribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, address) != 0) return 0;
  if (type != CU_MEMORYTYPE_DEVICE) return 0;
  if (get_attribute(&managed, CU_POINTER_ATTRIBUTE_IS_MANAGED, address) == 0 && managed) return 0;
  return 1;
}

int lta_first_device_pointer(const void *const *ptrs, int n) {
  cu_pointer_get_attribute_fn get_attribute = driver_query(); /* once per call, not per pointer */
  if (!get_attribute) return -1;
  for (int i = 0; i < n; i++)
    if (ptrs[i] && is_device(get_attribute, ptrs[i])) return i;
  return -1;
}
