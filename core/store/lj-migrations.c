/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-component schema migrations, recorded in lj_schema with a checksum of
 * each step's SQL.  A component's pending steps run in one BEGIN IMMEDIATE
 * transaction; a database that knows newer steps than this code, or whose
 * applied step no longer matches the code, is refused with a clear message. */
#include "lj-store.h"

#include <stdlib.h>

#define LJ_SCHEMA_TABLE_SQL \
  "CREATE TABLE IF NOT EXISTS lj_schema (" \
  " component TEXT NOT NULL, version INTEGER NOT NULL, checksum TEXT NOT NULL," \
  " applied_at TEXT NOT NULL, PRIMARY KEY (component, version)) STRICT"

static char *
step_checksum (const LjMigrationStep *step)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, step->sql, -1);
}

static const LjMigrationStep *
find_step (const LjMigrationStep *steps, guint n_steps, guint version)
{
  for (guint i = 0; i < n_steps; i++)
    if (steps[i].version == version)
      return &steps[i];
  return NULL;
}

/* Checks what is applied against the code; returns the highest applied
 * version in *applied, or FALSE for a newer or edited database. */
static gboolean
check_applied (LjStore *store, const char *component, const LjMigrationStep *steps,
               guint n_steps, guint *applied, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "SELECT version, checksum FROM lj_schema WHERE component = ? ORDER BY version", error);
  int rc;

  if (st == NULL)
    return FALSE;
  *applied = 0;
  sqlite3_bind_text (st->stmt, 1, component, -1, SQLITE_TRANSIENT);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      guint version = sqlite3_column_int (st->stmt, 0);
      const char *sum = (const char *) sqlite3_column_text (st->stmt, 1);
      const LjMigrationStep *step = find_step (steps, n_steps, version);
      g_autofree char *expected = NULL;

      if (step == NULL)
        {
          g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_NEWER,
                       "the database has %s schema step %u, which this version of Lianjian does not know: "
                       "it was written by a newer Lianjian; upgrade Lianjian or restore a backup",
                       component, version);
          return FALSE;
        }
      expected = step_checksum (step);
      if (g_strcmp0 (expected, sum) != 0)
        {
          g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_CHECKSUM,
                       "%s schema step %u (%s) differs from the one applied to this database: "
                       "released steps must never be edited; add a new step instead",
                       component, version, step->name);
          return FALSE;
        }
      *applied = MAX (*applied, version);
    }
  return rc == SQLITE_DONE;
}

static gboolean
record_step (LjStore *store, const char *component, const LjMigrationStep *step, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "INSERT INTO lj_schema (component, version, checksum, applied_at) VALUES (?, ?, ?, ?)", error);
  g_autofree char *sum = step_checksum (step);
  g_autofree char *now = lj_store_timestamp_now ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, component, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (st->stmt, 2, step->version);
  sqlite3_bind_text (st->stmt, 3, sum, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 4, now, -1, SQLITE_TRANSIENT);
  return lj_stmt_step_done (st, error);
}

static gboolean
apply_pending (LjStore *store, const char *component, const LjMigrationStep *steps,
               guint n_steps, guint applied, GError **error)
{
  for (guint i = 0; i < n_steps; i++)
    {
      if (steps[i].version <= applied)
        continue;
      if (!lj_store_exec (store, steps[i].sql, error) ||
          !record_step (store, component, &steps[i], error))
        {
          g_prefix_error (error, "%s schema step %u (%s): ", component, steps[i].version, steps[i].name);
          return FALSE;
        }
      g_info ("applied %s schema step %u (%s)", component, steps[i].version, steps[i].name);
    }
  return TRUE;
}

static gboolean
check_table_keys (LjStore *store, const char *component, const char *table, GError **error)
{
  g_autofree char *sql = table ? g_strdup_printf ("PRAGMA foreign_key_check(\"%s\")", table)
                               : g_strdup ("PRAGMA foreign_key_check");
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  int rc;

  if (st == NULL || (rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    return TRUE;
  g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_CONSTRAINT,
               "%s schema steps leave a row of %s (rowid %" G_GINT64_FORMAT ") referring to a missing row of %s",
               component, sqlite3_column_text (st->stmt, 0), (gint64) sqlite3_column_int64 (st->stmt, 1),
               sqlite3_column_text (st->stmt, 2));
  return FALSE;
}

/* The tables the steps wrote or reshaped, their triggers' writes
 * included, recorded by an authorizer that refuses nothing. */
static int
record_touched (void *data, int action, const char *a1, const char *a2, const char *db, const char *trigger)
{
  const char *table = NULL;

  switch (action)
    {
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_CREATE_TABLE:
    case SQLITE_DROP_TABLE:
      table = a1;
      break;
    case SQLITE_ALTER_TABLE:   /* a1 is the database */
      table = a2;
      break;
    default:
      break;
    }
  if (table != NULL && g_ascii_strncasecmp (table, "sqlite_", 7) != 0)
    g_hash_table_add (data, g_ascii_strdown (table, -1));
  return SQLITE_OK;
}

/* Only a touched table, or one that references a touched table, can have
 * rows that broke a key: those are the ones checked, not the whole
 * database (15 to 25 s at province scale, on every start after an upgrade
 * whose steps touched a few tables). */
static gboolean
touched_keys_hold (LjStore *store, const char *component, GHashTable *touched, GError **error)
{
  g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "SELECT DISTINCT lower (p.name), lower (f.\"table\") FROM pragma_table_list p"
    " LEFT JOIN pragma_foreign_key_list (p.name) f"
    " WHERE p.schema = 'main' AND p.type = 'table' AND p.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", error);
  int rc;

  if (st == NULL)
    return FALSE;
  /* Each existing table with its parents: checked when it or a parent was touched. */
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (st->stmt, 0);
      const char *parent = (const char *) sqlite3_column_text (st->stmt, 1);

      if ((g_hash_table_contains (touched, name) || (parent && g_hash_table_contains (touched, parent))) &&
          !g_ptr_array_find_with_equal_func (tables, name, g_str_equal, NULL))
        g_ptr_array_add (tables, g_strdup (name));
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  g_clear_pointer (&st, lj_stmt_release);
  for (guint i = 0; i < tables->len; i++)
    if (!check_table_keys (store, component, tables->pdata[i], error))
      return FALSE;
  return TRUE;
}

/* After steps were applied (only then: it reads rows), the rows must
 * still satisfy every foreign key; a step that breaks one is refused.  A
 * plugin's steps can only touch its own tables (the schema guard), so only
 * those are checked: a whole province database takes 15 s, its tables ms.
 * The core's steps check the tables they touched (touched_keys_hold). */
static gboolean
foreign_keys_hold (LjStore *store, const char *component, GHashTable *touched, GError **error)
{
  g_autofree char *prefix = NULL;
  g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (touched != NULL)
    return touched_keys_hold (store, component, touched, error);
  prefix = g_strdup_printf ("%s_", component);
  g_strdelimit (prefix, "-", '_');
  {
    g_autoptr (LjStmt) st = lj_store_prepare (store,
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND substr (name, 1, length (?1)) = ?1", error);
    if (st == NULL)
      return FALSE;
    sqlite3_bind_text (st->stmt, 1, prefix, -1, SQLITE_TRANSIENT);
    while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
      g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (st->stmt, 0)));
    if (rc < 0)
      return FALSE;
  }
  for (guint i = 0; i < tables->len; i++)
    if (!check_table_keys (store, component, tables->pdata[i], error))
      return FALSE;
  return TRUE;
}

static gint
step_cmp (gconstpointer a, gconstpointer b)
{
  const LjMigrationStep *sa = a, *sb = b;

  return (sa->version > sb->version) - (sa->version < sb->version);
}

gboolean
lj_store_migrate (LjStore *store, const char *component, const LjMigrationStep *steps,
                  guint n_steps, GError **error)
{
  g_autofree LjMigrationStep *sorted = g_memdup2 (steps, sizeof *steps * n_steps);
  LjStoreGuard *guard = lj_store_get_guard (store);
  g_autoptr (GHashTable) touched = NULL;
  guint applied = 0;
  gboolean ok;

  qsort (sorted, n_steps, sizeof *sorted, step_cmp);
  if (!lj_store_begin (store, LJ_STORE_TXN_WRITE, error))
    return FALSE;
  if (!lj_store_exec (store, LJ_SCHEMA_TABLE_SQL, error) ||
      !check_applied (store, component, sorted, n_steps, &applied, error))
    {
      lj_store_rollback (store);
      return FALSE;
    }
  /* Nothing pending, nothing to check: the usual start. */
  if (n_steps == 0 || sorted[n_steps - 1].version <= applied)
    return lj_store_commit (store, error);
  /* Under the schema guard (a plugin) the authorizer is taken, and the
   * guard confines the steps to the plugin's tables anyway.  Installing an
   * authorizer expires every cached statement: only when steps run. */
  if (guard == NULL)
    {
      touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      sqlite3_set_authorizer (lj_store_get_db (store), record_touched, touched);
    }
  ok = apply_pending (store, component, sorted, n_steps, applied, error);
  if (touched)
    sqlite3_set_authorizer (lj_store_get_db (store), NULL, NULL);
  if (!ok || !foreign_keys_hold (store, component, touched, error) ||
      (guard != NULL && !lj_store_guard_check_triggers (guard, error)))
    {
      lj_store_rollback (store);
      return FALSE;
    }
  return lj_store_commit (store, error);
}

/* (element-type LjSchemaRow) rows as "component:version" strings, for health. */
GPtrArray *
lj_store_list_schema (LjStore *store, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "SELECT component, max(version) FROM lj_schema GROUP BY component ORDER BY component", error);
  int rc;

  if (st == NULL)
    return NULL;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, g_strdup_printf ("%s:%d", sqlite3_column_text (st->stmt, 0),
                                            sqlite3_column_int (st->stmt, 1)));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&rows);
}
