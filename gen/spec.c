/* spec.c: the kernel spec.
 *
 * The spec is a Lua file run in a sandbox that holds only these declarations and the safe part
 * of the standard library:
 *
 *   axis "dtype" { "f32", "f16", "bf16" }          -- one call per axis, all seven required
 *   keep(function(k) return ... end)               -- optional predicate over a candidate key
 *   template { op = "fwd", family = "cpu", file = "cpu_fwd.c.lt" }
 *
 * The axes are op, dtype, K, V, H, dir, target. The generator takes their product, asks keep()
 * about each combination (k has the fields op, dtype, K, V, H, dir, reverse, target, family and
 * name), applies the command line's selection, and pairs each kernel with the template declared
 * for its op and target family. Each declaration checks its arguments as it runs, so a bad one
 * is reported at its own line.
 */
#include <errno.h>
#include <fnmatch.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

enum { AX_OP, AX_DTYPE, AX_K, AX_V, AX_H, AX_DIR, AX_TARGET, AX_COUNT };
static const char *const axis_names[AX_COUNT] = {"op", "dtype", "K", "V", "H", "dir", "target"};

/* The registry table the declarations fill: { axes = {name = {values}}, keep = f,
 * keep_where = "...", templates = { {op, family, file, where}, ... } }. */
#define SPEC_STATE "lta-gen.spec"

static int axis_index(const char *name) {
  for (int i = 0; i < AX_COUNT; i++)
    if (strcmp(axis_names[i], name) == 0) return i;
  return -1;
}

static void push_state(lua_State *L) { lua_getfield(L, LUA_REGISTRYINDEX, SPEC_STATE); }

/* Checks one axis value; raises at the spec's line when it is not one. */
static void check_value(lua_State *L, int ax, int idx, int pos) {
  const char *name = axis_names[ax];
  if (ax == AX_K || ax == AX_V || ax == AX_H) {
    if (!lua_isinteger(L, idx))
      luaL_error(L, "axis '%s': value #%d must be an integer, got %s", name, pos,
                 luaL_typename(L, idx));
    lua_Integer v = lua_tointeger(L, idx);
    if (v < 0 || v > LTA_KEY_DIM_MAX)
      luaL_error(L, "axis '%s': value %I is out of range 0..%d (0 = any)", name, v,
                 LTA_KEY_DIM_MAX);
    return;
  }
  if (lua_type(L, idx) != LUA_TSTRING)
    luaL_error(L, "axis '%s': value #%d must be a string, got %s", name, pos,
               luaL_typename(L, idx));
  const char *s = lua_tostring(L, idx);
  int ok = ax == AX_OP       ? lta_op_from_string(s) >= 0
           : ax == AX_DTYPE  ? lta_dtype_from_string(s) >= 0
           : ax == AX_TARGET ? lta_target_from_string(s) >= 0
                             : (strcmp(s, "fwd") == 0 || strcmp(s, "rev") == 0);
  if (!ok) luaL_error(L, "axis '%s': unknown value '%s'", name, s);
}

/* axis "name" { values }: the second call. */
static int l_axis_values(lua_State *L) {
  int ax = (int)lua_tointeger(L, lua_upvalueindex(1));
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_len(L, 1);
  if (n < 1) luaL_error(L, "axis '%s' has no values", axis_names[ax]);
  lua_newtable(L); /* the copy we keep */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, 1, i);
    check_value(L, ax, -1, (int)i);
    for (lua_Integer j = 1; j < i; j++) {
      lua_geti(L, -2, j);
      int same = lua_rawequal(L, -1, -2);
      lua_pop(L, 1);
      if (same) luaL_error(L, "axis '%s': value '%s' is listed twice", axis_names[ax],
                           luaL_tolstring(L, -1, NULL));
    }
    lua_seti(L, -2, i);
  }
  push_state(L);
  lua_getfield(L, -1, "axes");
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, axis_names[ax]);
  return 0;
}

/* axis "name": returns the function that takes the values. */
static int l_axis(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  int ax = axis_index(name);
  if (ax < 0)
    luaL_error(L, "unknown axis '%s' (axes: op, dtype, K, V, H, dir, target)", name);
  push_state(L);
  lua_getfield(L, -1, "axes");
  if (lua_getfield(L, -1, name) != LUA_TNIL) luaL_error(L, "axis '%s' is declared twice", name);
  lua_pushinteger(L, ax);
  lua_pushcclosure(L, l_axis_values, 1);
  return 1;
}

static void set_where(lua_State *L, int state_idx, const char *field) {
  luaL_where(L, 1);
  lua_setfield(L, state_idx, field);
}

/* keep(function(k) ... end) */
static int l_keep(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  push_state(L);
  int st = lua_gettop(L);
  if (lua_getfield(L, st, "keep") != LUA_TNIL) luaL_error(L, "keep() is declared twice");
  lua_pushvalue(L, 1);
  lua_setfield(L, st, "keep");
  set_where(L, st, "keep_where");
  return 0;
}

static const char *table_string(lua_State *L, int t, const char *field) {
  if (lua_getfield(L, t, field) != LUA_TSTRING)
    luaL_error(L, "template: field '%s' must be a string, got %s", field,
               luaL_typename(L, -1));
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1); /* still referenced by the table */
  return s;
}

/* template { op = "fwd", family = "cpu", file = "cpu_fwd.c.lt" } */
static int l_template(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  const char *op = table_string(L, 1, "op");
  const char *family = table_string(L, 1, "family");
  const char *file = table_string(L, 1, "file");
  if (lta_op_from_string(op) < 0) luaL_error(L, "template: unknown op '%s'", op);
  int known_family = 0;
  for (int t = 0; t < LTA_TARGET_COUNT; t++)
    known_family |= strcmp(lta_target_family(t), family) == 0;
  if (!known_family) luaL_error(L, "template: unknown family '%s'", family);
  size_t n = strlen(file);
  if (n < 4 || strcmp(file + n - 3, ".lt") != 0 || strchr(file, '/') || file[0] == '.')
    luaL_error(L, "template: file '%s' must be a name ending in .lt inside the templates folder",
               file);
  push_state(L);
  lua_getfield(L, -1, "templates");
  int ts = lua_gettop(L);
  lua_Integer count = luaL_len(L, ts);
  for (lua_Integer i = 1; i <= count; i++) {
    lua_geti(L, ts, i);
    lua_getfield(L, -1, "op");
    lua_getfield(L, -2, "family");
    if (strcmp(lua_tostring(L, -2), op) == 0 && strcmp(lua_tostring(L, -1), family) == 0)
      luaL_error(L, "template: op '%s' on family '%s' already has a template", op, family);
    lua_pop(L, 3);
  }
  lua_createtable(L, 0, 4);
  lua_pushstring(L, op);
  lua_setfield(L, -2, "op");
  lua_pushstring(L, family);
  lua_setfield(L, -2, "family");
  lua_pushstring(L, file);
  lua_setfield(L, -2, "file");
  set_where(L, lua_gettop(L), "where");
  lua_seti(L, ts, count + 1);
  return 0;
}

/* Raises "display:line: message" for a problem found after the spec ran: the line is the
 * spec's last, where the missing declaration would go. */
static int raise_at_end(lua_State *L, const char *display, int last_line, const char *fmt,
                        const char *a, const char *b) {
  lua_pushfstring(L, "%s:%d: ", display, last_line);
  lua_pushfstring(L, fmt, a, b);
  lua_concat(L, 2);
  return lua_error(L);
}

static int count_lines(const char *text, size_t len) {
  int lines = 1;
  for (size_t i = 0; i + 1 < len; i++) lines += text[i] == '\n';
  return lines;
}

/* Pushes the table the predicate sees for one key. */
static void push_key_table(lua_State *L, const lta_key *k, const char *name) {
  lua_createtable(L, 0, 10);
  lua_pushstring(L, lta_op_string(k->op));
  lua_setfield(L, -2, "op");
  lua_pushstring(L, lta_dtype_string(k->dtype));
  lua_setfield(L, -2, "dtype");
  lua_pushinteger(L, k->K);
  lua_setfield(L, -2, "K");
  lua_pushinteger(L, k->V);
  lua_setfield(L, -2, "V");
  lua_pushinteger(L, k->H);
  lua_setfield(L, -2, "H");
  lua_pushstring(L, k->reverse ? "rev" : "fwd");
  lua_setfield(L, -2, "dir");
  lua_pushboolean(L, k->reverse);
  lua_setfield(L, -2, "reverse");
  lua_pushstring(L, lta_target_string(k->target));
  lua_setfield(L, -2, "target");
  lua_pushstring(L, lta_target_family(k->target));
  lua_setfield(L, -2, "family");
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
}

static int selected(const gen_select *sel, const lta_key *k, const char *name) {
  if (!sel->targets[k->target]) return 0;
  if (sel->nonly == 0) return 1;
  for (int i = 0; i < sel->nonly; i++)
    if (fnmatch(sel->only[i], name, 0) == 0) return 1;
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const gen_kernel *)a)->name, ((const gen_kernel *)b)->name);
}

/* Reads the declared templates out of the state table into spec->templates. */
static void collect_templates(lua_State *L, int st, const char *templates_dir, gen_spec *spec) {
  lua_getfield(L, st, "templates");
  int n = (int)luaL_len(L, -1);
  spec->templates = calloc((size_t)n + 1, sizeof *spec->templates);
  for (int i = 0; i < n; i++) {
    gen_template *t = &spec->templates[i];
    lua_geti(L, -1, i + 1);
    lua_getfield(L, -1, "op");
    lua_getfield(L, -2, "family");
    lua_getfield(L, -3, "file");
    lua_getfield(L, -4, "where");
    t->op = lta_op_from_string(lua_tostring(L, -4));
    for (int f = 0; f < LTA_TARGET_COUNT; f++)
      if (strcmp(lta_target_family(f), lua_tostring(L, -3)) == 0) t->family = lta_target_family(f);
    t->file = strdup(lua_tostring(L, -2));
    t->where = strdup(lua_tostring(L, -1));
    gen_buf path = {0};
    buf_printf(&path, "%s/%s", templates_dir, t->file);
    t->display = display_name(path.data);
    buf_free(&path);
    t->chunk_ref = LUA_NOREF;
    lua_pop(L, 5);
  }
  lua_pop(L, 1);
  spec->ntemplates = n;
}

static int find_template(const gen_spec *spec, const lta_key *k) {
  for (int i = 0; i < spec->ntemplates; i++)
    if (spec->templates[i].op == k->op &&
        strcmp(spec->templates[i].family, lta_target_family(k->target)) == 0)
      return i;
  return -1;
}

void spec_free(gen_spec *spec) {
  for (int i = 0; i < spec->ntemplates; i++) {
    free(spec->templates[i].file);
    free(spec->templates[i].display);
    free(spec->templates[i].where);
  }
  free(spec->templates);
  for (int i = 0; i < spec->nkernels; i++) {
    free(spec->kernels[i].path);
    buf_free(&spec->kernels[i].text);
  }
  free(spec->kernels);
  free(spec->display);
  memset(spec, 0, sizeof *spec);
}

void spec_load(lua_State *L, const char *spec_path, const char *templates_dir,
               const gen_select *sel, gen_spec *spec) {
  spec->display = display_name(spec_path);
  size_t len;
  char *text = read_file(spec_path, &len);
  if (!text) {
    gen_io_error = 1;
    luaL_error(L, "cannot read the kernel spec '%s': %s", spec_path, strerror(errno));
  }
  lua_pushfstring(L, "@%s", spec->display);
  int status = luaL_loadbufferx(L, text, len, lua_tostring(L, -1), "t");
  int last_line = count_lines(text, len);
  free(text);
  if (status != LUA_OK) gen_load_error(L, spec->display);
  lua_remove(L, -2);

  /* The state the declarations fill. */
  lua_newtable(L);
  lua_newtable(L);
  lua_setfield(L, -2, "axes");
  lua_newtable(L);
  lua_setfield(L, -2, "templates");
  lua_setfield(L, LUA_REGISTRYINDEX, SPEC_STATE);

  sandbox_new(L);
  lua_pushcfunction(L, l_axis);
  lua_setfield(L, -2, "axis");
  lua_pushcfunction(L, l_keep);
  lua_setfield(L, -2, "keep");
  lua_pushcfunction(L, l_template);
  lua_setfield(L, -2, "template");
  lua_setupvalue(L, -2, 1); /* the chunk's _ENV */
  gen_budget_reset(L);
  lua_call(L, 0, 0);

  push_state(L);
  int st = lua_gettop(L);
  lua_getfield(L, st, "axes");
  int axes = lua_gettop(L);
  lua_Integer len_of[AX_COUNT];
  for (int a = 0; a < AX_COUNT; a++) {
    if (lua_getfield(L, axes, axis_names[a]) != LUA_TTABLE)
      raise_at_end(L, spec->display, last_line, "axis '%s' is not declared%s", axis_names[a], "");
    len_of[a] = luaL_len(L, -1);
    lua_pop(L, 1);
  }
  collect_templates(L, st, templates_dir, spec);
  int has_keep = lua_getfield(L, st, "keep") == LUA_TFUNCTION;
  int keep_idx = lua_gettop(L);
  lua_getfield(L, st, "keep_where");
  const char *keep_where = lua_tostring(L, -1);

  /* The product, in declaration order of the values (the result is sorted by name anyway). */
  lua_Integer pos[AX_COUNT] = {0};
  size_t cap = 64;
  spec->kernels = calloc(cap, sizeof *spec->kernels);
  spec->nkernels = 0;
  for (;;) {
    lta_key k = {0};
    for (int a = 0; a < AX_COUNT; a++) {
      lua_getfield(L, axes, axis_names[a]);
      lua_geti(L, -1, pos[a] + 1);
      switch (a) {
        case AX_OP: k.op = lta_op_from_string(lua_tostring(L, -1)); break;
        case AX_DTYPE: k.dtype = lta_dtype_from_string(lua_tostring(L, -1)); break;
        case AX_K: k.K = (int32_t)lua_tointeger(L, -1); break;
        case AX_V: k.V = (int32_t)lua_tointeger(L, -1); break;
        case AX_H: k.H = (int32_t)lua_tointeger(L, -1); break;
        case AX_DIR: k.reverse = strcmp(lua_tostring(L, -1), "rev") == 0; break;
        case AX_TARGET: k.target = lta_target_from_string(lua_tostring(L, -1)); break;
      }
      lua_pop(L, 2);
    }
    char name[LTA_KEY_NAME_MAX];
    if (lta_key_name(&k, name, sizeof name) < 0)
      raise_at_end(L, spec->display, last_line, "cannot name a kernel of this key%s%s", "", "");
    int keep = selected(sel, &k, name);
    if (keep && has_keep) {
      lua_pushvalue(L, keep_idx);
      push_key_table(L, &k, name);
      gen_budget_reset(L);
      lua_call(L, 1, 1);
      keep = lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
    if (keep) {
      int t = find_template(spec, &k);
      if (t < 0) {
        if (keep_where) lua_pushstring(L, keep_where); /* "file:line: " */
        else lua_pushfstring(L, "%s:%d: ", spec->display, last_line);
        lua_pushfstring(L, "no template declared for op '%s' on family '%s' (kernel %s)",
                        lta_op_string(k.op), lta_target_family(k.target), name);
        lua_concat(L, 2);
        lua_error(L);
      }
      if ((size_t)spec->nkernels == cap)
        spec->kernels = realloc(spec->kernels, (cap *= 2) * sizeof *spec->kernels);
      gen_kernel *g = &spec->kernels[spec->nkernels++];
      memset(g, 0, sizeof *g);
      g->key = k;
      g->tmpl = t;
      memcpy(g->name, name, sizeof name);
    }
    int a = AX_COUNT - 1; /* odometer step */
    while (a >= 0 && ++pos[a] == len_of[a]) pos[a--] = 0;
    if (a < 0) break;
  }
  lua_settop(L, st - 1);
  qsort(spec->kernels, (size_t)spec->nkernels, sizeof *spec->kernels, by_name);
  for (int i = 1; i < spec->nkernels; i++)
    if (strcmp(spec->kernels[i].name, spec->kernels[i - 1].name) == 0)
      raise_at_end(L, spec->display, last_line, "kernel %s is produced twice%s",
                   spec->kernels[i].name, "");
}
