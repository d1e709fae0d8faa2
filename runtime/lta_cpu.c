/* lta_cpu.c: which targets this CPU runs.
 *
 * Compiled without any ISA flag (and never part of link-time optimisation): code here runs on
 * every CPU, before we know what the CPU has; an AVX instruction inlined here would be SIGILL
 * on an older machine. An ISA counts only when the CPU has it and the OS saves its registers
 * (XCR0), since a kernel using them would otherwise corrupt state across context switches.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getaffinity */
#endif
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "lta_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
  unsigned int lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

static unsigned detect(void) {
  unsigned mask = 1u << LTA_TARGET_SCALAR;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return mask;
  int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
  if (!osxsave || !avx) return mask;
  unsigned long long xcr0 = xgetbv0();
  int os_ymm = (xcr0 & 0x6) == 0x6;            /* SSE and AVX state */
  int os_zmm = os_ymm && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
  if (__get_cpuid_max(0, NULL) < 7) return mask;
  __cpuid_count(7, 0, a, b, c, d);
  int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
  if (os_ymm && avx2 && fma && f16c) mask |= 1u << LTA_TARGET_AVX2;
  if (os_zmm && avx512f && (mask & (1u << LTA_TARGET_AVX2))) mask |= 1u << LTA_TARGET_AVX512;
  return mask;
}
#elif defined(__aarch64__)
static unsigned detect(void) {
  /* Advanced SIMD is part of the AArch64 base architecture. */
  return (1u << LTA_TARGET_SCALAR) | (1u << LTA_TARGET_NEON);
}
#else
static unsigned detect(void) { return 1u << LTA_TARGET_SCALAR; }
#endif

static unsigned targets;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init(void) { targets = detect(); }

unsigned lta_cpu_targets(void) {
  pthread_once(&once, init);
  return targets;
}

int lta_cpu_count(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

int lta_isa_target(lta_isa isa) {
  switch (isa) {
    case LTA_ISA_SCALAR: return LTA_TARGET_SCALAR;
    case LTA_ISA_NEON: return LTA_TARGET_NEON;
    case LTA_ISA_AVX2: return LTA_TARGET_AVX2;
    case LTA_ISA_AVX512: return LTA_TARGET_AVX512;
    default: return -1;
  }
}

const char *lta_isa_name(lta_isa isa) {
  switch (isa) {
    case LTA_ISA_AUTO: return "auto";
    case LTA_ISA_GENERIC: return "generic";
    default: return lta_isa_target(isa) >= 0 ? lta_target_string(lta_isa_target(isa)) : NULL;
  }
}

int lta_isa_supported(lta_isa isa) {
  if (isa == LTA_ISA_AUTO || isa == LTA_ISA_GENERIC) return 1;
  int t = lta_isa_target(isa);
  return t >= 0 && ((lta_cpu_targets() >> t) & 1);
}
