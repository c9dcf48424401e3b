/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit trail: lj_request_audit () appends a row in the request's own
 * transaction (so a rolled-back write leaves none), and GET /api/v1/audit
 * pages through it newest first for admins. */
#include "lj-audit.h"
#include "domain/lj-core.h"
#include "json/lj-json-writer.h"
#include "json/lj-cursor.h"

#include <string.h>

#define LJ_AUDIT_DEFAULT_LIMIT 50
#define LJ_AUDIT_MAX_LIMIT 500

static void
bind_object (sqlite3_stmt *stmt, int idx, JsonObject *obj)
{
  g_autoptr (JsonNode) node = NULL;
  char *text;

  if (obj == NULL)
    {
      sqlite3_bind_null (stmt, idx);
      return;
    }
  node = json_node_init_object (json_node_alloc (), obj);
  text = json_to_string (node, FALSE);
  sqlite3_bind_text (stmt, idx, text, -1, g_free);
}

gboolean
lj_request_audit (LjRequest *req, const char *action, const char *entity, gint64 entity_id,
                  JsonObject *before, JsonObject *after, GError **error)
{
  static const char sql[] =
    "INSERT INTO audit (at, actor_user_id, actor, actor_role, actor_org_id, action, entity, entity_id, "
    "before, after, request_id, client_address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
  const LjPrincipal *p = lj_request_get_principal (req);
  g_autoptr (LjStmt) st = lj_store_prepare (lj_request_get_store (req), sql, error);
  g_autofree char *now = lj_clock_now_timestamp ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, now, -1, SQLITE_TRANSIENT);
  if (p->user_id > 0)
    sqlite3_bind_int64 (st->stmt, 2, p->user_id);
  sqlite3_bind_text (st->stmt, 3, p->actor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 4, lj_role_to_string (p->role), -1, SQLITE_STATIC);
  if (p->org_id > 0)
    sqlite3_bind_int64 (st->stmt, 5, p->org_id);
  sqlite3_bind_text (st->stmt, 6, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 7, entity, -1, SQLITE_TRANSIENT);
  if (entity_id > 0)
    sqlite3_bind_int64 (st->stmt, 8, entity_id);
  bind_object (st->stmt, 9, before);
  bind_object (st->stmt, 10, after);
  sqlite3_bind_text (st->stmt, 11, lj_request_get_id (req), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 12, lj_request_get_client_address (req), -1, SQLITE_TRANSIENT);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  lj_request_count_audit (req);
  return TRUE;
}

void
lj_audit_diff (JsonObject *before, JsonObject *after, JsonObject **changed_before, JsonObject **changed_after)
{
  g_autoptr (GList) names = after ? json_object_get_members (after) : NULL;

  *changed_before = json_object_new ();
  *changed_after = json_object_new ();
  for (GList *l = names; l; l = l->next)
    {
      JsonNode *a = json_object_get_member (after, l->data);
      JsonNode *b = before ? json_object_get_member (before, l->data) : NULL;

      /* version and updated_at change with every write: noise here. */
      if ((b && json_node_equal (a, b)) || g_str_equal (l->data, "version") || g_str_equal (l->data, "updated_at"))
        continue;
      json_object_set_member (*changed_after, l->data, json_node_copy (a));
      json_object_set_member (*changed_before, l->data, b ? json_node_copy (b) : json_node_new (JSON_NODE_NULL));
    }
}

/* ---- GET /api/v1/audit ---- */

typedef struct {
  const char *param;
  const char *sql;
  gboolean    integer;
} LjAuditFilter;

static const LjAuditFilter audit_filters[] = {
  { "entity", "entity = ?", FALSE },
  { "entity_id", "entity_id = ?", TRUE },
  { "actor_id", "actor_user_id = ?", TRUE },
  { "action", "action = ?", FALSE },
};

static gboolean
parse_positive (LjRequest *req, const char *name, gint64 *out)
{
  const char *text = lj_request_get_query (req, name);
  guint64 v;

  *out = 0;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &v, NULL))
    {
      lj_request_add_field_error (req, name, "must be a positive whole number");
      return FALSE;
    }
  *out = (gint64) v;
  return TRUE;
}

static void
write_audit_row (LjJsonWriter *w, sqlite3_stmt *stmt)
{
  static const char *const names[] = {
    "id", "at", "actor_user_id", "actor", "actor_role", "actor_org_id", "action", "entity", "entity_id",
    "before", "after", "request_id", "client_address",
  };

  lj_json_writer_begin_object (w);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      lj_json_writer_key (w, names[i]);
      switch (sqlite3_column_type (stmt, i))
        {
        case SQLITE_NULL:
          lj_json_writer_null (w);
          break;
        case SQLITE_INTEGER:
          lj_json_writer_int (w, sqlite3_column_int64 (stmt, i));
          break;
        default:
          if (i == 9 || i == 10)
            lj_json_writer_raw (w, (const char *) sqlite3_column_text (stmt, i));
          else
            lj_json_writer_string (w, (const char *) sqlite3_column_text (stmt, i));
        }
    }
  lj_json_writer_end_object (w);
}

static gboolean
handle_audit_list (LjRequest *req, gpointer user_data, GError **error)
{
  g_autoptr (GString) sql = g_string_new (
    "SELECT id, at, actor_user_id, actor, actor_role, actor_org_id, action, entity, entity_id, before, after, "
    "request_id, client_address FROM audit WHERE 1");
  g_autofree char *from = NULL, *to = NULL;
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (LjJsonWriter) w = NULL;
  gint64 limit = LJ_AUDIT_DEFAULT_LIMIT, cursor = 0, last_id = 0, ints[G_N_ELEMENTS (audit_filters)] = { 0 };
  guint count = 0;
  int idx = 1, rc;
  gsize len;

  static const char *const params[] = { "entity", "entity_id", "actor_id", "action", "from", "to", "limit",
                                        "cursor", NULL };

  lj_request_check_query_params (req, params);
  for (guint i = 0; i < G_N_ELEMENTS (audit_filters); i++)
    if (audit_filters[i].integer)
      parse_positive (req, audit_filters[i].param, &ints[i]);
  if (lj_request_get_query (req, "cursor") && !lj_cursor_decode_id (lj_request_get_query (req, "cursor"), &cursor))
    lj_request_add_field_error (req, "cursor", "is not a cursor of this list");
  if (parse_positive (req, "limit", &limit) && limit == 0)
    limit = LJ_AUDIT_DEFAULT_LIMIT;
  if (limit > LJ_AUDIT_MAX_LIMIT)
    lj_request_add_field_error (req, "limit", "must be a whole number from 1 to %d", LJ_AUDIT_MAX_LIMIT);
  lj_parse_period_param (req, "from", &from);
  lj_parse_period_param (req, "to", &to);
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid query parameters");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (audit_filters); i++)
    if (lj_request_get_query (req, audit_filters[i].param))
      g_string_append_printf (sql, " AND %s", audit_filters[i].sql);
  /* Filters take ?1, ?2… in order; the fixed parameters sit above them. */
  g_string_append (sql, " AND (?101 IS NULL OR at >= ?101) AND (?102 IS NULL OR at < ?102)"
                        " AND (?103 = 0 OR id < ?103) ORDER BY id DESC LIMIT ?104");
  if ((st = lj_store_prepare (lj_request_get_store (req), sql->str, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (audit_filters); i++)
    {
      const char *v = lj_request_get_query (req, audit_filters[i].param);

      if (v == NULL)
        continue;
      if (audit_filters[i].integer)
        sqlite3_bind_int64 (st->stmt, idx++, ints[i]);
      else
        sqlite3_bind_text (st->stmt, idx++, v, -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_text (st->stmt, 101, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 102, to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 103, cursor);
  sqlite3_bind_int64 (st->stmt, 104, limit + 1);
  w = lj_json_writer_new ();
  lj_json_writer_begin_object (w);
  lj_json_writer_key (w, "items");
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW && count < limit)
    {
      write_audit_row (w, st->stmt);
      last_id = sqlite3_column_int64 (st->stmt, 0);
      count++;
    }
  if (rc < 0)
    return FALSE;
  lj_json_writer_end_array (w);
  lj_json_writer_key (w, "next_cursor");
  if (rc == SQLITE_ROW)
    {
      g_autofree char *next = lj_cursor_encode_id (last_id);
      lj_json_writer_string (w, next);
    }
  else
    lj_json_writer_null (w);
  lj_json_writer_end_object (w);
  {
    char *json = lj_json_writer_steal (g_steal_pointer (&w), &len);
    lj_request_set_response_json (req, 200, json, len);
  }
  return TRUE;
}

void
lj_audit_add_routes (LjApp *app)
{
  LjRoute *r = lj_app_add_route (app, "GET", "/api/v1/audit", handle_audit_list, NULL);

  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_summary (r, "audit", "The audit trail, newest first (admins only)");
  lj_route_add_query_param (r, "entity", "string", "Resource name, such as members or problem-board/problems");
  lj_route_add_query_param (r, "entity_id", "integer", "The record's id");
  lj_route_add_query_param (r, "actor_id", "integer", "The acting user's id");
  lj_route_add_query_param (r, "action", "string", "create, update, delete, a transition event, or METHOD /path");
  lj_route_add_query_param (r, "from", "string", "Date or RFC 3339 time, inclusive");
  lj_route_add_query_param (r, "to", "string", "Date or RFC 3339 time, exclusive");
  lj_route_add_query_param (r, "limit", "integer", "1 to 500, default 50");
  lj_route_add_query_param (r, "cursor", "string", "next_cursor of the previous page");
  lj_route_add_response (r, 200, "A page of audit rows", NULL);
}
