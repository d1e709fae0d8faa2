/* guard.h: buffers placed against an inaccessible page, so that the first byte read or written
 * past a buffer's end (or before its start) faults at once instead of landing in the heap. */
#ifndef LTA_TEST_GUARD_H
#define LTA_TEST_GUARD_H

#include <stddef.h>

typedef enum guard_mode {
  GUARD_NONE = 0, /* plain malloc */
  GUARD_END,      /* the buffer ends at a page end; the next page is PROT_NONE */
  GUARD_START     /* the buffer starts at a page start; the page before is PROT_NONE */
} guard_mode;

/* bytes (at least 1) placed as mode says; NULL when the memory cannot be had. Element
 * alignment holds as long as bytes is a multiple of the element size. */
void *guard_alloc(size_t bytes, guard_mode mode);
void guard_free(void *p); /* p from guard_alloc, or NULL */

/* "end", "start" or "none" (the --guard=MODE argument of the tests); -1 when unknown. */
int guard_mode_parse(const char *s);
const char *guard_mode_name(guard_mode mode);

#endif
