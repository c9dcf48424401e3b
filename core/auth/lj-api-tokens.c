/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The admin-only routes for a user's named API tokens: create (the token
 * is shown once, in the 201 answer), list (names and dates, never the
 * token), revoke.  An API token never expires by idleness; it may carry an
 * expiry date. */
#include "lj-auth-private.h"
#include "http/lj-request-private.h"

#include <string.h>

#define TOKEN_SCHEMA \
  "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"user_id\":{\"type\":\"integer\"}," \
  "\"name\":{\"type\":\"string\"},\"created_at\":{\"type\":\"string\"},\"expires_at\":{\"type\":[\"string\",\"null\"]}," \
  "\"revoked_at\":{\"type\":[\"string\",\"null\"]},\"last_used_at\":{\"type\":[\"string\",\"null\"]}}}"

#define TOKEN_COLUMNS "id, user_id, name, created_at, expires_at, revoked_at, last_used_at"

static void
write_token_row (LjJsonWriter *w, sqlite3_stmt *stmt, const char *token)
{
  static const char *const names[] = { "created_at", "expires_at", "revoked_at", "last_used_at" };

  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "id", sqlite3_column_int64 (stmt, 0));
  lj_json_writer_member_int (w, "user_id", sqlite3_column_int64 (stmt, 1));
  lj_json_writer_member_string (w, "name", (const char *) sqlite3_column_text (stmt, 2));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    lj_json_writer_member_string (w, names[i], (const char *) sqlite3_column_text (stmt, 3 + i));
  if (token)
    lj_json_writer_member_string (w, "token", token);
  lj_json_writer_end_object (w);
}

static gboolean
require_user (LjRequest *req, gint64 user_id, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (LjUser) u = lj_user_load (lj_request_get_store (req), user_id, &local);

  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (u)
    return TRUE;
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND, "no user %" G_GINT64_FORMAT, user_id);
  return FALSE;
}

/* Accepts an RFC 3339 time in the future; stores it normalised to UTC. */
static char *
parse_expiry (LjRequest *req, JsonNode *n)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) now = lj_clock_now_utc ();

  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    dt = g_date_time_new_from_iso8601 (json_node_get_string (n), NULL);
  if (dt == NULL)
    lj_request_add_field_error (req, "expires_at", "must be an RFC 3339 timestamp or null");
  else if (g_date_time_compare (dt, now) <= 0)
    lj_request_add_field_error (req, "expires_at", "must be in the future");
  else
    {
      g_autoptr (GDateTime) utc = g_date_time_to_utc (dt);
      return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }
  return NULL;
}

static gboolean
token_create (LjRequest *req, gpointer data, GError **error)
{
  gint64 user_id = lj_request_get_path_id (req, "id");
  JsonObject *o = lj_request_get_json_object (req, error);
  g_autofree char *expires = NULL;
  g_autofree char *token = NULL;
  g_autoptr (JsonObject) after = NULL;
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (LjJsonWriter) w = NULL;
  const char *name = NULL;
  GList *members;
  JsonNode *n;
  gint64 id = 0;

  if (o == NULL || !require_user (req, user_id, error))
    return FALSE;
  members = json_object_get_members (o);
  for (GList *it = members; it; it = it->next)
    if (strcmp (it->data, "name") != 0 && strcmp (it->data, "expires_at") != 0)
      lj_request_add_field_error (req, it->data, "is not a known field");
  g_list_free (members);
  n = json_object_get_member (o, "name");
  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    name = json_node_get_string (n);
  if (name == NULL || *name == '\0' || strlen (name) > 100)
    lj_request_add_field_error (req, "name", "is required: 1 to 100 bytes");
  if ((n = json_object_get_member (o, "expires_at")) && !JSON_NODE_HOLDS_NULL (n))
    expires = parse_expiry (req, n);
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid token");
      return FALSE;
    }
  if (!lj_api_token_create (lj_request_get_store (req), user_id, name, expires, &token, &id, error))
    return FALSE;
  after = json_object_new ();
  json_object_set_int_member (after, "user_id", user_id);
  json_object_set_string_member (after, "name", name);
  if (expires)
    json_object_set_string_member (after, "expires_at", expires);
  if (!lj_request_audit (req, "create", "api_tokens", id, NULL, after, error))
    return FALSE;
  st = lj_request_prepare (req, "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  w = lj_json_writer_new ();
  write_token_row (w, st->stmt, token);
  sodium_memzero (token, strlen (token));
  lj_request_set_response_header (req, "Cache-Control", "no-store");
  lj_auth_respond_writer (req, 201, g_steal_pointer (&w));
  return TRUE;
}

static void
write_listed_token (LjJsonWriter *w, sqlite3_stmt *row)
{
  write_token_row (w, row, NULL);
}

static gboolean
token_list (LjRequest *req, gpointer data, GError **error)
{
  gint64 user_id = lj_request_get_path_id (req, "id");
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (LjStmt) st = NULL;
  gint64 after = 0;
  guint limit;

  static const char *const params[] = { "limit", "cursor", NULL };

  if (!require_user (req, user_id, error))
    return FALSE;
  lj_request_check_query_params (req, params);
  lj_auth_parse_page (req, &limit, &after);
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid query");
      return FALSE;
    }
  st = lj_request_prepare (req, "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE user_id = ?1 AND id > ?2"
                                " ORDER BY id LIMIT ?3", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, user_id);
  sqlite3_bind_int64 (st->stmt, 2, after);
  sqlite3_bind_int (st->stmt, 3, limit + 1);
  lj_json_writer_begin_object (w);
  if (!lj_auth_write_page (w, st, limit, write_listed_token, error))
    return FALSE;
  lj_json_writer_end_object (w);
  lj_auth_respond_writer (req, 200, g_steal_pointer (&w));
  return TRUE;
}

static gboolean
token_revoke (LjRequest *req, gpointer data, GError **error)
{
  gint64 user_id = lj_request_get_path_id (req, "id");
  gint64 token_id = lj_request_get_path_id (req, "token_id");
  g_autoptr (LjStmt) st = lj_request_prepare (req, "SELECT name FROM api_tokens WHERE id = ?1 AND user_id = ?2", error);
  g_autoptr (JsonObject) before = json_object_new ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, token_id);
  sqlite3_bind_int64 (st->stmt, 2, user_id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    {
      if (error && *error)
        return FALSE;
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND, "user %" G_GINT64_FORMAT " has no token %"
                   G_GINT64_FORMAT, user_id, token_id);
      return FALSE;
    }
  json_object_set_string_member (before, "name", (const char *) sqlite3_column_text (st->stmt, 0));
  g_clear_pointer (&st, lj_stmt_release);
  if (!lj_api_token_revoke (lj_request_get_store (req), token_id, error))
    return FALSE;
  g_message ("security: API token %" G_GINT64_FORMAT " of user %" G_GINT64_FORMAT " revoked", token_id, user_id);
  if (!lj_request_audit (req, "revoke", "api_tokens", token_id, before, NULL, error))
    return FALSE;
  lj_request_set_status (req, 204);
  return TRUE;
}

void
lj_auth_token_routes (LjApp *app)
{
  static const char create_schema[] =
    "{\"type\":\"object\",\"required\":[\"name\"],\"additionalProperties\":false,\"properties\":{"
    "\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":100},"
    "\"expires_at\":{\"type\":[\"string\",\"null\"],\"format\":\"date-time\"}}}";
  static const char page_schema[] =
    "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" TOKEN_SCHEMA "},"
    "\"next_cursor\":{\"type\":[\"string\",\"null\"]}}}";
  LjRoute *r;

  r = lj_app_add_route (app, "POST", "/api/v1/users/{id}/tokens", token_create, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_summary (r, "users", "Create a named API token for a user (admin only); the token is in this"
                        " answer and nowhere else");
  lj_route_set_request_schema (r, create_schema);
  lj_route_add_response (r, 201, "The token record with `token`", TOKEN_SCHEMA);
  lj_route_add_response (r, 404, "No such user", NULL);
  lj_route_add_response (r, 422, "Invalid fields", NULL);

  r = lj_app_add_route (app, "GET", "/api/v1/users/{id}/tokens", token_list, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_summary (r, "users", "List a user's API tokens, revoked ones included (admin only)");
  lj_route_add_query_param (r, "limit", "integer", "page size, 1 to 500 (default 50)");
  lj_route_add_query_param (r, "cursor", "string", "next_cursor of the previous page");
  lj_route_add_response (r, 200, "A page of tokens (never the token itself)", page_schema);
  lj_route_add_response (r, 404, "No such user", NULL);

  r = lj_app_add_route (app, "DELETE", "/api/v1/users/{id}/tokens/{token_id}", token_revoke, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_summary (r, "users", "Revoke an API token (admin only)");
  lj_route_add_response (r, 204, "Revoked (also when it already was)", NULL);
  lj_route_add_response (r, 404, "The user has no such token", NULL);
}
