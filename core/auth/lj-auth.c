/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The auth module's front: the policy in force, authenticating a request
 * from its bearer token (the dispatcher's side of the contract in
 * lj-auth.h), creating users for the CLI, the demo and the tests, and the
 * small helpers the route files share. */
#include "lj-auth-private.h"
#include "json/lj-cursor.h"

#include <string.h>

#define LJ_AUTH_BEARER "Bearer "
#define LJ_AUTH_LIST_DEFAULT_LIMIT 50
#define LJ_AUTH_LIST_MAX_LIMIT 500

G_DEFINE_QUARK (lj-auth-error-quark, lj_auth_error)

static LjAuthPolicy policy = {
  .idle_timeout = LJ_AUTH_DEFAULT_IDLE_TIMEOUT,
  .absolute_timeout = LJ_AUTH_DEFAULT_ABSOLUTE_TIMEOUT,
  .lockout_failures = LJ_AUTH_DEFAULT_LOCKOUT_FAILURES,
  .lockout_seconds = LJ_AUTH_DEFAULT_LOCKOUT_SECONDS,
};

const LjAuthPolicy *
lj_auth_get_policy (void)
{
  return &policy;
}

void
lj_auth_configure (guint idle_timeout, guint absolute_timeout, guint lockout_failures, guint lockout_seconds)
{
  g_return_if_fail (idle_timeout > 0 && absolute_timeout > 0 && lockout_failures > 0);
  policy.idle_timeout = idle_timeout;
  policy.absolute_timeout = absolute_timeout;
  policy.lockout_failures = lockout_failures;
  policy.lockout_seconds = lockout_seconds;
}

void
lj_auth_configure_passwords (guint iterations, guint memory_mib, guint threads)
{
  lj_password_configure (iterations, memory_mib, threads);
}

void
lj_auth_use_test_profile (void)
{
  lj_password_set_test_profile ();
}

gboolean
lj_auth_authenticate (LjApp *app, LjRequest *req, GError **error)
{
  const char *header = lj_request_get_header (req, "Authorization");
  guint8 hash[LJ_TOKEN_HASH_BYTES];
  LjPrincipal p = { 0 };

  if (header == NULL)
    return TRUE;
  /* The scheme is case-insensitive (RFC 9110 §11.1); the token is not. */
  if (g_ascii_strncasecmp (header, LJ_AUTH_BEARER, strlen (LJ_AUTH_BEARER)) != 0
      || !lj_token_parse (header + strlen (LJ_AUTH_BEARER), hash))
    {
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAUTHORIZED,
                           "the Authorization header must be \"Bearer lj_…\" with a Lianjian token");
      return FALSE;
    }
  if (!lj_credentials_lookup (app->store, hash, &p, error))
    return FALSE;
  lj_request_set_principal (req, &p);
  return TRUE;
}

void
lj_auth_add_routes (LjApp *app)
{
  lj_password_init ();
  lj_auth_session_routes (app);
  lj_auth_user_routes (app);
  lj_auth_token_routes (app);
}

gboolean
lj_auth_has_users (LjStore *store, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, "SELECT EXISTS (SELECT 1 FROM users WHERE disabled = 0)", error);

  return st && lj_stmt_step (st, error) == SQLITE_ROW && sqlite3_column_int (st->stmt, 0);
}

static gboolean
insert_user (LjStore *store, const char *username, const char *display_name, LjRole role, gint64 org_id,
             const char *hash, gint64 *user_id, GError **error)
{
  static const char sql[] =
    "INSERT INTO users (username, display_name, role, org_id, password_hash, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  g_autofree char *now = lj_clock_now_timestamp ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 2, display_name ? display_name : username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 3, lj_role_to_string (role), -1, SQLITE_STATIC);
  if (org_id > 0)
    sqlite3_bind_int64 (st->stmt, 4, org_id);
  sqlite3_bind_text (st->stmt, 5, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 6, now, -1, SQLITE_TRANSIENT);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  *user_id = sqlite3_last_insert_rowid (lj_store_get_db (store));
  return TRUE;
}

/* Says in words what the table's constraints would refuse. */
static gboolean
check_new_user (LjStore *store, const char *username, LjRole role, gint64 org_id, GError **error)
{
  g_autoptr (LjUser) existing = NULL;
  g_autoptr (GError) local = NULL;

  if (username == NULL || *username == '\0' || strlen (username) > 64 || !g_utf8_validate (username, -1, NULL))
    {
      g_set_error (error, LJ_AUTH_ERROR, 0, "a username is 1 to 64 bytes of UTF-8");
      return FALSE;
    }
  if (role == LJ_ROLE_NONE)
    {
      g_set_error (error, LJ_AUTH_ERROR, 0, "a user needs a role: admin, secretary or viewer");
      return FALSE;
    }
  if (role == LJ_ROLE_SECRETARY && org_id <= 0)
    {
      g_set_error (error, LJ_AUTH_ERROR, 0, "a secretary needs an organisation (--org ID)");
      return FALSE;
    }
  if (org_id > 0)
    {
      g_autoptr (LjStmt) st = lj_store_prepare (store, "SELECT 1 FROM organizations WHERE id = ?1", error);
      int rc;

      if (st == NULL)
        return FALSE;
      sqlite3_bind_int64 (st->stmt, 1, org_id);
      if ((rc = lj_stmt_step (st, error)) < 0)
        return FALSE;
      if (rc != SQLITE_ROW)
        {
          g_set_error (error, LJ_AUTH_ERROR, 0, "there is no organisation %" G_GINT64_FORMAT, org_id);
          return FALSE;
        }
    }
  existing = lj_user_load_by_name (store, username, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (existing)
    {
      g_set_error (error, LJ_AUTH_ERROR, 0, "there is already a user called %s", username);
      return FALSE;
    }
  return TRUE;
}

gboolean
lj_auth_create_user (LjStore *store, const char *username, const char *display_name, LjRole role, gint64 org_id,
                     const char *password, char **token, gint64 *user_id, GError **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *text = NULL;
  gint64 id = 0;

  g_return_val_if_fail (!lj_store_in_transaction (store), FALSE);
  if (password && (hash = lj_password_hash_sync (password, error)) == NULL)
    return FALSE;
  if (!lj_store_begin (store, LJ_STORE_TXN_WRITE, error))
    return FALSE;
  if (!check_new_user (store, username, role, org_id, error)
      || !insert_user (store, username, display_name, role, org_id, hash, &id, error)
      || (token && !lj_api_token_create (store, id, "initial", NULL, &text, NULL, error)))
    {
      lj_store_rollback (store);
      return FALSE;
    }
  if (!lj_store_commit (store, error))
    return FALSE;
  if (token)
    *token = g_steal_pointer (&text);
  if (user_id)
    *user_id = id;
  return TRUE;
}

/* ---- helpers for the route files ---- */

void
lj_auth_respond_writer (LjRequest *req, guint status, LjJsonWriter *w)
{
  gsize len;
  char *json = lj_json_writer_steal (w, &len);

  lj_request_set_response_json (req, status, json, len);
}

/* Keyset paging by id: `limit`, and `cursor` (opaque to clients) giving
 * the id to start after; wrong values are field errors on @req. */
void
lj_auth_parse_page (LjRequest *req, guint *limit, gint64 *after)
{
  const char *text = lj_request_get_query (req, "limit");
  const char *cursor = lj_request_get_query (req, "cursor");
  guint64 v = 0;

  *limit = LJ_AUTH_LIST_DEFAULT_LIMIT;
  *after = 0;
  if (text && !g_ascii_string_to_unsigned (text, 10, 1, LJ_AUTH_LIST_MAX_LIMIT, &v, NULL))
    lj_request_add_field_error (req, "limit", "must be a whole number from 1 to %d", LJ_AUTH_LIST_MAX_LIMIT);
  else if (text)
    *limit = (guint) v;
  if (cursor && !lj_cursor_decode_id (cursor, after))
    lj_request_add_field_error (req, "cursor", "is not a cursor of this list");
}

/* "items" and "next_cursor" from @st, which returns up to @limit + 1 rows
 * in id order, the id in its first column: the extra row only says that
 * there is a next page. */
gboolean
lj_auth_write_page (LjJsonWriter *w, LjStmt *st, guint limit, LjAuthRowWriter write_row, GError **error)
{
  gint64 last = 0;
  guint n = 0;
  int rc;

  lj_json_writer_key (w, "items");
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW && n < limit)
    {
      write_row (w, st->stmt);
      last = sqlite3_column_int64 (st->stmt, 0);
      n++;
    }
  if (rc < 0)
    return FALSE;
  lj_json_writer_end_array (w);
  lj_json_writer_key (w, "next_cursor");
  if (rc == SQLITE_ROW)
    {
      g_autofree char *next = lj_cursor_encode_id (last);
      lj_json_writer_string (w, next);
    }
  else
    lj_json_writer_null (w);
  return TRUE;
}
