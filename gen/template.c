/* template.c: the template language and its rendering.
 *
 * A template is text with embedded Lua, compiled to a Lua chunk with exactly one Lua line per
 * template line, so that every Lua error names the template's own line:
 *
 *   - a line whose first non-blank character is '%' is Lua code (the rest of the line);
 *   - every other line is output, in which ${expr} is replaced by the value of the Lua
 *     expression expr (a string or a number; anything else is an error at that line).
 *
 * Templates run in a sandbox that sees the kernel's parameters (name, op, dtype, K, V, H, dir,
 * reverse, target, family, template), the safe part of the standard library, and three helpers:
 * check(cond, message), which stops generation with message at the calling line,
 * fmt = string.format, and include(file), which renders another template of the templates
 * folder at that point, in the same environment: its text goes to the same output and the
 * globals it defines (Lua functions shared by several templates) are the caller's. The
 * generator adds the banner; a template renders only the body.
 */
#include <errno.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* Appends s[0..n) as a Lua string literal. */
static void put_literal(gen_buf *b, const char *s, size_t n) {
  buf_put(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      buf_put(b, e, 2);
    } else if (c == '\n') {
      buf_puts(b, "\\n");
    } else if (c < 32 || c == 127) {
      buf_printf(b, "\\%03u", c);
    } else {
      buf_put(b, (const char *)&c, 1);
    }
  }
  buf_put(b, "\"", 1);
}

/* Finds the '}' closing a ${ whose expression starts at s; skips Lua strings and nested
 * braces. Returns its offset, or -1. */
static long closing_brace(const char *s, size_t n) {
  int depth = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '"' || c == '\'') {
      for (i++; i < n && s[i] != c; i++)
        if (s[i] == '\\') i++;
      if (i >= n) return -1;
    } else if (c == '{') {
      depth++;
    } else if (c == '}') {
      if (depth == 0) return (long)i;
      depth--;
    }
  }
  return -1;
}

char *template_compile(const char *text, size_t len, const char *display, char *err,
                       size_t errsize) {
  gen_buf out = {0};
  size_t pos = 0;
  int line = 0;
  while (pos < len) {
    line++;
    const char *s = text + pos;
    const char *nl = memchr(s, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - s) : len - pos; /* without the newline */
    pos += n + (nl != NULL);
    size_t lead = 0;
    while (lead < n && (s[lead] == ' ' || s[lead] == '\t')) lead++;
    /* Lines are separated, not terminated, so that Lua's end of chunk is on the last line. */
    if (line > 1) buf_put(&out, "\n", 1);
    if (lead < n && s[lead] == '%') {
      buf_put(&out, s + lead + 1, n - lead - 1);
      continue;
    }
    buf_puts(&out, "_o(");
    size_t i = 0, start = 0;
    int first = 1;
    while (i < n) {
      if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
        long close = closing_brace(s + i + 2, n - i - 2);
        if (close < 0) {
          snprintf(err, errsize, "%s:%d: '${' without its closing '}'", display, line);
          buf_free(&out);
          return NULL;
        }
        if (close == 0) {
          snprintf(err, errsize, "%s:%d: empty '${}'", display, line);
          buf_free(&out);
          return NULL;
        }
        if (!first) buf_puts(&out, ", ");
        put_literal(&out, s + start, i - start);
        buf_puts(&out, ", (");
        buf_put(&out, s + i + 2, (size_t)close);
        buf_puts(&out, ")");
        first = 0;
        i += 2 + (size_t)close + 1;
        start = i;
      } else {
        i++;
      }
    }
    if (!first) buf_puts(&out, ", ");
    put_literal(&out, s + start, n - start);
    buf_puts(&out, nl ? ", \"\\n\")" : ")");
  }
  buf_put(&out, "", 0); /* an empty template compiles to an empty chunk */
  return out.data;
}

/* _o(...): appends each argument to the kernel's text (upvalue 1: the gen_buf). */
static int l_out(lua_State *L) {
  gen_buf *b = lua_touserdata(L, lua_upvalueindex(1));
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    int t = lua_type(L, i);
    if (t != LUA_TSTRING && t != LUA_TNUMBER)
      luaL_error(L, "${...} gave a %s value, not a string or a number", lua_typename(L, t));
    size_t len;
    const char *s = lua_tolstring(L, i, &len);
    buf_put(b, s, len);
  }
  return 0;
}

/* check(cond, message): a template's check of its own parameters. */
static int l_check(lua_State *L) {
  if (!lua_toboolean(L, 1)) luaL_error(L, "%s", luaL_optstring(L, 2, "check failed"));
  return 0;
}

/* Includes one kernel's rendering may make: bounds the file reads of an include in a loop
 * (the instruction limit alone would allow millions) and an include of itself. */
#define GEN_MAX_INCLUDES 64

/* include(file): the template `file` of the templates folder (upvalue 1), rendered here in the
 * caller's environment (upvalue 2); upvalue 3 counts this kernel's includes. */
static int l_include(lua_State *L) {
  const char *file = luaL_checkstring(L, 1);
  lua_Integer count = lua_tointeger(L, lua_upvalueindex(3)) + 1;
  if (count > GEN_MAX_INCLUDES)
    luaL_error(L, "include: more than %d includes in one kernel", GEN_MAX_INCLUDES);
  lua_pushinteger(L, count);
  lua_replace(L, lua_upvalueindex(3));
  size_t n = strlen(file);
  if (n < 4 || strcmp(file + n - 3, ".lt") != 0 || strchr(file, '/') || file[0] == '.')
    luaL_error(L, "include: file '%s' must be a name ending in .lt inside the templates folder",
               file);
  gen_buf path = {0};
  buf_printf(&path, "%s/%s", lua_tostring(L, lua_upvalueindex(1)), file);
  size_t len;
  char *text = read_file(path.data, &len);
  char *display = display_name(path.data);
  buf_free(&path);
  if (!text) {
    lua_pushfstring(L, "include: template '%s' cannot be read: %s", file, strerror(errno));
    free(display);
    return lua_error(L);
  }
  char err[512];
  char *src = template_compile(text, len, display, err, sizeof err);
  free(text);
  if (!src) {
    free(display);
    lua_pushstring(L, err);
    return lua_error(L);
  }
  lua_pushfstring(L, "@%s", display);
  free(display);
  int status = luaL_loadbufferx(L, src, strlen(src), lua_tostring(L, -1), "t");
  free(src);
  if (status != LUA_OK) return lua_error(L); /* the message names the file and line */
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_setupvalue(L, -2, 1); /* _ENV: the caller's sandbox */
  lua_call(L, 0, 0);
  return 0;
}

/* Copies the library table at the top of the stack, so a sandbox cannot change the shared one. */
static void copy_top(lua_State *L) {
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_settable(L, -4);
  }
  lua_remove(L, -2);
}

void sandbox_new(lua_State *L) {
  /* No pcall: a template must not be able to catch the instruction limit and run on. */
  static const char *const globals[] = {"assert",   "error",    "ipairs", "next",
                                        "pairs",    "select",   "tonumber", "tostring",
                                        "type",     "rawequal", "rawget", "rawlen",
                                        "rawset",   NULL};
  static const char *const libs[] = {"string", "table", "math", "utf8", NULL};
  lua_newtable(L);
  lua_pushglobaltable(L);
  for (int i = 0; globals[i]; i++) {
    lua_getfield(L, -1, globals[i]);
    lua_setfield(L, -3, globals[i]);
  }
  for (int i = 0; libs[i]; i++) {
    lua_getfield(L, -1, libs[i]);
    copy_top(L);
    lua_setfield(L, -3, libs[i]);
  }
  lua_pop(L, 1);
}

/* Loads the template of t (once) and leaves a reference to the compiled chunk in t. */
static void load_template(lua_State *L, const char *templates_dir, gen_template *t) {
  if (t->chunk_ref != LUA_NOREF) return;
  gen_buf path = {0};
  buf_printf(&path, "%s/%s", templates_dir, t->file);
  size_t len;
  char *text = read_file(path.data, &len);
  buf_free(&path);
  if (!text)
    luaL_error(L, "%stemplate '%s' cannot be read: %s", t->where, t->file, strerror(errno));
  char err[512];
  char *src = template_compile(text, len, t->display, err, sizeof err);
  free(text);
  if (!src) {
    lua_pushstring(L, err);
    lua_error(L);
  }
  lua_pushfstring(L, "@%s", t->display);
  int status = luaL_loadbufferx(L, src, strlen(src), lua_tostring(L, -1), "t");
  free(src);
  if (status != LUA_OK) gen_load_error(L, t->display);
  t->chunk_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1);
}

static void set_string(lua_State *L, const char *field, const char *value) {
  lua_pushstring(L, value);
  lua_setfield(L, -2, field);
}

static void set_integer(lua_State *L, const char *field, lua_Integer value) {
  lua_pushinteger(L, value);
  lua_setfield(L, -2, field);
}

/* The do-not-edit banner: what made the file, from what, and why it is a file of its own. */
static void put_banner(gen_buf *b, const gen_kernel *g, const gen_template *t) {
  const lta_key *k = &g->key;
  char kv[32], h[16];
  snprintf(kv, sizeof kv, "K=%d V=%d", (int)k->K, (int)k->V);
  if (k->K == 0 && k->V == 0) snprintf(kv, sizeof kv, "K=any V=any");
  if (k->H) snprintf(h, sizeof h, "%d", (int)k->H);
  else snprintf(h, sizeof h, "any");
  buf_printf(b,
             GEN_BANNER_FIRST "\n"
             " *   Template:  %s\n"
             " *   Kernel:    %s\n"
             " *   Key:       op=%s dtype=%s %s H=%s dir=%s target=%s\n"
             " *   Generator: lta-gen (gen/), from the kernel spec; regenerate, never edit.\n"
             " * One file per kernel: each specialization is compiled with its own ISA flags\n"
             " * and only what a template or key change touches is rebuilt.\n"
             " */\n",
             t->display, g->name, lta_op_string(k->op), lta_dtype_string(k->dtype), kv, h,
             k->reverse ? "rev" : "fwd", lta_target_string(k->target));
}

void template_render_all(lua_State *L, const char *templates_dir, gen_spec *spec) {
  for (int i = 0; i < spec->nkernels; i++) {
    gen_kernel *g = &spec->kernels[i];
    gen_template *t = &spec->templates[g->tmpl];
    load_template(L, templates_dir, t);
    const lta_key *k = &g->key;

    /* The output path: <family>/<name><ext>, ext being the template's name less ".lt" from
     * its first dot ("cpu_fwd.c.lt" -> ".c"). */
    const char *dot = strchr(t->file, '.');
    gen_buf path = {0};
    buf_printf(&path, "%s/%s%.*s", lta_target_family(k->target), g->name,
               (int)(strlen(dot) - 3), dot);
    g->path = path.data;

    put_banner(&g->text, g, t);
    lua_rawgeti(L, LUA_REGISTRYINDEX, t->chunk_ref);
    sandbox_new(L);
    set_string(L, "name", g->name);
    set_string(L, "op", lta_op_string(k->op));
    set_string(L, "dtype", lta_dtype_string(k->dtype));
    set_integer(L, "K", k->K);
    set_integer(L, "V", k->V);
    set_integer(L, "H", k->H);
    set_string(L, "dir", k->reverse ? "rev" : "fwd");
    lua_pushboolean(L, k->reverse);
    lua_setfield(L, -2, "reverse");
    set_string(L, "target", lta_target_string(k->target));
    set_string(L, "family", lta_target_family(k->target));
    set_string(L, "template", t->display);
    lua_pushcfunction(L, l_check);
    lua_setfield(L, -2, "check");
    lua_getfield(L, -1, "string");
    lua_getfield(L, -1, "format");
    lua_setfield(L, -3, "fmt");
    lua_pop(L, 1);
    lua_pushlightuserdata(L, &g->text);
    lua_pushcclosure(L, l_out, 1);
    lua_setfield(L, -2, "_o");
    lua_pushstring(L, templates_dir);
    lua_pushvalue(L, -2);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, l_include, 3);
    lua_setfield(L, -2, "include");
    lua_setupvalue(L, -2, 1); /* _ENV of the chunk */
    gen_budget_reset(L);
    lua_call(L, 0, 0);
  }
}
