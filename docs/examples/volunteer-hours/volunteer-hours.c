/* SPDX-License-Identifier: GPL-3.0-or-later */
/* volunteer-hours: the plugin built step by step in docs/plugins.md.
 *
 * A resource (records of volunteer service), a migration, a custom route
 * (a member's hours per year), a hook (at most 24 hours a day per member),
 * a stats section and a timeline source.  It uses only
 * <lianjian/lianjian.h>, like any plugin written outside the tree. */
#include <lianjian/lianjian.h>
#include <gio/gio.h>

#include "volunteer-hours-data.h"

#define DATA "/org/lianjian/plugins/volunteer-hours/"

/* GET /api/v1/volunteer-hours/members/{id}/summary */
static gboolean
handle_summary (LjRequest *req, gpointer user_data, GError **error)
{
  static const char sql[] =
    "SELECT substr (served_on, 1, 4) AS year, sum (hours), count (*) FROM volunteer_hours_records "
    "WHERE member_id = ?1 GROUP BY year ORDER BY year";
  LjResource *members = lj_request_get_resource (req, "members");
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (JsonObject) member = lj_resource_load (members, req, id, error);
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  double total = 0;
  int rc;

  if (member == NULL || (st = lj_request_prepare (req, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, id);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "member_id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "years");
  json_builder_begin_array (b);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "year");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (s, 0));
      json_builder_set_member_name (b, "hours");
      json_builder_add_double_value (b, sqlite3_column_double (s, 1));
      json_builder_set_member_name (b, "records");
      json_builder_add_int_value (b, sqlite3_column_int64 (s, 2));
      json_builder_end_object (b);
      total += sqlite3_column_double (s, 1);
    }
  if (rc < 0)
    return FALSE;
  json_builder_end_array (b);
  json_builder_set_member_name (b, "total_hours");
  json_builder_add_double_value (b, total);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lj_request_set_response_node (req, 200, root);
  return TRUE;
}

/* A validate hook, run after the record is written and before the commit:
 * nobody serves more than 24 hours in one day, however many records. */
static gboolean
check_day_total (LjRequest *req, LjEvent *event, gpointer user_data, GError **error)
{
  static const char sql[] =
    "SELECT sum (r.hours), r.served_on FROM volunteer_hours_records r "
    "JOIN volunteer_hours_records this ON this.member_id = r.member_id AND this.served_on = r.served_on "
    "WHERE this.id = ?1";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  double total;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, lj_event_get_id (event));
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  total = sqlite3_column_double (lj_stmt_get (st), 0);
  if (total <= 24)
    return TRUE;
  lj_request_add_field_error (req, "hours", "would make %.2f hours on %s for this member; a day has 24",
                              total, (const char *) sqlite3_column_text (lj_stmt_get (st), 1));
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "too many hours in one day");
  return FALSE;
}

/* The `volunteer_hours` section of /api/v1/stats/overview. */
static JsonNode *
stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error)
{
  static const char sql[] =
    "SELECT ifnull (sum (r.hours), 0), count (DISTINCT r.member_id), count (*) FROM volunteer_hours_records r "
    "JOIN members m ON m.id = r.member_id "
    "WHERE (?1 IS NULL OR r.served_on >= substr (?1, 1, 10)) AND (?2 IS NULL OR r.served_on < substr (?2, 1, 10)) "
    "AND (?3 = 0 OR m.enterprise_id IN (SELECT enterprise_id FROM enterprise_chains WHERE chain_id = ?3))";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  sqlite3_stmt *s;

  if (st == NULL)
    return NULL;
  s = lj_stmt_get (st);
  sqlite3_bind_text (s, 1, query->from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 2, query->to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 3, query->chain_id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hours");
  json_builder_add_double_value (b, sqlite3_column_double (s, 0));
  json_builder_set_member_name (b, "volunteers");
  json_builder_add_int_value (b, sqlite3_column_int64 (s, 1));
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, sqlite3_column_int64 (s, 2));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
register_plugin (LjPlugin *plugin, GError **error)
{
  LjRoute *route;

  /* The declarations travel in the module: 0001-records.sql, records.json. */
  lj_plugin_set_bundle (plugin, volunteer_hours_data_get_resource (), DATA);
  if (!lj_plugin_add_migration_files (plugin, error) ||
      lj_plugin_add_resource_file (plugin, "records.json", error) == NULL)
    return FALSE;
  route = lj_plugin_add_route (plugin, "GET", "/members/{id}/summary", handle_summary, NULL, error);
  if (route == NULL)
    return FALSE;
  lj_route_set_summary (route, "volunteer-hours", "A member's volunteer service hours per year");
  lj_route_add_response (route, 200, "Hours per year and in total", NULL);
  lj_plugin_add_hook (plugin, "volunteer-hours.record.created", LJ_HOOK_VALIDATE, 0, check_day_total, NULL);
  lj_plugin_add_hook (plugin, "volunteer-hours.record.updated", LJ_HOOK_VALIDATE, 0, check_day_total, NULL);
  lj_plugin_add_stats_section (plugin, "volunteer_hours", stats_section, NULL);
  lj_plugin_add_timeline_source (plugin,
    "SELECT r.served_on || 'T00:00:00Z' AS at, 'volunteer-hours.record' AS kind, "
    "m.name || ': ' || r.hours || ' h' AS title, 'volunteer-hours/records' AS resource, r.id AS record_id, "
    "json_object ('kind', r.kind) AS detail "
    "FROM volunteer_hours_records r JOIN members m ON m.id = r.member_id WHERE m.enterprise_id = ?1");
  return TRUE;
}

LJ_PLUGIN_DEFINE ("volunteer-hours", "1.0.0",
                  "Volunteer service hours of party members (志愿服务时长)",
                  "GPL-3.0-or-later", "https://example.org/lianjian/volunteer-hours",
                  NULL, register_plugin)
