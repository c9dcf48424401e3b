/* SPDX-License-Identifier: GPL-3.0-or-later */
/* See lj-fuzz.h. */
#include "lj-fuzz.h"
#include "../api/lj-test-tickets.h"

#include "app/lj-app-private.h"
#include "auth/lj-auth.h"
#include "domain/lj-core.h"
#include "domain/lj-demo.h"
#include "http/lj-request-private.h"
#include "workflow/lj-state-machine-private.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static LjStore *store;
static LjApp *app;
static char *tokens[LJ_FUZZ_N_PRINCIPALS];
static gint64 scope_root[LJ_FUZZ_N_PRINCIPALS];
static char *tmp_dir;

/* Tickets in each state, and one the test principals do not own. */
static const char TICKETS_ROWS[] =
  "INSERT INTO test_tickets (title, org_id, reviewer_org_id, state, created_at, updated_at) VALUES"
  "  ('draft', 9002, 9003, 'draft', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
  "  ('submitted', 9002, 9003, 'submitted', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
  "  ('under review', 9002, 9003, 'under_review', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
  "  ('open', 9002, 9003, 'open', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),"
  "  ('other', 9004, NULL, 'draft', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');";

/* The scope oracle.  Owners as docs/api.md defines them: a member by
 * org_id, an activity by organizer_org_id, an organisation by its parent,
 * a ticket by org_id (or, for events, reviewer_org_id through the
 * `reviewer` predicate).  Chains are admin-only.  Enterprises (covered by
 * any organisation) are not watched. */
static const char ORACLE[] =
  "CREATE TEMP TABLE fuzz_ctx (sec INTEGER NOT NULL);"
  "INSERT INTO temp.fuzz_ctx VALUES (0);"
  "CREATE TEMP TABLE fuzz_scope (org_id INTEGER PRIMARY KEY);"
  "CREATE TEMP TABLE fuzz_violations (what TEXT NOT NULL);"
  "CREATE TEMP TRIGGER fz_m_i AFTER INSERT ON main.members WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND NEW.org_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('member ' || NEW.id || ' created'); END;"
  "CREATE TEMP TRIGGER fz_m_u AFTER UPDATE ON main.members WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND (OLD.org_id NOT IN (SELECT org_id FROM temp.fuzz_scope) OR NEW.org_id NOT IN (SELECT org_id FROM temp.fuzz_scope))"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('member ' || OLD.id || ' updated'); END;"
  "CREATE TEMP TRIGGER fz_m_d AFTER DELETE ON main.members WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND OLD.org_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('member ' || OLD.id || ' deleted'); END;"
  "CREATE TEMP TRIGGER fz_a_i AFTER INSERT ON main.activities WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND NEW.organizer_org_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('activity ' || NEW.id || ' created'); END;"
  "CREATE TEMP TRIGGER fz_a_u AFTER UPDATE ON main.activities WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND (OLD.organizer_org_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "       OR NEW.organizer_org_id NOT IN (SELECT org_id FROM temp.fuzz_scope))"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('activity ' || OLD.id || ' updated'); END;"
  "CREATE TEMP TRIGGER fz_a_d AFTER DELETE ON main.activities WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND OLD.organizer_org_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('activity ' || OLD.id || ' deleted'); END;"
  "CREATE TEMP TRIGGER fz_o_i AFTER INSERT ON main.organizations WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND (NEW.parent_id IS NULL OR NEW.parent_id NOT IN (SELECT org_id FROM temp.fuzz_scope))"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('organization ' || NEW.id || ' created'); END;"
  "CREATE TEMP TRIGGER fz_o_u AFTER UPDATE ON main.organizations WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND (OLD.parent_id IS NULL OR NEW.parent_id IS NULL"
  "       OR OLD.parent_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "       OR NEW.parent_id NOT IN (SELECT org_id FROM temp.fuzz_scope))"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('organization ' || OLD.id || ' updated'); END;"
  "CREATE TEMP TRIGGER fz_o_d AFTER DELETE ON main.organizations WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND (OLD.parent_id IS NULL OR OLD.parent_id NOT IN (SELECT org_id FROM temp.fuzz_scope))"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('organization ' || OLD.id || ' deleted'); END;"
  "CREATE TEMP TRIGGER fz_c_i AFTER INSERT ON main.chains WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('chain created'); END;"
  "CREATE TEMP TRIGGER fz_c_u AFTER UPDATE ON main.chains WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('chain updated'); END;"
  "CREATE TEMP TRIGGER fz_c_d AFTER DELETE ON main.chains WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('chain deleted'); END;"
  "CREATE TEMP TRIGGER fz_t_i AFTER INSERT ON main.test_tickets WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND NEW.org_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('ticket ' || NEW.id || ' created'); END;"
  "CREATE TEMP TRIGGER fz_t_u AFTER UPDATE ON main.test_tickets WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND NOT ((OLD.org_id IN (SELECT org_id FROM temp.fuzz_scope) AND NEW.org_id IN (SELECT org_id FROM temp.fuzz_scope))"
  "           OR (OLD.org_id = NEW.org_id AND OLD.reviewer_org_id IS NEW.reviewer_org_id"
  "               AND NEW.reviewer_org_id IN (SELECT org_id FROM temp.fuzz_scope)"
  "               AND OLD.title IS NEW.title AND OLD.outcome IS NEW.outcome AND OLD.days IS NEW.days))"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('ticket ' || OLD.id || ' updated'); END;"
  "CREATE TEMP TRIGGER fz_t_d AFTER DELETE ON main.test_tickets WHEN (SELECT sec FROM temp.fuzz_ctx)"
  "  AND OLD.org_id NOT IN (SELECT org_id FROM temp.fuzz_scope)"
  "  BEGIN INSERT INTO fuzz_violations VALUES ('ticket ' || OLD.id || ' deleted'); END;";

static void
die (const char *what, const GError *error)
{
  fprintf (stderr, "lj-fuzz: %s: %s\n", what, error ? error->message : "failed");
  abort ();
}

static void
exec_or_die (const char *sql)
{
  g_autoptr (GError) error = NULL;

  if (!lj_store_exec (store, sql, &error))
    die (sql, error);
}

static gint64
query_int (const char *sql)
{
  sqlite3_stmt *st = NULL;
  gint64 v = -1;

  if (sqlite3_prepare_v2 (lj_store_get_db (store), sql, -1, &st, NULL) != SQLITE_OK)
    die (sqlite3_errmsg (lj_store_get_db (store)), NULL);
  if (sqlite3_step (st) == SQLITE_ROW)
    v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

static void
cleanup (void)
{
  g_autofree char *db = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;

  if (tmp_dir == NULL)
    return;
  db = g_build_filename (tmp_dir, "park.db", NULL);
  wal = g_strconcat (db, "-wal", NULL);
  shm = g_strconcat (db, "-shm", NULL);
  g_remove (db);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (tmp_dir);
}

static void
make_user (LjFuzzWho who, const char *name, LjRole role, gint64 org, const char *password)
{
  g_autoptr (GError) error = NULL;

  if (!lj_auth_create_user (store, name, NULL, role, org, password, &tokens[who], NULL, &error))
    die (name, error);
  scope_root[who] = org;
}

void
lj_fuzz_init (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LjResource) r = NULL;
  g_autofree char *db_path = NULL;
  gint64 sec_org;
  LjConfig *config;

  if (app)
    return;
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  /* Quiet: the dispatcher logs every 4xx reason at debug/info level only,
   * but the security log of logins is chatty. */
  g_log_set_writer_func (g_log_writer_default, NULL, NULL);
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  lj_auth_use_test_profile ();
  tmp_dir = g_dir_make_tmp ("lianjian-fuzz-XXXXXX", &error);
  if (!tmp_dir)
    die ("tmp dir", error);
  atexit (cleanup);
  db_path = g_build_filename (tmp_dir, "park.db", NULL);
  store = lj_store_open (db_path, LJ_STORE_SYNC_NORMAL, 5000, &error);
  if (!store || !lj_core_migrate (store, &error))
    die ("store", error);
  if (!lj_demo_load (lj_store_get_db (store), LJ_DEMO_DEFAULT_SEED, &error))
    die ("demo", error);
  exec_or_die (TICKETS_TABLE);
  exec_or_die (TICKETS_ROWS);
  sec_org = query_int ("SELECT o.id FROM organizations o WHERE o.kind IN ('branch', 'general_branch') "
                       "AND EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.org_id = o.id) "
                       "AND EXISTS (SELECT 1 FROM members m WHERE m.org_id = o.id) ORDER BY o.id LIMIT 1");
  make_user (LJ_FUZZ_ADMIN, "fuzz-admin", LJ_ROLE_ADMIN, 0, "correct horse battery staple");
  make_user (LJ_FUZZ_SECRETARY, "fuzz-secretary", LJ_ROLE_SECRETARY, sec_org, "secretary password 1");
  make_user (LJ_FUZZ_VIEWER, "fuzz-viewer", LJ_ROLE_VIEWER, 0, NULL);
  make_user (LJ_FUZZ_TICKET_OWNER, "fuzz-owner", LJ_ROLE_SECRETARY, 9001, NULL);
  make_user (LJ_FUZZ_TICKET_REVIEWER, "fuzz-reviewer", LJ_ROLE_SECRETARY, 9003, NULL);
  make_user (LJ_FUZZ_TICKET_OTHER, "fuzz-other", LJ_ROLE_SECRETARY, 9004, NULL);
  exec_or_die (ORACLE);

  config = lj_config_new ();
  config->log_requests = FALSE;
  app = lj_app_new (config, store);
  if (!lj_core_register (app, &error))
    die ("register", error);
  r = lj_resource_new_from_data (TICKETS, -1, &error);
  if (!r || !lj_app_add_resource_owned (app, "test", r, &error) ||
      !lj_state_machine_add (app, "test", r, MACHINE, -1, &error) ||
      !lj_state_machines_probe (app, "test", &error))
    die ("tickets", error);
}

gint64
lj_fuzz_max_id (const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce(max(id), 0) FROM %s", table);

  return query_int (sql);
}

static void
set_scope (LjFuzzWho who)
{
  g_autofree char *sql = NULL;
  gboolean sec = scope_root[who] > 0;

  if (!sec)
    {
      exec_or_die ("UPDATE temp.fuzz_ctx SET sec = 0");
      return;
    }
  /* Recomputed every time: an admin may have moved organisations. */
  sql = g_strdup_printf ("DELETE FROM temp.fuzz_scope;"
                         "INSERT INTO temp.fuzz_scope WITH RECURSIVE s (id) AS (SELECT %" G_GINT64_FORMAT
                         " UNION SELECT o.id FROM organizations o JOIN s ON o.parent_id = s.id) SELECT id FROM s;"
                         "UPDATE temp.fuzz_ctx SET sec = 1;",
                         scope_root[who]);
  exec_or_die (sql);
}

guint
lj_fuzz_dispatch (LjFuzzWho who, const char *method, const char *path, const char *query, const char *content_type,
                  const uint8_t *body, size_t len)
{
  g_autoptr (LjRequest) req = lj_request_new (method, path, query);
  guint status;
  gint64 violations;

  if (who < LJ_FUZZ_ANONYMOUS)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", tokens[who], NULL);
      lj_request_add_header (req, "Authorization", auth);
    }
  if (content_type)
    lj_request_add_header (req, "Content-Type", content_type);
  if (body)
    lj_request_take_body (req, g_bytes_new (body, len));
  lj_request_set_client_address (req, "127.0.0.1");
  set_scope (who);
  lj_app_dispatch (app, req);
  /* A login hashes on a worker thread: wait for it as the server would. */
  while (lj_request_is_paused (req))
    g_main_context_iteration (NULL, TRUE);
  status = lj_request_get_status (req);
  violations = query_int ("SELECT count(*) FROM temp.fuzz_violations");
  exec_or_die ("UPDATE temp.fuzz_ctx SET sec = 0");
  if (g_getenv ("LJ_FUZZ_VERBOSE"))
    fprintf (stderr, "lj-fuzz: %s %s%s%s as %d: %u\n", method, path, query ? "?" : "", query ? query : "", who, status);
  if (status >= 500 || violations > 0)
    {
      gsize n = 0;
      const char *text = lj_request_get_response_body (req, &n);
      fprintf (stderr, "lj-fuzz: %s %s?%s as principal %d: status %u, %" G_GINT64_FORMAT
               " write(s) outside scope\n%.*s\n", method, path, query ? query : "", who, status, violations,
               (int) MIN (n, 2000), text ? text : "");
      abort ();
    }
  return status;
}
