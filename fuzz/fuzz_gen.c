/* fuzz_gen.c: libFuzzer target for lta-gen, run in-process (gen/main.c is compiled with its
 * main() renamed lta_gen_main).
 *
 * The input is a kernel spec and a template, separated by the first NUL byte (no NUL: the whole
 * input is the spec, the template is empty, and lta-gen runs with --list). They are written as
 * kernels.lua and t.lt into a private folder, and lta-gen renders them into another (--shards 1
 * --quiet). A run must end in one of:
 *   exit 0 (output written or listed), or
 *   exit 1 with the message "lta-gen: FILE:LINE: ..." on stderr;
 * anything else (another exit status, a message without a position, a crash, a hang or a
 * sanitizer report) is a finding. The generator's own instruction and memory limits bound
 * every run.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"

int lta_gen_main(int argc, char **argv);

static char dir[64], templates[96], out[96], spec_path[128], tmpl_path[128];

static void write_file(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
    perror(path);
    abort();
  }
}

static void remove_dir(void) {
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "fuzz_gen: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(dir, sizeof dir, "%s/fuzz_gen.XXXXXX", base);
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    abort();
  }
  atexit(remove_dir);
  snprintf(templates, sizeof templates, "%s/t", dir);
  snprintf(out, sizeof out, "%s/out", dir);
  snprintf(spec_path, sizeof spec_path, "%s/kernels.lua", templates);
  snprintf(tmpl_path, sizeof tmpl_path, "%s/t.lt", templates);
  char cmd[160];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", templates);
  if (system(cmd) != 0) abort();
  return 0;
}

/* "lta-gen: " then FILE:LINE: with a non-empty FILE and a decimal LINE. */
static int has_position(const char *msg) {
  const char *p = strstr(msg, "lta-gen: ");
  if (!p) return 0;
  p += strlen("lta-gen: ");
  const char *colon = strchr(p, ':');
  if (!colon || colon == p || memchr(p, '\n', (size_t)(colon - p))) return 0;
  const char *d = colon + 1;
  if (!isdigit((unsigned char)*d)) return 0;
  while (isdigit((unsigned char)*d)) d++;
  return *d == ':';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *nul = memchr(data, 0, size);
  size_t spec_len = nul ? (size_t)(nul - data) : size;
  write_file(spec_path, data, spec_len);
  write_file(tmpl_path, nul ? nul + 1 : data, nul ? size - spec_len - 1 : 0);
  int list = !nul;

  char *argv[] = {"lta-gen", "--templates", templates, "--out", out, "--shards", "1",
                  "--quiet", list ? "--list" : NULL, NULL};
  int argc = list ? 9 : 8;

  char *err = NULL, *outbuf = NULL;
  size_t err_len = 0, out_len = 0;
  FILE *saved_err = stderr, *saved_out = stdout;
  stderr = open_memstream(&err, &err_len);
  stdout = open_memstream(&outbuf, &out_len);
  gen_io_error = 0;
  int rc = lta_gen_main(argc, argv);
  fclose(stderr);
  fclose(stdout);
  stderr = saved_err;
  stdout = saved_out;

  if (getenv("FUZZ_GEN_VERBOSE"))
    fprintf(stderr, "fuzz_gen: exit %d%s, stderr: %s\n", rc, list ? " (--list)" : "", err);
  if (rc == GEN_OK) {
    /* Done; nothing more to ask of an accepted spec. */
  } else if (rc == GEN_ERR_INPUT) {
    if (!has_position(err)) {
      fprintf(stderr, "fuzz_gen: exit 1 without a FILE:LINE position: \"%s\"\n", err);
      abort();
    }
  } else {
    fprintf(stderr, "fuzz_gen: unexpected exit %d: \"%s\"\n", rc, err);
    abort();
  }
  free(err);
  free(outbuf);
  return 0;
}
