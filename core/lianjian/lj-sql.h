/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for handlers: statements prepared on the request's connection, cached,
 * and always reset when released (use g_autoptr (LjStmt)).  Every value
 * goes in as a bound parameter; the SQL text must be a constant of the
 * caller, never built from input.  Plugins link the system SQLite shared
 * library through lianjian-1.pc, never a copy of their own. */
#pragma once

#if !defined(__LIANJIAN_H_INSIDE__) && !defined(LIANJIAN_COMPILATION)
#error "Only <lianjian/lianjian.h> can be included directly."
#endif

#include <lianjian/lj-version.h>
#include <lianjian/lj-request.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _LjStmt LjStmt;

/**
 * lj_request_prepare:
 * Prepares @sql on the store the request runs against (inside its
 * transaction).  Returns: (transfer full) (nullable): the statement; release
 * it (g_autoptr) before the handler returns.
 */
LJ_AVAILABLE_IN_1_0
LjStmt       *lj_request_prepare (LjRequest *req, const char *sql, GError **error);
/* Returns: (transfer none): the SQLite statement, for sqlite3_bind_* and sqlite3_column_*. */
LJ_AVAILABLE_IN_1_0
sqlite3_stmt *lj_stmt_get (LjStmt *st);
/* Steps once: SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
LJ_AVAILABLE_IN_1_0
int           lj_stmt_step (LjStmt *st, GError **error);
/* Steps a statement that returns no rows. */
LJ_AVAILABLE_IN_1_0
gboolean      lj_stmt_step_done (LjStmt *st, GError **error);
LJ_AVAILABLE_IN_1_0
void          lj_stmt_release (LjStmt *st);
/* The rowid of the last INSERT on the request's connection. */
LJ_AVAILABLE_IN_1_0
gint64        lj_request_last_insert_id (LjRequest *req);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjStmt, lj_stmt_release)

G_END_DECLS
