/* SPDX-License-Identifier: GPL-3.0-or-later */
/* visit-log: rounds of enterprise visits (走访), service teams, assignments
 * (包联), visits with a party-building check read from the core, and
 * enterprise requests (诉求) tracked to closure under SLA policies such as
 * Jiaozuo's "1610" (accept in 1 day, handle in 6, close in 10).  A periodic
 * check on the main loop records an escalation (督办) the first time a
 * deadline passes.  Only <lianjian/lianjian.h> is used. */
#include <gio/gio.h>
#include <string.h>

#include "visit-log-data.h"
#include "vl-plugin.h"

#define DATA "/org/lianjian/plugins/visit-log/"

VlState vl_state;

/* ---- the calendar and deadlines ---- */

static gboolean
ensure_calendar (GError **error)
{
  if (vl_state.calendar)
    return TRUE;
  vl_state.calendar = vl_calendar_new (lj_plugin_get_config_string (vl_state.plugin, "holidays"),
                                       lj_plugin_get_config_string (vl_state.plugin, "workdays"), error);
  return vl_state.calendar != NULL;
}

/* Writes the three due times of request @id from its registration and
 * policy @policy_id. */
gboolean
vl_request_set_deadlines (LjRequest *req, gint64 id, gint64 policy_id, const char *registered_at, GError **error)
{
  static const char policy_sql[] =
    "SELECT accept_days, handle_days, close_days, day_kind FROM visit_log_sla_policies WHERE id = ?1";
  static const char update_sql[] =
    "UPDATE visit_log_requests SET accept_due_at = ?2, handle_due_at = ?3, close_due_at = ?4 WHERE id = ?1";
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (LjStmt) up = NULL;
  char *due[3] = { NULL, NULL, NULL };
  gboolean ok;
  gint64 start;
  VlDayKind kind;
  int rc;

  if (!ensure_calendar (error) || (st = lj_request_prepare (req, policy_sql, error)) == NULL)
    return FALSE;
  if (!vl_timestamp_parse (registered_at, &start))
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "request %" G_GINT64_FORMAT ": bad registration time",
                   id);
      return FALSE;
    }
  sqlite3_bind_int64 (lj_stmt_get (st), 1, policy_id);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "no SLA policy %" G_GINT64_FORMAT, policy_id);
      return FALSE;
    }
  kind = g_strcmp0 ((const char *) sqlite3_column_text (lj_stmt_get (st), 3), "working") == 0
    ? VL_DAYS_WORKING : VL_DAYS_CALENDAR;
  for (int i = 0; i < 3; i++)
    due[i] = vl_timestamp_format (vl_deadline_add (vl_state.calendar, start,
                                                   (guint) sqlite3_column_int64 (lj_stmt_get (st), i), kind,
                                                   (int) lj_plugin_get_config_int (vl_state.plugin,
                                                                                   "utc_offset_minutes")));
  ok = (up = lj_request_prepare (req, update_sql, error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (lj_stmt_get (up), 1, id);
      for (int i = 0; i < 3; i++)
        sqlite3_bind_text (lj_stmt_get (up), i + 2, due[i], -1, SQLITE_TRANSIENT);
      ok = lj_stmt_step_done (up, error);
    }
  for (int i = 0; i < 3; i++)
    g_free (due[i]);
  return ok;
}

/* ---- the request log ---- */

gboolean
vl_request_log (LjRequest *req, gint64 request_id, const char *at, const char *kind, const char *event,
                const char *from, const char *to, const char *note, const char *data, GError **error)
{
  static const char sql[] =
    "INSERT INTO visit_log_request_log (request_id, at, kind, event, from_state, to_state, actor_user_id, "
    "actor_role, note, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  sqlite3_stmt *s;
  gint64 user = lj_request_get_user_id (req);

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  sqlite3_bind_int64 (s, 1, request_id);
  sqlite3_bind_text (s, 2, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, event, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 5, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 6, to, -1, SQLITE_TRANSIENT);
  if (user > 0)
    sqlite3_bind_int64 (s, 7, user);
  sqlite3_bind_text (s, 8, lj_role_to_string (lj_request_get_role (req)), -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 9, note, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 10, data, -1, SQLITE_TRANSIENT);
  return lj_stmt_step_done (st, error);
}

/* ---- hooks ---- */

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
member_int (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (n);
}

/* visit-log.request.created: registration time, due times, first log row. */
static gboolean
on_request_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  static const char sql[] = "UPDATE visit_log_requests SET registered_at = ?2 WHERE id = ?1";
  JsonObject *after = lj_event_get_after (event);
  gint64 id = lj_event_get_id (event);
  g_autofree char *now = lj_clock_now_timestamp ();
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  sqlite3_bind_text (lj_stmt_get (st), 2, now, -1, SQLITE_STATIC);
  return lj_stmt_step_done (st, error) &&
         vl_request_set_deadlines (req, id, member_int (after, "sla_policy_id"), now, error) &&
         vl_request_log (req, id, now, "registered", "register", NULL, "registered", NULL, NULL, error);
}

/* A request whose policy changes gets new due times, still counted from
 * its registration. */
static gboolean
on_request_updated (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  JsonObject *before = lj_event_get_before (event);
  JsonObject *after = lj_event_get_after (event);

  if (member_int (before, "sla_policy_id") == member_int (after, "sla_policy_id"))
    return TRUE;
  return vl_request_set_deadlines (req, lj_event_get_id (event), member_int (after, "sla_policy_id"),
                                   member_string (before, "registered_at"), error);
}

static char *
input_data (JsonObject *input)
{
  g_autoptr (JsonObject) copy = json_object_new ();
  g_autoptr (GList) names = input ? json_object_get_members (input) : NULL;
  g_autoptr (JsonNode) node = NULL;

  for (GList *l = names; l; l = l->next)
    if (strcmp (l->data, "event") != 0 && strcmp (l->data, "note") != 0 && strcmp (l->data, "reason") != 0)
      json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (input, l->data)));
  if (json_object_get_size (copy) == 0)
    return NULL;
  node = json_node_init_object (json_node_alloc (), copy);
  return json_to_string (node, FALSE);
}

static gboolean
exec_id (LjRequest *req, const char *sql, gint64 id, const char *text, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  if (text)
    sqlite3_bind_text (lj_stmt_get (st), 2, text, -1, SQLITE_TRANSIENT);
  return lj_stmt_step_done (st, error);
}

static gboolean
field_refusal (LjRequest *req, GError **error, const char *field, const char *message)
{
  lj_request_add_field_error (req, field, "%s", message);
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "%s", message);
  return FALSE;
}

/* Every transition of a request: the rule of the event, the milestone it
 * reaches, and a row of the request's own log. */
static gboolean
on_request_transition (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  const char *name = user_data;
  JsonObject *before = lj_event_get_before (event);
  JsonObject *after = lj_event_get_after (event);
  JsonObject *input = lj_event_get_input (event);
  gint64 id = lj_event_get_id (event);
  g_autofree char *now = lj_clock_now_timestamp ();
  g_autofree char *data = input_data (input);
  const char *note = member_string (input, "reason") ? member_string (input, "reason") : member_string (input, "note");
  gboolean ok = TRUE;

  if (strcmp (name, "accept") == 0 || strcmp (name, "reject") == 0)
    ok = exec_id (req, "UPDATE visit_log_requests SET accepted_at = coalesce (accepted_at, ?2) WHERE id = ?1",
                  id, now, error);
  else if (strcmp (name, "assign") == 0)
    {
      if (member_int (after, "handler_org_id") == 0 && member_string (after, "handler_unit") == NULL)
        return field_refusal (req, error, "handler_org_id", "name the handler: handler_org_id or handler_unit");
      ok = vl_request_set_deadlines (req, id, member_int (after, "sla_policy_id"),
                                     member_string (before, "registered_at"), error);
    }
  else if (strcmp (name, "resolve") == 0)
    ok = exec_id (req, "UPDATE visit_log_requests SET resolved_at = ?2 WHERE id = ?1", id, now, error);
  else if (strcmp (name, "reopen") == 0)
    {
      if (g_strcmp0 (member_string (before, "satisfaction"), "unsatisfied") != 0)
        {
          g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT,
                       "request %" G_GINT64_FORMAT " can only be reopened when the revisit was unsatisfied", id);
          return FALSE;
        }
      ok = exec_id (req, "UPDATE visit_log_requests SET reopen_count = reopen_count + 1, satisfaction = NULL "
                    "WHERE id = ?1", id, NULL, error);
    }
  else if (strcmp (name, "close") == 0)
    {
      if (g_strcmp0 (member_string (before, "satisfaction"), "unsatisfied") == 0)
        {
          g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT,
                       "request %" G_GINT64_FORMAT " was found unsatisfied on the revisit: reopen it instead", id);
          return FALSE;
        }
      ok = exec_id (req, "UPDATE visit_log_requests SET closed_at = ?2 WHERE id = ?1", id, now, error);
    }
  return ok && vl_request_log (req, id, now, "transition", name, member_string (before, "state"),
                               member_string (after, "state"), note, data, error);
}

/* ---- registration ---- */

static const char *const request_events[] = {
  "accept", "reject", "assign", "start", "return", "mark_long_term", "progress", "resolve", "verify", "reopen",
  "close", NULL
};

static const char *const resource_files[] = {
  "sla-policies.json", "campaigns.json", "teams.json", "assignments.json", "visits.json", "requests.json", NULL
};

static gboolean
add_resources (LjPlugin *plugin, GError **error)
{
  for (guint i = 0; resource_files[i]; i++)
    {
      LjResource *r = lj_plugin_add_resource_file (plugin, resource_files[i], error);

      if (r == NULL)
        return FALSE;
      if (strcmp (resource_files[i], "assignments.json") == 0)
        lj_resource_set_validate_func (r, vl_validate_assignment, NULL, NULL);
      else if (strcmp (resource_files[i], "visits.json") == 0)
        lj_resource_set_validate_func (r, vl_validate_visit, NULL, NULL);
      else if (strcmp (resource_files[i], "requests.json") == 0)
        lj_resource_set_validate_func (r, vl_validate_request, NULL, NULL);
      else if (strcmp (resource_files[i], "teams.json") == 0)
        lj_resource_set_validate_func (r, vl_validate_team, NULL, NULL);
    }
  return TRUE;
}

static gboolean
add_routes (LjPlugin *plugin, GError **error)
{
  LjRoute *route;

  if ((route = lj_plugin_add_route (plugin, "POST", "/escalations/run", vl_handle_run_escalations, NULL,
                                    error)) == NULL)
    return FALSE;
  lj_route_set_roles (route, LJ_ROLES_ADMIN);
  lj_route_set_summary (route, "visit-log", "Run the escalation (督办) check now");
  lj_route_add_response (route, 200, "The escalations recorded by this run", NULL);
  if ((route = lj_plugin_add_route (plugin, "GET", "/requests/{id}/history", vl_handle_request_history, NULL,
                                    error)) == NULL)
    return FALSE;
  lj_route_set_summary (route, "visit-log", "A request's log: registration, transitions and escalations");
  lj_route_add_response (route, 200, "The log, oldest first", NULL);
  return TRUE;
}

static const char timeline_visits[] =
  "SELECT v.visited_on || 'T00:00:00Z' AS at, 'visit-log.visit' AS kind, "
  "'走访：' || tm.name || '（' || c.name || '）' AS title, 'visit-log/visits' AS resource, v.id AS record_id, "
  "json_object ('campaign_id', v.campaign_id, 'mode', v.mode, 'blank_spot', "
  "json (CASE v.pb_blank_spot WHEN 1 THEN 'true' ELSE 'false' END)) AS detail "
  "FROM visit_log_visits v JOIN visit_log_teams tm ON tm.id = v.team_id "
  "JOIN visit_log_campaigns c ON c.id = v.campaign_id WHERE v.enterprise_id = ?1";

static const char timeline_requests[] =
  "SELECT l.at AS at, 'visit-log.request.' || l.event AS kind, "
  "CASE l.kind WHEN 'escalation' THEN '督办：' WHEN 'registered' THEN '诉求登记：' ELSE '诉求' || "
  "coalesce (l.to_state, '') || '：' END || substr (r.description, 1, 60) AS title, "
  "'visit-log/requests' AS resource, r.id AS record_id, "
  "json_object ('category', r.category, 'from', l.from_state, 'to', l.to_state, 'note', l.note) AS detail "
  "FROM visit_log_request_log l JOIN visit_log_requests r ON r.id = l.request_id WHERE r.enterprise_id = ?1";

static gboolean
register_plugin (LjPlugin *plugin, GError **error)
{
  vl_state.plugin = plugin;
  lj_plugin_set_bundle (plugin, visit_log_data_get_resource (), DATA);
  if (!lj_plugin_add_migration_files (plugin, error) || !add_resources (plugin, error) ||
      !lj_plugin_add_state_machine_file (plugin, "requests", "request-machine.json", error) ||
      !add_routes (plugin, error))
    return FALSE;
  lj_plugin_add_hook (plugin, "visit-log.request.created", LJ_HOOK_VALIDATE, 0, on_request_created, NULL);
  lj_plugin_add_hook (plugin, "visit-log.request.updated", LJ_HOOK_VALIDATE, 0, on_request_updated, NULL);
  for (guint i = 0; request_events[i]; i++)
    {
      g_autofree char *name = g_strconcat ("visit-log.request.", request_events[i], NULL);

      lj_plugin_add_hook (plugin, name, LJ_HOOK_VALIDATE, 0, on_request_transition, (gpointer) request_events[i]);
    }
  vl_rules_add_hooks (plugin);
  lj_plugin_add_stats_section (plugin, "visit_log", vl_stats_section, NULL);
  lj_plugin_add_timeline_source (plugin, timeline_visits);
  lj_plugin_add_timeline_source (plugin, timeline_requests);
  lj_plugin_add_config_key (plugin, "check_interval", LJ_CONFIG_TYPE_INT, "60",
                            "Seconds between two runs of the escalation (督办) check; 0 turns the timer off");
  lj_plugin_add_config_key (plugin, "holidays", LJ_CONFIG_TYPE_STRING, "",
                            "Public holidays (rest days) for working-day deadlines: YYYY-MM-DD;YYYY-MM-DD;…");
  lj_plugin_add_config_key (plugin, "workdays", LJ_CONFIG_TYPE_STRING, "",
                            "Adjusted working weekend days (调休上班): YYYY-MM-DD;…");
  lj_plugin_add_config_key (plugin, "utc_offset_minutes", LJ_CONFIG_TYPE_INT, "480",
                            "The park's offset from UTC in minutes: working days are local dates (China: 480)");
  lj_plugin_set_start_func (plugin, vl_start, vl_stop, NULL);
  lj_plugin_set_demo_func (plugin, vl_demo, NULL);
  return TRUE;
}

LJ_PLUGIN_DEFINE ("visit-log", "1.0.0",
                  "Enterprise visits, requests and the 1-6-10 deadline rule (走访企业 / 企业诉求 / 1610)",
                  "GPL-3.0-or-later", NULL, NULL, register_plugin)
