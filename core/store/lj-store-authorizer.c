/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The schema guard: an sqlite3_set_authorizer callback that keeps a
 * plugin's migration steps inside the plugin's own table prefix.  Plugin
 * tables may reference and read core tables; they may not create, alter,
 * drop or write anything else.  Indexes count by the table they are on.
 * A trigger may watch any table (a plugin keeping counters that follow
 * chain membership puts one on enterprise_chains), but its body may write
 * only the plugin's tables.
 *
 * SQLite asks the authorizer while it prepares a statement, not while it
 * runs it, so the answer must not depend on data; and because
 * sqlite3_set_authorizer () expires every prepared statement, the host's
 * own cached statements are prepared again, and checked, while the guard is
 * on: the few things the migration runner itself needs (its transaction,
 * the lj_schema table, `PRAGMA foreign_key_check`) are allowed.
 *
 * A trigger's body is authorized when a statement that fires it is
 * prepared, not when the trigger is created, so before the migration
 * commits lj_store_guard_check_triggers () prepares an INSERT, an UPDATE of
 * every column and a DELETE on each table that carries one of the plugin's
 * triggers: SQLite compiles the bodies, and the guard sees each write with
 * the trigger's name.  Those statements are never run.
 *
 * Known limit: ALTER TABLE … RENAME TO is refused outright (SQLite does not
 * tell the authorizer the new name). */
#include "lj-store.h"

#include <string.h>

struct _LjStoreGuard {
  LjStore *store;
  char    *prefix;
  char    *denial;
  gboolean firing;      /* trigger bodies are being compiled */
};

/* The migration runner's own table. */
static const char *const host_tables[] = { "lj_schema", NULL };

/* Pragmas that only read; `table_info(x)` and friends take a table name. */
static const char *const read_pragmas[] = {
  "foreign_key_check", "foreign_key_list", "table_info", "table_xinfo", "index_list", "index_info",
  "index_xinfo", "data_version", NULL   /* data_version: FTS5 reads it when it creates its tables */
};

static gboolean
has_prefix_nocase (const char *name, const char *prefix)
{
  return name != NULL && g_ascii_strncasecmp (name, prefix, strlen (prefix)) == 0;
}

static gboolean
in_list_nocase (const char *name, const char *const *list)
{
  for (guint i = 0; name && list[i]; i++)
    if (g_ascii_strcasecmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_own (LjStoreGuard *guard, const char *name)
{
  return has_prefix_nocase (name, guard->prefix);
}

/* Tables SQLite itself writes as a side effect (the schema, AUTOINCREMENT
 * counters, ANALYZE statistics). */
static gboolean
is_internal (const char *name)
{
  return has_prefix_nocase (name, "sqlite_");
}

static int
deny (LjStoreGuard *guard, const char *what, const char *name, const char *on_table)
{
  if (guard->denial == NULL)
    guard->denial = on_table
      ? g_strdup_printf ("%s %s on table %s is refused: a plugin's migrations may only touch objects on tables "
                         "starting with %s", what, name ? name : "?", on_table, guard->prefix)
      : g_strdup_printf ("%s %s is refused: a plugin's migrations may only touch names starting with %s", what,
                         name ? name : "?", guard->prefix);
  return SQLITE_DENY;
}

static int
allow_own (LjStoreGuard *guard, const char *what, const char *name)
{
  return is_own (guard, name) ? SQLITE_OK : deny (guard, what, name, NULL);
}

/* An index or a trigger: its own name and its table's must both carry the prefix. */
static int
allow_own_on (LjStoreGuard *guard, const char *what, const char *name, const char *table)
{
  /* SQLite names the indexes it makes for PRIMARY KEY and UNIQUE (also
   * those of FTS5's shadow tables) sqlite_autoindex_<table>_N: the table
   * decides whose they are. */
  if (name && g_str_has_prefix (name, "sqlite_autoindex_") && is_own (guard, table))
    return SQLITE_OK;
  if (!is_own (guard, name))
    return deny (guard, what, name, NULL);
  if (!is_own (guard, table))
    return deny (guard, what, name, table);
  return SQLITE_OK;
}

static int
authorize_write (LjStoreGuard *guard, const char *what, const char *table)
{
  if (is_own (guard, table) || is_internal (table) || in_list_nocase (table, host_tables))
    return SQLITE_OK;
  return deny (guard, what, table, NULL);
}

/* While trigger bodies are compiled, only the plugin's own triggers are
 * judged, and held to its prefix.  The firing statement itself, the
 * foreign-key actions it sets off (SQLite names no trigger for them either)
 * and the core's or other plugins' triggers do what they always do. */
static gboolean
authorize_firing (LjStoreGuard *guard, int action, const char *a1, const char *trigger, int *verdict)
{
  gboolean writes = action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE;

  if (trigger == NULL || !is_own (guard, trigger))
    *verdict = SQLITE_OK;
  else if (writes && !is_own (guard, a1) && !is_internal (a1))
    {
      if (guard->denial == NULL)
        guard->denial = g_strdup_printf ("trigger %s writes table %s: a plugin's triggers may only write tables "
                                         "starting with %s", trigger, a1, guard->prefix);
      *verdict = SQLITE_DENY;
    }
  else
    return FALSE;
  return TRUE;
}

static int
authorize (void *data, int action, const char *a1, const char *a2, const char *db, const char *trigger)
{
  LjStoreGuard *guard = data;
  int verdict;

  if (guard->firing && authorize_firing (guard, action, a1, trigger, &verdict))
    return verdict;
  switch (action)
    {
    case SQLITE_FUNCTION:
      /* ALTER TABLE … RENAME TO calls this; the authorizer is never told
       * the new name, so a rename could leave the prefix: refused. */
      if (a2 && strcmp (a2, "sqlite_rename_table") == 0)
        {
          if (guard->denial == NULL)
            guard->denial = g_strdup ("ALTER TABLE … RENAME TO is refused in a plugin's migrations: SQLite does not "
                                      "show the new name to the schema guard");
          return SQLITE_DENY;
        }
      return SQLITE_OK;
    case SQLITE_READ:
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
    case SQLITE_TRANSACTION:   /* the runner's; steps are checked for BEGIN/COMMIT when added */
    case SQLITE_ANALYZE:
    case SQLITE_REINDEX:
      return SQLITE_OK;

    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
      if (in_list_nocase (a1, host_tables))
        return SQLITE_OK;   /* CREATE TABLE IF NOT EXISTS lj_schema, by the runner */
      return allow_own (guard, "CREATE TABLE", a1);
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
      return allow_own (guard, "DROP TABLE", a1);
    case SQLITE_ALTER_TABLE:   /* a1 is the database, a2 the table */
      return allow_own (guard, "ALTER TABLE", a2);
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
      return allow_own (guard, "CREATE VIEW", a1);
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
      return allow_own (guard, "DROP VIEW", a1);
    case SQLITE_CREATE_VTABLE:
      return allow_own (guard, "CREATE VIRTUAL TABLE", a1);
    case SQLITE_DROP_VTABLE:
      return allow_own (guard, "DROP VIRTUAL TABLE", a1);
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
      return allow_own_on (guard, "CREATE INDEX", a1, a2);
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
      return allow_own_on (guard, "DROP INDEX", a1, a2);
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
      /* On any table: what the body writes is checked before commit. */
      return allow_own (guard, action == SQLITE_DROP_TRIGGER || action == SQLITE_DROP_TEMP_TRIGGER
                        ? "DROP TRIGGER" : "CREATE TRIGGER", a1);

    case SQLITE_INSERT:
      return authorize_write (guard, "INSERT INTO", a1);
    case SQLITE_UPDATE:
      return authorize_write (guard, "UPDATE", a1);
    case SQLITE_DELETE:
      return authorize_write (guard, "DELETE FROM", a1);

    case SQLITE_PRAGMA:
      if (in_list_nocase (a1, read_pragmas))
        return SQLITE_OK;
      return deny (guard, "PRAGMA", a1, NULL);

    default:   /* ATTACH, DETACH, SAVEPOINT and anything newer */
      if (guard->denial == NULL)
        guard->denial = g_strdup_printf ("a statement of kind %d is refused in a plugin's migrations", action);
      return SQLITE_DENY;
    }
}

LjStoreGuard *
lj_store_guard_new (LjStore *store, const char *prefix)
{
  LjStoreGuard *guard;

  g_return_val_if_fail (store != NULL && prefix != NULL && *prefix != '\0', NULL);
  guard = g_new0 (LjStoreGuard, 1);
  guard->store = store;
  guard->prefix = g_strdup (prefix);
  sqlite3_set_authorizer (lj_store_get_db (store), authorize, guard);
  lj_store_set_guard (store, guard);
  return guard;
}

/* @name as an SQL identifier, double quotes doubled. */
static char *
quote_identifier (const char *name)
{
  g_autoptr (GString) q = g_string_new ("\"");

  for (const char *c = name; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (q, '"');
      g_string_append_c (q, *c);
    }
  g_string_append_c (q, '"');
  return g_string_free (g_steal_pointer (&q), FALSE);
}

/* The tables that carry one of the plugin's triggers. */
static GPtrArray *
tables_with_own_triggers (LjStoreGuard *guard, GError **error)
{
  g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (LjStmt) st = lj_store_prepare (guard->store,
    "SELECT DISTINCT tbl_name FROM sqlite_schema WHERE type = 'trigger'"
    " AND lower (substr (name, 1, length (?1))) = lower (?1) ORDER BY 1", error);
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st->stmt, 1, guard->prefix, -1, SQLITE_TRANSIENT);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (st->stmt, 0)));
  return rc == SQLITE_DONE ? g_steal_pointer (&tables) : NULL;
}

/* "UPDATE t SET a = a, b = b … WHERE 0": fires every UPDATE OF trigger.
 * table_info leaves out generated columns, which cannot be set. */
static char *
update_every_column_sql (LjStoreGuard *guard, const char *table, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (guard->store, "SELECT name FROM pragma_table_info (?1)", error);
  g_autofree char *quoted = quote_identifier (table);
  g_autoptr (GString) sql = NULL;
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st->stmt, 1, table, -1, SQLITE_TRANSIENT);
  sql = g_string_new ("UPDATE ");
  g_string_append_printf (sql, "%s SET ", quoted);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      g_autofree char *col = quote_identifier ((const char *) sqlite3_column_text (st->stmt, 0));
      g_string_append_printf (sql, "%s%s = %s", g_str_has_suffix (sql->str, " SET ") ? "" : ", ", col, col);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  g_string_append (sql, " WHERE 0");
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Prepares @sql and throws it away: only the guard's verdict matters.
 * Other failures (an INSERT into a view with no INSTEAD OF trigger) mean
 * there is no body to compile. */
static gboolean
compile_only (LjStoreGuard *guard, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  guard->firing = TRUE;
  sqlite3_prepare_v2 (lj_store_get_db (guard->store), sql, -1, &stmt, NULL);
  sqlite3_finalize (stmt);
  guard->firing = FALSE;
  if (guard->denial == NULL)
    return TRUE;
  g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_FAILED, "%s", guard->denial);
  return FALSE;
}

gboolean
lj_store_guard_check_triggers (LjStoreGuard *guard, GError **error)
{
  g_autoptr (GPtrArray) tables = tables_with_own_triggers (guard, error);

  if (tables == NULL)
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    {
      const char *table = tables->pdata[i];
      g_autofree char *quoted = quote_identifier (table);
      g_autofree char *insert = g_strdup_printf ("INSERT INTO %s DEFAULT VALUES", quoted);
      g_autofree char *delete = g_strdup_printf ("DELETE FROM %s WHERE 0", quoted);
      g_autofree char *update = update_every_column_sql (guard, table, error);

      if (update == NULL || !compile_only (guard, insert, error) || !compile_only (guard, update, error) ||
          !compile_only (guard, delete, error))
        return FALSE;
    }
  return TRUE;
}

const char *
lj_store_guard_get_denial (LjStoreGuard *guard)
{
  return guard->denial;
}

void
lj_store_guard_free (LjStoreGuard *guard)
{
  if (guard == NULL)
    return;
  sqlite3_set_authorizer (lj_store_get_db (guard->store), NULL, NULL);
  lj_store_set_guard (guard->store, NULL);
  g_free (guard->prefix);
  g_free (guard->denial);
  g_free (guard);
}
