/* output.c: the lists that feed the build, and writing files only when their content changed.
 *
 * Besides one file per kernel, the generator writes
 *   lta_kernels.inc         LTA_KERNEL(name, op, dtype, K, V, H, reverse, target) per CPU
 *                           kernel: the one list behind the registry, the tests and the
 *                           benchmarks; lta_cuda_kernels.inc likewise for the CUDA kernels
 *                           (LTA_CUDA_KERNEL lines), whose calling convention differs;
 *   bundle_<target>_<i>.c   (.cu for CUDA) for each built target, a fixed number of shards that #include its
 *                           kernels, so that the build's source list is fixed while the kernel
 *                           set is data, and each shard compiles with its target's flags.
 * Output is byte-stable: no dates, no absolute paths.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

static void upper(char *dst, const char *src, size_t size) {
  size_t i = 0;
  for (; src[i] && i + 1 < size; i++)
    dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? (char)(src[i] - 32) : src[i];
  dst[i] = 0;
}

static void put_selection(gen_buf *b, const gen_select *sel) {
  buf_puts(b, " *   Selection:");
  if (sel->nonly == 0) buf_puts(b, " all kernels");
  for (int i = 0; i < sel->nonly; i++) buf_printf(b, " --only '%s'", sel->only[i]);
  buf_puts(b, "; targets");
  for (int t = 0; t < LTA_TARGET_COUNT; t++)
    if (sel->targets[t]) buf_printf(b, " %s", lta_target_string(t));
  buf_puts(b, "\n");
}

static gen_file *add_file(gen_file **files, int *n, const char *path) {
  *files = realloc(*files, (size_t)(*n + 1) * sizeof **files);
  gen_file *f = &(*files)[(*n)++];
  memset(f, 0, sizeof *f);
  f->path = strdup(path);
  return f;
}

void output_free(gen_file *files, int nfiles) {
  for (int i = 0; i < nfiles; i++) {
    free(files[i].path);
    buf_free(&files[i].text);
  }
  free(files);
}

/* The kernel list of a family: "lta_kernels.inc" with LTA_KERNEL lines for the CPU, and
 * "lta_<family>_kernels.inc" with LTA_<FAMILY>_KERNEL lines for the others, since their kernels
 * have another calling convention. */
static void put_list(const gen_spec *spec, const gen_select *sel, const char *family,
                     gen_file **files, int *nfiles) {
  int cpu = strcmp(family, "cpu") == 0;
  char path[64], macro[64], fam[32];
  upper(fam, family, sizeof fam);
  snprintf(path, sizeof path, cpu ? "lta_kernels.inc" : "lta_%s_kernels.inc", family);
  snprintf(macro, sizeof macro, cpu ? "LTA_KERNEL" : "LTA_%s_KERNEL", fam);
  gen_file *inc = add_file(files, nfiles, path);
  buf_printf(&inc->text,
             GEN_BANNER_FIRST "\n"
             " *   Spec:      %s\n",
             spec->display);
  put_selection(&inc->text, sel);
  buf_printf(&inc->text,
             " *   Generator: lta-gen (gen/); regenerate, never edit.\n"
             " * The generated %s kernel list, sorted by name, one line per kernel:\n"
             " *   %s(name, op, dtype, K, V, H, reverse, target)   0 in K, V, H = any\n"
             " * It feeds the runtime's registry, the tests' sweep and the benchmarks.\n"
             " */\n",
             family, macro);
  for (int i = 0; i < spec->nkernels; i++) {
    const gen_kernel *g = &spec->kernels[i];
    if (strcmp(lta_target_family(g->key.target), family) != 0) continue;
    char op[16], dt[16], tg[16];
    upper(op, lta_op_string(g->key.op), sizeof op);
    upper(dt, lta_dtype_string(g->key.dtype), sizeof dt);
    upper(tg, lta_target_string(g->key.target), sizeof tg);
    buf_printf(&inc->text, "%s(%s, LTA_OP_%s, LTA_KEY_%s, %d, %d, %d, %d, LTA_TARGET_%s)\n",
               macro, g->name, op, dt, (int)g->key.K, (int)g->key.V, (int)g->key.H,
               g->key.reverse, tg);
  }
}

void output_lists(const gen_spec *spec, const gen_select *sel, int shards, gen_file **files,
                  int *nfiles) {
  for (int t = 0; t < LTA_TARGET_COUNT; t++) {
    int seen = 0;
    for (int u = 0; u < t; u++) seen |= strcmp(lta_target_family(u), lta_target_family(t)) == 0;
    if (!seen) put_list(spec, sel, lta_target_family(t), files, nfiles);
  }

  for (int t = 0; t < LTA_TARGET_COUNT; t++) {
    if (!sel->targets[t]) continue;
    int count = 0;
    for (int i = 0; i < spec->nkernels; i++) count += spec->kernels[i].key.target == t;
    for (int s = 0; s < shards; s++) {
      char path[64];
      snprintf(path, sizeof path, "bundle_%s_%d.%s", lta_target_string(t), s,
               strcmp(lta_target_family(t), "cuda") == 0 ? "cu" : "c");
      gen_file *f = add_file(files, nfiles, path);
      buf_printf(&f->text,
                 GEN_BANNER_FIRST "\n"
                 " *   Spec:      %s\n",
                 spec->display);
      put_selection(&f->text, sel);
      buf_printf(&f->text,
                 " *   Generator: lta-gen (gen/); regenerate, never edit.\n"
                 " * Shard %d of %d of the %s kernels (%d in all): the build compiles each shard\n"
                 " * with the %s flags, so its source list stays fixed whatever the kernel set.\n"
                 " */\n",
                 s + 1, shards, lta_target_string(t), count, lta_target_string(t));
      int k = 0;
      for (int i = 0; i < spec->nkernels; i++) {
        const gen_kernel *g = &spec->kernels[i];
        if (g->key.target != t) continue;
        if (k++ % shards == s) buf_printf(&f->text, "#include \"%s\"\n", g->path);
      }
    }
  }
}

/* 1 when path holds exactly text. */
static int same_content(const char *path, const gen_buf *text) {
  size_t len;
  char *old = read_file(path, &len);
  int same = old && len == text->len && memcmp(old, text->data, len) == 0;
  free(old);
  return same;
}

static int make_dirs(const char *path) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) return -1;
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return (mkdir(tmp, 0777) != 0 && errno != EEXIST) ? -1 : 0;
}

/* Writes via a temporary file and a rename, so that no reader sees half a file. */
static int write_atomic(const char *path, const gen_buf *text) {
  gen_buf tmp = {0};
  buf_printf(&tmp, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp.data, "wb");
  int ok = f && fwrite(text->data, 1, text->len, f) == text->len;
  ok = (f && fclose(f) == 0) && ok;
  if (ok) ok = rename(tmp.data, path) == 0;
  if (!ok) {
    fprintf(stderr, "lta-gen: cannot write '%s': %s\n", path, strerror(errno));
    remove(tmp.data);
  }
  buf_free(&tmp);
  return ok ? 0 : -1;
}

/* 1 when the file starts with the banner: only such files are ever removed. */
static int is_generated(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char head[sizeof GEN_BANNER_FIRST];
  size_t n = fread(head, 1, sizeof head - 1, f);
  fclose(f);
  head[n] = 0;
  return strcmp(head, GEN_BANNER_FIRST) == 0;
}

/* Removes generated files in dir (relative prefix rel) that the current set does not name. */
static int prune(const char *out_dir, const char *rel, const char **keep, int nkeep,
                 int *removed) {
  gen_buf dir = {0};
  buf_printf(&dir, "%s%s%s", out_dir, *rel ? "/" : "", rel);
  DIR *d = opendir(dir.data);
  if (!d) {
    buf_free(&dir);
    return 0;
  }
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    gen_buf relpath = {0}, full = {0};
    buf_printf(&relpath, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    buf_printf(&full, "%s/%s", out_dir, relpath.data);
    int wanted = 0;
    for (int i = 0; i < nkeep && !wanted; i++) wanted = strcmp(keep[i], relpath.data) == 0;
    struct stat st;
    if (!wanted && stat(full.data, &st) == 0 && S_ISREG(st.st_mode) && is_generated(full.data)) {
      if (remove(full.data) != 0) {
        fprintf(stderr, "lta-gen: cannot remove stale '%s': %s\n", full.data, strerror(errno));
        rc = -1;
      } else {
        (*removed)++;
      }
    }
    buf_free(&relpath);
    buf_free(&full);
  }
  closedir(d);
  buf_free(&dir);
  return rc;
}

int output_write(const char *out_dir, const gen_spec *spec, gen_file *lists, int nlists,
                 int quiet) {
  int total = spec->nkernels + nlists, written = 0, removed = 0;
  const char **paths = malloc((size_t)total * sizeof *paths);
  const gen_buf **texts = malloc((size_t)total * sizeof *texts);
  for (int i = 0; i < spec->nkernels; i++) {
    paths[i] = spec->kernels[i].path;
    texts[i] = &spec->kernels[i].text;
  }
  for (int i = 0; i < nlists; i++) {
    paths[spec->nkernels + i] = lists[i].path;
    texts[spec->nkernels + i] = &lists[i].text;
  }
  int rc = GEN_OK;
  for (int i = 0; i < total && rc == GEN_OK; i++) {
    gen_buf full = {0};
    buf_printf(&full, "%s/%s", out_dir, paths[i]);
    char *slash = strrchr(full.data, '/');
    *slash = 0;
    if (make_dirs(full.data) != 0) {
      fprintf(stderr, "lta-gen: cannot create folder '%s': %s\n", full.data, strerror(errno));
      rc = GEN_ERR_IO;
    }
    *slash = '/';
    if (rc == GEN_OK && !same_content(full.data, texts[i])) {
      if (write_atomic(full.data, texts[i]) != 0) rc = GEN_ERR_IO;
      else written++;
    }
    buf_free(&full);
  }
  /* Stale files: in the top folder and in each family's folder. */
  for (int t = 0; t < LTA_TARGET_COUNT && rc == GEN_OK; t++) {
    int seen = 0;
    for (int u = 0; u < t; u++) seen |= strcmp(lta_target_family(u), lta_target_family(t)) == 0;
    if (!seen && prune(out_dir, lta_target_family(t), paths, total, &removed) != 0)
      rc = GEN_ERR_IO;
  }
  if (rc == GEN_OK && prune(out_dir, "", paths, total, &removed) != 0) rc = GEN_ERR_IO;
  if (rc == GEN_OK && !quiet)
    printf("lta-gen: %d kernels, %d files: %d written, %d unchanged, %d stale removed\n",
           spec->nkernels, total, written, total - written, removed);
  free(paths);
  free(texts);
  return rc;
}
