/* guard.c: see guard.h. A mapping per buffer: its data pages and one PROT_NONE page. */
#include "guard.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The live mappings, to unmap them on free (a header next to the data would sit between the
 * data and the guard). */
typedef struct mapping {
  void *ptr, *base;
  size_t len;
} mapping;
static mapping live[256];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void *guard_alloc(size_t bytes, guard_mode mode) {
  if (bytes == 0) bytes = 1;
  if (mode == GUARD_NONE) return malloc(bytes);
  size_t page = (size_t)sysconf(_SC_PAGESIZE), data = (bytes + page - 1) / page * page;
  size_t len = data + page;
  char *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return NULL;
  char *ptr;
  if (mode == GUARD_END) {
    mprotect(base + data, page, PROT_NONE);
    ptr = base + data - bytes;
  } else {
    mprotect(base, page, PROT_NONE);
    ptr = base + page;
  }
  pthread_mutex_lock(&lock);
  size_t i = 0;
  while (i < sizeof live / sizeof live[0] && live[i].ptr) i++;
  if (i == sizeof live / sizeof live[0]) abort(); /* a test holds far more than it should */
  live[i] = (mapping){ptr, base, len};
  pthread_mutex_unlock(&lock);
  return ptr;
}

void guard_free(void *p) {
  if (!p) return;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
    if (live[i].ptr == p) {
      munmap(live[i].base, live[i].len);
      live[i].ptr = NULL;
      pthread_mutex_unlock(&lock);
      return;
    }
  pthread_mutex_unlock(&lock);
  free(p); /* a GUARD_NONE buffer */
}

int guard_mode_parse(const char *s) {
  if (strcmp(s, "end") == 0) return GUARD_END;
  if (strcmp(s, "start") == 0) return GUARD_START;
  if (strcmp(s, "none") == 0) return GUARD_NONE;
  return -1;
}

const char *guard_mode_name(guard_mode mode) {
  return mode == GUARD_END ? "end" : mode == GUARD_START ? "start" : "none";
}
