/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plugin host: finds plugin modules, loads and checks them, orders them
 * by what they require, and takes each through register, migrate and start,
 * phase by phase.  A plugin that fails a phase has everything it registered
 * withdrawn and is marked failed with the reason; so is every plugin that
 * requires it.  The server only refuses to start when a plugin whose config
 * section says `required = true` did not make it.
 *
 * Modules are opened with G_MODULE_BIND_LOCAL and without
 * G_MODULE_BIND_LAZY (an unresolved symbol fails the open, not the first
 * call), made resident at once and never closed: callbacks into them may be
 * held by GLib, SQLite or libsoup until the process ends. */
#include "plugin/lj-plugin-host.h"
#include "workflow/lj-state-machine.h"
#include "resource/lj-resource-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LJ_PLUGIN_PATH_ENV "LIANJIAN_PLUGIN_PATH"
#define LJ_PLUGIN_QUERY_SYMBOL "lj_plugin_query"
#define LJ_CORE_MIGRATIONS_DIR "/org/lianjian/schemas/core/migrations/"

/* Names a plugin may not take: the core's migration component, and
 * prefixes SQLite or the host keep for themselves. */
static const char *const reserved_names[] = { "core", "lj", "sqlite", NULL };

/* ---- discovery ---- */

/* g_ptr_array_sort () hands the comparator pointers to the elements. */
static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
discover_dir (const char *dir, gboolean configured, GPtrArray *paths, GHashTable *seen)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    {
      if (configured)
        g_warning ("plugin directory %s: %s", dir, error->message);
      return;
    }
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".so"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      char *real = realpath (path, NULL);

      if (real == NULL || !g_file_test (real, G_FILE_TEST_IS_REGULAR) || g_hash_table_contains (seen, real))
        {
          free (real);
          continue;
        }
      g_hash_table_add (seen, g_strdup (real));
      free (real);
      g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

/**
 * lj_plugins_discover:
 * Returns: (transfer full) (element-type filename): the `*.so` files of
 * `[plugins] dir` then of LIANJIAN_PLUGIN_PATH (colon-separated), each
 * directory sorted by name, each file once.
 */
GPtrArray *
lj_plugins_discover (LjConfig *config)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *env = g_getenv (LJ_PLUGIN_PATH_ENV);

  if (config->plugin_dirs == NULL)
    {
      /* Nothing configured: the first-party plugins, from the build tree
       * when this is the binary built there (so `ninja && lianjian serve
       * --demo` runs the whole product), else from the install's plugin
       * directory. */
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      const char *defaults = g_strcmp0 (exe, LJ_BUILD_EXE) == 0 ? LJ_BUILD_PLUGIN_DIRS : LJ_DEFAULT_PLUGINDIR;
      g_auto (GStrv) dirs = g_strsplit (defaults, ";", -1);

      for (guint i = 0; dirs[i]; i++)
        if (*dirs[i] && g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
          discover_dir (dirs[i], FALSE, paths, seen);
    }
  for (guint i = 0; config->plugin_dirs && config->plugin_dirs[i]; i++)
    discover_dir (config->plugin_dirs[i], TRUE, paths, seen);
  if (env && *env)
    {
      g_auto (GStrv) dirs = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; dirs[i]; i++)
        if (*dirs[i])
          discover_dir (dirs[i], FALSE, paths, seen);
    }
  return paths;
}

/* ---- loading and checking ---- */

/* The core's table names, read from its migration files (compiled in), so
 * a plugin prefix can be checked before anything runs. */
static GPtrArray *
core_table_names (void)
{
  GPtrArray *tables = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) files = g_resources_enumerate_children (LJ_CORE_MIGRATIONS_DIR, 0, NULL);
  g_autoptr (GRegex) re = g_regex_new ("\\bCREATE\\s+(?:VIRTUAL\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
                                       "[\"`\\[]?([A-Za-z_][A-Za-z0-9_]*)", G_REGEX_CASELESS, 0, NULL);

  g_ptr_array_add (tables, g_strdup ("lj_schema"));
  for (guint i = 0; files && files[i]; i++)
    {
      g_autofree char *path = g_strconcat (LJ_CORE_MIGRATIONS_DIR, files[i], NULL);
      g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autoptr (GMatchInfo) match = NULL;
      g_autofree char *sql = NULL;

      if (bytes == NULL)
        continue;
      sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      for (g_regex_match (re, sql, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
        {
          g_autofree char *name = g_match_info_fetch (match, 1);

          g_ptr_array_add (tables, g_ascii_strdown (name, -1));
        }
    }
  return tables;
}

gboolean
lj_plugin_name_is_valid (const char *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > LJ_PLUGIN_NAME_MAX || !g_ascii_islower (name[0]))
    goto invalid;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (name[i]) && !g_ascii_isdigit (name[i]) && name[i] != '-')
      goto invalid;
  if (g_strv_contains (reserved_names, name))
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID, "the name \"%s\" is reserved", name);
      return FALSE;
    }
  return TRUE;

invalid:
  g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
               "the name \"%s\" is not valid: it must match [a-z][a-z0-9-]* and be at most %d bytes",
               name ? name : "(null)", LJ_PLUGIN_NAME_MAX);
  return FALSE;
}

LjPlugin *
lj_plugins_find (LjApp *app, const char *name)
{
  LjPlugin *found = NULL;

  for (guint i = 0; app->plugins && i < app->plugins->len; i++)
    {
      LjPlugin *p = app->plugins->pdata[i];

      if (p->desc == NULL || strcmp (p->name, name) != 0)
        continue;
      if (found == NULL || found->state == LJ_PLUGIN_STATE_FAILED)
        found = p;
    }
  return found;
}

/* Reads the descriptor's fields in the order that makes them safe to read:
 * magic, then the ABI numbers, then the size, then the rest. */
static gboolean
check_descriptor (LjPlugin *p, const LjPluginDescriptor *d, GError **error)
{
  if (d == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_ABI, LJ_PLUGIN_QUERY_SYMBOL " () returned NULL");
      return FALSE;
    }
  if (d->magic != LJ_PLUGIN_MAGIC)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_ABI,
                   "bad magic 0x%08x (expected 0x%08x): not a Lianjian plugin, or built with a foreign "
                   "descriptor; define it with LJ_PLUGIN_DEFINE", d->magic, LJ_PLUGIN_MAGIC);
      return FALSE;
    }
  if (d->abi_major != LJ_PLUGIN_ABI_MAJOR)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_ABI,
                   "built for plugin ABI %u.%u, but this Lianjian has ABI %d.%d: the major numbers differ "
                   "(%u ≠ %d), so rebuild the plugin against the headers of this Lianjian (lianjian-1.pc)",
                   d->abi_major, d->abi_minor, LJ_PLUGIN_ABI_MAJOR, LJ_PLUGIN_ABI_MINOR, d->abi_major,
                   LJ_PLUGIN_ABI_MAJOR);
      return FALSE;
    }
  if (d->abi_minor > LJ_PLUGIN_ABI_MINOR)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_ABI,
                   "built for plugin ABI %u.%u, newer than this Lianjian's %d.%d (minor %u > %d): upgrade "
                   "Lianjian to one with ABI %u.%u or later, or rebuild the plugin against these headers",
                   d->abi_major, d->abi_minor, LJ_PLUGIN_ABI_MAJOR, LJ_PLUGIN_ABI_MINOR, d->abi_minor,
                   LJ_PLUGIN_ABI_MINOR, d->abi_major, d->abi_minor);
      return FALSE;
    }
  if (d->size < LJ_PLUGIN_DESCRIPTOR_SIZE_1_0)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_ABI,
                   "its descriptor is %u bytes, smaller than ABI 1.0's %u: define it with LJ_PLUGIN_DEFINE",
                   d->size, (guint) LJ_PLUGIN_DESCRIPTOR_SIZE_1_0);
      return FALSE;
    }
  if (!lj_plugin_name_is_valid (d->name, error))
    return FALSE;
  if (d->version == NULL || *d->version == '\0' || d->register_func == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                   "plugin %s: its descriptor needs a version and a register function", d->name);
      return FALSE;
    }
  return TRUE;
}

/* The prefix must not be the start of a core table (`activity_` would
 * claim `activity_attendance`), and the name must be unique. */
static gboolean
check_identity (LjPlugin *p, const LjPluginDescriptor *d, GPtrArray *core_tables, GError **error)
{
  LjPlugin *other = lj_plugins_find (p->app, d->name);

  if (other != NULL && other != p && other->state != LJ_PLUGIN_STATE_FAILED)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID, "another plugin called %s is already loaded "
                   "from %s", d->name, other->path);
      return FALSE;
    }
  for (guint i = 0; i < core_tables->len; i++)
    if (g_str_has_prefix (core_tables->pdata[i], p->table_prefix))
      {
        g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                     "its table prefix %s is the start of the core table %s: choose another name",
                     p->table_prefix, (char *) core_tables->pdata[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
load_and_check (LjPlugin *p, LjQuarantine *q, GPtrArray *core_tables, GError **error)
{
  g_autoptr (GError) local = NULL;
  LjPluginQueryFunc query = NULL;
  const LjPluginDescriptor *d = NULL;

  /* Opening runs the module's constructors: plugin code, under the marker.
   * No G_MODULE_BIND_LAZY: every symbol is bound now, so a plugin built
   * against a newer library fails here with the symbol's name. */
  lj_quarantine_enter (q, p, LJ_PLUGIN_PHASE_LOAD);
  p->module = g_module_open_full (p->path, G_MODULE_BIND_LOCAL, &local);
  if (p->module != NULL)
    {
      g_module_make_resident (p->module);
      if (g_module_symbol (p->module, LJ_PLUGIN_QUERY_SYMBOL, (gpointer *) &query) && query != NULL)
        d = query ();
    }
  lj_quarantine_leave (q);
  if (p->module == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_LOAD, "cannot load it: %s", local->message);
      return FALSE;
    }
  if (query == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_LOAD,
                   "it exports no " LJ_PLUGIN_QUERY_SYMBOL " (): not a Lianjian plugin, or built without "
                   "LJ_PLUGIN_DEFINE");
      return FALSE;
    }
  if (!check_descriptor (p, d, error))
    return FALSE;
  g_free (p->name);
  p->name = g_strdup (d->name);
  p->table_prefix = g_strdup_printf ("%s_", d->name);
  g_strdelimit (p->table_prefix, "-", '_');
  /* Only a plugin that passed every check has a descriptor: a refused
   * duplicate must never be mistaken for (or withdraw) the one loaded. */
  if (!check_identity (p, d, core_tables, error))
    return FALSE;
  p->desc = d;
  return TRUE;
}

static void
fail_with_error (LjPlugin *p, GError *error)
{
  lj_plugin_fail (p, LJ_PLUGIN_STATE_FAILED, error->message);
}

/* ---- requires ---- */

static gboolean
is_alive (LjPlugin *p)
{
  return p->state == LJ_PLUGIN_STATE_LOADED || p->state == LJ_PLUGIN_STATE_ACTIVE;
}

static void
fail_cycle (GPtrArray *stack, guint from, LjPlugin *back_to)
{
  g_autoptr (GString) chain = g_string_new ("its requires form a cycle: ");
  g_autofree char *reason = NULL;

  for (guint i = from; i < stack->len; i++)
    g_string_append_printf (chain, "%s → ", ((LjPlugin *) stack->pdata[i])->name);
  g_string_append (chain, back_to->name);
  reason = g_string_free (g_steal_pointer (&chain), FALSE);
  for (guint i = from; i < stack->len; i++)
    lj_plugin_fail (stack->pdata[i], LJ_PLUGIN_STATE_FAILED, reason);
}

/* Depth-first: a plugin goes into @order after everything it requires. */
static gboolean
visit (LjPlugin *p, GPtrArray *order, GPtrArray *stack)
{
  guint at;

  if (!is_alive (p))
    return FALSE;
  if (g_ptr_array_find (order, p, NULL))
    return TRUE;
  if (g_ptr_array_find (stack, p, &at))
    {
      fail_cycle (stack, at, p);
      return FALSE;
    }
  g_ptr_array_add (stack, p);
  for (guint i = 0; p->desc->requires && p->desc->requires[i]; i++)
    {
      const char *name = p->desc->requires[i];
      LjPlugin *dep = lj_plugins_find (p->app, name);
      g_autofree char *reason = NULL;

      if (dep != NULL && visit (dep, order, stack))
        {
          g_ptr_array_add (p->requires, dep);
          continue;
        }
      if (is_alive (p))   /* not already failed as part of a cycle */
        {
          reason = dep == NULL
            ? g_strdup_printf ("it requires the plugin %s, which is not installed", name)
            : g_strdup_printf ("it requires the plugin %s, which is %s%s%s", name,
                               lj_plugin_state_to_string (dep->state), dep->error ? ": " : "",
                               dep->error ? dep->error : "");
          lj_plugin_fail (p, LJ_PLUGIN_STATE_FAILED, reason);
        }
      g_ptr_array_remove_index (stack, stack->len - 1);
      return FALSE;
    }
  g_ptr_array_remove_index (stack, stack->len - 1);
  g_ptr_array_add (order, p);
  return TRUE;
}

/* Puts app->plugins in load order: each plugin after what it requires,
 * those that cannot load at the end. */
static void
resolve_requires (LjApp *app)
{
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  GPtrArray *sorted = g_ptr_array_new_with_free_func ((GDestroyNotify) lj_plugin_free);

  for (guint i = 0; i < app->plugins->len; i++)
    visit (app->plugins->pdata[i], order, stack);
  for (guint i = 0; i < order->len; i++)
    g_ptr_array_add (sorted, order->pdata[i]);
  for (guint i = 0; i < app->plugins->len; i++)
    if (!g_ptr_array_find (order, app->plugins->pdata[i], NULL))
      g_ptr_array_add (sorted, app->plugins->pdata[i]);
  g_ptr_array_set_free_func (app->plugins, NULL);
  g_ptr_array_unref (app->plugins);
  app->plugins = sorted;
}

/* Before each phase: a plugin whose requirement failed a phase fails too. */
static gboolean
requirements_alive (LjPlugin *p)
{
  for (guint i = 0; i < p->requires->len; i++)
    {
      LjPlugin *dep = p->requires->pdata[i];
      g_autofree char *reason = NULL;

      if (is_alive (dep))
        continue;
      reason = g_strdup_printf ("it requires the plugin %s, which failed: %s", dep->name,
                                dep->error ? dep->error : "?");
      lj_plugin_fail (p, LJ_PLUGIN_STATE_FAILED, reason);
      return FALSE;
    }
  return TRUE;
}

/* ---- register, migrate, start ---- */

static gboolean
run_register (LjPlugin *p, LjQuarantine *q, GError **error)
{
  gboolean ok;

  p->registering = TRUE;
  lj_quarantine_enter (q, p, LJ_PLUGIN_PHASE_REGISTER);
  ok = p->desc->register_func (p, error);
  lj_quarantine_leave (q);
  p->registering = FALSE;
  if (!ok && (error == NULL || *error == NULL))
    g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "its register function failed without a reason");
  if (!ok)
    {
      g_prefix_error (error, "register: ");
      return FALSE;
    }
  return lj_plugin_check_registered (p, error) &&
         lj_plugin_read_config (p, p->app->config->plugin_sections, error);
}

/* The plugin's resources, state machines and timeline sources, checked
 * against the tables its migrations made. */
static gboolean
probe_resources (LjPlugin *p, GError **error)
{
  return lj_app_probe_resources (p->app, p->name, error) && lj_state_machines_probe (p->app, p->name, error);
}

static gboolean
run_migrate (LjPlugin *p, GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean ok = TRUE;

  if (p->migrations->len > 0)
    {
      g_autoptr (LjStoreGuard) guard = lj_store_guard_new (p->app->store, p->table_prefix);

      ok = lj_store_migrate (p->app->store, p->name, (LjMigrationStep *) (gpointer) p->migrations->data,
                             p->migrations->len, &local);
      if (!ok && lj_store_guard_get_denial (guard))
        {
          g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID, "migrate: %s (%s)",
                       lj_store_guard_get_denial (guard), local->message);
          return FALSE;
        }
    }
  if (!ok)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "migrate: ");
      return FALSE;
    }
  p->schema_version = p->migrations->len;
  if (!probe_resources (p, error))
    {
      g_prefix_error (error, "migrate: ");
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_start (LjPlugin *p, LjQuarantine *q, GError **error)
{
  gboolean ok;

  if (p->start == NULL)
    return TRUE;
  lj_quarantine_enter (q, p, LJ_PLUGIN_PHASE_START);
  ok = p->start (p, p->start_data, error);
  lj_quarantine_leave (q);
  if (!ok && (error == NULL || *error == NULL))
    g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "its start function failed without a reason");
  if (!ok)
    {
      g_prefix_error (error, "start: ");
      return FALSE;
    }
  p->started = TRUE;
  return TRUE;
}

typedef enum {
  PHASE_REGISTER,
  PHASE_MIGRATE,
  PHASE_START,
} Phase;

static void
run_phase (LjApp *app, Phase phase, LjQuarantine *q)
{
  for (guint i = 0; i < app->plugins->len; i++)
    {
      LjPlugin *p = app->plugins->pdata[i];
      g_autoptr (GError) error = NULL;
      gboolean ok;

      if (!is_alive (p) || !requirements_alive (p))
        continue;
      switch (phase)
        {
        case PHASE_REGISTER: ok = run_register (p, q, &error); break;
        case PHASE_MIGRATE: ok = run_migrate (p, &error); break;
        case PHASE_START: ok = run_start (p, q, &error); break;
        default: g_assert_not_reached ();
        }
      if (!ok)
        fail_with_error (p, error);
    }
}

/* ---- the phases together ---- */

static void
load_one (LjApp *app, const char *path, LjQuarantine *q, GPtrArray *core_tables)
{
  LjPlugin *p = lj_plugin_new (app, path);
  g_autoptr (GError) error = NULL;
  g_autofree char *quarantined = NULL;
  gboolean enabled = TRUE;
  struct stat st;

  g_ptr_array_add (app->plugins, p);
  if (stat (path, &st) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("cannot read it: %s", g_strerror (errno));
      lj_plugin_fail (p, LJ_PLUGIN_STATE_FAILED, reason);
      return;
    }
  p->file_mtime = st.st_mtime;
  p->file_size = st.st_size;
  quarantined = lj_quarantine_check (q, path, p->file_mtime, p->file_size);
  if (quarantined)
    {
      g_autofree char *name = lj_quarantine_get (q, path, "name");

      if (name && *name)
        {
          g_free (p->name);
          p->name = g_steal_pointer (&name);
        }
      lj_plugin_fail (p, LJ_PLUGIN_STATE_QUARANTINED, quarantined);
      return;
    }
  if (!load_and_check (p, q, core_tables, &error) ||
      !lj_plugin_apply_config (p, app->config->plugin_sections, &enabled, &error))
    {
      fail_with_error (p, error);
      return;
    }
  if (!enabled)
    lj_plugin_fail (p, LJ_PLUGIN_STATE_DISABLED, "disabled in its config section (enabled = false)");
}

/* A `[plugin:<name>]` section with `required = true` whose plugin was not
 * found at all is as fatal as one that failed. */
static gboolean
check_required (LjApp *app, GError **error)
{
  GKeyFile *sections = app->config->plugin_sections;
  g_auto (GStrv) groups = sections ? g_key_file_get_groups (sections, NULL) : NULL;

  for (guint i = 0; i < app->plugins->len; i++)
    {
      LjPlugin *p = app->plugins->pdata[i];

      if (p->required && p->state != LJ_PLUGIN_STATE_ACTIVE)
        {
          g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED,
                       "plugin %s is required ([plugin:%s] required = true) but %s: %s", p->name, p->name,
                       lj_plugin_state_to_string (p->state), p->error ? p->error : "?");
          return FALSE;
        }
    }
  for (guint i = 0; groups && groups[i]; i++)
    {
      const char *name = groups[i] + strlen ("plugin:");

      LjPlugin *named = NULL;

      if (!g_str_has_prefix (groups[i], "plugin:") || !g_key_file_get_boolean (sections, groups[i], "required", NULL))
        continue;
      /* A plugin refused before its descriptor was read is known by its
       * file's name only. */
      for (guint j = 0; j < app->plugins->len && named == NULL; j++)
        if (strcmp (((LjPlugin *) app->plugins->pdata[j])->name, name) == 0)
          named = app->plugins->pdata[j];
      if (named && named->state == LJ_PLUGIN_STATE_ACTIVE)
        continue;
      if (named)
        g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED,
                     "plugin %s is required ([%s] required = true) but %s: %s", name, groups[i],
                     lj_plugin_state_to_string (named->state), named->error ? named->error : "?");
      else
        g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED,
                     "plugin %s is required ([%s] required = true) but was not found in [plugins] dir or "
                     LJ_PLUGIN_PATH_ENV, name, groups[i]);
      return FALSE;
    }
  return TRUE;
}

static void
mark_active (LjApp *app)
{
  for (guint i = 0; i < app->plugins->len; i++)
    {
      LjPlugin *p = app->plugins->pdata[i];

      if (p->state == LJ_PLUGIN_STATE_LOADED)
        {
          p->state = LJ_PLUGIN_STATE_ACTIVE;
          g_message ("plugin %s %s active (%s)", p->name, p->desc->version, p->path);
        }
    }
}

gboolean
lj_plugins_load_paths (LjApp *app, GPtrArray *paths, GError **error)
{
  g_autoptr (LjQuarantine) q = lj_quarantine_open (app->config->db_path, FALSE);
  g_autoptr (GPtrArray) core_tables = core_table_names ();

  if (app->plugins == NULL)
    app->plugins = g_ptr_array_new_with_free_func ((GDestroyNotify) lj_plugin_free);
  for (guint i = 0; i < paths->len; i++)
    load_one (app, paths->pdata[i], q, core_tables);
  resolve_requires (app);
  run_phase (app, PHASE_REGISTER, q);
  run_phase (app, PHASE_MIGRATE, q);
  run_phase (app, PHASE_START, q);
  mark_active (app);
  if (!check_required (app, error))
    {
      lj_plugins_stop_all (app);
      return FALSE;
    }
  return TRUE;
}

/**
 * lj_plugins_load_all:
 * See lj-plugin-private.h.  Call after lj_core_register () and
 * lj_auth_add_routes (), before the server listens.
 */
gboolean
lj_plugins_load_all (LjApp *app, GError **error)
{
  g_autoptr (GPtrArray) paths = lj_plugins_discover (app->config);

  return lj_plugins_load_paths (app, paths, error);
}

void
lj_plugins_stop_all (LjApp *app)
{
  for (guint i = app->plugins ? app->plugins->len : 0; i > 0; i--)
    {
      LjPlugin *p = app->plugins->pdata[i - 1];

      if (!p->started)
        continue;
      p->started = FALSE;
      if (p->stop)
        p->stop (p, p->start_data);
    }
}
