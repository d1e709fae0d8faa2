/* lta_cuda.c: the CUDA side of the runtime (built when CMake finds nvcc).
 *
 * It answers which CUDA targets the current device runs (its compute capability, read once per
 * device), checks that a call's buffers are memory the device can reach, and runs the selected
 * kernel's launcher on the caller's stream. Long sequences over few heads split their time into
 * segments, which need a workspace: the caller's, else one from the library's own stream-ordered
 * memory pool (no synchronisation; kept by the pool between calls), except while the stream is
 * being captured, when the call runs each sequence in one segment instead.
 * The backward runs three forward passes (templates/cuda_bwd.cu.lt): it chooses a forward kernel
 * for each, places their workspaces in one, and runs two of them on side streams the runtime
 * keeps per device, concurrently with the first.
 */
#include <cuda_runtime_api.h>
#include <pthread.h>
#include <stdint.h>

#include "lta_internal.h"

#define MAX_DEVICES 64

typedef struct device_info {
  int ready, major, minor, sms;
  int has_pool;
  cudaMemPool_t pool;
} device_info;

static device_info devices[MAX_DEVICES];
static pthread_mutex_t devices_lock = PTHREAD_MUTEX_INITIALIZER;

static lta_status cuda_fail(cudaError_t e, const char *fn, const char *what) {
  return lta_fail(LTA_ERR_CUDA, "%s: %s: %s (%s)", fn, what, cudaGetErrorName(e),
                  cudaGetErrorString(e));
}

/* The current device and its cached properties. */
static lta_status current_device(const char *fn, int *dev, device_info **info) {
  cudaError_t e = cudaGetDevice(dev);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return cuda_fail(e, fn, "device=LTA_DEVICE_CUDA but no CUDA device is usable");
  }
  if (*dev < 0 || *dev >= MAX_DEVICES)
    return lta_fail(LTA_ERR_UNSUPPORTED, "%s: CUDA device %d: at most %d devices are supported",
                    fn, *dev, MAX_DEVICES);
  device_info *d = &devices[*dev];
  pthread_mutex_lock(&devices_lock);
  if (!d->ready) {
    int major = 0, minor = 0, sms = 0;
    e = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, *dev);
    if (e == cudaSuccess) e = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, *dev);
    if (e == cudaSuccess) e = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, *dev);
    if (e == cudaSuccess) {
      d->major = major, d->minor = minor, d->sms = sms;
      d->ready = 1;
    }
  }
  pthread_mutex_unlock(&devices_lock);
  if (e != cudaSuccess) return cuda_fail(e, fn, "cannot read the device's properties");
  *info = d;
  return LTA_OK;
}

unsigned lta_cuda_targets(lta_status *st, const char *fn) {
  int dev;
  device_info *d = NULL;
  if ((*st = current_device(fn, &dev, &d)) != LTA_OK) return 0;
  if (d->major < 8) {
    *st = lta_fail(LTA_ERR_UNSUPPORTED,
                   "%s: CUDA device %d has compute capability %d.%d; the kernels need 8.0 or newer",
                   fn, dev, d->major, d->minor);
    return 0;
  }
  /* The sm80 kernels carry PTX, so newer devices run them too; sm90 code is sm_90a machine code
   * (warpgroup MMA), which runs on compute capability 9.0 only. */
  unsigned mask = (1u << LTA_TARGET_CUDA) | (1u << LTA_TARGET_SM80);
  if (d->major == 9 && d->minor == 0) mask |= 1u << LTA_TARGET_SM90;
  return mask;
}

lta_status lta_cuda_check_memory(const void *const *ptrs, const char *const *names, int n,
                                 const char *fn) {
  int dev;
  device_info *d = NULL;
  lta_status st = current_device(fn, &dev, &d);
  if (st != LTA_OK) return st;
  for (int i = 0; i < n; i++) {
    if (!ptrs[i]) continue;
    struct cudaPointerAttributes at;
    cudaError_t e = cudaPointerGetAttributes(&at, ptrs[i]);
    if (e != cudaSuccess) {
      cudaGetLastError();
      at.type = cudaMemoryTypeUnregistered;
    }
    int ok = (at.type == cudaMemoryTypeDevice && at.device == dev) ||
             at.type == cudaMemoryTypeManaged ||
             (at.type == cudaMemoryTypeHost && at.devicePointer == ptrs[i]);
    if (ok) continue;
    if (at.type == cudaMemoryTypeDevice)
      return lta_fail(LTA_ERR_MEMORY_SPACE,
                      "%s: %s=%p is memory of CUDA device %d; the current device is %d", fn,
                      names[i], ptrs[i], at.device, dev);
    return lta_fail(LTA_ERR_MEMORY_SPACE,
                    "%s: %s=%p is host memory; device=LTA_DEVICE_CUDA needs device memory", fn,
                    names[i], ptrs[i]);
  }
  return LTA_OK;
}

lta_status lta_cuda_check_host(const void *ptr, const char *name, const char *fn) {
  if (!ptr) return LTA_OK;
  struct cudaPointerAttributes at;
  if (cudaPointerGetAttributes(&at, ptr) != cudaSuccess) {
    cudaGetLastError();
    return LTA_OK; /* not memory CUDA knows of: plain host memory */
  }
  if (at.type == cudaMemoryTypeDevice)
    return lta_fail(LTA_ERR_MEMORY_SPACE,
                    "%s: %s=%p is CUDA device memory; %s is host memory on every device", fn,
                    name, ptr, name);
  return LTA_OK;
}

/* The time segments and workspace bytes of a call, before any capture or caller limit. */
static void plan(const lta_call *c, const device_info *d, int *segments, size_t *bytes) {
  *segments = c->segments > 0 ? c->segments : c->kernel->cuda_segments(&c->p, d->sms);
  *bytes = c->kernel->cuda_workspace(&c->p, *segments);
}

static int capturing(cudaStream_t s) {
  enum cudaStreamCaptureStatus cs = cudaStreamCaptureStatusNone;
  if (cudaStreamIsCapturing(s, &cs) != cudaSuccess) {
    cudaGetLastError();
    return 1; /* e.g. the legacy stream while another stream captures: assume capture */
  }
  return cs != cudaStreamCaptureStatusNone;
}

/* The library's memory pool of the device, created on first use; it keeps its memory. */
static cudaMemPool_t device_pool(int dev, device_info *d) {
  pthread_mutex_lock(&devices_lock);
  if (!d->has_pool) {
    struct cudaMemPoolProps props = {0};
    props.allocType = cudaMemAllocationTypePinned;
    props.location.type = cudaMemLocationTypeDevice;
    props.location.id = dev;
    if (cudaMemPoolCreate(&d->pool, &props) == cudaSuccess) {
      uint64_t keep = UINT64_MAX;
      cudaMemPoolSetAttribute(d->pool, cudaMemPoolAttrReleaseThreshold, &keep);
      d->has_pool = 1;
    } else {
      cudaGetLastError();
    }
  }
  pthread_mutex_unlock(&devices_lock);
  return d->has_pool ? d->pool : NULL;
}

/* n bytes from the device's pool, ordered on stream; NULL without a pool or memory. */
static void *pool_take(int dev, device_info *d, size_t n, cudaStream_t stream) {
  cudaMemPool_t pool = device_pool(dev, d);
  void *p = NULL;
  if (pool && cudaMallocFromPoolAsync(&p, n, pool, stream) == cudaSuccess) return p;
  cudaGetLastError();
  return NULL;
}

/* Returns pooled memory (or nothing: NULL) once the work enqueued on stream is done; the error
 * of the work comes first. */
static cudaError_t pool_give(void *p, cudaStream_t stream, cudaError_t e) {
  if (!p) return e;
  cudaError_t f = cudaFreeAsync(p, stream);
  return e == cudaSuccess ? f : e;
}

static size_t align256(size_t n) { return (n + 255) / 256 * 256; }

/* Side streams for the backward's concurrent passes: sets of two streams and three events per
 * device, made on first use and kept for the process's life. A call holds a set only while it
 * enqueues its work (a wait on an event takes the event's state when it is enqueued, so the
 * next holder may record it again); a call finding every set held runs its passes on its own
 * stream. At most SIDE_SETS sets a device: as many as threads enqueueing backwards at once. */
#define SIDE_SETS 8

typedef struct side_streams {
  int made, held;
  cudaStream_t stream[2];
  cudaEvent_t fork, done[2];
} side_streams;

static side_streams sides[MAX_DEVICES][SIDE_SETS];

/* Creates a set's streams and events; on a failure, destroys what it created and returns 0. */
static int make_sides(side_streams *d) {
  int streams = 0, events = 0;
  cudaEvent_t *ev[3] = {&d->fork, &d->done[0], &d->done[1]};
  while (streams < 2 &&
         cudaStreamCreateWithFlags(&d->stream[streams], cudaStreamNonBlocking) == cudaSuccess)
    streams++;
  while (streams == 2 && events < 3 &&
         cudaEventCreateWithFlags(ev[events], cudaEventDisableTiming) == cudaSuccess)
    events++;
  d->made = events == 3;
  if (!d->made) {
    cudaGetLastError();
    while (events > 0) cudaEventDestroy(*ev[--events]);
    while (streams > 0) cudaStreamDestroy(d->stream[--streams]);
  }
  return d->made;
}

static side_streams *take_sides(int dev) {
  side_streams *got = NULL;
  pthread_mutex_lock(&devices_lock);
  for (int i = 0; i < SIDE_SETS && !got; i++) {
    side_streams *d = &sides[dev][i];
    if (d->held) continue;
    if (!d->made && !make_sides(d)) break; /* the passes then share the caller's stream */
    d->held = 1;
    got = d;
  }
  pthread_mutex_unlock(&devices_lock);
  return got;
}

static void give_sides(side_streams *d) {
  if (!d) return;
  pthread_mutex_lock(&devices_lock);
  d->held = 0;
  pthread_mutex_unlock(&devices_lock);
}

/* The backward's plan (a kernel with passes): the forward kernel of each pass, chosen as for a
 * forward call of that shape, with its time segments and its offset in one workspace of *total
 * bytes (the backward's own part first). Each pass runs in one segment when `whole` (a capture
 * without a workspace), or, with `fit`, when the caller's workspace cannot hold the split. */
typedef struct pass_plan {
  int count;
  lta_problem pass[LTA_CUDA_MAX_PASSES];
  const lta_entry *fwd[LTA_CUDA_MAX_PASSES];
  lta_cuda_pass run[LTA_CUDA_MAX_PASSES];
  size_t off[LTA_CUDA_MAX_PASSES], need[LTA_CUDA_MAX_PASSES], total;
} pass_plan;

static lta_status plan_passes(const lta_call *c, const device_info *d, int whole, int fit,
                              pass_plan *pl, const char *fn) {
  const lta_entry *k = c->kernel;
  pl->count = k->cuda_passes(&c->p, NULL, pl->pass);
  lta_status st = LTA_OK;
  const unsigned targets = lta_cuda_targets(&st, fn);
  if (st != LTA_OK) return st;
  size_t count;
  const lta_entry *tab = lta_cuda_registry(&count);
  for (int i = 0; i < pl->count; i++) {
    const lta_problem *p = &pl->pass[i];
    lta_key want = {LTA_OP_FWD, p->dtype, (int32_t)p->K, (int32_t)p->V, (int32_t)p->num_heads,
                    p->reverse, 0};
    pl->fwd[i] = lta_select(tab, count, &want, targets,
                            c->generic_passes ? LTA_ISA_GENERIC : LTA_ISA_AUTO);
    if (!pl->fwd[i])
      return lta_fail(LTA_ERR_UNSUPPORTED, "%s: no forward kernel for pass %d of %s (K=%lld V=%lld)",
                      fn, i, k->name, (long long)p->K, (long long)p->V);
  }
  for (int again = 0; again < 2; again++) { /* the second time: one segment per pass */
    pl->total = align256(k->cuda_workspace(&c->p, 1));
    for (int i = 0; i < pl->count; i++) {
      lta_cuda_pass *r = &pl->run[i];
      r->run = pl->fwd[i]->cuda_run;
      r->segments = again || whole ? 1 : pl->fwd[i]->cuda_segments(&pl->pass[i], d->sms);
      pl->off[i] = pl->total;
      pl->need[i] = pl->fwd[i]->cuda_workspace(&pl->pass[i], r->segments);
      r->workspace = NULL; /* placed at off[i] once the workspace is known */
      r->stream = r->done = NULL;
      pl->total += align256(pl->need[i]);
    }
    if (!fit || !c->workspace || pl->total <= c->workspace_bytes) break;
  }
  return LTA_OK;
}

/* Runs the backward's plan in the caller's workspace or one from the pool; while the stream is
 * being captured without a workspace, a plan that still needs memory (an initial state or its
 * gradient to transpose, GQA's fp32 sums) is refused. */
static lta_status execute_passes(const lta_call *c, const char *fn, int dev, device_info *d) {
  cudaStream_t stream = (cudaStream_t)c->stream;
  const int cap = capturing(stream);
  pass_plan pl;
  lta_status st = plan_passes(c, d, cap && !c->workspace, 1, &pl, fn);
  if (st != LTA_OK) return st;
  void *ws = NULL, *pooled = NULL;
  if (c->workspace) {
    if (pl.total > c->workspace_bytes)
      return lta_fail(LTA_ERR_SIZE, "%s: fwd.workspace_bytes=%zu: this backward needs %zu", fn,
                      c->workspace_bytes, pl.total);
    ws = c->workspace;
  } else if (pl.total > 0) {
    if (cap)
      return lta_fail(LTA_ERR_UNSUPPORTED,
                      "%s: this backward needs %zu bytes of workspace: give fwd.workspace while "
                      "the stream is being captured",
                      fn, pl.total);
    ws = pooled = pool_take(dev, d, pl.total, stream);
    if (!ws)
      return lta_fail(LTA_ERR_NO_MEMORY, "%s: no device memory for the %zu-byte workspace", fn,
                      pl.total);
  }
  for (int i = 0; i < pl.count; i++)
    if (pl.need[i]) pl.run[i].workspace = (char *)ws + pl.off[i];
  /* Passes after the first run on a set of side streams, concurrently with the first; not while
   * the stream is being captured (a side stream joins the capture until it ends, so no other
   * call may use it meanwhile). */
  side_streams *side = pl.count > 1 && !cap ? take_sides(dev) : NULL;
  for (int i = 1; side && i < pl.count && i <= 2; i++) {
    pl.run[i].stream = side->stream[i - 1];
    pl.run[i].done = side->done[i - 1];
  }
  lta_cuda_exec x = {stream, ws, 1, pl.run, side ? side->fork : NULL};
  cudaError_t e = (cudaError_t)c->kernel->cuda_run(&c->p, &x);
  give_sides(side);
  e = pool_give(pooled, stream, e);
  if (e != cudaSuccess) return cuda_fail(e, fn, c->kernel->name);
  return LTA_OK;
}

lta_status lta_cuda_workspace(const lta_call *c, size_t *bytes, const char *fn) {
  int dev, seg;
  device_info *d = NULL;
  lta_status st = current_device(fn, &dev, &d);
  if (st != LTA_OK) return st;
  if (c->p.op == LTA_OP_BWD) {
    pass_plan pl;
    st = plan_passes(c, d, 0, 0, &pl, fn); /* the full split, whatever fwd.workspace holds */
    *bytes = st == LTA_OK ? pl.total : 0;
    return st;
  }
  plan(c, d, &seg, bytes);
  return LTA_OK;
}

lta_status lta_cuda_execute(const lta_call *c, const char *fn) {
  int dev, seg;
  size_t need;
  device_info *d = NULL;
  lta_status st = current_device(fn, &dev, &d);
  if (st != LTA_OK) return st;
  if (c->p.op == LTA_OP_BWD) return execute_passes(c, fn, dev, d);
  plan(c, d, &seg, &need);
  cudaStream_t stream = (cudaStream_t)c->stream;
  void *ws = NULL, *pooled = NULL;
  if (need > 0) {
    if (c->workspace) {
      /* The caller's: as many segments as it holds. */
      while (seg > 1 && c->kernel->cuda_workspace(&c->p, seg) > c->workspace_bytes) seg--;
      ws = c->workspace;
    } else if (!capturing(stream)) {
      ws = pooled = pool_take(dev, d, need, stream);
    }
    if (!ws) seg = 1; /* no memory, or being captured: no split */
  }
  lta_cuda_exec x = {stream, seg > 1 ? ws : NULL, seg, NULL, NULL};
  cudaError_t e = (cudaError_t)c->kernel->cuda_run(&c->p, &x);
  e = pool_give(pooled, stream, e);
  if (e != cudaSuccess) return cuda_fail(e, fn, c->kernel->name);
  return LTA_OK;
}
