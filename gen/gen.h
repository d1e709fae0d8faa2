/* gen.h: the parts of lta-gen, each in its own file.
 *
 *   main.c      command line, the Lua state and its limits, the run from spec to files
 *   spec.c      the kernel spec: a sandboxed Lua file declaring axes, a predicate, templates
 *   template.c  template text -> Lua chunk (one Lua line per template line), rendering
 *   output.c    banners, the kernel list, bundles; writing only what changed, pruning
 */
#ifndef LTA_GEN_H
#define LTA_GEN_H

#include <lua.h>
#include <stddef.h>

#include "lta_key.h"

#define LTA_GEN_VERSION "0.1.0"

/* Exit codes. */
enum { GEN_OK = 0, GEN_ERR_INPUT = 1, GEN_ERR_USAGE = 2, GEN_ERR_IO = 3 };

/* A growable byte buffer. */
typedef struct gen_buf {
  char *data;
  size_t len, cap;
} gen_buf;
void buf_put(gen_buf *b, const char *s, size_t n);
void buf_puts(gen_buf *b, const char *s);
void buf_printf(gen_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(gen_buf *b);

/* Reads a whole file; NULL with errno set on failure. */
char *read_file(const char *path, size_t *len);

/* One kernel to generate. */
typedef struct gen_kernel {
  lta_key key;
  char name[LTA_KEY_NAME_MAX];
  int tmpl;        /* index into gen_spec.templates */
  char *path;      /* output path relative to --out, e.g. "cpu/<name>.c" */
  gen_buf text;    /* rendered content, banner included */
} gen_kernel;

typedef struct gen_template {
  char *file;      /* file name inside the templates folder, e.g. "cpu_fwd.c.lt" */
  char *display;   /* "templates/cpu_fwd.c.lt": the chunk name of every message */
  int op;          /* lta_op it renders */
  const char *family;
  char *where;     /* "templates/kernels.lua:12: " where the spec declared it */
  int chunk_ref;   /* Lua registry reference of the compiled chunk, or LUA_NOREF */
} gen_template;

typedef struct gen_spec {
  char *display;   /* "templates/kernels.lua" */
  gen_template *templates;
  int ntemplates;
  gen_kernel *kernels;
  int nkernels;
} gen_spec;

/* Options that select kernels out of the spec's product. */
typedef struct gen_select {
  const char **only;   /* glob patterns on the name; none = all */
  int nonly;
  int targets[LTA_TARGET_COUNT]; /* 1 = keep kernels of this target */
} gen_select;

/* Frees everything spec_load and template_render_all allocated (also after an error). */
void spec_free(gen_spec *spec);

/* Display name of a path: its last folder and its file name ("templates/x.c.lt"). */
char *display_name(const char *path);

/* spec.c: evaluates the spec in the sandbox and builds the selected kernel list (sorted by
 * name). Raises a Lua error "file:line: message" on a bad spec. */
void spec_load(lua_State *L, const char *spec_path, const char *templates_dir,
               const gen_select *sel, gen_spec *spec);

/* template.c: compiles a template's text into Lua source, one line per line. Returns NULL and
 * fills err (with "display:line: message") on a syntax error of the template language. */
char *template_compile(const char *text, size_t len, const char *display, char *err,
                       size_t errsize);
/* Loads every template the kernels use and renders each kernel's text (banner included).
 * Raises a Lua error "templates/x:line: message" on failure. */
void template_render_all(lua_State *L, const char *templates_dir, gen_spec *spec);
/* A fresh table with the safe part of the standard library, for a sandbox. */
void sandbox_new(lua_State *L);

/* output.c: everything written is rendered here first; then written in one pass. */
typedef struct gen_file {
  char *path; /* relative to the output folder */
  gen_buf text;
} gen_file;
void output_lists(const gen_spec *spec, const gen_select *sel, int shards, gen_file **files,
                  int *nfiles);
/* Writes the files that changed, removes stale generated files, reports counts on stdout.
 * Returns GEN_OK or GEN_ERR_IO (with a message on stderr). */
int output_write(const char *out_dir, const gen_spec *spec, gen_file *lists, int nlists,
                 int quiet);
void output_free(gen_file *files, int nfiles);

/* The banner that opens every generated file; also how stale files are recognised. */
#define GEN_BANNER_FIRST "/* Auto-generated file. Do not edit!"

/* Raises the error of a failed luaL_load* (on the stack top), prefixed "display:1: " when Lua
 * gave it no position (a binary chunk, for one). */
void gen_load_error(lua_State *L, const char *display);

/* Set before raising an error that is an input/output failure (exit 3, not 1). */
extern int gen_io_error;

/* Sets the instruction budget for the next piece of sandboxed Lua. */
void gen_budget_reset(lua_State *L);

#endif
