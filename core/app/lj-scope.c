/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Organisation scope: a secretary may write what their organisation or an
 * organisation below it owns.  The subtree is read once per request (one
 * recursive query over the indexed parent_id) and kept on the request; SQL
 * sees the same rule as lj_in_scope(org_id), with lj_role(), lj_user_id()
 * and lj_org_id(), so declarations and plugins can filter in SQL; and
 * lj_now(), the clock tests can move. */
#include "lj-app-private.h"

static GHashTable *
load_subtree (LjStore *store, gint64 root)
{
  static const char sql[] =
    "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT o.id FROM organizations o JOIN sub ON o.parent_id = sub.id) "
    "SELECT id FROM sub";
  GHashTable *set = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, &error);
  int rc;

  if (st == NULL)
    {
      g_warning ("cannot read the organisation tree: %s", error->message);
      return set;
    }
  sqlite3_bind_int64 (st->stmt, 1, root);
  while ((rc = lj_stmt_step (st, &error)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (st->stmt, 0);
      g_hash_table_add (set, id);
    }
  if (rc < 0)
    g_warning ("cannot read the organisation tree: %s", error->message);
  return set;
}

gboolean
lj_request_org_in_scope (LjRequest *req, gint64 org_id)
{
  const LjPrincipal *p = lj_request_get_principal (req);
  GHashTable *scope;

  if (p->role == LJ_ROLE_ADMIN)
    return TRUE;
  if (p->role != LJ_ROLE_SECRETARY || org_id <= 0 || p->org_id <= 0)
    return FALSE;
  if (org_id == p->org_id)
    return TRUE;
  if ((scope = lj_request_get_scope_cache (req)) == NULL)
    {
      scope = load_subtree (lj_request_get_store (req), p->org_id);
      lj_request_set_scope_cache (req, scope);
    }
  return g_hash_table_contains (scope, &org_id);
}

static LjRequest *
current_request (sqlite3_context *ctx)
{
  LjApp *app = sqlite3_user_data (ctx);

  return app->current_req;
}

static void
sql_in_scope (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  LjRequest *req = current_request (ctx);

  if (req == NULL || sqlite3_value_type (argv[0]) != SQLITE_INTEGER)
    {
      sqlite3_result_int (ctx, req && lj_request_get_role (req) == LJ_ROLE_ADMIN);
      return;
    }
  sqlite3_result_int (ctx, lj_request_org_in_scope (req, sqlite3_value_int64 (argv[0])));
}

static void
sql_role (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  LjRequest *req = current_request (ctx);

  sqlite3_result_text (ctx, lj_role_to_string (req ? lj_request_get_role (req) : LJ_ROLE_NONE), -1, SQLITE_STATIC);
}

static void
sql_user_id (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  LjRequest *req = current_request (ctx);

  sqlite3_result_int64 (ctx, req ? lj_request_get_user_id (req) : 0);
}

static void
sql_org_id (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  LjRequest *req = current_request (ctx);

  sqlite3_result_int64 (ctx, req ? lj_request_get_org_id (req) : 0);
}

/* lj_now(): the injectable clock as `YYYY-MM-DDTHH:MM:SSZ`, so derived
 * fields and filters ("overdue now") follow lj_clock in tests too. */
static void
sql_now (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  sqlite3_result_text (ctx, lj_clock_now_timestamp (), -1, g_free);
}

/* DIRECTONLY: these depend on who is asking, so they must never be baked
 * into a trigger, view or index. */
void
lj_scope_register_sql_functions (LjApp *app)
{
  static const struct {
    const char *name;
    int nargs;
    void (*func) (sqlite3_context *, int, sqlite3_value **);
  } functions[] = {
    { "lj_in_scope", 1, sql_in_scope },
    { "lj_role", 0, sql_role },
    { "lj_user_id", 0, sql_user_id },
    { "lj_org_id", 0, sql_org_id },
    { "lj_now", 0, sql_now },
  };
  sqlite3 *db;

  if (app->store == NULL)
    return;
  db = lj_store_get_db (app->store);
  for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
    sqlite3_create_function_v2 (db, functions[i].name, functions[i].nargs, SQLITE_UTF8 | SQLITE_DIRECTONLY, app,
                                functions[i].func, NULL, NULL, NULL);
}
