/* test_gen.c: the generator, run as users run it (the lta-gen binary).
 *
 *   golden:   a tiny fixture spec and template (tests/fixtures/gen/templates) renders byte for
 *             byte to tests/fixtures/gen/golden; regenerate that with
 *             lta-gen --templates tests/fixtures/gen/templates --out tests/fixtures/gen/golden --shards 2
 *   errors:   broken templates and specs give "lta-gen: templates/NAME:LINE: message", exit 1,
 *             and leave the output folder as it was;
 *   writing:  unchanged files are not rewritten, stale generated files are removed;
 *   cli:      --help, --version, --list, --only, --targets, bad usage;
 *   current:  generated/ in the repository is what the default spec renders today.
 */
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#ifndef LTA_GEN_EXE
#error "LTA_GEN_EXE must name the lta-gen binary"
#endif
#ifndef LTA_SOURCE_DIR
#error "LTA_SOURCE_DIR must name the source tree"
#endif

/* ---- helpers ---- */

/* Runs lta-gen with args (a shell fragment); captures stdout and stderr together. */
static int gen(const char *args, char *out, size_t size) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", LTA_GEN_EXE, args);
  FILE *p = popen(cmd, "r");
  ck_assert_msg(p != NULL, "cannot run %s", cmd);
  size_t n = fread(out, 1, size - 1, p);
  out[n] = 0;
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = 0;
  fclose(f);
  return buf;
}

static void spit(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static void rm_rf(const char *path) { nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS); }

/* A fresh temporary folder; the caller frees the string. */
static char *temp_dir(void) {
  char tmpl[] = "/tmp/lta-gen-test.XXXXXX";
  char *d = mkdtemp(tmpl);
  ck_assert_msg(d != NULL, "mkdtemp failed");
  return strdup(d);
}

/* Lists regular files under root/rel, relative paths, sorted (qsort), into names. */
static int list_files(const char *root, const char *rel, char names[][256], int max, int n) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
  DIR *d = opendir(dir);
  if (!d) return n;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char sub[256], full[2048];
    if (snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= (int)sizeof sub)
      continue; /* no generated name is that long */
    snprintf(full, sizeof full, "%.1000s/%s", root, sub);
    struct stat st;
    if (stat(full, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) n = list_files(root, sub, names, max, n);
    else if (n < max) snprintf(names[n++], 256, "%s", sub);
  }
  closedir(d);
  return n;
}

static int by_string(const void *a, const void *b) { return strcmp(a, b); }

/* Compares two trees file by file; on a difference writes what differs into why. */
static int same_tree(const char *a, const char *b, char *why, size_t size) {
  static char na[4096][256], nb[4096][256];
  int ca = list_files(a, "", na, 4096, 0), cb = list_files(b, "", nb, 4096, 0);
  qsort(na, (size_t)ca, 256, by_string);
  qsort(nb, (size_t)cb, 256, by_string);
  for (int i = 0, j = 0; i < ca || j < cb;) {
    int c = i == ca ? 1 : j == cb ? -1 : strcmp(na[i], nb[j]);
    if (c < 0) return snprintf(why, size, "%.200s only in %.200s", na[i], a), 0;
    if (c > 0) return snprintf(why, size, "%.200s only in %.200s", nb[j], b), 0;
    char pa[2048], pb[2048];
    snprintf(pa, sizeof pa, "%.1000s/%.255s", a, na[i]);
    snprintf(pb, sizeof pb, "%.1000s/%.255s", b, nb[j]);
    size_t la = 0, lb = 0;
    char *x = slurp(pa, &la), *y = slurp(pb, &lb);
    int same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x), free(y);
    if (!same) return snprintf(why, size, "%s differs", na[i]), 0;
    i++, j++;
  }
  return 1;
}

#define FIXTURE LTA_SOURCE_DIR "/tests/fixtures/gen"

/* A scratch copy of the fixture's templates folder, for breaking one file in it. */
static char *scratch_templates(char **root) {
  *root = temp_dir();
  char *dir = malloc(strlen(*root) + 16);
  sprintf(dir, "%s/templates", *root);
  mkdir(dir, 0777);
  const char *files[] = {"kernels.lua", "tiny.c.lt", "tiny_part.lt"};
  for (int i = 0; i < 3; i++) {
    char src[1024], dst[1024];
    size_t len;
    snprintf(src, sizeof src, "%s/templates/%s", FIXTURE, files[i]);
    snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
    char *text = slurp(src, &len);
    ck_assert_msg(text != NULL, "cannot read %s", src);
    spit(dst, text);
    free(text);
  }
  return dir;
}

/* Breaks one file of a scratch fixture, runs lta-gen into a folder holding a marker file, and
 * checks the exact message, the exit status and that the folder was left as it was. */
static void expect_error(const char *file, const char *text, const char *message) {
  char *root, out[8192], args[4096], marker[2048];
  char *dir = scratch_templates(&root);
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  spit(path, text);
  char outdir[1024];
  snprintf(outdir, sizeof outdir, "%s/out", root);
  mkdir(outdir, 0777);
  snprintf(marker, sizeof marker, "%.1000s/keep.txt", outdir);
  spit(marker, "untouched\n");
  snprintf(args, sizeof args, "--templates '%s' --out '%s'", dir, outdir);
  int rc = gen(args, out, sizeof out);
  ck_assert_msg(rc == 1, "exit status %d, want 1, for: %s", rc, out);
  char want[1024];
  snprintf(want, sizeof want, "lta-gen: %s\n", message);
  ck_assert_msg(strcmp(out, want) == 0, "message\n  got:  %s  want: %s", out, want);
  char names[8][256];
  int n = list_files(outdir, "", names, 8, 0);
  ck_assert_msg(n == 1 && strcmp(names[0], "keep.txt") == 0,
                "a failed run wrote into the output folder (%d files, first %s)", n, names[0]);
  rm_rf(root);
  free(root);
  free(dir);
}

/* ---- golden output ---- */

START_TEST(golden) {
  char *root = temp_dir(), out[8192], args[4096], why[512];
  snprintf(args, sizeof args, "--templates '%s/templates' --out '%s' --shards 2", FIXTURE, root);
  int rc = gen(args, out, sizeof out);
  ck_assert_msg(rc == 0, "lta-gen failed (%d): %s", rc, out);
  ck_assert_str_eq(out, "lta-gen: 16 kernels, 32 files: 32 written, 0 unchanged, 0 stale removed\n");
  ck_assert_msg(same_tree(FIXTURE "/golden", root, why, sizeof why), "golden output: %s", why);
  rm_rf(root);
  free(root);
}
END_TEST

START_TEST(rewrite_only_changes) {
  char *root = temp_dir(), out[8192], args[4096], path[1024];
  snprintf(args, sizeof args, "--templates '%s/templates' --out '%s'", FIXTURE, root);
  ck_assert_int_eq(gen(args, out, sizeof out), 0);
  snprintf(path, sizeof path, "%s/cpu/lta_fwd_f32_k16_v16__scalar.c", root);
  struct stat before, after;
  ck_assert_int_eq(stat(path, &before), 0);
  sleep(1); /* a rewrite would show as a newer modification time */
  ck_assert_int_eq(gen(args, out, sizeof out), 0);
  ck_assert_str_eq(out, "lta-gen: 16 kernels, 46 files: 0 written, 46 unchanged, 0 stale removed\n");
  ck_assert_int_eq(stat(path, &after), 0);
  ck_assert_msg(before.st_mtime == after.st_mtime && before.st_ino == after.st_ino,
                "an unchanged file was rewritten");
  /* A smaller selection removes the generated files it no longer names, and nothing else. */
  char mine[1024];
  snprintf(mine, sizeof mine, "%s/cpu/notes.c", root);
  spit(mine, "/* not generated */\n");
  snprintf(args, sizeof args, "--templates '%s/templates' --out '%s' --only '*_f32_k16_v16__*'",
           FIXTURE, root);
  ck_assert_int_eq(gen(args, out, sizeof out), 0);
  ck_assert_str_eq(out, "lta-gen: 2 kernels, 32 files: 30 written, 2 unchanged, 14 stale removed\n");
  ck_assert_int_eq(access(path, F_OK), 0);
  ck_assert_int_eq(access(mine, F_OK), 0);
  snprintf(path, sizeof path, "%s/cpu/lta_fwd_bf16_k16_v16__scalar.c", root);
  ck_assert_int_ne(access(path, F_OK), 0);
  rm_rf(root);
  free(root);
}
END_TEST

/* ---- errors, each at its own line ---- */

START_TEST(error_template_runtime) {
  expect_error("tiny.c.lt", "% local a = 1\nline ${a}\n\nbad ${undefined.field}\n",
               "templates/tiny.c.lt:4: attempt to index a nil value (global 'undefined')");
}
END_TEST

START_TEST(error_template_check) {
  expect_error("tiny.c.lt", "ok\n% check(K == 1234, 'K must be 1234, got ' .. K)\n",
               "templates/tiny.c.lt:2: K must be 1234, got 16");
}
END_TEST

START_TEST(error_template_syntax) {
  expect_error("tiny.c.lt", "a\nb\n% for i = 1, 3 do\nc ${i}\n",
               "templates/tiny.c.lt:4: 'end' expected (to close 'for' at line 3) near <eof>");
}
END_TEST

START_TEST(error_template_unclosed) {
  expect_error("tiny.c.lt", "a\nb ${K + 1\n", "templates/tiny.c.lt:2: '${' without its closing '}'");
}
END_TEST

START_TEST(error_template_value) {
  expect_error("tiny.c.lt", "x\n\ny = ${reverse};\n",
               "templates/tiny.c.lt:3: ${...} gave a boolean value, not a string or a number");
}
END_TEST

START_TEST(error_template_endless) {
  expect_error("tiny.c.lt", "% while true do end\n",
               "templates/tiny.c.lt:1: ran past the limit of 200 million Lua instructions (an "
               "endless loop?)");
}
END_TEST

START_TEST(error_template_sandbox) {
  expect_error("tiny.c.lt", "% os.exit(3)\n",
               "templates/tiny.c.lt:1: attempt to index a nil value (global 'os')");
}
END_TEST

/* Errors that carry no position of their own get the line that raised them (fuzz findings). */
START_TEST(error_template_object) {
  expect_error("tiny.c.lt", "a\n% error({})\n",
               "templates/tiny.c.lt:2: (error object is a table value)");
}
END_TEST

START_TEST(error_template_include) {
  expect_error("tiny_part.lt", "% function shared_line(i)\nbad ${undefined.field}\n% end\n",
               "templates/tiny_part.lt:2: attempt to index a nil value (global 'undefined')");
  expect_error("tiny_part.lt", "% include(\"../tiny.c.lt\")\n",
               "templates/tiny_part.lt:1: include: file '../tiny.c.lt' must be a name ending in "
               ".lt inside the templates folder");
  expect_error("tiny_part.lt", "% include(\"none.lt\")\n",
               "templates/tiny_part.lt:1: include: template 'none.lt' cannot be read: No such "
               "file or directory");
  expect_error("tiny_part.lt", "% include(\"tiny_part.lt\")\n",
               "templates/tiny_part.lt:1: include: more than 64 includes in one kernel");
  expect_error("tiny_part.lt", "a\n% for i = 1, 3 do\n",
               "templates/tiny_part.lt:2: 'end' expected near <eof>");
}
END_TEST

START_TEST(error_spec_level0) {
  expect_error("kernels.lua", "axis \"op\" { \"fwd\" }\nerror(\"no position\", 0)\n",
               "templates/kernels.lua:2: no position");
}
END_TEST

START_TEST(error_spec_binary) {
  expect_error("kernels.lua", "\033Lua",
               "templates/kernels.lua:1: attempt to load a binary chunk (mode is 't')");
}
END_TEST

START_TEST(error_spec_value) {
  expect_error("kernels.lua",
               "axis \"op\" { \"fwd\" }\naxis \"dtype\" { \"f32\", \"f64\" }\n",
               "templates/kernels.lua:2: axis 'dtype': unknown value 'f64'");
}
END_TEST

START_TEST(error_spec_missing_axis) {
  expect_error("kernels.lua", "axis \"op\" { \"fwd\" }\n-- nothing else\n",
               "templates/kernels.lua:2: axis 'dtype' is not declared");
}
END_TEST

START_TEST(error_spec_predicate) {
  expect_error("kernels.lua",
               "axis 'op' {'fwd'}\naxis 'dtype' {'f32'}\naxis 'K' {16}\naxis 'V' {16}\n"
               "axis 'H' {0}\naxis 'dir' {'fwd'}\naxis 'target' {'scalar'}\n"
               "keep(function(k)\n  return k.nothing.here\nend)\n"
               "template { op = 'fwd', family = 'cpu', file = 'tiny.c.lt' }\n",
               "templates/kernels.lua:9: attempt to index a nil value (field 'nothing')");
}
END_TEST

START_TEST(error_spec_no_template) {
  expect_error("kernels.lua",
               "axis 'op' {'fwd'}\naxis 'dtype' {'f32'}\naxis 'K' {16}\naxis 'V' {16}\n"
               "axis 'H' {0}\naxis 'dir' {'fwd'}\naxis 'target' {'scalar'}\n",
               "templates/kernels.lua:7: no template declared for op 'fwd' on family 'cpu' "
               "(kernel lta_fwd_f32_k16_v16__scalar)");
}
END_TEST

START_TEST(error_spec_missing_template_file) {
  expect_error("kernels.lua",
               "axis 'op' {'fwd'}\naxis 'dtype' {'f32'}\naxis 'K' {16}\naxis 'V' {16}\n"
               "axis 'H' {0}\naxis 'dir' {'fwd'}\naxis 'target' {'scalar'}\n"
               "template { op = 'fwd', family = 'cpu', file = 'absent.c.lt' }\n",
               "templates/kernels.lua:8: template 'absent.c.lt' cannot be read: No such file or "
               "directory");
}
END_TEST

/* ---- the command line ---- */

START_TEST(cli) {
  char out[65536], args[4096];
  ck_assert_int_eq(gen("--help", out, sizeof out), 0);
  ck_assert_ptr_nonnull(strstr(out, "--only PATTERN"));
  ck_assert_int_eq(gen("--version", out, sizeof out), 0);
  ck_assert_ptr_nonnull(strstr(out, "lta-gen 0.1.0"));
  ck_assert_int_eq(gen("--bogus", out, sizeof out), 2);
  ck_assert_str_eq(out, "lta-gen: unknown argument '--bogus' (see --help)\n");
  ck_assert_int_eq(gen("--targets sse9", out, sizeof out), 2);
  ck_assert_int_eq(gen("--out", out, sizeof out), 2);
  ck_assert_int_eq(gen("--spec /nonexistent/kernels.lua --list", out, sizeof out), 3);
  ck_assert_str_eq(out, "lta-gen: cannot read the kernel spec '/nonexistent/kernels.lua': No such "
                        "file or directory\n");
  snprintf(args, sizeof args, "--templates '%s/templates' --list --only '*_h8_*'", FIXTURE);
  ck_assert_int_eq(gen(args, out, sizeof out), 0);
  ck_assert_str_eq(out,
                   "lta_fwd_bf16_k16_v16_h8__avx2\nlta_fwd_bf16_k16_v16_h8_rev__avx2\n"
                   "lta_fwd_f32_k16_v16_h8__avx2\nlta_fwd_f32_k16_v16_h8_rev__avx2\n");
  snprintf(args, sizeof args, "--templates '%s/templates' --list --targets scalar --only '*rev*'",
           FIXTURE);
  ck_assert_int_eq(gen(args, out, sizeof out), 0);
  ck_assert_str_eq(out,
                   "lta_fwd_bf16_k16_v16_rev__scalar\nlta_fwd_bf16_kany_vany_rev__scalar\n"
                   "lta_fwd_f32_k16_v16_rev__scalar\nlta_fwd_f32_kany_vany_rev__scalar\n");
}
END_TEST

/* ---- the committed generated/ is current ---- */

START_TEST(generated_is_current) {
  char *root = temp_dir(), out[8192], args[4096], why[512];
  snprintf(args, sizeof args, "--templates '%s/templates' --out '%s'", LTA_SOURCE_DIR, root);
  ck_assert_msg(gen(args, out, sizeof out) == 0, "lta-gen failed: %s", out);
  ck_assert_msg(same_tree(LTA_SOURCE_DIR "/generated", root, why, sizeof why),
                "generated/ is out of date (%s): run `cmake --build build --target regenerate` "
                "and commit it",
                why);
  rm_rf(root);
  free(root);
}
END_TEST

int main(void) {
  Suite *s = suite_create("generator");
  TCase *tc = tcase_create("output");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, golden);
  tcase_add_test(tc, rewrite_only_changes);
  tcase_add_test(tc, generated_is_current);
  suite_add_tcase(s, tc);
  tc = tcase_create("errors");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, error_template_runtime);
  tcase_add_test(tc, error_template_check);
  tcase_add_test(tc, error_template_syntax);
  tcase_add_test(tc, error_template_unclosed);
  tcase_add_test(tc, error_template_value);
  tcase_add_test(tc, error_template_endless);
  tcase_add_test(tc, error_template_sandbox);
  tcase_add_test(tc, error_template_object);
  tcase_add_test(tc, error_template_include);
  tcase_add_test(tc, error_spec_level0);
  tcase_add_test(tc, error_spec_binary);
  tcase_add_test(tc, error_spec_value);
  tcase_add_test(tc, error_spec_missing_axis);
  tcase_add_test(tc, error_spec_predicate);
  tcase_add_test(tc, error_spec_no_template);
  tcase_add_test(tc, error_spec_missing_template_file);
  suite_add_tcase(s, tc);
  tc = tcase_create("cli");
  tcase_add_test(tc, cli);
  suite_add_tcase(s, tc);
  return run_suite(s, 0);
}
