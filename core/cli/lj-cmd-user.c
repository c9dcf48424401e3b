/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `lianjian user add|list|disable` and `lianjian token revoke`.  `user add`
 * prints the new user's API token as the only line on stdout, so it can be
 * captured (`TOKEN=$(lianjian user add …)`); everything else goes to
 * stderr.  A password is read from stdin only (--password-stdin), never
 * from the command line, where `ps` would show it. */
#include "lj-cmd-user.h"

#include "app/lj-config.h"
#include "auth/lj-auth-private.h"
#include "domain/lj-core.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char     *config_path;
  char     *db_path;
  char     *role;
  gint64    org_id;
  char     *display_name;
  gboolean  password_stdin;
} LjUserOptions;

static void
options_clear (LjUserOptions *o)
{
  g_free (o->config_path);
  g_free (o->db_path);
  g_free (o->role);
  g_free (o->display_name);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LjUserOptions, options_clear)

static LjStore *
open_store (LjUserOptions *o, GError **error)
{
  g_autoptr (LjConfig) config = lj_config_new ();
  g_autoptr (LjStore) store = NULL;

  if (o->config_path && !lj_config_load_file (config, o->config_path, error))
    return NULL;
  if (o->db_path)
    {
      g_free (config->db_path);
      config->db_path = g_strdup (o->db_path);
    }
  store = lj_store_open (config->db_path, config->sync, config->busy_timeout, error);
  if (store == NULL || !lj_core_migrate (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

/* One line from stdin, without its newline; wiped by the caller. */
static char *
read_password (GError **error)
{
  char buf[LJ_AUTH_PASSWORD_MAX + 2];
  gsize len;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    {
      g_set_error (error, LJ_AUTH_ERROR, 0, "no password on stdin");
      return NULL;
    }
  len = strcspn (buf, "\r\n");
  buf[len] = '\0';
  if (len == sizeof buf - 2 && !feof (stdin))
    {
      sodium_memzero (buf, sizeof buf);
      g_set_error (error, LJ_AUTH_ERROR, 0, "the password is longer than %d bytes", LJ_AUTH_PASSWORD_MAX);
      return NULL;
    }
  {
    char *copy = g_strdup (buf);
    sodium_memzero (buf, sizeof buf);
    return copy;
  }
}

static int
user_add (LjUserOptions *o, const char *name, GError **error)
{
  g_autoptr (LjStore) store = NULL;
  g_autofree char *token = NULL;
  char *password = NULL;
  LjRole role = LJ_ROLE_NONE;
  gint64 id = 0;
  gboolean ok;
  int out;

  if (o->role == NULL || !lj_role_from_string (o->role, &role))
    {
      g_set_error (error, LJ_AUTH_ERROR, 0, "--role must be admin, secretary or viewer");
      return 2;
    }
  if (o->password_stdin && (password = read_password (error)) == NULL)
    return 1;
  /* Until the token is printed, stdout is stderr: the migration log must
   * not end up in `TOKEN=$(lianjian user add …)`. */
  fflush (stdout);
  out = dup (STDOUT_FILENO);
  dup2 (STDERR_FILENO, STDOUT_FILENO);
  if ((store = open_store (o, error)) == NULL)
    ok = FALSE;
  else
    ok = lj_auth_create_user (store, name, o->display_name, role, o->org_id, password, &token, &id, error);
  if (password)
    {
      sodium_memzero (password, strlen (password));
      g_free (password);
    }
  fflush (stdout);
  dup2 (out, STDOUT_FILENO);
  close (out);
  if (!ok)
    return 1;
  fprintf (stderr, "Created %s %s (user %" G_GINT64_FORMAT "); its API token follows, shown only now.\n",
           lj_role_to_string (role), name, id);
  printf ("%s\n", token);
  sodium_memzero (token, strlen (token));
  return 0;
}

static int
user_list (LjUserOptions *o, GError **error)
{
  g_autoptr (LjStore) store = open_store (o, error);
  g_autoptr (LjStmt) st = NULL;
  int rc;

  if (store == NULL)
    return 1;
  st = lj_store_prepare (store, "SELECT id, username, role, coalesce (org_id, ''), disabled, display_name,"
                                " locked_until > ?1 FROM users ORDER BY id", error);
  if (st == NULL)
    return 1;
  sqlite3_bind_int64 (st->stmt, 1, lj_clock_now_seconds ());
  printf ("%-6s %-20s %-10s %-6s %-9s %s\n", "ID", "USERNAME", "ROLE", "ORG", "STATE", "DISPLAY NAME");
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    printf ("%-6lld %-20s %-10s %-6s %-9s %s\n", (long long) sqlite3_column_int64 (st->stmt, 0),
            sqlite3_column_text (st->stmt, 1), sqlite3_column_text (st->stmt, 2), sqlite3_column_text (st->stmt, 3),
            sqlite3_column_int (st->stmt, 4) ? "disabled" : sqlite3_column_int (st->stmt, 6) ? "locked" : "active",
            sqlite3_column_text (st->stmt, 5));
  return rc < 0 ? 1 : 0;
}

static int
user_disable (LjUserOptions *o, const char *name, GError **error)
{
  g_autoptr (LjStore) store = open_store (o, error);
  g_autoptr (LjUser) u = NULL;
  g_autoptr (LjStmt) st = NULL;
  g_autofree char *now = lj_clock_now_timestamp ();
  g_autoptr (GError) local = NULL;

  if (store == NULL || !lj_store_begin (store, LJ_STORE_TXN_WRITE, error))
    return 1;
  u = lj_user_load_by_name (store, name, &local);
  if (u == NULL)
    {
      lj_store_rollback (store);
      if (local)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, LJ_AUTH_ERROR, 0, "no user called %s", name);
      return 1;
    }
  st = lj_store_prepare (store, "UPDATE users SET disabled = 1, version = version + 1, updated_at = ?1"
                                " WHERE id = ?2 AND disabled = 0", error);
  if (st == NULL)
    {
      lj_store_rollback (store);
      return 1;
    }
  sqlite3_bind_text (st->stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 2, u->id);
  if (!lj_stmt_step_done (st, error) || !lj_sessions_revoke_user (store, u->id, TRUE, error))
    {
      g_clear_pointer (&st, lj_stmt_release);
      lj_store_rollback (store);
      return 1;
    }
  g_clear_pointer (&st, lj_stmt_release);
  if (!lj_store_commit (store, error))
    return 1;
  g_warning ("security: %s disabled from the command line; sessions and API tokens revoked", name);
  return 0;
}

static GOptionContext *
make_context (LjUserOptions *o, gboolean add_options, const char *parameter, const char *summary)
{
  GOptionEntry common[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config_path, "Configuration file (GKeyFile)", "FILE" },
    { "db", 'd', 0, G_OPTION_ARG_FILENAME, &o->db_path, "SQLite database file", "PATH" },
    { NULL }
  };
  GOptionEntry add[] = {
    { "role", 'r', 0, G_OPTION_ARG_STRING, &o->role, "admin, secretary or viewer", "ROLE" },
    { "org", 0, 0, G_OPTION_ARG_INT64, &o->org_id, "Organisation (required for a secretary)", "ID" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &o->display_name, "Name shown in the UI", "TEXT" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &o->password_stdin, "Read a password (12-1024 bytes) from stdin",
      NULL },
    { NULL }
  };
  GOptionContext *ctx = g_option_context_new (parameter);

  g_option_context_set_summary (ctx, summary);
  g_option_context_add_main_entries (ctx, common, NULL);
  if (add_options)
    g_option_context_add_main_entries (ctx, add, NULL);
  return ctx;
}

static int
finish (const char *what, int status, GError *error)
{
  if (status != 0)
    fprintf (stderr, "%s: %s\n", g_get_prgname () ? g_get_prgname () : what, error ? error->message : "failed");
  return status;
}

int
lj_cmd_user (int argc, char **argv)
{
  g_auto (LjUserOptions) o = { 0 };
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  const char *sub = argc > 1 ? argv[1] : NULL;
  gboolean add = g_strcmp0 (sub, "add") == 0, list = g_strcmp0 (sub, "list") == 0;
  gboolean disable = g_strcmp0 (sub, "disable") == 0;
  int status;

  if (!add && !list && !disable)
    {
      fprintf (stderr, "Usage: lianjian user add NAME --role admin|secretary|viewer [--org ID]"
                       " [--display-name TEXT] [--password-stdin]\n"
                       "       lianjian user list\n       lianjian user disable NAME\n"
                       "(each takes --db PATH and --config FILE)\n");
      return sub && (strcmp (sub, "--help") == 0 || strcmp (sub, "-h") == 0) ? 0 : 2;
    }
  g_set_prgname (add ? "lianjian user add" : list ? "lianjian user list" : "lianjian user disable");
  ctx = make_context (&o, add, list ? NULL : "NAME",
                      add ? "Create a user and print an API token for them (the only line on stdout)"
                      : list ? "List users" : "Disable a user and revoke their sessions and API tokens");
  argc--;
  argv++;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return finish ("user", 2, error);
  if ((list && argc != 1) || (!list && argc != 2))
    {
      g_set_error (&error, LJ_AUTH_ERROR, 0, list ? "takes no arguments" : "takes one NAME");
      return finish ("user", 2, error);
    }
  /* The status first: argument evaluation order is unspecified. */
  if (add)
    status = user_add (&o, argv[1], &error);
  else if (list)
    status = user_list (&o, &error);
  else
    status = user_disable (&o, argv[1], &error);
  return finish (sub, status, error);
}

int
lj_cmd_token (int argc, char **argv)
{
  g_auto (LjUserOptions) o = { 0 };
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (LjStore) store = NULL;
  g_autoptr (LjStmt) st = NULL;
  gint64 id = 0;

  if (argc < 2 || strcmp (argv[1], "revoke") != 0)
    {
      fprintf (stderr, "Usage: lianjian token revoke ID [--db PATH] [--config FILE]\n");
      return 2;
    }
  g_set_prgname ("lianjian token revoke");
  ctx = make_context (&o, FALSE, "ID", "Revoke an API token by its id (see GET /api/v1/users/{id}/tokens)");
  argc--;
  argv++;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return finish ("token", 2, error);
  if (argc != 2 || !g_ascii_string_to_signed (argv[1], 10, 1, G_MAXINT64, &id, NULL))
    {
      g_set_error (&error, LJ_AUTH_ERROR, 0, "takes one token ID");
      return finish ("token revoke", 2, error);
    }
  if ((store = open_store (&o, &error)) == NULL)
    return finish ("token revoke", 1, error);
  st = lj_store_prepare (store, "SELECT 1 FROM api_tokens WHERE id = ?1", &error);
  if (st == NULL)
    return finish ("token revoke", 1, error);
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (lj_stmt_step (st, &error) != SQLITE_ROW)
    {
      if (error == NULL)
        g_set_error (&error, LJ_AUTH_ERROR, 0, "no API token %" G_GINT64_FORMAT, id);
      return finish ("token revoke", 1, error);
    }
  g_clear_pointer (&st, lj_stmt_release);
  if (!lj_api_token_revoke (store, id, &error))
    return finish ("token revoke", 1, error);
  g_message ("security: API token %" G_GINT64_FORMAT " revoked from the command line", id);
  return 0;
}
