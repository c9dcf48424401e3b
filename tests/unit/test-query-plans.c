/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Query plans of the hot paths, checked in CI where nothing is timed: every
 * statement the server runs for a set of representative requests is
 * captured (sqlite3_trace_v2) and explained; a full scan of a table that
 * grows with the province (enterprises, members, activities, attendance,
 * the audit trail, tokens) fails the test unless the statement is one of
 * the few whose job is to read the whole table.  A regression (a lost
 * index, a filter that stops using one) shows here before a benchmark. */
#include "app/lj-app-private.h"
#include "auth/lj-auth.h"
#include "domain/lj-core.h"
#include "domain/lj-demo.h"
#include "http/lj-request-private.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char       *dir;
  LjConfig   *config;
  LjStore    *store;
  LjApp      *app;
  char       *admin;
  char       *secretary;
  GHashTable *statements;   /* SQL text -> the request that ran it */
  const char *current;
} Fixture;

/* Tables whose size grows with the park: a full scan is a bug. */
static const char *const big_tables[] = {
  "enterprises", "members", "activities", "activity_attendance", "audit", "sessions", "api_tokens",
  "organization_enterprises", "enterprise_chains", "timeline_entries", "transitions", "users", NULL
};

static int
trace (unsigned type, void *data, void *p, void *x)
{
  Fixture *f = data;
  const char *sql = x;

  if (type == SQLITE_TRACE_STMT && sql && g_ascii_strncasecmp (sql, "--", 2) != 0 &&
      !g_hash_table_contains (f->statements, sql))
    g_hash_table_insert (f->statements, g_strdup (sql), g_strdup (f->current));
  return 0;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 org = 0;

  f->dir = g_dir_make_tmp ("lj-plans-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "park.db", NULL);
  f->config = lj_config_new ();
  f->store = lj_store_open (path, LJ_STORE_SYNC_NORMAL, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (lj_core_migrate (f->store, &error));
  g_assert_true (lj_demo_load (lj_store_get_db (f->store), LJ_DEMO_DEFAULT_SEED, &error));
  /* No ANALYZE: without statistics SQLite plans as if every table were
   * large, which is the province we care about, not the small demo. */
  lj_auth_use_test_profile ();
  g_assert_true (lj_auth_create_user (f->store, "plans-admin", "Admin", LJ_ROLE_ADMIN, 0, NULL, &f->admin, NULL,
                                      &error));
  {
    g_autoptr (LjStmt) st = lj_store_prepare (f->store,
      "SELECT id FROM organizations WHERE kind = 'chain_committee' ORDER BY id LIMIT 1", &error);
    g_assert_cmpint (lj_stmt_step (st, &error), ==, SQLITE_ROW);
    org = sqlite3_column_int64 (st->stmt, 0);
  }
  g_assert_true (lj_auth_create_user (f->store, "plans-secretary", "Secretary", LJ_ROLE_SECRETARY, org, NULL,
                                      &f->secretary, NULL, &error));
  f->app = lj_app_new (f->config, f->store);
  g_assert_true (lj_core_register (f->app, &error));
  f->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_trace_v2 (lj_store_get_db (f->store), SQLITE_TRACE_STMT, trace, f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "park.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  sqlite3_trace_v2 (lj_store_get_db (f->store), 0, NULL, NULL);
  g_hash_table_unref (f->statements);
  lj_app_free (f->app);
  lj_store_free (f->store);
  lj_config_free (f->config);
  g_free (f->admin);
  g_free (f->secretary);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Runs one request through the dispatcher, as the given token; the
 * response body in @out when asked for. */
static guint
run_full (Fixture *f, const char *token, const char *method, const char *path_and_query, const char *body,
          char **out)
{
  g_autofree char *path = g_strdup (path_and_query);
  char *q = strchr (path, '?');
  g_autoptr (LjRequest) req = NULL;
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

  if (q)
    *q++ = '\0';
  req = lj_request_new (method, path, q);
  lj_request_add_header (req, "Authorization", auth);
  if (body)
    {
      lj_request_add_header (req, "Content-Type", "application/json");
      lj_request_take_body (req, g_bytes_new (body, strlen (body)));
    }
  f->current = path_and_query;
  lj_app_dispatch (f->app, req);
  f->current = NULL;
  if (out)
    {
      gsize len = 0;
      const char *text = lj_request_get_response_body (req, &len);
      *out = g_strndup (text, len);
    }
  return lj_request_get_status (req);
}

static guint
run (Fixture *f, const char *token, const char *method, const char *path_and_query, const char *body)
{
  return run_full (f, token, method, path_and_query, body, NULL);
}

/* The URL of the second page of @path (which must have a next page). */
static char *
second_page (Fixture *f, const char *path)
{
  g_autofree char *body = NULL;
  g_autoptr (JsonNode) node = NULL;
  const char *cursor;

  g_assert_cmpuint (run_full (f, f->admin, "GET", path, NULL, &body), ==, 200);
  node = json_from_string (body, NULL);
  g_assert_nonnull (node);
  cursor = json_object_get_string_member (json_node_get_object (node), "next_cursor");
  g_assert_nonnull (cursor);
  return g_strdup_printf ("%s&cursor=%s", path, cursor);
}

/* The two shapes whose job is to walk a table, named here instead of
 * being silently allowed: a list page walks the sort key's index (or the
 * rowid) in order and stops after `limit` + 1 rows (keyset paging), and a
 * list's `total` counts every matching row.  Everything else must find its
 * rows through an index. */
static gboolean
scan_expected (const char *sql)
{
  gboolean page = g_str_has_prefix (sql, "SELECT t.id, t.version, ") && strstr (sql, " ORDER BY ") &&
                  g_str_has_suffix (sql, " LIMIT ?");
  gboolean total = g_str_has_prefix (sql, "SELECT count(*) FROM ") &&
                   (strstr (sql, " t WHERE 1") || g_str_has_suffix (sql, " t"));

  return page || total;
}

/* EXPLAIN QUERY PLAN names aliases ("SCAN t"), so map each `FROM table
 * alias` / `JOIN table alias` of @sql back to its table. */
static GHashTable *
aliases_of (const char *sql)
{
  static const char *const keywords[] = { "where", "on", "join", "left", "inner", "cross", "order", "group",
                                          "limit", "using", "natural", "union", "as", NULL };
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GRegex) re = g_regex_new ("\\b(?:FROM|JOIN)\\s+([A-Za-z_][A-Za-z0-9_]*)(?:\\s+(?:AS\\s+)?([A-Za-z_][A-Za-z0-9_]*))?",
                                       G_REGEX_CASELESS, 0, NULL);
  g_autoptr (GMatchInfo) m = NULL;

  g_regex_match (re, sql, 0, &m);
  while (g_match_info_matches (m))
    {
      g_autofree char *table = g_match_info_fetch (m, 1);
      g_autofree char *alias = g_match_info_fetch (m, 2);
      g_autofree char *lower = alias ? g_ascii_strdown (alias, -1) : NULL;

      g_hash_table_replace (map, g_strdup (table), g_strdup (table));
      if (alias && *alias && !g_strv_contains (keywords, lower))
        g_hash_table_replace (map, g_strdup (alias), g_strdup (table));
      g_match_info_next (m, NULL);
    }
  return map;
}

/* Full scans of big tables in the plan of @sql, as text; NULL when none.
 * With @covering_ok, a walk of a whole covering index is not counted: the
 * park-wide statistics count every row by design, and do it on an index. */
static char *
full_scans (Fixture *f, const char *sql, gboolean covering_ok)
{
  g_autoptr (GHashTable) aliases = aliases_of (sql);
  g_autofree char *eqp = g_strdup_printf ("EXPLAIN QUERY PLAN %s", sql);
  g_autoptr (GString) found = g_string_new (NULL);
  sqlite3_stmt *st = NULL;

  if (sqlite3_prepare_v2 (lj_store_get_db (f->store), eqp, -1, &st, NULL) != SQLITE_OK)
    return NULL;   /* not a plain statement (PRAGMA, BEGIN): nothing to explain */
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (st, 3);
      g_autofree char *name = NULL;
      const char *table;

      /* "SCAN x" or "SCAN x USING [COVERING] INDEX …": every row is read
       * either way. */
      if (detail == NULL || !g_str_has_prefix (detail, "SCAN "))
        continue;
      if (covering_ok && strstr (detail, " USING COVERING INDEX ") != NULL)
        continue;
      name = g_strndup (detail + 5, strcspn (detail + 5, " "));
      table = g_hash_table_lookup (aliases, name);
      if (table == NULL)
        table = name;
      if (g_strv_contains (big_tables, table))
        g_string_append_printf (found, "%s%s (%s)", found->len ? "; " : "", detail, table);
    }
  sqlite3_finalize (st);
  return found->len ? g_string_free (g_steal_pointer (&found), FALSE) : NULL;
}

/* A chain's enterprises by name: read from enterprise_chains' (chain_id,
 * sort_name, enterprise_id) index in order, never gathered and sorted. */
#define CHAIN_PAGE "/api/v1/enterprises?chain_id=1&ownership=non_public&sort=name&limit=5"

/* The plan of @sql, one detail per line. */
static char *
plan_of (Fixture *f, const char *sql)
{
  g_autofree char *eqp = g_strdup_printf ("EXPLAIN QUERY PLAN %s", sql);
  g_autoptr (GString) plan = g_string_new (NULL);
  sqlite3_stmt *st = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (lj_store_get_db (f->store), eqp, -1, &st, NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (st, 3));
  sqlite3_finalize (st);
  return g_string_free (g_steal_pointer (&plan), FALSE);
}

static void
assert_pages_in_index_order (Fixture *f, const char *origin)
{
  GHashTableIter iter;
  const char *sql, *from;
  guint pages = 0;

  g_hash_table_iter_init (&iter, f->statements);
  while (g_hash_table_iter_next (&iter, (gpointer *) &sql, (gpointer *) &from))
    {
      g_autofree char *plan = NULL;

      if (g_strcmp0 (from, origin) != 0 || strstr (sql, " ORDER BY ") == NULL || !g_str_has_suffix (sql, "LIMIT ?"))
        continue;
      plan = plan_of (f, sql);
      if (strstr (plan, "TEMP B-TREE") != NULL || strstr (plan, "enterprise_chains_name_idx") == NULL)
        g_test_fail_printf ("%s sorts instead of walking enterprise_chains_name_idx:\n  %s\n%s", origin, sql, plan);
      pages++;
    }
  g_assert_cmpuint (pages, >=, 1);
}

static void
test_hot_paths (Fixture *f, gconstpointer data)
{
  static const char *const admin_reads[] = {
    "/api/v1/enterprises?limit=50&sort=name",
    "/api/v1/enterprises?limit=50&sort=-employees&three_haves=true&covered=false",
    "/api/v1/enterprises?q=%E9%93%9C%E4%B8%9A%E6%9C%89",   /* 铜业有: FTS (two characters would be a LIKE scan) */
    "/api/v1/members?q=%E5%BC%A0%E5%BB%BA",                /* 张建: two characters, LIKE, allowed as a page */
    "/api/v1/enterprises/55",
    "/api/v1/members?org_id=13&limit=50",
    "/api/v1/members?enterprise_id=5&limit=50",
    "/api/v1/members/12",
    "/api/v1/activities?limit=50&sort=-starts_at",
    "/api/v1/activities/3/attendance",
    "/api/v1/organizations/2/subtree",
    "/api/v1/enterprises/55/timeline",
    "/api/v1/audit?entity=members&entity_id=12",
    "/api/v1/me",
    "/api/v1/stats/overview?chain_id=1",
    CHAIN_PAGE,
  };
  g_autofree char *page_two = second_page (f, "/api/v1/enterprises?limit=5&sort=name");
  g_autofree char *chain_two = second_page (f, CHAIN_PAGE);
  g_autoptr (GString) report = g_string_new (NULL);
  GHashTableIter iter;
  const char *sql, *origin;

  for (guint i = 0; i < G_N_ELEMENTS (admin_reads); i++)
    g_assert_cmpuint (run (f, f->admin, "GET", admin_reads[i], NULL), ==, 200);
  /* A deep page seeks to its cursor (a row value), it does not walk there. */
  g_assert_cmpuint (run (f, f->admin, "GET", page_two, NULL), ==, 200);
  g_assert_cmpuint (run (f, f->admin, "GET", chain_two, NULL), ==, 200);
  assert_pages_in_index_order (f, CHAIN_PAGE);
  assert_pages_in_index_order (f, chain_two);
  /* The park's figures walk covering indexes and nothing else. */
  g_assert_cmpuint (run (f, f->admin, "GET", "/api/v1/stats/overview", NULL), ==, 200);
  /* A secretary's list and write go through the scope functions. */
  g_assert_cmpuint (run (f, f->secretary, "GET", "/api/v1/members?limit=50", NULL), ==, 200);
  g_assert_cmpuint (run (f, f->secretary, "PATCH", "/api/v1/members/12", "{\"position\":\"plan check\"}"), !=, 500);
  g_assert_cmpuint (run (f, f->admin, "POST", "/api/v1/activities",
                         "{\"title\":\"计划检查\",\"kind\":\"theory_study\",\"organizer_org_id\":13,"
                         "\"starts_at\":\"2026-03-01T02:00:00Z\"}"), ==, 201);
  g_assert_cmpuint (g_hash_table_size (f->statements), >, 20);
  /* The detector itself: an unindexed filter is a scan, a key lookup is not. */
  {
    g_autofree char *bad = full_scans (f, "SELECT id FROM members WHERE gender = 'male'", FALSE);
    g_autofree char *good = full_scans (f, "SELECT id FROM members WHERE id = 7", FALSE);
    g_autofree char *aliased = full_scans (f, "SELECT count(*) FROM audit t WHERE t.action = 'x'", FALSE);
    g_autofree char *covering = full_scans (f, "SELECT count(*) FROM members WHERE org_id > 0", TRUE);
    g_autofree char *table = full_scans (f, "SELECT count(*) FROM members WHERE gender = 'male'", TRUE);

    g_assert_nonnull (bad);
    g_assert_null (good);
    g_assert_nonnull (aliased);
    g_assert_null (covering);
    g_assert_nonnull (table);
  }
  g_hash_table_iter_init (&iter, f->statements);
  while (g_hash_table_iter_next (&iter, (gpointer *) &sql, (gpointer *) &origin))
    {
      g_autofree char *scans = full_scans (f, sql, g_strcmp0 (origin, "/api/v1/stats/overview") == 0);

      if (scans && !scan_expected (sql))
        g_string_append_printf (report, "\n  %s\n    from %s\n    plan: %s", sql, origin ? origin : "?", scans);
    }
  if (report->len)
    g_test_fail_printf ("full scans of big tables:%s", report->str);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/query-plans/hot-paths", Fixture, NULL, fixture_set_up, test_hot_paths, fixture_tear_down);
  return g_test_run ();
}
