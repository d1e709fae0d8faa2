/* lta_error.c: the per-thread message of the last failed call. */
#include <stdarg.h>
#include <stdio.h>

#include "lta_internal.h"

static _Thread_local char message[512];

lta_status lta_fail(lta_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return status;
}

const char *lta_last_error(void) { return message; }

const char *lta_status_name(lta_status status) {
  static const char *const names[] = {
      "LTA_OK",      "LTA_ERR_NULL",  "LTA_ERR_SIZE",        "LTA_ERR_HEADS",
      "LTA_ERR_SEQLENS", "LTA_ERR_STATE", "LTA_ERR_DECAY",   "LTA_ERR_SCALE",
      "LTA_ERR_DTYPE", "LTA_ERR_ALIAS", "LTA_ERR_UNSUPPORTED", "LTA_ERR_NO_MEMORY",
      "LTA_ERR_MEMORY_SPACE", "LTA_ERR_CUDA"};
  if ((int)status < 0 || (size_t)status >= sizeof names / sizeof names[0]) return "unknown status";
  return names[status];
}

const char *lta_version(void) { return "0.1.0"; }
