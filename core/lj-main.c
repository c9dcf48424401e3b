/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lianjian command: serve, migrate, demo.  Thin on purpose: everything
 * it does is a call into liblianjian. */
#include "app/lj-app-private.h"
#include "domain/lj-core.h"
#include "domain/lj-demo.h"
#include "http/lj-server.h"
#include "auth/lj-auth.h"
#include "plugin/lj-plugin-private.h"
#include "cli/lj-cmd-user.h"
#include "cli/lj-cmd-plugins.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>

typedef struct {
  char     *config_path;
  char     *db_path;
  char     *listen;
  gboolean  demo;
} LjOptions;

static void
options_clear (LjOptions *o)
{
  g_free (o->config_path);
  g_free (o->db_path);
  g_free (o->listen);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LjOptions, options_clear)

/* Request lines are INFO: shown by default, unlike GLib's default writer,
 * which keeps INFO and DEBUG for G_MESSAGES_DEBUG. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (level & G_LOG_LEVEL_DEBUG)
    return g_log_writer_default (level, fields, n_fields, data);
  return g_log_writer_standard_streams (level, fields, n_fields, data);
}

static LjConfig *
load_config (LjOptions *o, GError **error)
{
  g_autoptr (LjConfig) config = lj_config_new ();

  if (o->config_path && !lj_config_load_file (config, o->config_path, error))
    return NULL;
  if (o->db_path)
    {
      g_free (config->db_path);
      config->db_path = g_strdup (o->db_path);
    }
  if (o->listen && !lj_config_set_listen (config, o->listen, error))
    return NULL;
  return g_steal_pointer (&config);
}

static LjStore *
open_store (LjConfig *config, GError **error)
{
  g_autoptr (LjStore) store = lj_store_open (config->db_path, config->sync, config->busy_timeout, error);

  if (store == NULL || !lj_core_migrate (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

static gboolean
database_is_empty (LjStore *store)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, "SELECT (SELECT count(*) FROM chains) + (SELECT count(*) FROM enterprises)"
                                                   " + (SELECT count(*) FROM organizations)", NULL);

  return st && sqlite3_step (st->stmt) == SQLITE_ROW && sqlite3_column_int64 (st->stmt, 0) == 0;
}

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* The core, then the plugins (migrated and started); with @demo, the
 * demo park first and each plugin's part of it once its tables exist. */
static LjApp *
load_app (LjConfig *config, LjStore *store, gboolean demo, GError **error)
{
  g_autoptr (LjApp) app = NULL;

  if (demo && !lj_demo_load (lj_store_get_db (store), LJ_DEMO_DEFAULT_SEED, error))
    return NULL;
  app = lj_app_new (config, store);
  lj_plugins_add_routes (app);
  if (!lj_core_register (app, error) || !lj_plugins_load_all (app, error))
    return NULL;
  if (demo)
    {
      if (!lj_plugins_load_demo (app, error))
        return NULL;
      g_print ("Loaded the demo park into %s\n", config->db_path);
    }
  return g_steal_pointer (&app);
}

/* With --demo: the demo accounts and fresh tokens.  Without: a server
 * nobody can sign in to says how to create the first admin. */
static gboolean
announce_accounts (LjOptions *o, LjStore *store, GError **error)
{
  gboolean has_users = FALSE;
  g_autoptr (GError) local = NULL;

  if (o->demo)
    return lj_demo_accounts_ensure (store, error);
  has_users = lj_auth_has_users (store, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!has_users)
    g_print ("No accounts yet. Create the first admin (it prints an API token):\n"
             "  lianjian user add NAME --role admin --db %s\n", lj_store_get_path (store));
  return TRUE;
}

static int
cmd_serve (LjOptions *o, GError **error)
{
  g_autoptr (LjConfig) config = load_config (o, error);
  g_autoptr (LjStore) store = NULL;
  g_autoptr (LjApp) app = NULL;
  g_autoptr (LjServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  gboolean fresh_demo;

  if (config == NULL || !lj_config_check (config, error) || (store = open_store (config, error)) == NULL)
    return 1;
  fresh_demo = o->demo && database_is_empty (store);
  if ((app = load_app (config, store, fresh_demo, error)) == NULL || !announce_accounts (o, store, error))
    return 1;
  lj_server_raise_fd_limit ();
  server = lj_server_new (app);
  if (!lj_server_listen (server, config->listen_host, config->listen_port, error))
    return 1;
  g_print ("Lianjian %s serving http://%s:%u/api/v1/ (database %s)\n", PACKAGE_VERSION,
           config->listen_host, lj_server_get_port (server), config->db_path);
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  lj_plugins_stop_all (app);
  g_print ("Lianjian stopped\n");
  return 0;
}

/* The core's steps and every plugin's that `serve` would load, so an
 * upgrade can be applied (and timed) before the server starts. */
static int
cmd_migrate (LjOptions *o, GError **error)
{
  g_autoptr (LjConfig) config = load_config (o, error);
  g_autoptr (LjStore) store = NULL;
  g_autoptr (LjApp) app = NULL;
  g_autoptr (GPtrArray) schema = NULL;

  if (config == NULL || (store = open_store (config, error)) == NULL)
    return 1;
  if ((app = load_app (config, store, FALSE, error)) == NULL)
    return 1;
  lj_plugins_stop_all (app);
  if ((schema = lj_store_list_schema (store, error)) == NULL)
    return 1;
  for (guint i = 0; i < schema->len; i++)
    g_print ("%s\n", (char *) schema->pdata[i]);
  return 0;
}

static int
cmd_demo (LjOptions *o, GError **error)
{
  g_autoptr (LjConfig) config = load_config (o, error);
  g_autoptr (LjStore) store = NULL;
  g_autoptr (LjApp) app = NULL;

  if (config == NULL || (store = open_store (config, error)) == NULL)
    return 1;
  if ((app = load_app (config, store, TRUE, error)) == NULL)
    return 1;
  lj_plugins_stop_all (app);
  return 0;
}

typedef struct {
  const char *name;
  const char *summary;
  int (*run) (LjOptions *o, GError **error);
  gboolean takes_listen;
  int (*run_args) (int argc, char **argv);   /* commands with subcommands parse their own options */
} LjCommand;

static const LjCommand commands[] = {
  { "serve", "Run the server (migrating the database first)", cmd_serve, TRUE },
  { "migrate", "Apply pending schema steps and print the schema versions", cmd_migrate, FALSE },
  { "demo", "Load the demo park into an empty database", cmd_demo, FALSE },
  { "user", "Add, list or disable users (user add NAME --role ROLE prints an API token)", NULL, FALSE, lj_cmd_user },
  { "token", "Revoke an API token (token revoke ID)", NULL, FALSE, lj_cmd_token },
  { "plugins", "List, check or reset plugins (plugins list | check [PATH…] | reset NAME)", NULL, FALSE,
    lj_cmd_plugins },
};

static int
usage (FILE *out)
{
  fprintf (out, "Usage: lianjian COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'lianjian COMMAND --help' for a command's options; 'lianjian --version' for the version.\n");
  return out == stderr ? 2 : 0;
}

static int
run_command (const LjCommand *cmd, int argc, char **argv)
{
  g_auto (LjOptions) o = { 0 };
  GOptionEntry serve_entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o.config_path, "Configuration file (GKeyFile)", "FILE" },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &o.db_path, "SQLite database file", "PATH" },
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &o.listen, "Address to listen on (loopback only)", "HOST:PORT" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &o.demo, "Load the demo park first if the database is empty", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *prog = g_strdup_printf ("lianjian %s", cmd->name);

  g_set_prgname (prog);
  g_option_context_set_summary (ctx, cmd->summary);
  if (!cmd->takes_listen)
    serve_entries[2] = (GOptionEntry) { NULL };
  g_option_context_add_main_entries (ctx, serve_entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "lianjian %s: %s\n", cmd->name, error->message);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, "lianjian %s: unexpected argument \"%s\"\n", cmd->name, argv[1]);
      return 2;
    }
  if (cmd->run (&o, &error) != 0)
    {
      fprintf (stderr, "lianjian %s: %s\n", cmd->name, error ? error->message : "failed");
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_log_set_writer_func (log_writer, NULL, NULL);
  if (argc < 2)
    return usage (stderr);
  if (g_str_equal (argv[1], "--version") || g_str_equal (argv[1], "-V"))
    {
      printf ("lianjian %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    return usage (stdout);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].run_args ? commands[i].run_args (argc - 1, argv + 1)
                                  : run_command (&commands[i], argc - 1, argv + 1);
  fprintf (stderr, "lianjian: unknown command \"%s\"\n\n", argv[1]);
  return usage (stderr);
}
