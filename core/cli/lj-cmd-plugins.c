/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `lianjian plugins list`, `check [PATH…]` and `reset NAME`.
 *
 * A plugin runs in the address space of whoever loads it, so neither list
 * nor check loads one in this process: each file is tried in a child (this
 * same binary, re-executed with the hidden subcommand `__check-one`) that
 * runs every phase against a scratch copy of the database in a temporary
 * directory, then prints one result line.  A child that dies is reported
 * with the phase it died in (from the scratch directory's marker); the real
 * quarantine is never touched by a check. */
#include "lj-cmd-plugins.h"

#include "domain/lj-core.h"
#include "plugin/lj-plugin-host.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK_ONE_COMMAND "__check-one"
#define RESULT_PREFIX "LJ-PLUGIN-RESULT\t"

typedef struct {
  char *config_path;
  char *db_path;
  char *scratch;      /* __check-one only */
} LjPluginsOptions;

static void
options_clear (LjPluginsOptions *o)
{
  g_free (o->config_path);
  g_free (o->db_path);
  g_free (o->scratch);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LjPluginsOptions, options_clear)

static LjConfig *
load_config (LjPluginsOptions *o, GError **error)
{
  g_autoptr (LjConfig) config = lj_config_new ();

  if (o->config_path && !lj_config_load_file (config, o->config_path, error))
    return NULL;
  if (o->db_path)
    {
      g_free (config->db_path);
      config->db_path = g_strdup (o->db_path);
    }
  return g_steal_pointer (&config);
}

static char *
real_path (const char *path)
{
  char *r = realpath (path, NULL);
  char *copy = g_strdup (r ? r : path);

  free (r);
  return copy;
}

/* ---- the child: every phase for one file, on a scratch database ---- */

/* The real database as it is now (if there is one), so migrations are
 * checked against what is applied; opened read-only. */
static gboolean
copy_database (const char *from, const char *to, GError **error)
{
  sqlite3 *src = NULL, *dst = NULL;
  sqlite3_backup *b;
  int rc;

  if (!g_file_test (from, G_FILE_TEST_EXISTS))
    return TRUE;
  rc = sqlite3_open_v2 (from, &src, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_open (to, &dst);
  if (rc == SQLITE_OK && (b = sqlite3_backup_init (dst, "main", src, "main")) != NULL)
    {
      sqlite3_backup_step (b, -1);
      rc = sqlite3_backup_finish (b);
    }
  else if (rc == SQLITE_OK)
    rc = sqlite3_errcode (dst);
  if (rc != SQLITE_OK)
    g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_OPEN, "cannot copy %s for the check: %s", from,
                 sqlite3_errstr (rc));
  sqlite3_close (src);
  sqlite3_close (dst);
  return rc == SQLITE_OK;
}

static void
print_result (LjPlugin *p)
{
  g_autofree char *error = g_strdup (p->error ? p->error : "");

  g_strdelimit (error, "\t\n", ' ');
  printf (RESULT_PREFIX "%s\t%s\t%s\t%s\n", p->name, p->desc ? p->desc->version : "-",
          lj_plugin_state_to_string (p->state), error);
  fflush (stdout);
}

static int
check_one (LjPluginsOptions *o, const char *path)
{
  g_autoptr (LjConfig) config = NULL;
  g_autoptr (LjStore) store = NULL;
  g_autoptr (LjApp) app = NULL;
  g_autoptr (GPtrArray) paths = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *target = real_path (path);
  g_autofree char *real_db = NULL;
  g_autoptr (LjQuarantine) real_q = NULL;

  if ((config = load_config (o, &error)) == NULL)
    goto failed;
  real_db = g_strdup (config->db_path);
  g_free (config->db_path);
  config->db_path = g_build_filename (o->scratch, "park.db", NULL);
  if (!copy_database (real_db, config->db_path, &error) ||
      (store = lj_store_open (config->db_path, LJ_STORE_SYNC_NORMAL, config->busy_timeout, &error)) == NULL ||
      !lj_core_migrate (store, &error))
    goto failed;
  app = lj_app_new (config, store);
  if (!lj_core_register (app, &error))
    goto failed;
  lj_plugins_add_routes (app);
  /* The installed plugins too, so that requires can be resolved; not those
   * the server has quarantined. */
  real_q = lj_quarantine_open (real_db, TRUE);
  paths = lj_plugins_discover (config);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *r = real_path (paths->pdata[i]);
      g_autofree char *reason = NULL;
      struct stat st;

      if (strcmp (r, target) == 0 ||
          (stat (r, &st) == 0 && (reason = lj_quarantine_check (real_q, paths->pdata[i], st.st_mtime, st.st_size))))
        g_ptr_array_remove_index (paths, i--);
    }
  g_ptr_array_add (paths, g_strdup (path));
  lj_plugins_load_paths (app, paths, NULL);
  for (guint i = 0; i < app->plugins->len; i++)
    {
      LjPlugin *p = app->plugins->pdata[i];

      if (strcmp (p->path, path) == 0)
        {
          int status = p->state == LJ_PLUGIN_STATE_ACTIVE || p->state == LJ_PLUGIN_STATE_DISABLED ? 0 : 1;

          print_result (p);
          lj_plugins_stop_all (app);
          return status;
        }
    }

failed:
  fprintf (stderr, "lianjian plugins: cannot check %s: %s\n", path, error ? error->message : "not found");
  return 2;
}

/* ---- the parent ---- */

typedef struct {
  char *path;
  char *name;
  char *version;
  char *state;
  char *error;
  gboolean ok;
} CheckResult;

static void
check_result_clear (CheckResult *r)
{
  g_free (r->path);
  g_free (r->name);
  g_free (r->version);
  g_free (r->state);
  g_free (r->error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CheckResult, check_result_clear)

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (dir);
}

/* Why a child died: the phase its marker names. */
static char *
crash_reason (const char *scratch, int signal_number, char **plugin_name)
{
  g_autofree char *marker = g_build_filename (scratch, "park.db.plugins-loading", NULL);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *phase = NULL, *name = NULL;

  if (g_key_file_load_from_file (kf, marker, G_KEY_FILE_NONE, NULL))
    {
      phase = g_key_file_get_string (kf, "loading", "phase", NULL);
      name = g_key_file_get_string (kf, "loading", "name", NULL);
    }
  *plugin_name = g_strdup (name);
  return g_strdup_printf ("the check died (%s) during the %s phase of %s; the server would quarantine it",
                          g_strsignal (signal_number), phase ? phase : "?", name ? name : "a plugin");
}

static void
parse_result (CheckResult *r, const char *out)
{
  const char *line = strstr (out, RESULT_PREFIX);
  g_auto (GStrv) fields = NULL;
  g_autofree char *copy = NULL;

  if (line == NULL)
    return;
  copy = g_strndup (line + strlen (RESULT_PREFIX), strcspn (line + strlen (RESULT_PREFIX), "\n"));
  fields = g_strsplit (copy, "\t", 4);
  if (g_strv_length (fields) < 4)
    return;
  r->name = g_strdup (fields[0]);
  r->version = g_strdup (fields[1]);
  r->state = g_strdup (fields[2]);
  r->error = *fields[3] ? g_strdup (fields[3]) : NULL;
}

static void
run_child (LjPluginsOptions *o, const char *path, CheckResult *r)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *scratch = g_dir_make_tmp ("lianjian-check-XXXXXX", NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  r->path = g_strdup (path);
  g_ptr_array_add (argv, self);
  g_ptr_array_add (argv, (char *) "plugins");
  g_ptr_array_add (argv, (char *) CHECK_ONE_COMMAND);
  g_ptr_array_add (argv, (char *) "--scratch");
  g_ptr_array_add (argv, scratch);
  if (o->config_path)
    {
      g_ptr_array_add (argv, (char *) "--config");
      g_ptr_array_add (argv, o->config_path);
    }
  if (o->db_path)
    {
      g_ptr_array_add (argv, (char *) "--db");
      g_ptr_array_add (argv, o->db_path);
    }
  g_ptr_array_add (argv, (char *) path);
  g_ptr_array_add (argv, NULL);
  if (self == NULL || scratch == NULL ||
      (child = g_subprocess_newv ((const char *const *) argv->pdata,
                                  G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error)) == NULL ||
      !g_subprocess_communicate_utf8 (child, NULL, NULL, &out, &err, &error))
    {
      r->state = g_strdup ("failed");
      r->error = g_strdup_printf ("cannot run the check: %s", error ? error->message : "no executable");
    }
  else if (g_subprocess_get_if_signaled (child))
    {
      r->state = g_strdup ("crashed");
      r->error = crash_reason (scratch, g_subprocess_get_term_sig (child), &r->name);
    }
  else
    {
      parse_result (r, out ? out : "");
      if (r->state == NULL)
        {
          r->state = g_strdup ("failed");
          r->error = g_strdup (err && *err ? g_strstrip (err) : "the check printed no result");
        }
    }
  r->ok = g_strcmp0 (r->state, "active") == 0 || g_strcmp0 (r->state, "disabled") == 0;
  if (scratch)
    remove_tree (scratch);
}

static void
print_row (const char *name, const char *version, const char *state, const char *path, const char *reason)
{
  printf ("%-24s %-10s %-12s %s\n", name ? name : "?", version ? version : "-", state, path);
  if (reason && *reason)
    printf ("    %s\n", reason);
}

static void
print_header (void)
{
  printf ("%-24s %-10s %-12s %s\n", "NAME", "VERSION", "STATE", "FILE");
}

static int
cmd_list (LjPluginsOptions *o, GError **error)
{
  g_autoptr (LjConfig) config = load_config (o, error);
  g_autoptr (GPtrArray) paths = NULL;
  g_autoptr (LjQuarantine) q = NULL;

  if (config == NULL)
    return 1;
  paths = lj_plugins_discover (config);
  /* Read-only: a marker is shown as the quarantine it will become. */
  q = lj_quarantine_open (config->db_path, TRUE);
  print_header ();
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      g_autofree char *reason = NULL;
      g_auto (CheckResult) r = { 0 };
      struct stat st;

      if (stat (path, &st) == 0 && (reason = lj_quarantine_check (q, path, st.st_mtime, st.st_size)))
        {
          g_autofree char *name = lj_quarantine_get (q, path, "name");
          print_row (name, NULL, "quarantined", path, reason);
          continue;
        }
      run_child (o, path, &r);
      print_row (r.name, r.version, g_strcmp0 (r.state, "active") == 0 ? "ok" : r.state, path, r.error);
    }
  if (paths->len == 0)
    printf ("(no plugins in [plugins] dir or LIANJIAN_PLUGIN_PATH)\n");
  return 0;
}

static int
cmd_check (LjPluginsOptions *o, int argc, char **argv, GError **error)
{
  g_autoptr (LjConfig) config = load_config (o, error);
  g_autoptr (GPtrArray) paths = NULL;
  guint bad = 0;

  if (config == NULL)
    return 1;
  if (argc > 0)
    {
      paths = g_ptr_array_new_with_free_func (g_free);
      for (int i = 0; i < argc; i++)
        g_ptr_array_add (paths, g_canonicalize_filename (argv[i], NULL));
    }
  else
    paths = lj_plugins_discover (config);
  print_header ();
  for (guint i = 0; i < paths->len; i++)
    {
      g_auto (CheckResult) r = { 0 };

      run_child (o, paths->pdata[i], &r);
      print_row (r.name, r.version, g_strcmp0 (r.state, "active") == 0 ? "ok" : r.state, r.path, r.error);
      if (!r.ok)
        bad++;
    }
  printf ("%u checked, %u good, %u bad\n", paths->len, paths->len - bad, bad);
  return bad == 0 ? 0 : 1;
}

static int
cmd_reset (LjPluginsOptions *o, const char *name, GError **error)
{
  g_autoptr (LjConfig) config = load_config (o, error);
  g_autoptr (LjQuarantine) q = NULL;

  if (config == NULL)
    return 1;
  q = lj_quarantine_open (config->db_path, FALSE);
  if (!lj_quarantine_reset (q, name, error))
    return 1;
  printf ("%s is no longer quarantined; it will be loaded at the next start\n", name);
  return 0;
}

static int
usage (GOptionContext *ctx)
{
  g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);

  fprintf (stderr, "%s", help);
  return 2;
}

int
lj_cmd_plugins (int argc, char **argv)
{
  g_auto (LjPluginsOptions) o = { 0 };
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config_path, "Configuration file (GKeyFile)", "FILE" },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &o.db_path, "SQLite database file", "PATH" },
    { "scratch", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &o.scratch, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("list | check [PATH…] | reset NAME");
  g_autoptr (GError) error = NULL;
  const char *sub;
  int status;

  g_set_prgname ("lianjian plugins");
  g_option_context_set_summary (ctx, "List the plugins the server would load, check plugin files in a child "
                                     "process, or clear a plugin's quarantine.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "lianjian plugins: %s\n", error->message);
      return 2;
    }
  if (argc < 2)
    return usage (ctx);
  sub = argv[1];
  if (strcmp (sub, "list") == 0 && argc == 2)
    status = cmd_list (&o, &error);
  else if (strcmp (sub, "check") == 0)
    status = cmd_check (&o, argc - 2, argv + 2, &error);
  else if (strcmp (sub, "reset") == 0 && argc == 3)
    status = cmd_reset (&o, argv[2], &error);
  else if (strcmp (sub, CHECK_ONE_COMMAND) == 0 && argc == 3 && o.scratch)
    return check_one (&o, argv[2]);
  else
    return usage (ctx);
  if (status != 0 && error)
    fprintf (stderr, "lianjian plugins %s: %s\n", sub, error->message);
  return status;
}
