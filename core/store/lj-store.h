/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store: one SQLite connection owned by the server's main thread, opened
 * with the durability and safety settings Lianjian promises (WAL,
 * synchronous=FULL by default, foreign keys, defensive mode, tightened
 * limits), a cache of prepared statements that are always reset after use,
 * transactions, and per-component migrations. */
#pragma once

#include <glib.h>
#include <sqlite3.h>
#include "lianjian/lianjian.h"

G_BEGIN_DECLS

#define LJ_STORE_ERROR (lj_store_error_quark ())
GQuark lj_store_error_quark (void);

typedef enum {
  LJ_STORE_ERROR_OPEN,        /* cannot open or configure the database */
  LJ_STORE_ERROR_BUSY,        /* locked by another process beyond the busy timeout */
  LJ_STORE_ERROR_CONSTRAINT,  /* a constraint the validation did not catch */
  LJ_STORE_ERROR_FULL,        /* disk full */
  LJ_STORE_ERROR_CORRUPT,     /* damaged file or not a database */
  LJ_STORE_ERROR_IO,          /* I/O error */
  LJ_STORE_ERROR_NEWER,       /* the database was written by a newer Lianjian */
  LJ_STORE_ERROR_CHECKSUM,    /* an applied migration step was edited */
  LJ_STORE_ERROR_FAILED,
  LJ_STORE_ERROR_STOPPED,     /* writes stopped after an I/O error, until restart */
} LjStoreError;

typedef enum {
  LJ_STORE_SYNC_FULL,
  LJ_STORE_SYNC_NORMAL,
} LjStoreSync;

typedef enum {
  LJ_STORE_TXN_READ,   /* BEGIN: a consistent snapshot for a read */
  LJ_STORE_TXN_WRITE,  /* BEGIN IMMEDIATE: takes the write lock up front */
} LjStoreTxn;

typedef struct _LjStore LjStore;

/* A cached prepared statement, borrowed until released.  Use with
 * g_autoptr (LjStmt) so it is always reset, which also ends the read it
 * holds (an un-reset statement would block WAL checkpoints). */
struct _LjStmt {
  sqlite3_stmt *stmt;
  /*< private >*/
  LjStore *store;
  gboolean owned;
  gboolean in_use;
};

typedef struct {
  guint        version;
  const char  *name;
  const char  *sql;
} LjMigrationStep;

LjStore      *lj_store_open (const char *path, LjStoreSync sync, guint busy_timeout_ms, GError **error);
void          lj_store_free (LjStore *store);
sqlite3      *lj_store_get_db (LjStore *store);
const char   *lj_store_get_path (LjStore *store);

LjStmt       *lj_store_prepare (LjStore *store, const char *sql, GError **error);
gboolean      lj_store_exec (LjStore *store, const char *sql, GError **error);

gboolean      lj_store_begin (LjStore *store, LjStoreTxn mode, GError **error);
gboolean      lj_store_commit (LjStore *store, GError **error);
void          lj_store_rollback (LjStore *store);
gboolean      lj_store_in_transaction (LjStore *store);
gboolean      lj_store_check (LjStore *store, GError **error);
const char   *lj_store_get_failure (LjStore *store);

gboolean      lj_store_set_error (LjStore *store, GError **error, int rc, const char *context);

gboolean      lj_store_migrate (LjStore *store, const char *component, const LjMigrationStep *steps, guint n_steps, GError **error);
GPtrArray    *lj_store_list_schema (LjStore *store, GError **error);
gint64        lj_store_now_seconds (void);
char         *lj_store_timestamp_now (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjStore, lj_store_free)

/* ---- the memo (lj-store-memo.c): integers remembered while the data is
 * unchanged, such as list totals; the key carries everything else the
 * value depends on. */
typedef struct _LjStoreMemo LjStoreMemo;

LjStoreMemo  *lj_store_memo_new (void);
void          lj_store_memo_free (LjStoreMemo *memo);
LjStoreMemo  *lj_store_get_memo (LjStore *store);
gboolean      lj_store_memo_lookup (LjStore *store, const char *key, gint64 *value);
void          lj_store_memo_remember (LjStore *store, const char *key, gint64 value);

G_END_DECLS

/* ---- the schema guard for plugin migrations (lj-store-authorizer.c) ----
 *
 * While a plugin's migration steps run, an sqlite3 authorizer lets them
 * create, alter and drop only tables, indexes, triggers and views whose
 * names start with the plugin's prefix (an index must also be on such a
 * table; a trigger may be on any table, and its body may write only the
 * plugin's tables), write only those tables, and read anything.  Pragmas other
 * than a few read-only ones, ATTACH, DETACH and savepoints are refused.
 * The authorizer runs when a statement is prepared: installing it expires
 * every cached statement, so they are checked again when next used. */
G_BEGIN_DECLS

typedef struct _LjStoreGuard LjStoreGuard;

/* Installs the guard on @store's connection; @prefix such as `visit_log_`. */
LjStoreGuard *lj_store_guard_new (LjStore *store, const char *prefix);
/* Prepares (never runs) a write on every table that carries one of the
 * plugin's triggers, so SQLite compiles the trigger bodies while the guard
 * watches: a body that writes outside the prefix is refused.  Called by
 * lj_store_migrate () before it commits. */
gboolean      lj_store_guard_check_triggers (LjStoreGuard *guard, GError **error);
void          lj_store_set_guard (LjStore *store, LjStoreGuard *guard);
LjStoreGuard *lj_store_get_guard (LjStore *store);
/* The first statement the guard refused, as a sentence, or NULL. */
const char   *lj_store_guard_get_denial (LjStoreGuard *guard);
/* Removes the guard. */
void          lj_store_guard_free (LjStoreGuard *guard);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjStoreGuard, lj_store_guard_free)

G_END_DECLS
