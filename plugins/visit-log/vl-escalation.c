/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Escalation (督办): the first time a request's deadline passes unmet, one
 * row in visit_log_escalations (unique per request and deadline, so it is
 * recorded exactly once however often the check runs), one row in the
 * request's log (and so on the enterprise's timeline), and one audit row
 * per run.  The check runs on a main-loop timer through lj_plugin_run_task
 * and on demand through POST /escalations/run; both read the injectable
 * clock. */
#include "vl-plugin.h"

#include <string.h>

/* Deadlines passed and not met, not escalated yet.  Long-term requests
 * follow their monthly reviews instead of the handle and close deadlines. */
static const char due_sql[] =
  "SELECT r.id, r.state, 'accept', r.accept_due_at FROM visit_log_requests r "
  " WHERE r.state = 'registered' AND r.accept_due_at < ?1 "
  " AND NOT EXISTS (SELECT 1 FROM visit_log_escalations e WHERE e.request_id = r.id AND e.deadline = 'accept') "
  "UNION ALL "
  "SELECT r.id, r.state, 'handle', r.handle_due_at FROM visit_log_requests r "
  " WHERE r.state IN ('registered', 'accepted', 'assigned', 'in_progress') AND r.handle_due_at < ?1 "
  " AND NOT EXISTS (SELECT 1 FROM visit_log_escalations e WHERE e.request_id = r.id AND e.deadline = 'handle') "
  "UNION ALL "
  "SELECT r.id, r.state, 'close', r.close_due_at FROM visit_log_requests r "
  " WHERE r.state NOT IN ('closed', 'rejected', 'long_term') AND r.close_due_at < ?1 "
  " AND NOT EXISTS (SELECT 1 FROM visit_log_escalations e WHERE e.request_id = r.id AND e.deadline = 'close') "
  "ORDER BY 1, 4";

typedef struct {
  gint64 id;
  char  *state;
  char  *deadline;
  char  *due_at;
} VlDue;

static void
vl_due_clear (gpointer data)
{
  VlDue *d = data;

  g_free (d->state);
  g_free (d->deadline);
  g_free (d->due_at);
}

static gboolean
record_one (LjRequest *req, VlDue *d, const char *now, GError **error)
{
  static const char insert_sql[] =
    "INSERT INTO visit_log_escalations (request_id, deadline, due_at, escalated_at, state) VALUES (?1, ?2, ?3, ?4, ?5)";
  static const char bump_sql[] =
    "UPDATE visit_log_requests SET version = version + 1, updated_at = ?2 WHERE id = ?1";
  g_autoptr (LjStmt) st = lj_request_prepare (req, insert_sql, error);
  g_autoptr (LjStmt) bump = NULL;
  g_autofree char *event = g_strconcat ("escalate_", d->deadline, NULL);
  g_autofree char *data = g_strdup_printf ("{\"deadline\":\"%s\",\"due_at\":\"%s\"}", d->deadline, d->due_at);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, d->id);
  sqlite3_bind_text (lj_stmt_get (st), 2, d->deadline, -1, SQLITE_STATIC);
  sqlite3_bind_text (lj_stmt_get (st), 3, d->due_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (lj_stmt_get (st), 4, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (lj_stmt_get (st), 5, d->state, -1, SQLITE_STATIC);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  /* The record's derived overdue flags changed: so does its ETag. */
  if ((bump = lj_request_prepare (req, bump_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (bump), 1, d->id);
  sqlite3_bind_text (lj_stmt_get (bump), 2, now, -1, SQLITE_STATIC);
  return lj_stmt_step_done (bump, error) &&
         vl_request_log (req, d->id, now, "escalation", event, d->state, d->state, NULL, data, error);
}

gboolean
vl_escalate (LjRequest *req, guint *count, JsonArray *recorded, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, due_sql, error);
  g_autoptr (GArray) due = g_array_new (FALSE, TRUE, sizeof (VlDue));
  g_autofree char *now = lj_clock_now_timestamp ();
  int rc;

  g_array_set_clear_func (due, vl_due_clear);
  *count = 0;
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (lj_stmt_get (st), 1, now, -1, SQLITE_STATIC);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      VlDue d = { sqlite3_column_int64 (s, 0), g_strdup ((const char *) sqlite3_column_text (s, 1)),
                  g_strdup ((const char *) sqlite3_column_text (s, 2)),
                  g_strdup ((const char *) sqlite3_column_text (s, 3)) };

      g_array_append_val (due, d);
    }
  if (rc < 0)
    return FALSE;
  lj_stmt_release (g_steal_pointer (&st));
  for (guint i = 0; i < due->len; i++)
    {
      VlDue *d = &g_array_index (due, VlDue, i);
      JsonObject *o = json_object_new ();

      if (!record_one (req, d, now, error))
        {
          json_object_unref (o);
          return FALSE;
        }
      json_object_set_int_member (o, "request_id", d->id);
      json_object_set_string_member (o, "deadline", d->deadline);
      json_object_set_string_member (o, "due_at", d->due_at);
      json_array_add_object_element (recorded, o);
    }
  *count = due->len;
  return TRUE;
}

static gboolean
audit_run (LjRequest *req, JsonArray *recorded, GError **error)
{
  g_autoptr (JsonObject) after = json_object_new ();

  json_object_set_array_member (after, "escalations", json_array_ref (recorded));
  return lj_request_audit (req, "escalate", "visit-log/requests", 0, NULL, after, error);
}

/* POST /api/v1/visit-log/escalations/run (admins): the periodic check, now. */
gboolean
vl_handle_run_escalations (LjRequest *req, gpointer user_data, GError **error)
{
  g_autoptr (JsonArray) recorded = json_array_new ();
  g_autoptr (JsonObject) body = json_object_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *now = lj_clock_now_timestamp ();
  guint count = 0;

  if (!vl_escalate (req, &count, recorded, error) || !audit_run (req, recorded, error))
    return FALSE;
  json_object_set_string_member (body, "at", now);
  json_object_set_int_member (body, "recorded", count);
  json_object_set_array_member (body, "escalations", json_array_ref (recorded));
  root = json_node_init_object (json_node_alloc (), body);
  lj_request_set_response_node (req, 200, root);
  return TRUE;
}

/* The timer's task: as the system, audited only when it recorded something. */
static gboolean
escalation_task (LjRequest *req, gpointer user_data, GError **error)
{
  g_autoptr (JsonArray) recorded = json_array_new ();
  guint count = 0;

  if (!vl_escalate (req, &count, recorded, error))
    return FALSE;
  return count == 0 || audit_run (req, recorded, error);
}

static gboolean
on_timer (gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!lj_plugin_run_task (vl_state.plugin, escalation_task, NULL, &error))
    g_warning ("visit-log: the escalation check failed: %s", error->message);
  return G_SOURCE_CONTINUE;
}

gboolean
vl_start (LjPlugin *plugin, gpointer user_data, GError **error)
{
  gint64 interval = lj_plugin_get_config_int (plugin, "check_interval");
  g_autoptr (GError) local = NULL;
  g_autoptr (GMainContext) context = NULL;

  g_clear_pointer (&vl_state.calendar, vl_calendar_free);
  if ((vl_state.calendar = vl_calendar_new (lj_plugin_get_config_string (plugin, "holidays"),
                                            lj_plugin_get_config_string (plugin, "workdays"), &local)) == NULL)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_CONFIG, "[plugin:visit-log] %s", local->message);
      return FALSE;
    }
  if (interval < 0 || interval > 86400)
    {
      g_set_error (error, LJ_PLUGIN_ERROR, LJ_PLUGIN_ERROR_CONFIG,
                   "[plugin:visit-log] check_interval must be 0 (off) to 86400 seconds");
      return FALSE;
    }
  if (interval == 0)
    return TRUE;
  /* The main context the server runs plugins on (a test server's thread
   * has its own). */
  context = g_main_context_ref_thread_default ();
  vl_state.timer = g_timeout_source_new_seconds ((guint) interval);
  g_source_set_callback (vl_state.timer, on_timer, NULL, NULL);
  g_source_set_name (vl_state.timer, "visit-log escalation check");
  g_source_attach (vl_state.timer, context);
  return TRUE;
}

void
vl_stop (LjPlugin *plugin, gpointer user_data)
{
  if (vl_state.timer)
    {
      g_source_destroy (vl_state.timer);
      g_clear_pointer (&vl_state.timer, g_source_unref);
    }
  g_clear_pointer (&vl_state.calendar, vl_calendar_free);
}

/* GET /api/v1/visit-log/requests/{id}/history: the request's own log,
 * oldest first: registration, every transition and every escalation. */
gboolean
vl_handle_request_history (LjRequest *req, gpointer user_data, GError **error)
{
  static const char sql[] =
    "SELECT id, at, kind, event, from_state, to_state, actor_user_id, actor_role, note, data "
    "FROM visit_log_request_log WHERE request_id = ?1 ORDER BY at, id";
  LjResource *requests = lj_request_get_resource (req, "visit-log/requests");
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (JsonObject) record = lj_resource_load (requests, req, id, error);
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  static const char *const names[] = { "id", "at", "kind", "event", "from", "to", "actor_user_id", "actor_role",
                                       "note", "data" };
  int rc;

  if (record == NULL || (st = lj_request_prepare (req, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, json_object_get_string_member (record, "state"));
  json_builder_set_member_name (b, "items");
  json_builder_begin_array (b);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);

      json_builder_begin_object (b);
      for (int c = 0; c < (int) G_N_ELEMENTS (names); c++)
        {
          json_builder_set_member_name (b, names[c]);
          if (sqlite3_column_type (s, c) == SQLITE_NULL)
            json_builder_add_null_value (b);
          else if (sqlite3_column_type (s, c) == SQLITE_INTEGER)
            json_builder_add_int_value (b, sqlite3_column_int64 (s, c));
          else if (c == 9)
            {
              g_autoptr (JsonParser) p = json_parser_new ();

              if (json_parser_load_from_data (p, (const char *) sqlite3_column_text (s, c), -1, NULL))
                json_builder_add_value (b, json_node_copy (json_parser_get_root (p)));
              else
                json_builder_add_null_value (b);
            }
          else
            json_builder_add_string_value (b, (const char *) sqlite3_column_text (s, c));
        }
      json_builder_end_object (b);
    }
  if (rc < 0)
    return FALSE;
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lj_request_set_response_node (req, 200, root);
  return TRUE;
}
