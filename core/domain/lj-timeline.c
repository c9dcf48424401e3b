/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The enterprise timeline (一企一档): one time-ordered feed of everything
 * about one enterprise, from the core (activities of the organisations
 * that cover it, members joining) and from every plugin's timeline source,
 * plus entries written with lj_timeline_add_entry ().  One UNION ALL
 * statement with keyset paging, so a page costs one query whatever the
 * number of sources. */
#include "lj-core.h"
#include "app/lj-app-private.h"
#include "json/lj-json-writer.h"
#include "json/lj-cursor.h"

#include <string.h>

#define LJ_TIMELINE_DEFAULT_LIMIT 50
#define LJ_TIMELINE_MAX_LIMIT 200

/* Every source: ?1 is the enterprise; columns at, kind, title, resource,
 * record_id, detail. */
/* Activities organised or co-organised by an organisation covering the
 * enterprise: two indexed lookups joined by UNION (an OR would scan). */
#define ACTIVITY_SOURCE \
  "SELECT a.starts_at AS at, 'activity' AS kind, a.title AS title, 'activities' AS resource, a.id AS record_id, " \
  "json_object('kind', a.kind, 'organizer_org_id', a.organizer_org_id) AS detail FROM activities a " \
  "WHERE a.id IN (SELECT a2.id FROM organization_enterprises oe JOIN activities a2 ON a2.organizer_org_id = oe.org_id " \
  "WHERE oe.enterprise_id = ?1 UNION SELECT co.activity_id FROM organization_enterprises oe " \
  "JOIN activity_co_organizers co ON co.org_id = oe.org_id WHERE oe.enterprise_id = ?1)"
#define MEMBER_SOURCE \
  "SELECT m.joined_on || 'T00:00:00Z' AS at, 'member.joined' AS kind, m.name AS title, 'members' AS resource, " \
  "m.id AS record_id, json_object('status', m.status, 'org_id', m.org_id) AS detail FROM members m " \
  "WHERE m.enterprise_id = ?1 AND m.joined_on IS NOT NULL"
#define ENTRY_SOURCE \
  "SELECT e.at AS at, e.kind AS kind, e.title AS title, e.resource AS resource, e.record_id AS record_id, " \
  "e.detail AS detail FROM timeline_entries e WHERE e.enterprise_id = ?1"

static const char *const core_sources[] = { ACTIVITY_SOURCE, MEMBER_SOURCE, ENTRY_SOURCE };

gboolean
lj_timeline_add_entry (LjRequest *req, gint64 enterprise_id, const char *kind, const char *title,
                       const char *resource, gint64 record_id, JsonObject *detail, GError **error)
{
  static const char sql[] =
    "INSERT INTO timeline_entries (enterprise_id, at, kind, title, resource, record_id, detail, actor_user_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
  g_autoptr (LjStmt) st = lj_request_prepare (req, sql, error);
  g_autofree char *now = lj_clock_now_timestamp ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, enterprise_id);
  sqlite3_bind_text (st->stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 4, title, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 5, resource, -1, SQLITE_TRANSIENT);
  if (record_id > 0)
    sqlite3_bind_int64 (st->stmt, 6, record_id);
  if (detail)
    {
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), detail);
      sqlite3_bind_text (st->stmt, 7, json_to_string (node, FALSE), -1, g_free);
    }
  if (lj_request_get_user_id (req) > 0)
    sqlite3_bind_int64 (st->stmt, 8, lj_request_get_user_id (req));
  return lj_stmt_step_done (st, error);
}

static char *
timeline_sql (LjApp *app)
{
  GString *s = g_string_new ("SELECT at, kind, title, resource, record_id, detail FROM (");

  for (guint i = 0; i < G_N_ELEMENTS (core_sources); i++)
    g_string_append_printf (s, "%s%s", i ? " UNION ALL " : "", core_sources[i]);
  for (guint i = 0; i < app->timeline_sources->len; i++)
    g_string_append_printf (s, " UNION ALL SELECT at, kind, title, resource, record_id, detail FROM (%s)",
                            ((LjTimelineSource *) app->timeline_sources->pdata[i])->sql);
  g_string_append (s, ") WHERE at IS NOT NULL AND (?2 IS NULL OR (at, resource, record_id, kind) < (?2, ?3, ?4, ?5))"
                      " ORDER BY at DESC, resource DESC, record_id DESC, kind DESC LIMIT ?6");
  return g_string_free (s, FALSE);
}

/* The cursor is the last row's sort key. */
static char *
cursor_encode (sqlite3_stmt *st)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  const char *data;
  gsize len;

  lj_json_writer_begin_array (w);
  lj_json_writer_string (w, (const char *) sqlite3_column_text (st, 0));
  lj_json_writer_string (w, (const char *) sqlite3_column_text (st, 3));
  lj_json_writer_int (w, sqlite3_column_int64 (st, 4));
  lj_json_writer_string (w, (const char *) sqlite3_column_text (st, 1));
  lj_json_writer_end_array (w);
  data = lj_json_writer_get_data (w, &len);
  return lj_cursor_encode (data, len);
}

static JsonArray *
cursor_decode (const char *text)
{
  g_autoptr (JsonArray) a = lj_cursor_decode (text, 1024);

  if (a == NULL || json_array_get_length (a) != 4 ||
      json_node_get_value_type (json_array_get_element (a, 0)) != G_TYPE_STRING ||
      json_node_get_value_type (json_array_get_element (a, 1)) != G_TYPE_STRING ||
      json_node_get_value_type (json_array_get_element (a, 2)) != G_TYPE_INT64 ||
      json_node_get_value_type (json_array_get_element (a, 3)) != G_TYPE_STRING)
    return NULL;
  return g_steal_pointer (&a);
}

static void
write_entry (LjJsonWriter *w, sqlite3_stmt *st)
{
  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "at", (const char *) sqlite3_column_text (st, 0));
  lj_json_writer_member_string (w, "kind", (const char *) sqlite3_column_text (st, 1));
  lj_json_writer_member_string (w, "title", (const char *) sqlite3_column_text (st, 2));
  lj_json_writer_member_string (w, "resource", (const char *) sqlite3_column_text (st, 3));
  if (sqlite3_column_type (st, 4) == SQLITE_NULL)
    lj_json_writer_member_null (w, "record_id");
  else
    lj_json_writer_member_int (w, "record_id", sqlite3_column_int64 (st, 4));
  lj_json_writer_key (w, "detail");
  if (sqlite3_column_type (st, 5) == SQLITE_NULL)
    lj_json_writer_null (w);
  else
    lj_json_writer_raw (w, (const char *) sqlite3_column_text (st, 5));
  lj_json_writer_end_object (w);
}

static gboolean
parse_params (LjRequest *req, gint64 *limit, JsonArray **cursor, GError **error)
{
  const char *limit_text = lj_request_get_query (req, "limit");
  const char *cursor_text = lj_request_get_query (req, "cursor");
  g_autoptr (GList) keys = g_hash_table_get_keys (lj_request_get_query_table (req));
  guint64 v;

  *limit = LJ_TIMELINE_DEFAULT_LIMIT;
  if (limit_text && !g_ascii_string_to_unsigned (limit_text, 10, 1, LJ_TIMELINE_MAX_LIMIT, &v, NULL))
    lj_request_add_field_error (req, "limit", "must be a whole number from 1 to %d", LJ_TIMELINE_MAX_LIMIT);
  else if (limit_text)
    *limit = (gint64) v;
  if (cursor_text && (*cursor = cursor_decode (cursor_text)) == NULL)
    lj_request_add_field_error (req, "cursor", "is not a cursor of this timeline");
  for (GList *l = keys; l; l = l->next)
    if (strcmp (l->data, "limit") != 0 && strcmp (l->data, "cursor") != 0)
      lj_request_add_field_error (req, l->data, "unknown parameter");
  if (lj_request_get_n_field_errors (req) == 0)
    return TRUE;
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid timeline parameters");
  return FALSE;
}

static gboolean
handle_timeline (LjRequest *req, gpointer user_data, GError **error)
{
  LjApp *app = lj_request_get_app (req);
  gint64 id = lj_request_get_path_id (req, "id"), limit, last = 0;
  g_autoptr (JsonArray) cursor = NULL;
  g_autoptr (JsonObject) enterprise = NULL;
  g_autofree char *sql = NULL;
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (LjJsonWriter) w = NULL;
  g_autofree char *next = NULL;
  char *json;
  gsize len;
  int rc;

  if (!parse_params (req, &limit, &cursor, error) ||
      (enterprise = lj_resource_load (lj_app_get_resource (app, "enterprises"), req, id, error)) == NULL)
    return FALSE;
  sql = timeline_sql (app);
  if ((st = lj_store_prepare (app->store, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (cursor)
    {
      sqlite3_bind_text (st->stmt, 2, json_array_get_string_element (cursor, 0), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st->stmt, 3, json_array_get_string_element (cursor, 1), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (st->stmt, 4, json_array_get_int_element (cursor, 2));
      sqlite3_bind_text (st->stmt, 5, json_array_get_string_element (cursor, 3), -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (st->stmt, 6, limit + 1);
  w = lj_json_writer_new ();
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "items");
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      if (last == limit)
        {
          next = g_steal_pointer (&next);
          break;
        }
      write_entry (w, st->stmt);
      g_free (next);
      next = cursor_encode (st->stmt);
      last++;
    }
  if (rc < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    g_clear_pointer (&next, g_free);
  lj_json_writer_end_array (w);
  lj_json_writer_key (w, "next_cursor");
  if (next)
    lj_json_writer_string (w, next);
  else
    lj_json_writer_null (w);
  lj_json_writer_end_object (w);
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, 200, json, len);
  return TRUE;
}

void
lj_timeline_add_routes (LjApp *app)
{
  LjRoute *r = lj_app_add_route (app, "GET", "/api/v1/enterprises/{id}/timeline", handle_timeline, NULL);

  lj_route_set_summary (r, "enterprises", "Everything about one enterprise, newest first (一企一档)");
  lj_route_add_query_param (r, "limit", "integer", "1 to 200, default 50");
  lj_route_add_query_param (r, "cursor", "string", "next_cursor of the previous page");
  lj_route_add_response (r, 200, "A page of timeline entries", NULL);
}
