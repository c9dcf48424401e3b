/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Activity rules (an activity ends after it starts; the organiser is not
 * also its own co-organiser) and the attendance routes: who came to an
 * activity, recorded idempotently from a sign-in list. */
#include "lj-core.h"
#include "resource/lj-resource-private.h"

#include <string.h>

#define LJ_ATTENDANCE_MAX_BATCH 2000

static gboolean
validate_activity (LjResource *resource, LjRequest *req, gint64 id, JsonObject *input,
                   JsonObject *current, gpointer user_data, GError **error)
{
  JsonNode *starts = lj_core_effective_value (input, current, "starts_at");
  JsonNode *ends = lj_core_effective_value (input, current, "ends_at");
  JsonNode *organizer = lj_core_effective_value (input, current, "organizer_org_id");
  JsonNode *co = json_object_get_member (input, "co_organizer_org_ids");

  /* Normalised UTC timestamps of one format compare as text. */
  if (starts && ends && strcmp (json_node_get_string (ends), json_node_get_string (starts)) <= 0)
    lj_request_add_field_error (req, "ends_at", "must be after starts_at");
  if (organizer && co && JSON_NODE_HOLDS_ARRAY (co))
    {
      JsonArray *a = json_node_get_array (co);
      for (guint i = 0; i < json_array_get_length (a); i++)
        if (json_array_get_int_element (a, i) == json_node_get_int (organizer))
          {
            g_autofree char *field = g_strdup_printf ("co_organizer_org_ids[%u]", i);
            lj_request_add_field_error (req, field, "is the organiser itself");
          }
    }
  return TRUE;
}

static gboolean
require_activity (LjRequest *req, gint64 id, GError **error)
{
  LjResource *activities = lj_app_get_resource (lj_request_get_app (req), "activities");
  g_autofree char *record = lj_resource_read_record (activities, req, id, LJ_ROWS_LIST, NULL, error);

  return record != NULL;
}

static gboolean
handle_list_attendance (LjRequest *req, gpointer user_data, GError **error)
{
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (LjStmt) st = NULL;
  guint n = 0;
  gsize len;
  int rc;

  if (!require_activity (req, id, error))
    return FALSE;
  st = lj_store_prepare (lj_request_get_store (req),
    "SELECT aa.member_id, m.name, m.org_id, aa.created_at FROM activity_attendance aa"
    " JOIN members m ON m.id = aa.member_id WHERE aa.activity_id = ? ORDER BY aa.member_id", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "items");
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      lj_json_writer_begin_object (w);
      lj_json_writer_member_int (w, "member_id", sqlite3_column_int64 (st->stmt, 0));
      lj_json_writer_member_string (w, "name", (const char *) sqlite3_column_text (st->stmt, 1));
      lj_json_writer_member_int (w, "org_id", sqlite3_column_int64 (st->stmt, 2));
      lj_json_writer_member_string (w, "created_at", (const char *) sqlite3_column_text (st->stmt, 3));
      lj_json_writer_end_object (w);
      n++;
    }
  if (rc < 0)
    return FALSE;
  lj_json_writer_end_array (w);
  lj_json_writer_member_int (w, "total", n);
  lj_json_writer_end_object (w);
  {
    char *json = lj_json_writer_steal (g_steal_pointer (&w), &len);
    lj_request_set_response_json (req, 200, json, len);
  }
  return TRUE;
}

/* Checks {"member_ids": [..]}; field errors for anything wrong. */
static JsonArray *
read_member_ids (LjRequest *req, GError **error)
{
  JsonObject *body = lj_request_get_json_object (req, error);
  LjResource *members;
  g_autoptr (GList) names = NULL;
  JsonNode *ids;
  JsonArray *a;

  if (body == NULL)
    return NULL;
  names = json_object_get_members (body);
  for (GList *l = names; l; l = l->next)
    if (strcmp (l->data, "member_ids") != 0)
      lj_request_add_field_error (req, l->data, "unknown field");
  ids = json_object_get_member (body, "member_ids");
  if (ids == NULL || !JSON_NODE_HOLDS_ARRAY (ids))
    {
      lj_request_add_field_error (req, "member_ids", ids ? "must be an array of member ids" : "is required");
      return NULL;
    }
  a = json_node_get_array (ids);
  if (json_array_get_length (a) > LJ_ATTENDANCE_MAX_BATCH)
    {
      lj_request_add_field_error (req, "member_ids", "must have at most %d items", LJ_ATTENDANCE_MAX_BATCH);
      return NULL;
    }
  members = lj_app_get_resource (lj_request_get_app (req), "members");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      g_autofree char *path = g_strdup_printf ("member_ids[%u]", i);

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 || json_node_get_int (n) <= 0)
        lj_request_add_field_error (req, path, "must be a member id");
      else if (!lj_resource_check_ref (members, req, json_node_get_int (n), path, error))
        return NULL;
    }
  return a;
}

static gboolean
touch_activity (LjStore *store, gint64 id, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "UPDATE activities SET version = version + 1, updated_at = ? WHERE id = ?", error);
  g_autofree char *now = lj_store_timestamp_now ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 2, id);
  return lj_stmt_step_done (st, error);
}

static gboolean
insert_attendance (LjStore *store, gint64 id, JsonArray *ids, guint *added, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "INSERT INTO activity_attendance (activity_id, member_id, created_at) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING", error);
  g_autofree char *now = lj_store_timestamp_now ();

  *added = 0;
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      sqlite3_bind_int64 (st->stmt, 1, id);
      sqlite3_bind_int64 (st->stmt, 2, json_array_get_int_element (ids, i));
      sqlite3_bind_text (st->stmt, 3, now, -1, SQLITE_TRANSIENT);
      if (!lj_stmt_step_done (st, error))
        return FALSE;
      *added += sqlite3_changes (lj_store_get_db (store));
      sqlite3_reset (st->stmt);
    }
  return *added == 0 || touch_activity (store, id, error);
}

static gboolean
count_attendance (LjStore *store, gint64 id, gint64 *count, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store,
    "SELECT count(*) FROM activity_attendance WHERE activity_id = ?", error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  *count = sqlite3_column_int64 (st->stmt, 0);
  return TRUE;
}

/* Attendance is part of the activity: the same scope as changing it. */
static gboolean
may_change_activity (LjRequest *req, gint64 id, GError **error)
{
  return lj_resource_check_write_scope (lj_request_get_resource (req, "activities"), req, id, error);
}

static gboolean
handle_add_attendance (LjRequest *req, gpointer user_data, GError **error)
{
  gint64 id = lj_request_get_path_id (req, "id");
  LjStore *store = lj_request_get_store (req);
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  JsonArray *ids;
  guint added = 0;
  gint64 total = 0;
  gsize len;

  if (!require_activity (req, id, error) || !may_change_activity (req, id, error))
    return FALSE;
  ids = read_member_ids (req, error);
  if (error && *error)
    return FALSE;
  if (lj_request_get_n_field_errors (req) > 0 || ids == NULL)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid attendance list");
      return FALSE;
    }
  if (!insert_attendance (store, id, ids, &added, error) || !count_attendance (store, id, &total, error))
    return FALSE;
  {
    g_autoptr (JsonObject) after = json_object_new ();
    json_object_set_array_member (after, "member_ids", json_array_ref (ids));
    if (!lj_request_audit (req, "attendance.add", "activities", id, NULL, after, error))
      return FALSE;
  }
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "added", added);
  lj_json_writer_member_int (w, "attendance_count", total);
  lj_json_writer_end_object (w);
  {
    char *json = lj_json_writer_steal (g_steal_pointer (&w), &len);
    lj_request_set_response_json (req, 200, json, len);
  }
  return TRUE;
}

static gboolean
handle_remove_attendance (LjRequest *req, gpointer user_data, GError **error)
{
  gint64 id = lj_request_get_path_id (req, "id");
  gint64 member = lj_request_get_path_id (req, "member_id");
  LjStore *store = lj_request_get_store (req);
  g_autoptr (LjStmt) st = NULL;

  if (!require_activity (req, id, error) || !may_change_activity (req, id, error))
    return FALSE;
  st = lj_store_prepare (store, "DELETE FROM activity_attendance WHERE activity_id = ? AND member_id = ?", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  sqlite3_bind_int64 (st->stmt, 2, member);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  if (sqlite3_changes (lj_store_get_db (store)) == 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND,
                   "member %" G_GINT64_FORMAT " did not attend activity %" G_GINT64_FORMAT, member, id);
      return FALSE;
    }
  if (!touch_activity (store, id, error))
    return FALSE;
  {
    g_autoptr (JsonObject) before = json_object_new ();
    json_object_set_int_member (before, "member_id", member);
    if (!lj_request_audit (req, "attendance.remove", "activities", id, before, NULL, error))
      return FALSE;
  }
  lj_request_set_status (req, 204);
  return TRUE;
}

#define LJ_ATTENDANCE_BODY \
  "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"member_ids\"],\"properties\":" \
  "{\"member_ids\":{\"type\":\"array\",\"maxItems\":2000,\"items\":{\"type\":\"integer\",\"minimum\":1}}}}"

void
lj_activities_setup (LjApp *app)
{
  LjRoute *route;

  lj_resource_set_validate_func (lj_app_get_resource (app, "activities"), validate_activity, NULL, NULL);
  route = lj_app_add_route (app, "GET", "/api/v1/activities/{id}/attendance", handle_list_attendance, NULL);
  lj_route_set_summary (route, "activities", "Members who attended the activity");
  route = lj_app_add_route (app, "POST", "/api/v1/activities/{id}/attendance", handle_add_attendance, NULL);
  lj_route_set_summary (route, "activities", "Record attendance (idempotent: members already listed are kept)");
  lj_route_set_request_schema (route, LJ_ATTENDANCE_BODY);
  route = lj_app_add_route (app, "DELETE", "/api/v1/activities/{id}/attendance/{member_id}",
                            handle_remove_attendance, NULL);
  lj_route_set_summary (route, "activities", "Remove one member's attendance");
}
