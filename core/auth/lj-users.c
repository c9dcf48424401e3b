/* SPDX-License-Identifier: GPL-3.0-or-later */
/* User records and the admin-only /users routes.  A record never carries
 * the password hash or the lockout counters.  A change of role or
 * organisation, a new password or disabling revokes the user's sessions
 * (disabling revokes API tokens too).  A user who already acted (has audit
 * rows) cannot be deleted, only disabled, so the trail keeps its actors;
 * neither can the last enabled admin lose that status. */
#include "lj-auth-private.h"
#include "http/lj-request-private.h"

#include <string.h>

#define USER_COLUMNS \
  "id, username, display_name, role, org_id, disabled, password_hash, failed_logins, locked_until, version," \
  " created_at, updated_at"

#define USER_SCHEMA \
  "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"username\":{\"type\":\"string\"}," \
  "\"display_name\":{\"type\":\"string\"},\"role\":{\"enum\":[\"admin\",\"secretary\",\"viewer\"]}," \
  "\"org_id\":{\"type\":[\"integer\",\"null\"]},\"disabled\":{\"type\":\"boolean\"}," \
  "\"has_password\":{\"type\":\"boolean\"},\"locked_until\":{\"type\":[\"string\",\"null\"]}," \
  "\"version\":{\"type\":\"integer\"},\"created_at\":{\"type\":\"string\"},\"updated_at\":{\"type\":\"string\"}}}"

void
lj_user_free (LjUser *user)
{
  if (user == NULL)
    return;
  g_free (user->username);
  g_free (user->display_name);
  g_free (user->password_hash);
  g_free (user->created_at);
  g_free (user->updated_at);
  g_free (user);
}

static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static LjUser *
user_from_row (sqlite3_stmt *stmt)
{
  LjUser *u = g_new0 (LjUser, 1);

  u->id = sqlite3_column_int64 (stmt, 0);
  u->username = column_dup (stmt, 1);
  u->display_name = column_dup (stmt, 2);
  lj_role_from_string ((const char *) sqlite3_column_text (stmt, 3), &u->role);
  u->org_id = sqlite3_column_int64 (stmt, 4);
  u->disabled = sqlite3_column_int (stmt, 5);
  u->password_hash = column_dup (stmt, 6);
  u->failed_logins = sqlite3_column_int (stmt, 7);
  u->locked_until = sqlite3_column_int64 (stmt, 8);
  u->version = sqlite3_column_int64 (stmt, 9);
  u->created_at = column_dup (stmt, 10);
  u->updated_at = column_dup (stmt, 11);
  return u;
}

static LjUser *
load_one (LjStore *store, const char *sql, gint64 id, const char *name, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  int rc;

  if (st == NULL)
    return NULL;
  if (name)
    sqlite3_bind_text (st->stmt, 1, name, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (st->stmt, 1, id);
  rc = lj_stmt_step (st, error);
  return rc == SQLITE_ROW ? user_from_row (st->stmt) : NULL;
}

LjUser *
lj_user_load (LjStore *store, gint64 id, GError **error)
{
  return load_one (store, "SELECT " USER_COLUMNS " FROM users WHERE id = ?1", id, NULL, error);
}

LjUser *
lj_user_load_by_name (LjStore *store, const char *username, GError **error)
{
  return load_one (store, "SELECT " USER_COLUMNS " FROM users WHERE username = ?1", 0, username, error);
}

gboolean
lj_user_is_locked (const LjUser *user)
{
  return user->locked_until > lj_clock_now_seconds ();
}

void
lj_user_write_json (LjJsonWriter *w, const LjUser *u)
{
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "id", u->id);
  lj_json_writer_member_string (w, "username", u->username);
  lj_json_writer_member_string (w, "display_name", u->display_name);
  lj_json_writer_member_string (w, "role", lj_role_to_string (u->role));
  if (u->org_id > 0)
    lj_json_writer_member_int (w, "org_id", u->org_id);
  else
    lj_json_writer_member_null (w, "org_id");
  lj_json_writer_member_bool (w, "disabled", u->disabled);
  lj_json_writer_member_bool (w, "has_password", u->password_hash != NULL);
  if (lj_user_is_locked (u))
    {
      g_autofree char *until = lj_auth_format_time (u->locked_until);
      lj_json_writer_member_string (w, "locked_until", until);
    }
  else
    lj_json_writer_member_null (w, "locked_until");
  lj_json_writer_member_int (w, "version", u->version);
  lj_json_writer_member_string (w, "created_at", u->created_at);
  lj_json_writer_member_string (w, "updated_at", u->updated_at);
  lj_json_writer_end_object (w);
}

/* The audited fields: never the hash. */
JsonObject *
lj_user_to_audit_json (const LjUser *u)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "username", u->username);
  json_object_set_string_member (o, "display_name", u->display_name);
  json_object_set_string_member (o, "role", lj_role_to_string (u->role));
  if (u->org_id > 0)
    json_object_set_int_member (o, "org_id", u->org_id);
  else
    json_object_set_null_member (o, "org_id");
  json_object_set_boolean_member (o, "disabled", u->disabled);
  return o;
}

gboolean
lj_user_note_failure (LjStore *store, LjUser *user, GError **error)
{
  const LjAuthPolicy *policy = lj_auth_get_policy ();
  g_autoptr (LjStmt) st = NULL;
  guint failures = user->failed_logins + 1;
  gint64 locked_until = 0;

  if (failures >= policy->lockout_failures)
    {
      locked_until = lj_clock_now_seconds () + policy->lockout_seconds;
      failures = 0;
      g_warning ("security: account %s locked for %" G_GINT64_FORMAT " s after %u failed sign-ins",
                 user->username, policy->lockout_seconds, policy->lockout_failures);
    }
  st = lj_store_prepare (store, "UPDATE users SET failed_logins = ?1, locked_until = ?2 WHERE id = ?3", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int (st->stmt, 1, failures);
  if (locked_until)
    sqlite3_bind_int64 (st->stmt, 2, locked_until);
  sqlite3_bind_int64 (st->stmt, 3, user->id);
  return lj_stmt_step_done (st, error);
}

gboolean
lj_user_note_success (LjStore *store, gint64 user_id, const char *new_hash, GError **error)
{
  g_autoptr (LjStmt) st = NULL;

  /* A rehash is not a change of the record: no new version. */
  st = lj_store_prepare (store, "UPDATE users SET failed_logins = 0, locked_until = NULL,"
                                " password_hash = coalesce (?1, password_hash) WHERE id = ?2", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, new_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 2, user_id);
  return lj_stmt_step_done (st, error);
}

gboolean
lj_user_set_password_hash (LjStore *store, gint64 user_id, const char *hash, GError **error)
{
  g_autoptr (LjStmt) st = NULL;
  g_autofree char *now = lj_clock_now_timestamp ();

  st = lj_store_prepare (store, "UPDATE users SET password_hash = ?1, failed_logins = 0, locked_until = NULL,"
                                " version = version + 1, updated_at = ?2 WHERE id = ?3", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 3, user_id);
  return lj_stmt_step_done (st, error) && lj_sessions_revoke_user (store, user_id, FALSE, error);
}

/* ---- routes ---- */

static gboolean
not_found (gint64 id, GError **error)
{
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_NOT_FOUND, "no user %" G_GINT64_FORMAT, id);
  return FALSE;
}

static LjUser *
load_or_404 (LjRequest *req, gint64 id, GError **error)
{
  g_autoptr (GError) local = NULL;
  LjUser *u = lj_user_load (lj_request_get_store (req), id, &local);

  if (local)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (u == NULL)
    not_found (id, error);
  return u;
}

static void
respond_user (LjRequest *req, guint status, const LjUser *u)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", u->version);

  lj_user_write_json (w, u);
  lj_request_set_response_header (req, "ETag", etag);
  lj_auth_respond_writer (req, status, g_steal_pointer (&w));
}

static void
write_user_row (LjJsonWriter *w, sqlite3_stmt *row)
{
  g_autoptr (LjUser) u = user_from_row (row);

  lj_user_write_json (w, u);
}

static gboolean
user_list (LjRequest *req, gpointer data, GError **error)
{
  static const char sql[] =
    "SELECT " USER_COLUMNS " FROM users WHERE id > ?1 AND (?2 IS NULL OR role = ?2)"
    " AND (?3 IS NULL OR org_id = ?3) AND (?4 IS NULL OR disabled = ?4) ORDER BY id LIMIT ?5";
  static const char count_sql[] =
    "SELECT count(*) FROM users WHERE (?2 IS NULL OR role = ?2) AND (?3 IS NULL OR org_id = ?3)"
    " AND (?4 IS NULL OR disabled = ?4)";
  const char *role = lj_request_get_query (req, "role");
  const char *org = lj_request_get_query (req, "org_id");
  const char *disabled = lj_request_get_query (req, "disabled");
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (LjStmt) st = NULL;
  gint64 after = 0, org_id = 0;
  guint limit;
  LjRole r;

  static const char *const params[] = { "role", "org_id", "disabled", "limit", "cursor", NULL };

  lj_request_check_query_params (req, params);
  lj_auth_parse_page (req, &limit, &after);
  if (role && !lj_role_from_string (role, &r))
    lj_request_add_field_error (req, "role", "must be admin, secretary or viewer");
  if (org && !g_ascii_string_to_signed (org, 10, 1, G_MAXINT64, &org_id, NULL))
    lj_request_add_field_error (req, "org_id", "must be an organisation id");
  if (disabled && strcmp (disabled, "true") != 0 && strcmp (disabled, "false") != 0)
    lj_request_add_field_error (req, "disabled", "must be true or false");
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid query");
      return FALSE;
    }
  for (int pass = 0; pass < 2; pass++)
    {
      g_clear_pointer (&st, lj_stmt_release);
      st = lj_request_prepare (req, pass == 0 ? sql : count_sql, error);
      if (st == NULL)
        return FALSE;
      if (pass == 0)
        {
          sqlite3_bind_int64 (st->stmt, 1, after);
          sqlite3_bind_int (st->stmt, 5, limit + 1);
        }
      sqlite3_bind_text (st->stmt, 2, role, -1, SQLITE_TRANSIENT);
      if (org)
        sqlite3_bind_int64 (st->stmt, 3, org_id);
      if (disabled)
        sqlite3_bind_int (st->stmt, 4, strcmp (disabled, "true") == 0);
      if (pass == 1)
        break;
      lj_json_writer_begin_object (w);
      if (!lj_auth_write_page (w, st, limit, write_user_row, error))
        return FALSE;
    }
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  lj_json_writer_member_int (w, "total", sqlite3_column_int64 (st->stmt, 0));
  lj_json_writer_end_object (w);
  lj_auth_respond_writer (req, 200, g_steal_pointer (&w));
  return TRUE;
}

static gboolean
user_get (LjRequest *req, gpointer data, GError **error)
{
  g_autoptr (LjUser) u = load_or_404 (req, lj_request_get_path_id (req, "id"), error);

  if (u == NULL)
    return FALSE;
  respond_user (req, 200, u);
  return TRUE;
}

/* ---- create and patch: validate, maybe hash on the pool, then write ---- */

typedef struct {
  gint64    id;            /* 0 for create */
  char     *username;
  char     *display_name;
  gboolean  has_role, has_org, has_disabled, has_display_name;
  LjRole    role;
  gint64    org_id;        /* 0: none */
  gboolean  disabled;
  char     *password;
  char     *hash;          /* from the pool */
  gint64    if_match;      /* 0: none */
} LjUserInput;

static void
user_input_free (LjUserInput *in)
{
  g_free (in->username);
  g_free (in->display_name);
  if (in->password)
    sodium_memzero (in->password, strlen (in->password));
  g_free (in->password);
  g_free (in->hash);
  g_free (in);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjUserInput, user_input_free)

static gboolean
member_string (LjRequest *req, JsonObject *o, const char *name, char **out)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      lj_request_add_field_error (req, name, "must be a string");
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (n));
  return TRUE;
}

static LjUserInput *
parse_user_input (LjRequest *req, gboolean create, GError **error)
{
  static const char *const known[] = { "username", "display_name", "role", "org_id", "disabled", "password", NULL };
  g_autoptr (LjUserInput) in = g_new0 (LjUserInput, 1);
  g_autofree char *role = NULL;
  JsonObject *o = lj_request_get_json_object (req, error);
  GList *members;
  JsonNode *n;

  if (o == NULL)
    return NULL;
  members = json_object_get_members (o);
  for (GList *it = members; it; it = it->next)
    if (!g_strv_contains (known, it->data) || (!create && strcmp (it->data, "username") == 0))
      lj_request_add_field_error (req, it->data, create ? "is not a field of a user" : "cannot be changed");
  g_list_free (members);
  if (member_string (req, o, "username", &in->username)
      && (*in->username == '\0' || strlen (in->username) > 64))
    lj_request_add_field_error (req, "username", "must be 1 to 64 bytes");
  else if (create && in->username == NULL && !json_object_has_member (o, "username"))
    lj_request_add_field_error (req, "username", "is required");
  in->has_display_name = member_string (req, o, "display_name", &in->display_name);
  if (in->has_display_name && (*in->display_name == '\0' || strlen (in->display_name) > 200))
    lj_request_add_field_error (req, "display_name", "must be 1 to 200 bytes");
  if (member_string (req, o, "role", &role))
    {
      in->has_role = TRUE;
      if (!lj_role_from_string (role, &in->role))
        lj_request_add_field_error (req, "role", "must be admin, secretary or viewer");
    }
  else if (create && !json_object_has_member (o, "role"))
    lj_request_add_field_error (req, "role", "is required");
  if ((n = json_object_get_member (o, "org_id")))
    {
      in->has_org = TRUE;
      if (JSON_NODE_HOLDS_NULL (n))
        in->org_id = 0;
      else if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64 && json_node_get_int (n) > 0)
        in->org_id = json_node_get_int (n);
      else
        lj_request_add_field_error (req, "org_id", "must be an organisation id or null");
    }
  if ((n = json_object_get_member (o, "disabled")))
    {
      in->has_disabled = TRUE;
      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN)
        in->disabled = json_node_get_boolean (n);
      else
        lj_request_add_field_error (req, "disabled", "must be true or false");
    }
  if (member_string (req, o, "password", &in->password))
    lj_password_check_length (req, "password", in->password);
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid user");
      return NULL;
    }
  return g_steal_pointer (&in);
}

static gboolean
invalid_field (LjRequest *req, GError **error, const char *field, const char *message)
{
  lj_request_add_field_error (req, field, "%s", message);
  g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
org_exists (LjRequest *req, gint64 org_id, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, "SELECT 1 FROM organizations WHERE id = ?1", error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, org_id);
  if (lj_stmt_step (st, error) == SQLITE_ROW)
    return TRUE;
  if (error && *error)
    return FALSE;
  return invalid_field (req, error, "org_id", "no such organisation");
}

/* Whether another enabled admin remains when @u stops being one. */
static gboolean
keeps_an_admin (LjRequest *req, const LjUser *u, GError **error)
{
  g_autoptr (LjStmt) st = NULL;

  if (u->role != LJ_ROLE_ADMIN || u->disabled)
    return TRUE;
  st = lj_request_prepare (req, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, u->id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  if (sqlite3_column_int64 (st->stmt, 0) > 0)
    return TRUE;
  g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT, "%s is the last enabled admin", u->username);
  return FALSE;
}

static gboolean
create_in_transaction (LjRequest *req, gpointer data, GError **error)
{
  LjUserInput *in = data;
  LjStore *store = lj_request_get_store (req);
  g_autoptr (LjUser) existing = NULL;
  g_autoptr (LjUser) u = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (JsonObject) after = NULL;
  g_autofree char *location = NULL;
  g_autofree char *now = lj_clock_now_timestamp ();
  g_autoptr (LjStmt) st = NULL;
  gint64 id;

  if (in->role == LJ_ROLE_SECRETARY && in->org_id == 0)
    return invalid_field (req, error, "org_id", "a secretary needs an organisation");
  if (in->org_id && !org_exists (req, in->org_id, error))
    return FALSE;
  existing = lj_user_load_by_name (store, in->username, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (existing)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT, "there is already a user called %s", in->username);
      return FALSE;
    }
  st = lj_request_prepare (req, "INSERT INTO users (username, display_name, role, org_id, disabled, password_hash,"
                                " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, in->username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 2, in->display_name ? in->display_name : in->username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 3, lj_role_to_string (in->role), -1, SQLITE_STATIC);
  if (in->org_id)
    sqlite3_bind_int64 (st->stmt, 4, in->org_id);
  sqlite3_bind_int (st->stmt, 5, in->disabled);
  sqlite3_bind_text (st->stmt, 6, in->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 7, now, -1, SQLITE_TRANSIENT);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  id = lj_request_last_insert_id (req);
  if ((u = load_or_404 (req, id, error)) == NULL)
    return FALSE;
  after = lj_user_to_audit_json (u);
  if (!lj_request_audit (req, "create", "users", id, NULL, after, error))
    return FALSE;
  location = g_strdup_printf ("/api/v1/users/%" G_GINT64_FORMAT, id);
  lj_request_set_response_header (req, "Location", location);
  respond_user (req, 201, u);
  return TRUE;
}

static gboolean
patch_in_transaction (LjRequest *req, gpointer data, GError **error)
{
  LjUserInput *in = data;
  LjStore *store = lj_request_get_store (req);
  g_autoptr (LjUser) u = load_or_404 (req, in->id, error);
  g_autoptr (LjUser) after = NULL;
  g_autoptr (JsonObject) before_json = NULL;
  g_autoptr (JsonObject) after_json = NULL;
  g_autofree char *now = lj_clock_now_timestamp ();
  g_autoptr (LjStmt) st = NULL;
  gboolean loses_admin, revoke;

  if (u == NULL)
    return FALSE;
  if (in->if_match && in->if_match != u->version)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_PRECONDITION, "user %" G_GINT64_FORMAT " has changed (version %"
                   G_GINT64_FORMAT ")", u->id, u->version);
      return FALSE;
    }
  if (!in->has_role)
    in->role = u->role;
  if (!in->has_org)
    in->org_id = u->org_id;
  if (!in->has_disabled)
    in->disabled = u->disabled;
  if (in->role == LJ_ROLE_SECRETARY && in->org_id == 0)
    return invalid_field (req, error, "org_id", "a secretary needs an organisation");
  if (in->has_org && in->org_id && in->org_id != u->org_id && !org_exists (req, in->org_id, error))
    return FALSE;
  loses_admin = (in->role != LJ_ROLE_ADMIN || in->disabled);
  if (loses_admin && !keeps_an_admin (req, u, error))
    return FALSE;
  st = lj_request_prepare (req, "UPDATE users SET display_name = ?1, role = ?2, org_id = ?3, disabled = ?4,"
                                " password_hash = coalesce (?5, password_hash),"
                                " failed_logins = CASE WHEN ?5 IS NULL THEN failed_logins ELSE 0 END,"
                                " locked_until = CASE WHEN ?5 IS NULL THEN locked_until ELSE NULL END,"
                                " version = version + 1, updated_at = ?6 WHERE id = ?7", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, in->has_display_name ? in->display_name : u->display_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 2, lj_role_to_string (in->role), -1, SQLITE_STATIC);
  if (in->org_id)
    sqlite3_bind_int64 (st->stmt, 3, in->org_id);
  sqlite3_bind_int (st->stmt, 4, in->disabled);
  sqlite3_bind_text (st->stmt, 5, in->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 6, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 7, u->id);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  g_clear_pointer (&st, lj_stmt_release);
  revoke = in->role != u->role || in->org_id != u->org_id || in->disabled || in->hash != NULL;
  if (revoke && !lj_sessions_revoke_user (store, u->id, in->disabled && !u->disabled, error))
    return FALSE;
  if ((after = load_or_404 (req, u->id, error)) == NULL)
    return FALSE;
  before_json = lj_user_to_audit_json (u);
  after_json = lj_user_to_audit_json (after);
  if (in->hash)
    json_object_set_boolean_member (after_json, "password_changed", TRUE);
  if (!lj_request_audit (req, "update", "users", u->id, before_json, after_json, error))
    return FALSE;
  respond_user (req, 200, after);
  return TRUE;
}

static void
write_and_answer (LjRequest *req, LjUserInput *in)
{
  g_autoptr (GError) error = NULL;

  if (!lj_request_run_transaction (req, TRUE, in->id ? patch_in_transaction : create_in_transaction, in, &error))
    lj_request_set_error (req, error);
}

static void
hashed (LjRequest *req, LjPasswordJob *job, gpointer data)
{
  g_autoptr (LjUserInput) in = data;

  if (job->failed)
    {
      g_autoptr (GError) error = g_error_new_literal (LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAVAILABLE,
                                                      "could not hash the password; try again");
      lj_request_set_error (req, error);
    }
  else
    {
      in->hash = g_steal_pointer (&job->new_hash);
      write_and_answer (req, in);
    }
  lj_request_resume (req);
}

/* Without a password the write runs at once; with one, the hash is made on
 * the pool first and the write runs when it is back. */
static gboolean
hash_then_write (LjRequest *req, LjUserInput *in_owned, GError **error)
{
  g_autoptr (LjUserInput) in = in_owned;
  LjPasswordJob *job;

  if (in->password == NULL)
    {
      if (!lj_request_run_transaction (req, TRUE, in->id ? patch_in_transaction : create_in_transaction, in, error))
        return FALSE;
      return TRUE;
    }
  job = lj_password_job_new ();
  job->new_password = g_steal_pointer (&in->password);
  if (!lj_password_submit (req, job, hashed, in, error))
    return FALSE;
  g_steal_pointer (&in);   /* hashed () owns it now */
  return TRUE;
}

static gboolean
user_create (LjRequest *req, gpointer data, GError **error)
{
  LjUserInput *in = parse_user_input (req, TRUE, error);

  return in && hash_then_write (req, in, error);
}

static gboolean
user_patch (LjRequest *req, gpointer data, GError **error)
{
  const char *if_match = lj_request_get_header (req, "If-Match");
  LjUserInput *in = parse_user_input (req, FALSE, error);

  if (in == NULL)
    return FALSE;
  in->id = lj_request_get_path_id (req, "id");
  if (if_match)
    {
      g_autofree char *bare = g_strndup (if_match + (*if_match == '"'), strlen (if_match) - 2 * (*if_match == '"'));
      if (!g_ascii_string_to_signed (bare, 10, 1, G_MAXINT64, &in->if_match, NULL))
        in->if_match = -1;
    }
  return hash_then_write (req, in, error);
}

static gboolean
has_audit_history (LjRequest *req, gint64 id, gboolean *has, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, "SELECT EXISTS (SELECT 1 FROM audit WHERE actor_user_id = ?1)",
                                              error);

  if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  *has = sqlite3_column_int (st->stmt, 0);
  return TRUE;
}

static gboolean
user_delete (LjRequest *req, gpointer data, GError **error)
{
  gint64 id = lj_request_get_path_id (req, "id");
  g_autoptr (LjUser) u = load_or_404 (req, id, error);
  g_autoptr (JsonObject) before = NULL;
  g_autoptr (LjStmt) st = NULL;
  gboolean has = FALSE;

  if (u == NULL || !has_audit_history (req, id, &has, error))
    return FALSE;
  if (has)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_CONFLICT,
                   "%s has acted on records (the audit trail names them); disable the user instead"
                   " with PATCH {\"disabled\": true}", u->username);
      return FALSE;
    }
  if (!keeps_an_admin (req, u, error))
    return FALSE;
  st = lj_request_prepare (req, "DELETE FROM users WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, id);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  before = lj_user_to_audit_json (u);
  return lj_request_audit (req, "delete", "users", id, before, NULL, error);
}

void
lj_auth_user_routes (LjApp *app)
{
  static const char create_schema[] =
    "{\"type\":\"object\",\"required\":[\"username\",\"role\"],\"additionalProperties\":false,\"properties\":{"
    "\"username\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64},\"display_name\":{\"type\":\"string\"},"
    "\"role\":{\"enum\":[\"admin\",\"secretary\",\"viewer\"]},\"org_id\":{\"type\":[\"integer\",\"null\"]},"
    "\"disabled\":{\"type\":\"boolean\"},\"password\":{\"type\":\"string\",\"minLength\":12,\"maxLength\":1024}}}";
  static const char patch_schema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"display_name\":{\"type\":\"string\"},"
    "\"role\":{\"enum\":[\"admin\",\"secretary\",\"viewer\"]},\"org_id\":{\"type\":[\"integer\",\"null\"]},"
    "\"disabled\":{\"type\":\"boolean\"},\"password\":{\"type\":\"string\",\"minLength\":12,\"maxLength\":1024}}}";
  static const char page_schema[] =
    "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" USER_SCHEMA "},"
    "\"next_cursor\":{\"type\":[\"string\",\"null\"]},\"total\":{\"type\":\"integer\"}}}";
  LjRoute *r;

  r = lj_app_add_route (app, "GET", "/api/v1/users", user_list, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_summary (r, "users", "List users (admin only)");
  lj_route_add_query_param (r, "role", "string", "admin, secretary or viewer");
  lj_route_add_query_param (r, "org_id", "integer", "users of this organisation");
  lj_route_add_query_param (r, "disabled", "boolean", "true or false");
  lj_route_add_query_param (r, "limit", "integer", "page size, 1 to 500 (default 50)");
  lj_route_add_query_param (r, "cursor", "string", "next_cursor of the previous page");
  lj_route_add_response (r, 200, "A page of users", page_schema);

  r = lj_app_add_route (app, "POST", "/api/v1/users", user_create, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_flags (r, LJ_ROUTE_FLAGS_NO_TRANSACTION);
  lj_route_set_summary (r, "users", "Create a user (admin only); the password, if any, is hashed with Argon2id");
  lj_route_set_request_schema (r, create_schema);
  lj_route_add_response (r, 201, "The user", USER_SCHEMA);
  lj_route_add_response (r, 409, "A user of that name exists", NULL);
  lj_route_add_response (r, 422, "Invalid fields", NULL);
  lj_route_add_response (r, 503, "Too many password hashes waiting; Retry-After", NULL);

  r = lj_app_add_route (app, "GET", "/api/v1/users/{id}", user_get, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_summary (r, "users", "Read a user (admin only)");
  lj_route_add_response (r, 200, "The user, with ETag", USER_SCHEMA);
  lj_route_add_response (r, 404, "No such user", NULL);

  r = lj_app_add_route (app, "PATCH", "/api/v1/users/{id}", user_patch, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_flags (r, LJ_ROUTE_FLAGS_NO_TRANSACTION);
  lj_route_set_summary (r, "users", "Change a user (admin only); a new role, organisation or password, or"
                        " disabling, ends their sessions (disabling also revokes their API tokens)");
  lj_route_set_request_schema (r, patch_schema);
  lj_route_add_response (r, 200, "The user", USER_SCHEMA);
  lj_route_add_response (r, 404, "No such user", NULL);
  lj_route_add_response (r, 409, "It would leave no enabled admin", NULL);
  lj_route_add_response (r, 412, "If-Match names an older version", NULL);
  lj_route_add_response (r, 422, "Invalid fields", NULL);

  r = lj_app_add_route (app, "DELETE", "/api/v1/users/{id}", user_delete, NULL);
  lj_route_set_roles (r, LJ_ROLES_ADMIN);
  lj_route_set_summary (r, "users", "Delete a user who never acted (admin only); otherwise disable them");
  lj_route_add_response (r, 204, "Deleted", NULL);
  lj_route_add_response (r, 404, "No such user", NULL);
  lj_route_add_response (r, 409, "The user has audit history, or is the last enabled admin", NULL);
}
