/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SQLite connection, its settings, the statement cache and transactions.
 * Migrations live in lj-migrations.c. */
#include "lj-store.h"

#include <string.h>

/* Above this many cached statements, idle ones are dropped: list queries are
 * built from the filters a client sends, so their SQL text varies. */
#define LJ_STORE_CACHE_MAX 256
#define LJ_STORE_LIMIT_LENGTH 4000000
#define LJ_STORE_LIMIT_SQL_LENGTH 100000
#define LJ_STORE_LIMIT_VARIABLES 999

struct _LjStore {
  sqlite3    *db;
  char       *path;
  GHashTable *cache;     /* SQL text -> LjStmt* */
  gboolean    in_txn;
  char       *failure;   /* set by the first I/O error: writes stop until restart */
  LjStoreMemo *memo;     /* remembered list totals (lj-store-memo.c) */
  LjStoreGuard *guard;   /* the schema guard while a plugin migrates, or NULL */
};

G_DEFINE_QUARK (lj-store-error-quark, lj_store_error)

static int
store_error_code (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return LJ_STORE_ERROR_BUSY;
    case SQLITE_CONSTRAINT:
      return LJ_STORE_ERROR_CONSTRAINT;
    case SQLITE_FULL:
      return LJ_STORE_ERROR_FULL;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return LJ_STORE_ERROR_CORRUPT;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return LJ_STORE_ERROR_IO;
    default:
      return LJ_STORE_ERROR_FAILED;
    }
}

/* Always returns FALSE so callers can `return lj_store_set_error (...)`. */
gboolean
lj_store_set_error (LjStore *store, GError **error, int rc, const char *context)
{
  const char *msg = store && store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc);

  /* A write or fsync that failed may have left the file in a state no one
   * can vouch for: stop writing rather than retry blindly (a full disk is
   * not this: it is reported as it comes and recovers by itself). */
  if (store && (rc & 0xff) == SQLITE_IOERR && store->failure == NULL)
    {
      store->failure = g_strdup_printf ("%s: %s (%d)", context, msg, rc);
      g_warning ("database %s: I/O error (%s); writes are stopped until the server is restarted and the "
                  "disk is checked", store->path, store->failure);
    }
  g_set_error (error, LJ_STORE_ERROR, store_error_code (rc),
               "%s: %s (%d)", context, msg, rc);
  return FALSE;
}

/* Why writes are stopped, or NULL while the store is healthy. */
const char *
lj_store_get_failure (LjStore *store)
{
  return store->failure;
}

static void
stmt_free (gpointer data)
{
  LjStmt *st = data;

  sqlite3_finalize (st->stmt);
  g_free (st);
}

static gboolean
store_configure (LjStore *store, LjStoreSync sync, guint busy_timeout_ms, GError **error)
{
  sqlite3 *db = store->db;
  g_autofree char *journal = NULL;
  const char *pragmas;

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, busy_timeout_ms);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  /* The schema is ours and its triggers keep the FTS5 indexes in step;
   * FTS5 is not marked innocuous, so an untrusted schema could not. */
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, LJ_STORE_LIMIT_LENGTH);
  sqlite3_limit (db, SQLITE_LIMIT_SQL_LENGTH, LJ_STORE_LIMIT_SQL_LENGTH);
  sqlite3_limit (db, SQLITE_LIMIT_VARIABLE_NUMBER, LJ_STORE_LIMIT_VARIABLES);
  sqlite3_limit (db, SQLITE_LIMIT_ATTACHED, 0);

  if (!lj_store_exec (store, "PRAGMA journal_mode=WAL", error))
    return FALSE;
  pragmas = sync == LJ_STORE_SYNC_FULL
    ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY"
    : "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY";
  if (!lj_store_exec (store, pragmas, error))
    return FALSE;

  /* WAL is persistent in the file; if it did not take (a read-only
   * directory, a network file system), say so now rather than later. */
  {
    g_autoptr (LjStmt) st = lj_store_prepare (store, "PRAGMA journal_mode", error);
    if (st == NULL)
      return FALSE;
    if (sqlite3_step (st->stmt) == SQLITE_ROW)
      journal = g_strdup ((const char *) sqlite3_column_text (st->stmt, 0));
  }
  if (g_strcmp0 (journal, "wal") != 0)
    {
      g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_OPEN,
                   "%s: cannot switch to WAL journal mode (got %s)",
                   store->path, journal ? journal : "nothing");
      return FALSE;
    }
  return TRUE;
}

/* Proves at start-up that the file is a database and writable: a file
 * that is not one, or a read-only one, fails here with a clear message,
 * not on the first write a user makes.  Reading the schema checks the
 * header and the schema pages; a full quick_check reads every page (8 s on
 * a province database), so it is `lianjian check`'s job, not every start's. */
static gboolean
store_probe (LjStore *store, GError **error)
{
  {
    g_autoptr (LjStmt) st = lj_store_prepare (store, "SELECT count(*) FROM sqlite_schema", error);
    if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
      {
        g_prefix_error (error, "%s: ", store->path);
        return FALSE;
      }
  }
  if (!lj_store_begin (store, LJ_STORE_TXN_WRITE, error))
    return FALSE;
  lj_store_rollback (store);
  return TRUE;
}

LjStore *
lj_store_open (const char *path, LjStoreSync sync, guint busy_timeout_ms, GError **error)
{
  g_autoptr (LjStore) store = g_new0 (LjStore, 1);
  int rc;

  store->path = g_strdup (path);
  store->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stmt_free);
  store->memo = lj_store_memo_new ();
  rc = sqlite3_open_v2 (path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_OPEN, "cannot open database %s: %s",
                   path, store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
      return NULL;
    }
  if (!store_configure (store, sync, busy_timeout_ms, error) || !store_probe (store, error))
    {
      g_prefix_error (error, "opening the database %s: ", path);
      return NULL;
    }
  return g_steal_pointer (&store);
}

/**
 * lj_store_check:
 * Runs PRAGMA quick_check (every page, every index entry); FALSE with
 * LJ_STORE_ERROR_CORRUPT naming the first problem.  For `lianjian check`.
 */
gboolean
lj_store_check (LjStore *store, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, "PRAGMA quick_check", error);
  g_autofree char *verdict = NULL;

  if (st == NULL)
    return FALSE;
  if (sqlite3_step (st->stmt) == SQLITE_ROW)
    verdict = g_strdup ((const char *) sqlite3_column_text (st->stmt, 0));
  if (g_strcmp0 (verdict, "ok") == 0)
    return TRUE;
  g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_CORRUPT, "%s: integrity check failed: %s", store->path,
               verdict ? verdict : "no answer");
  return FALSE;
}

void
lj_store_free (LjStore *store)
{
  if (store == NULL)
    return;
  if (store->in_txn)
    lj_store_rollback (store);
  g_clear_pointer (&store->cache, g_hash_table_destroy);
  g_clear_pointer (&store->memo, lj_store_memo_free);
  if (store->db)
    {
      /* Every statement must be back in the cache by now; a leaked one is
       * a bug that sqlite3_close () reports as SQLITE_BUSY. */
      if (sqlite3_close (store->db) != SQLITE_OK)
        g_critical ("closing %s: %s", store->path, sqlite3_errmsg (store->db));
    }
  g_free (store->failure);
  g_free (store->path);
  g_free (store);
}

LjStoreMemo *
lj_store_get_memo (LjStore *store)
{
  return store->memo;
}

sqlite3 *
lj_store_get_db (LjStore *store)
{
  return store->db;
}

const char *
lj_store_get_path (LjStore *store)
{
  return store->path;
}

/* The guard lj_store_migrate () asks to check trigger bodies before it
 * commits (lj-store-authorizer.c sets and clears it). */
void
lj_store_set_guard (LjStore *store, LjStoreGuard *guard)
{
  store->guard = guard;
}

LjStoreGuard *
lj_store_get_guard (LjStore *store)
{
  return store->guard;
}

static void
cache_evict_idle (LjStore *store)
{
  GHashTableIter iter;
  LjStmt *st;

  g_hash_table_iter_init (&iter, store->cache);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &st))
    if (!st->in_use)
      g_hash_table_iter_remove (&iter);
}

LjStmt *
lj_store_prepare (LjStore *store, const char *sql, GError **error)
{
  LjStmt *st = g_hash_table_lookup (store->cache, sql);
  sqlite3_stmt *raw = NULL;
  gboolean cache_it;
  int rc;

  if (st != NULL && !st->in_use)
    {
      st->in_use = TRUE;
      return st;
    }
  /* The same SQL already in use (a nested query) gets a private copy. */
  cache_it = st == NULL;
  rc = sqlite3_prepare_v3 (store->db, sql, -1, cache_it ? SQLITE_PREPARE_PERSISTENT : 0, &raw, NULL);
  if (rc != SQLITE_OK)
    {
      lj_store_set_error (store, error, rc, "preparing a statement");
      g_debug ("failed SQL: %s", sql);
      return NULL;
    }
  st = g_new0 (LjStmt, 1);
  st->stmt = raw;
  st->store = store;
  st->in_use = TRUE;
  st->owned = !cache_it;
  if (cache_it)
    {
      if (g_hash_table_size (store->cache) >= LJ_STORE_CACHE_MAX)
        cache_evict_idle (store);
      g_hash_table_insert (store->cache, g_strdup (sql), st);
    }
  return st;
}

void
lj_stmt_release (LjStmt *st)
{
  if (st == NULL)
    return;
  sqlite3_reset (st->stmt);
  sqlite3_clear_bindings (st->stmt);
  st->in_use = FALSE;
  if (st->owned)
    stmt_free (st);
}

/* Steps once; returns SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
int
lj_stmt_step (LjStmt *st, GError **error)
{
  int rc = sqlite3_step (st->stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  lj_store_set_error (st->store, error, rc, "running a statement");
  return -1;
}

gboolean
lj_stmt_step_done (LjStmt *st, GError **error)
{
  int rc = lj_stmt_step (st, error);

  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

gboolean
lj_store_exec (LjStore *store, const char *sql, GError **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, &errmsg);

  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, LJ_STORE_ERROR, store_error_code (rc), "%s (%d)",
               errmsg ? errmsg : sqlite3_errstr (rc), rc);
  sqlite3_free (errmsg);
  return FALSE;
}

gboolean
lj_store_begin (LjStore *store, LjStoreTxn mode, GError **error)
{
  g_autoptr (LjStmt) st = NULL;

  g_return_val_if_fail (!store->in_txn, FALSE);
  if (mode == LJ_STORE_TXN_WRITE && store->failure)
    {
      g_set_error (error, LJ_STORE_ERROR, LJ_STORE_ERROR_STOPPED,
                   "writes are stopped after an I/O error: %s", store->failure);
      return FALSE;
    }
  st = lj_store_prepare (store, mode == LJ_STORE_TXN_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", error);
  if (st == NULL || !lj_stmt_step_done (st, error))
    return FALSE;
  store->in_txn = TRUE;
  return TRUE;
}

gboolean
lj_store_commit (LjStore *store, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, "COMMIT", error);

  if (st == NULL || !lj_stmt_step_done (st, error))
    {
      lj_store_rollback (store);
      return FALSE;
    }
  store->in_txn = FALSE;
  return TRUE;
}

void
lj_store_rollback (LjStore *store)
{
  /* Not cached: a rollback must work even when preparing fails. */
  if (sqlite3_get_autocommit (store->db) == 0)
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  store->in_txn = FALSE;
}

gboolean
lj_store_in_transaction (LjStore *store)
{
  return store->in_txn;
}

gint64
lj_store_now_seconds (void)
{
  return lj_clock_now_seconds ();
}

char *
lj_store_timestamp_now (void)
{
  return lj_clock_now_timestamp ();
}
