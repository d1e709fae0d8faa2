/* lta-gen: instantiates lightattn's kernels from templates.
 *
 * The run: read the kernel spec (templates/kernels.lua) in a sandbox, take the product of its
 * axes filtered by its predicate and the command line, render every kernel's template, render
 * the lists, and only then write what changed. Any error before the writing leaves the output
 * folder as it was. All Lua runs under lua_pcall with a message handler; a template or spec
 * error prints "lta-gen: templates/NAME:LINE: message" and exits 1.
 */
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ---- small utilities shared by the generator's files ---- */

/* Makes room for n more bytes and the terminating zero that data always carries. */
static void reserve(gen_buf *b, size_t n) {
  if (b->len + n + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + n + 1) cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) {
    fputs("lta-gen: out of memory\n", stderr);
    exit(GEN_ERR_IO);
  }
  b->data = p;
  b->cap = cap;
}

void buf_put(gen_buf *b, const char *s, size_t n) {
  reserve(b, n);
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

void buf_puts(gen_buf *b, const char *s) { buf_put(b, s, strlen(s)); }

void buf_printf(gen_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void buf_free(gen_buf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  gen_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_put(&b, chunk, n);
  int err = ferror(f);
  fclose(f);
  buf_put(&b, "", 0);
  if (err) {
    buf_free(&b);
    errno = EIO;
    return NULL;
  }
  *len = b.len;
  return b.data;
}

char *display_name(const char *path) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/') n--;
  const char *end = path + n, *file = end;
  while (file > path && file[-1] != '/') file--;
  const char *dir_end = file;
  while (dir_end > path && dir_end[-1] == '/') dir_end--;
  const char *dir = dir_end;
  while (dir > path && dir[-1] != '/') dir--;
  gen_buf b = {0};
  if (dir_end > dir && !(dir_end - dir == 1 && *dir == '.')) {
    buf_put(&b, dir, (size_t)(dir_end - dir));
    buf_put(&b, "/", 1);
  }
  buf_put(&b, file, (size_t)(end - file));
  return b.data;
}

/* 1 when msg starts with "file:line:". */
static int has_position(const char *msg) {
  const char *colon = strchr(msg, ':');
  if (!colon || colon == msg || colon[1] < '0' || colon[1] > '9') return 0;
  for (colon++; *colon >= '0' && *colon <= '9'; colon++) {}
  return *colon == ':';
}

void gen_load_error(lua_State *L, const char *display) {
  const char *msg = lua_tostring(L, -1);
  if (msg && !has_position(msg)) lua_pushfstring(L, "%s:1: %s", display, msg);
  lua_error(L);
}

/* ---- the Lua state: bounded memory and instructions, so no input can hang or exhaust ---- */

#define GEN_MEMORY_LIMIT ((size_t)1 << 30)
#define GEN_INSTRUCTION_LIMIT 200000000L
#define GEN_HOOK_STEP 10000

typedef struct gen_limits {
  size_t used;
  long steps;
} gen_limits;

static void *bounded_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  gen_limits *lim = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    lim->used -= old;
    return NULL;
  }
  if (nsize > old && lim->used + (nsize - old) > GEN_MEMORY_LIMIT) return NULL;
  void *p = realloc(ptr, nsize);
  if (p) lim->used = lim->used - old + nsize;
  return p;
}

static void count_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  gen_limits *lim;
  lua_getallocf(L, (void **)&lim);
  lim->steps += GEN_HOOK_STEP;
  if (lim->steps > GEN_INSTRUCTION_LIMIT) {
    luaL_where(L, 0); /* in a hook, level 0 is the Lua function being run */
    lua_pushfstring(L, "ran past the limit of %d million Lua instructions (an endless loop?)",
                    (int)(GEN_INSTRUCTION_LIMIT / 1000000));
    lua_concat(L, 2);
    lua_error(L);
  }
}

void gen_budget_reset(lua_State *L) {
  gen_limits *lim;
  lua_getallocf(L, (void **)&lim);
  lim->steps = 0;
}

static int trace_errors;
int gen_io_error;

/* Message handler: keeps "file:line: message" as it is, and gives any other error (error()
 * with a table, or with level 0) the innermost Lua line; --trace adds the Lua traceback. */
static int on_error(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  if (!has_position(msg)) {
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
      luaL_where(L, level);
      if (lua_rawlen(L, -1) > 0) {
        msg = lua_pushfstring(L, "%s%s", lua_tostring(L, -1), msg);
        break;
      }
      lua_pop(L, 1);
    }
  }
  if (trace_errors) luaL_traceback(L, L, msg, 1);
  return 1;
}

/* ---- the command line ---- */

typedef struct gen_options {
  const char *templates, *spec, *out;
  gen_select sel;
  int list, quiet, shards;
} gen_options;

static void usage(FILE *f) {
  fputs("usage: lta-gen [options]\n"
        "Instantiates lightattn kernels from templates, one file per kernel, plus the kernel\n"
        "list (lta_kernels.inc) and the per-target bundles the build compiles.\n"
        "\n"
        "  --templates DIR   folder of the templates (default: templates)\n"
        "  --spec FILE       kernel spec (default: DIR/kernels.lua)\n"
        "  --out DIR         output folder (default: generated)\n"
        "  --only PATTERN    keep kernels whose name matches the glob PATTERN; repeatable\n"
        "  --targets LIST    keep these targets only, comma-separated (default: all of\n"
        "                    scalar,neon,avx2,avx512)\n"
        "  --shards N        bundles per target (default: 4)\n"
        "  --list            print the names of the kernels that would be generated; write\n"
        "                    nothing\n"
        "  --quiet           no summary line\n"
        "  --trace           add a Lua traceback to error messages\n"
        "  --version         print the version\n"
        "  --help            print this help\n"
        "\n"
        "Files are rewritten only when their content changes; generated files that the set no\n"
        "longer names are removed. Exit status: 0 done, 1 error in a template or the spec\n"
        "(reported as FILE:LINE: message), 2 bad usage, 3 input/output error.\n",
        f);
}

static int parse_targets(const char *list, gen_select *sel) {
  memset(sel->targets, 0, sizeof sel->targets);
  char *copy = strdup(list), *save = NULL;
  int ok = 1;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    int i = lta_target_from_string(t);
    if (i < 0) {
      fprintf(stderr, "lta-gen: --targets: unknown target '%s'\n", t);
      ok = 0;
    } else {
      sel->targets[i] = 1;
    }
  }
  free(copy);
  return ok;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, gen_options *o) {
  o->templates = "templates";
  o->out = "generated";
  o->shards = 4;
  for (int t = 0; t < LTA_TARGET_COUNT; t++) o->sel.targets[t] = 1;
  o->sel.only = calloc((size_t)argc, sizeof *o->sel.only);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
    int takes = strcmp(a, "--templates") == 0 || strcmp(a, "--spec") == 0 ||
                strcmp(a, "--out") == 0 || strcmp(a, "--only") == 0 ||
                strcmp(a, "--targets") == 0 || strcmp(a, "--shards") == 0;
    if (takes && !val) {
      fprintf(stderr, "lta-gen: %s needs a value (see --help)\n", a);
      return GEN_ERR_USAGE;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return GEN_OK;
    } else if (strcmp(a, "--version") == 0) {
      printf("lta-gen %s (Lua %s.%s)\n", LTA_GEN_VERSION, LUA_VERSION_MAJOR, LUA_VERSION_MINOR);
      return GEN_OK;
    } else if (strcmp(a, "--templates") == 0) {
      o->templates = val;
    } else if (strcmp(a, "--spec") == 0) {
      o->spec = val;
    } else if (strcmp(a, "--out") == 0) {
      o->out = val;
    } else if (strcmp(a, "--only") == 0) {
      o->sel.only[o->sel.nonly++] = val;
    } else if (strcmp(a, "--targets") == 0) {
      if (!parse_targets(val, &o->sel)) return GEN_ERR_USAGE;
    } else if (strcmp(a, "--shards") == 0) {
      char *end;
      long n = strtol(val, &end, 10);
      if (*end || n < 1 || n > 64) {
        fprintf(stderr, "lta-gen: --shards: '%s' is not a number in 1..64\n", val);
        return GEN_ERR_USAGE;
      }
      o->shards = (int)n;
    } else if (strcmp(a, "--list") == 0) {
      o->list = 1;
      continue;
    } else if (strcmp(a, "--quiet") == 0) {
      o->quiet = 1;
      continue;
    } else if (strcmp(a, "--trace") == 0) {
      trace_errors = 1;
      continue;
    } else {
      fprintf(stderr, "lta-gen: unknown argument '%s' (see --help)\n", a);
      return GEN_ERR_USAGE;
    }
    i++; /* the option's value */
  }
  return -1;
}

/* ---- the run ---- */

typedef struct gen_run {
  gen_options *opt;
  char *spec_path;
  gen_spec spec;
} gen_run;

/* Everything that runs Lua, under lua_pcall. */
static int protected_run(lua_State *L) {
  gen_run *r = lua_touserdata(L, 1);
  spec_load(L, r->spec_path, r->opt->templates, &r->opt->sel, &r->spec);
  if (!r->opt->list) template_render_all(L, r->opt->templates, &r->spec);
  return 0;
}

int main(int argc, char **argv) {
  gen_options opt = {0};
  int rc = parse_args(argc, argv, &opt);
  if (rc >= 0) {
    free(opt.sel.only);
    return rc;
  }

  gen_run run = {&opt, NULL, {0}};
  gen_buf spec_path = {0};
  if (opt.spec) buf_puts(&spec_path, opt.spec);
  else buf_printf(&spec_path, "%s/kernels.lua", opt.templates);
  run.spec_path = spec_path.data;

  gen_limits limits = {0, 0};
  lua_State *L = lua_newstate(bounded_alloc, &limits);
  if (!L) {
    fputs("lta-gen: cannot create the Lua state\n", stderr);
    return GEN_ERR_IO;
  }
  static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},     {LUA_TABLIBNAME, luaopen_table},
                                  {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                                  {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};
  for (const luaL_Reg *lib = libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  lua_sethook(L, count_hook, LUA_MASKCOUNT, GEN_HOOK_STEP);

  lua_pushcfunction(L, on_error);
  lua_pushcfunction(L, protected_run);
  lua_pushlightuserdata(L, &run);
  if (lua_pcall(L, 1, 0, 1) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "lta-gen: %s\n", msg ? msg : "unknown error");
    rc = gen_io_error ? GEN_ERR_IO : GEN_ERR_INPUT;
  } else if (opt.list) {
    for (int i = 0; i < run.spec.nkernels; i++) puts(run.spec.kernels[i].name);
    rc = GEN_OK;
  } else {
    gen_file *lists = NULL;
    int nlists = 0;
    output_lists(&run.spec, &opt.sel, opt.shards, &lists, &nlists);
    rc = output_write(opt.out, &run.spec, lists, nlists, opt.quiet);
    output_free(lists, nlists);
  }
  lua_close(L);
  spec_free(&run.spec);
  buf_free(&spec_path);
  free(opt.sel.only);
  return rc;
}
