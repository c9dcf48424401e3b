/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LjPlugin: the handle a plugin registers everything through.  Each call
 * records the plugin's name as the owner, so the host can list what a
 * plugin added and take it all back (lj_app_withdraw) when a later phase
 * fails.  Declarations are only accepted while the plugin's register
 * function runs: after that the routes and tables are fixed. */
#include "plugin/lj-plugin-host.h"
#include "resource/lj-resource-private.h"
#include "workflow/lj-state-machine.h"

#include <string.h>
#include <stdlib.h>

G_DEFINE_QUARK (lj-plugin-error-quark, lj_plugin_error)

static void
config_key_free (gpointer data)
{
  LjPluginConfigKey *k = data;

  g_free (k->key);
  g_free (k->default_value);
  g_free (k->help);
  g_free (k);
}

static void
migration_step_clear (gpointer data)
{
  LjMigrationStep *step = data;

  g_free ((char *) step->name);
  g_free ((char *) step->sql);
}

LjPlugin *
lj_plugin_new (LjApp *app, const char *path)
{
  LjPlugin *plugin = g_new0 (LjPlugin, 1);
  g_autofree char *base = g_path_get_basename (path);

  plugin->app = app;
  plugin->path = g_strdup (path);
  if (g_str_has_suffix (base, ".so"))
    base[strlen (base) - 3] = '\0';
  plugin->name = g_steal_pointer (&base);
  plugin->state = LJ_PLUGIN_STATE_LOADED;
  plugin->migrations = g_array_new (FALSE, TRUE, sizeof (LjMigrationStep));
  g_array_set_clear_func (plugin->migrations, migration_step_clear);
  plugin->config_keys = g_ptr_array_new_with_free_func (config_key_free);
  plugin->config_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  plugin->requires = g_ptr_array_new ();
  return plugin;
}

/* The module stays loaded (resident) after this: code from it may still be
 * referenced by GLib or SQLite until the process ends. */
void
lj_plugin_free (LjPlugin *plugin)
{
  if (plugin == NULL)
    return;
  g_free (plugin->path);
  g_free (plugin->name);
  g_free (plugin->table_prefix);
  g_free (plugin->bundle_prefix);
  g_free (plugin->error);
  g_free (plugin->register_error);
  g_array_unref (plugin->migrations);
  g_ptr_array_unref (plugin->config_keys);
  g_hash_table_unref (plugin->config_values);
  g_ptr_array_unref (plugin->requires);
  g_free (plugin);
}

const char *
lj_plugin_state_to_string (LjPluginState state)
{
  switch (state)
    {
    case LJ_PLUGIN_STATE_LOADED: return "loaded";
    case LJ_PLUGIN_STATE_ACTIVE: return "active";
    case LJ_PLUGIN_STATE_FAILED: return "failed";
    case LJ_PLUGIN_STATE_DISABLED: return "disabled";
    case LJ_PLUGIN_STATE_QUARANTINED: return "quarantined";
    default: return "unknown";
    }
}

void
lj_plugin_fail (LjPlugin *plugin, LjPluginState state, const char *reason)
{
  if (plugin->app && plugin->desc)
    lj_app_withdraw (plugin->app, plugin->name);
  plugin->state = state;
  g_free (plugin->error);
  plugin->error = g_strdup (reason);
  if (state == LJ_PLUGIN_STATE_DISABLED)
    g_message ("plugin %s (%s): %s", plugin->name, plugin->path, reason);
  else
    g_warning ("plugin %s (%s) %s: %s", plugin->name, plugin->path, lj_plugin_state_to_string (state), reason);
}

/* For the void lj_plugin_add_* calls: the first mistake fails the plugin
 * once its register function returns. */
static void G_GNUC_PRINTF (2, 3)
record_error (LjPlugin *plugin, const char *format, ...)
{
  va_list args;

  if (plugin->register_error != NULL)
    return;
  va_start (args, format);
  plugin->register_error = g_strdup_vprintf (format, args);
  va_end (args);
}

gboolean
lj_plugin_check_registered (LjPlugin *plugin, GError **error)
{
  if (plugin->register_error == NULL)
    return TRUE;
  g_set_error_literal (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID, plugin->register_error);
  return FALSE;
}

/* Declarations outside register_func are a programming error in the
 * plugin; they are refused so that what is registered stays what the host
 * checked. */
static gboolean
check_registering (LjPlugin *plugin, const char *what, GError **error)
{
  if (plugin->registering)
    return TRUE;
  g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
               "plugin %s: %s may only be called from its register function", plugin->name, what);
  return FALSE;
}

static gboolean
check_registering_void (LjPlugin *plugin, const char *what)
{
  g_autoptr (GError) error = NULL;

  if (check_registering (plugin, what, &error))
    return TRUE;
  g_critical ("%s", error->message);
  return FALSE;
}

/**
 * lj_plugin_get_name:
 * Returns: (transfer none): the plugin's name from its descriptor.
 */
const char *
lj_plugin_get_name (LjPlugin *plugin)
{
  g_return_val_if_fail (plugin != NULL, NULL);
  return plugin->name;
}

/**
 * lj_plugin_get_table_prefix:
 * Returns: (transfer none): `<name with - as _>_`.
 */
const char *
lj_plugin_get_table_prefix (LjPlugin *plugin)
{
  g_return_val_if_fail (plugin != NULL, NULL);
  return plugin->table_prefix;
}

/* ---- resources and routes ---- */

LjResource *
lj_plugin_add_resource (LjPlugin *plugin, const char *declaration, gssize len, GError **error)
{
  g_autoptr (LjResource) resource = NULL;

  g_return_val_if_fail (plugin != NULL && declaration != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!check_registering (plugin, "lj_plugin_add_resource", error))
    return NULL;
  resource = lj_resource_new_from_data (declaration, len, error);
  if (resource == NULL || !lj_app_add_resource_owned (plugin->app, plugin->name, resource, error))
    {
      g_prefix_error (error, "plugin %s: ", plugin->name);
      return NULL;
    }
  /* The app holds its own reference for as long as the resource is registered. */
  return resource;
}

LjRoute *
lj_plugin_add_route (LjPlugin *plugin, const char *method, const char *pattern, LjRouteFunc func,
                     gpointer user_data, GError **error)
{
  g_autofree char *full = NULL;

  g_return_val_if_fail (plugin != NULL && method != NULL && pattern != NULL && func != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!check_registering (plugin, "lj_plugin_add_route", error))
    return NULL;
  if (pattern[0] != '/')
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                   "plugin %s: route pattern \"%s\" must start with /", plugin->name, pattern);
      return NULL;
    }
  full = g_strdup_printf ("/api/v1/%s%s", plugin->name, strcmp (pattern, "/") == 0 ? "" : pattern);
  return lj_app_add_route_owned (plugin->app, plugin->name, method, full, func, user_data, error);
}

/* ---- migrations ---- */

static const char *
skip_space_and_comments (const char *p)
{
  for (;;)
    {
      while (g_ascii_isspace (*p))
        p++;
      if (p[0] == '-' && p[1] == '-')
        {
          p = strchr (p, '\n');
          if (p == NULL)
            return "";
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          p = strstr (p + 2, "*/");
          if (p == NULL)
            return "";
          p += 2;
        }
      else
        return p;
    }
}

/* The authorizer cannot tell the host's BEGIN and COMMIT around a
 * component's steps from the same words inside a step, so a step may not
 * contain transaction control at all: it is refused here, by its first
 * keyword, statement by statement (sqlite3_complete knows where a
 * CREATE TRIGGER … BEGIN … END ends). */
static gboolean
check_step_statements (LjPlugin *plugin, guint version, const char *sql, GError **error)
{
  static const char *const refused[] = { "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE",
                                         "ATTACH", "DETACH", "VACUUM", NULL };
  g_autoptr (GString) stmt = g_string_new (NULL);

  for (const char *p = sql; *p; p++)
    {
      g_string_append_c (stmt, *p);
      if (*p != ';' || !sqlite3_complete (stmt->str))
        continue;
      {
        const char *start = skip_space_and_comments (stmt->str);
        gsize n = 0;

        while (g_ascii_isalpha (start[n]))
          n++;
        for (guint i = 0; refused[i]; i++)
          if (n == strlen (refused[i]) && g_ascii_strncasecmp (start, refused[i], n) == 0)
            {
              g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                           "plugin %s: migration %u may not use %s: the host runs every step in its own "
                           "transaction", plugin->name, version, refused[i]);
              return FALSE;
            }
      }
      g_string_truncate (stmt, 0);
    }
  return TRUE;
}

gboolean
lj_plugin_add_migration (LjPlugin *plugin, guint version, const char *name, const char *sql, GError **error)
{
  LjMigrationStep step = { 0 };

  g_return_val_if_fail (plugin != NULL && name != NULL && sql != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!check_registering (plugin, "lj_plugin_add_migration", error))
    return FALSE;
  if (version == 0 || version != plugin->migrations->len + 1)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                   "plugin %s: migration \"%s\" has version %u; steps are numbered 1, 2, 3… in the order "
                   "they are added (expected %u)", plugin->name, name, version, plugin->migrations->len + 1);
      return FALSE;
    }
  if (!check_step_statements (plugin, version, sql, error))
    return FALSE;
  step.version = version;
  step.name = g_strdup (name);
  step.sql = g_strdup (sql);
  g_array_append_val (plugin->migrations, step);
  return TRUE;
}

/* ---- hooks, state machines, statistics, timeline ---- */

void
lj_plugin_add_hook (LjPlugin *plugin, const char *event, LjHookKind kind, int priority, LjHookFunc func,
                    gpointer user_data)
{
  g_return_if_fail (plugin != NULL && event != NULL && func != NULL);
  if (!check_registering_void (plugin, "lj_plugin_add_hook"))
    return;
  if (kind != LJ_HOOK_VALIDATE && kind != LJ_HOOK_AFTER_COMMIT)
    {
      record_error (plugin, "plugin %s: hook on %s has an unknown kind %d", plugin->name, event, (int) kind);
      return;
    }
  lj_app_add_hook (plugin->app, plugin->name, event, kind, priority, func, user_data);
}

gboolean
lj_plugin_add_state_machine (LjPlugin *plugin, const char *resource, const char *declaration, gssize len,
                             GError **error)
{
  g_autofree char *full = NULL;
  LjResource *r;

  g_return_val_if_fail (plugin != NULL && resource != NULL && declaration != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!check_registering (plugin, "lj_plugin_add_state_machine", error))
    return FALSE;
  full = g_strdup_printf ("%s/%s", plugin->name, resource);
  r = lj_app_get_resource (plugin->app, full);
  if (r == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                   "plugin %s: state machine on \"%s\": the plugin has no such resource (add it first)",
                   plugin->name, resource);
      return FALSE;
    }
  return lj_state_machine_add (plugin->app, plugin->name, r, declaration, len, error);
}

void
lj_plugin_add_stats_section (LjPlugin *plugin, const char *name, LjStatsFunc func, gpointer user_data)
{
  g_return_if_fail (plugin != NULL && name != NULL && func != NULL);
  if (!check_registering_void (plugin, "lj_plugin_add_stats_section"))
    return;
  for (guint i = 0; i < plugin->app->stats_sections->len; i++)
    {
      LjStatsSection *sec = plugin->app->stats_sections->pdata[i];

      if (strcmp (sec->name, name) == 0)
        {
          record_error (plugin, "plugin %s: stats section \"%s\" is already provided by %s", plugin->name, name,
                        sec->owner ? sec->owner : "the core");
          return;
        }
    }
  lj_app_add_stats_section (plugin->app, plugin->name, name, func, user_data);
}

void
lj_plugin_add_timeline_source (LjPlugin *plugin, const char *sql)
{
  g_return_if_fail (plugin != NULL && sql != NULL);
  if (!check_registering_void (plugin, "lj_plugin_add_timeline_source"))
    return;
  lj_app_add_timeline_source (plugin->app, plugin->name, sql);
}

/* ---- configuration ---- */

static LjPluginConfigKey *
find_config_key (LjPlugin *plugin, const char *key)
{
  for (guint i = 0; i < plugin->config_keys->len; i++)
    {
      LjPluginConfigKey *k = plugin->config_keys->pdata[i];

      if (strcmp (k->key, key) == 0)
        return k;
    }
  return NULL;
}

/* Whether @value reads as @type; *@message says why not. */
static gboolean
config_value_is_valid (LjConfigType type, const char *value, const char **message)
{
  gint64 n;

  switch (type)
    {
    case LJ_CONFIG_TYPE_STRING:
      return TRUE;
    case LJ_CONFIG_TYPE_INT:
      *message = "a whole number";
      return g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &n, NULL);
    case LJ_CONFIG_TYPE_BOOLEAN:
      *message = "true or false";
      return strcmp (value, "true") == 0 || strcmp (value, "false") == 0;
    default:
      *message = "of a known type";
      return FALSE;
    }
}

void
lj_plugin_add_config_key (LjPlugin *plugin, const char *key, LjConfigType type, const char *default_value,
                          const char *help)
{
  LjPluginConfigKey *k;
  const char *message = NULL;

  g_return_if_fail (plugin != NULL && key != NULL);
  if (!check_registering_void (plugin, "lj_plugin_add_config_key"))
    return;
  if (strcmp (key, "required") == 0 || strcmp (key, "enabled") == 0 || find_config_key (plugin, key))
    {
      record_error (plugin, "plugin %s: config key \"%s\" is declared twice or reserved by the host", plugin->name,
                    key);
      return;
    }
  if (default_value && !config_value_is_valid (type, default_value, &message))
    {
      record_error (plugin, "plugin %s: the default of config key \"%s\" is not %s", plugin->name, key, message);
      return;
    }
  k = g_new0 (LjPluginConfigKey, 1);
  k->key = g_strdup (key);
  k->type = type;
  k->default_value = g_strdup (default_value);
  k->help = g_strdup (help);
  g_ptr_array_add (plugin->config_keys, k);
}

static gboolean
read_host_boolean (GKeyFile *sections, const char *group, const char *key, gboolean *out, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_key_file_has_key (sections, group, key, NULL))
    return TRUE;
  *out = g_key_file_get_boolean (sections, group, key, &local);
  if (local == NULL)
    return TRUE;
  g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_CONFIG, "[%s] %s must be true or false", group, key);
  return FALSE;
}

/* The host's own keys, before the plugin runs: whether it is wanted and
 * whether the server may start without it. */
gboolean
lj_plugin_apply_config (LjPlugin *plugin, GKeyFile *sections, gboolean *enabled, GError **error)
{
  g_autofree char *group = g_strdup_printf ("plugin:%s", plugin->name);

  *enabled = TRUE;
  if (sections == NULL || !g_key_file_has_group (sections, group))
    return TRUE;
  return read_host_boolean (sections, group, "required", &plugin->required, error) &&
         read_host_boolean (sections, group, "enabled", enabled, error);
}

/* After register: every key in the section must be declared and well
 * typed; the values (or defaults) are kept for the getters. */
gboolean
lj_plugin_read_config (LjPlugin *plugin, GKeyFile *sections, GError **error)
{
  g_autofree char *group = g_strdup_printf ("plugin:%s", plugin->name);
  g_auto (GStrv) keys = NULL;

  for (guint i = 0; i < plugin->config_keys->len; i++)
    {
      LjPluginConfigKey *k = plugin->config_keys->pdata[i];

      if (k->default_value)
        g_hash_table_replace (plugin->config_values, g_strdup (k->key), g_strdup (k->default_value));
    }
  if (sections == NULL || !g_key_file_has_group (sections, group))
    return TRUE;
  keys = g_key_file_get_keys (sections, group, NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++)
    {
      LjPluginConfigKey *k;
      g_autofree char *value = NULL;
      const char *message = NULL;

      if (strcmp (keys[i], "required") == 0 || strcmp (keys[i], "enabled") == 0)
        continue;
      k = find_config_key (plugin, keys[i]);
      if (k == NULL)
        {
          g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_CONFIG,
                       "[%s] has an unknown key \"%s\" (the plugin declares %u key%s; see docs/plugins.md)",
                       group, keys[i], plugin->config_keys->len, plugin->config_keys->len == 1 ? "" : "s");
          return FALSE;
        }
      value = g_key_file_get_string (sections, group, keys[i], NULL);
      if (value == NULL)
        value = g_strdup ("");
      g_strstrip (value);
      if (!config_value_is_valid (k->type, value, &message))
        {
          g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_CONFIG, "[%s] %s must be %s, not \"%s\"", group,
                       keys[i], message, value);
          return FALSE;
        }
      g_hash_table_replace (plugin->config_values, g_strdup (keys[i]), g_steal_pointer (&value));
    }
  return TRUE;
}

static const char *
config_value (LjPlugin *plugin, const char *key, LjConfigType type)
{
  LjPluginConfigKey *k = find_config_key (plugin, key);

  if (k == NULL || k->type != type)
    {
      g_critical ("plugin %s: config key \"%s\" is not declared with this type", plugin->name, key);
      return NULL;
    }
  return g_hash_table_lookup (plugin->config_values, key);
}

/**
 * lj_plugin_get_config_string:
 * Returns: (transfer none) (nullable): the value, else the default.
 */
const char *
lj_plugin_get_config_string (LjPlugin *plugin, const char *key)
{
  g_return_val_if_fail (plugin != NULL && key != NULL, NULL);
  return config_value (plugin, key, LJ_CONFIG_TYPE_STRING);
}

gint64
lj_plugin_get_config_int (LjPlugin *plugin, const char *key)
{
  const char *value;
  gint64 n = 0;

  g_return_val_if_fail (plugin != NULL && key != NULL, 0);
  value = config_value (plugin, key, LJ_CONFIG_TYPE_INT);
  if (value)
    g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &n, NULL);
  return n;
}

gboolean
lj_plugin_get_config_boolean (LjPlugin *plugin, const char *key)
{
  g_return_val_if_fail (plugin != NULL && key != NULL, FALSE);
  return g_strcmp0 (config_value (plugin, key, LJ_CONFIG_TYPE_BOOLEAN), "true") == 0;
}

/* ---- start, stop and background work ---- */

void
lj_plugin_set_start_func (LjPlugin *plugin, LjPluginStartFunc start, LjPluginStopFunc stop, gpointer user_data)
{
  g_return_if_fail (plugin != NULL);
  if (!check_registering_void (plugin, "lj_plugin_set_start_func"))
    return;
  plugin->start = start;
  plugin->stop = stop;
  plugin->start_data = user_data;
}

gboolean
lj_plugin_run_task (LjPlugin *plugin, LjTransactionFunc func, gpointer user_data, GError **error)
{
  g_autoptr (LjRequest) req = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *path = NULL;
  LjPrincipal principal = { 0 };

  g_return_val_if_fail (plugin != NULL && func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (plugin->state != LJ_PLUGIN_STATE_ACTIVE && plugin->state != LJ_PLUGIN_STATE_LOADED)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_FAILED, "plugin %s is %s", plugin->name,
                   lj_plugin_state_to_string (plugin->state));
      return FALSE;
    }
  actor = g_strdup_printf ("system:%s", plugin->name);
  path = g_strdup_printf ("/system/%s", plugin->name);
  req = lj_request_new ("TASK", path, NULL);
  lj_request_set_app (req, plugin->app);
  lj_request_set_store (req, plugin->app->store);
  principal.role = LJ_ROLE_ADMIN;
  principal.actor = actor;
  lj_request_set_principal (req, &principal);
  return lj_request_run_transaction (req, TRUE, func, user_data, error);
}

void
lj_plugin_set_demo_func (LjPlugin *plugin, LjPluginDemoFunc func, gpointer user_data)
{
  g_return_if_fail (plugin != NULL);
  plugin->demo = func;
  plugin->demo_data = user_data;
}

typedef struct {
  LjPlugin *plugin;
} LjDemoTask;

static gboolean
run_demo (LjRequest *req, gpointer data, GError **error)
{
  LjPlugin *plugin = ((LjDemoTask *) data)->plugin;

  return plugin->demo (plugin, req, plugin->demo_data, error);
}

/**
 * lj_plugins_load_demo:
 * Runs every active plugin's demo function, in load order (a plugin after
 * those it requires), each in its own transaction.
 */
gboolean
lj_plugins_load_demo (LjApp *app, GError **error)
{
  for (guint i = 0; app->plugins && i < app->plugins->len; i++)
    {
      LjPlugin *p = app->plugins->pdata[i];
      LjDemoTask task = { p };

      if (p->state != LJ_PLUGIN_STATE_ACTIVE || p->demo == NULL)
        continue;
      if (!lj_plugin_run_task (p, run_demo, &task, error))
        {
          g_prefix_error (error, "demo data of plugin %s: ", p->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- declarations in the plugin's GResource bundle ---- */

void
lj_plugin_set_bundle (LjPlugin *plugin, GResource *bundle, const char *prefix)
{
  g_return_if_fail (plugin != NULL && bundle != NULL && prefix != NULL && g_str_has_suffix (prefix, "/"));
  plugin->bundle = bundle;
  g_free (plugin->bundle_prefix);
  plugin->bundle_prefix = g_strdup (prefix);
}

static GBytes *
bundle_file (LjPlugin *plugin, const char *name, GError **error)
{
  g_autofree char *path = NULL;

  if (plugin->bundle == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                   "plugin %s: call lj_plugin_set_bundle () before naming declarations by file", plugin->name);
      return NULL;
    }
  path = g_strconcat (plugin->bundle_prefix, name, NULL);
  return g_resource_lookup_data (plugin->bundle, path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

LjResource *
lj_plugin_add_resource_file (LjPlugin *plugin, const char *name, GError **error)
{
  g_autoptr (GBytes) data = bundle_file (plugin, name, error);
  gsize len = 0;
  const char *text;

  if (data == NULL)
    return NULL;
  text = g_bytes_get_data (data, &len);
  return lj_plugin_add_resource (plugin, text, len, error);
}

gboolean
lj_plugin_add_state_machine_file (LjPlugin *plugin, const char *resource, const char *name, GError **error)
{
  g_autoptr (GBytes) data = bundle_file (plugin, name, error);
  gsize len = 0;
  const char *text;

  if (data == NULL)
    return FALSE;
  text = g_bytes_get_data (data, &len);
  return lj_plugin_add_state_machine (plugin, resource, text, len, error);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
lj_plugin_add_migration_files (LjPlugin *plugin, GError **error)
{
  g_auto (GStrv) names = NULL;
  guint n;

  if (plugin->bundle == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                   "plugin %s: call lj_plugin_set_bundle () before lj_plugin_add_migration_files ()", plugin->name);
      return FALSE;
    }
  names = g_resource_enumerate_children (plugin->bundle, plugin->bundle_prefix, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (names == NULL)
    return FALSE;
  n = g_strv_length (names);
  qsort (names, n, sizeof (char *), compare_names);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GBytes) data = NULL;
      g_autofree char *sql = NULL;
      char *end = NULL;
      guint64 version;

      if (!g_str_has_suffix (names[i], ".sql") || !g_ascii_isdigit (names[i][0]))
        continue;
      version = g_ascii_strtoull (names[i], &end, 10);
      if (version == 0 || end == NULL || *end != '-')
        {
          g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_INVALID,
                       "plugin %s: migration file %s is not named NNNN-what.sql", plugin->name, names[i]);
          return FALSE;
        }
      if ((data = bundle_file (plugin, names[i], error)) == NULL)
        return FALSE;
      sql = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
      if (!lj_plugin_add_migration (plugin, (guint) version, names[i], sql, error))
        return FALSE;
    }
  return TRUE;
}
