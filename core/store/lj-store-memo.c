/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's memo: integers computed by SQL (list totals), remembered
 * while the database is unchanged.
 *
 * A filtered list counts every match for its `total` on every page; at
 * province scale that is 5–15 ms for a big chain, more than the page
 * itself, and it is the same count on page 1 and page 200.  The memo keeps
 * one generation of answers: the generation is the pager's data version
 * (moves on every commit, from this connection or another process) together
 * with this connection's change counter (moves inside our own uncommitted
 * write transaction).  When either moves, every entry is dropped: there is
 * no per-table bookkeeping to get wrong, and writes are rare next to reads.
 *
 * The caller owns the key: it must hold everything the answer depends on
 * besides the data (the SQL, its bound values, the principal the scope
 * functions see, and lj_now () when the SQL reads it). */
#include "store/lj-store.h"

/* A bound on memory, not a tuning knob: one entry per distinct list query
 * between two writes. */
#define LJ_STORE_MEMO_MAX 1024

struct _LjStoreMemo {
  GHashTable   *entries;      /* key -> gint64* */
  unsigned int  data_version;
  sqlite3_int64 changes;
};

LjStoreMemo *
lj_store_memo_new (void)
{
  LjStoreMemo *memo = g_new0 (LjStoreMemo, 1);

  memo->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return memo;
}

void
lj_store_memo_free (LjStoreMemo *memo)
{
  if (memo == NULL)
    return;
  g_hash_table_destroy (memo->entries);
  g_free (memo);
}

/* Drops the entries of an older generation.  Returns FALSE when the
 * generation cannot be read (then nothing is remembered either). */
static gboolean
memo_sync (LjStoreMemo *memo, sqlite3 *db)
{
  unsigned int version = 0;
  sqlite3_int64 changes = sqlite3_total_changes64 (db);

  if (sqlite3_file_control (db, "main", SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK)
    {
      g_hash_table_remove_all (memo->entries);
      return FALSE;
    }
  if (version != memo->data_version || changes != memo->changes)
    {
      g_hash_table_remove_all (memo->entries);
      memo->data_version = version;
      memo->changes = changes;
    }
  return TRUE;
}

/**
 * lj_store_memo_lookup:
 * @key: everything the value depends on besides the data
 * Returns: TRUE and sets @value when @key was remembered since the last
 *   change to the database.
 */
gboolean
lj_store_memo_lookup (LjStore *store, const char *key, gint64 *value)
{
  LjStoreMemo *memo = lj_store_get_memo (store);
  gint64 *found;

  if (!memo_sync (memo, lj_store_get_db (store)))
    return FALSE;
  found = g_hash_table_lookup (memo->entries, key);
  if (found == NULL)
    return FALSE;
  *value = *found;
  return TRUE;
}

/* Remembers @value for @key until the database next changes.  Call it in
 * the same transaction that computed @value, before anything is written. */
void
lj_store_memo_remember (LjStore *store, const char *key, gint64 value)
{
  LjStoreMemo *memo = lj_store_get_memo (store);

  if (!memo_sync (memo, lj_store_get_db (store)))
    return;
  if (g_hash_table_size (memo->entries) >= LJ_STORE_MEMO_MAX)
    g_hash_table_remove_all (memo->entries);
  g_hash_table_insert (memo->entries, g_strdup (key), g_memdup2 (&value, sizeof value));
}
