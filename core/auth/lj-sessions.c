/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sessions (from login) and named API tokens (for integrations): creating,
 * revoking, and finding the one a bearer token names.  Session times are
 * Unix seconds on lj_clock; a session ends after the idle timeout, at its
 * absolute expiry, or when revoked.  API tokens have no idle timeout. */
#include "lj-auth-private.h"

#include <string.h>

/* last_seen_at / last_used_at are written at most this often, so reads do
 * not each cost a write. */
#define LJ_SESSION_TOUCH_INTERVAL 60

gboolean
lj_session_create (LjStore *store, gint64 user_id, const char *client_address, char **token, gint64 *expires_at,
                   GError **error)
{
  static const char sql[] =
    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_address)"
    " VALUES (?1, ?2, ?3, ?3, ?4, ?5)";
  guint8 hash[LJ_TOKEN_HASH_BYTES];
  g_autofree char *text = lj_token_generate (hash);
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  gint64 now = lj_clock_now_seconds ();
  gint64 expires = now + lj_auth_get_policy ()->absolute_timeout;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_blob (st->stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 2, user_id);
  sqlite3_bind_int64 (st->stmt, 3, now);
  sqlite3_bind_int64 (st->stmt, 4, expires);
  sqlite3_bind_text (st->stmt, 5, client_address, -1, SQLITE_TRANSIENT);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  *token = g_steal_pointer (&text);
  *expires_at = expires;
  return TRUE;
}

gboolean
lj_session_revoke (LjStore *store, gint64 session_id, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, "UPDATE sessions SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                                            error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, lj_clock_now_seconds ());
  sqlite3_bind_int64 (st->stmt, 2, session_id);
  return lj_stmt_step_done (st, error);
}

gboolean
lj_sessions_revoke_user (LjStore *store, gint64 user_id, gboolean with_tokens, GError **error)
{
  g_autoptr (LjStmt) st = NULL;
  g_autofree char *now = NULL;

  st = lj_store_prepare (store, "UPDATE sessions SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, lj_clock_now_seconds ());
  sqlite3_bind_int64 (st->stmt, 2, user_id);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  g_clear_pointer (&st, lj_stmt_release);
  if (!with_tokens)
    return TRUE;
  st = lj_store_prepare (store, "UPDATE api_tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL",
                         error);
  if (st == NULL)
    return FALSE;
  now = lj_clock_now_timestamp ();
  sqlite3_bind_text (st->stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 2, user_id);
  return lj_stmt_step_done (st, error);
}

gboolean
lj_api_token_create (LjStore *store, gint64 user_id, const char *name, const char *expires_at, char **token,
                     gint64 *token_id, GError **error)
{
  static const char sql[] =
    "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";
  guint8 hash[LJ_TOKEN_HASH_BYTES];
  g_autofree char *text = lj_token_generate (hash);
  g_autofree char *now = lj_clock_now_timestamp ();
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st->stmt, 1, user_id);
  sqlite3_bind_text (st->stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (st->stmt, 3, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 4, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st->stmt, 5, expires_at, -1, SQLITE_TRANSIENT);
  if (!lj_stmt_step_done (st, error))
    return FALSE;
  if (token_id)
    *token_id = sqlite3_last_insert_rowid (lj_store_get_db (store));
  *token = g_steal_pointer (&text);
  return TRUE;
}

gboolean
lj_api_token_revoke (LjStore *store, gint64 token_id, GError **error)
{
  g_autoptr (LjStmt) st = lj_store_prepare (store, "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                                            error);
  g_autofree char *now = lj_clock_now_timestamp ();

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st->stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (st->stmt, 2, token_id);
  return lj_stmt_step_done (st, error);
}

/* A failed last-seen write (the database busy with another process's
 * write) must not fail the request: the next one retries it. */
static void
touch (LjStore *store, const char *sql, gint64 id, gint64 now_seconds, const char *now_text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, &error);

  if (st != NULL)
    {
      if (now_text)
        sqlite3_bind_text (st->stmt, 1, now_text, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (st->stmt, 1, now_seconds);
      sqlite3_bind_int64 (st->stmt, 2, id);
      lj_stmt_step_done (st, &error);
    }
  if (error)
    g_debug ("could not record a token's last use: %s", error->message);
}

static gboolean
invalid (GError **error)
{
  g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAUTHORIZED, LJ_AUTH_TOKEN_INVALID);
  return FALSE;
}

static void
fill_principal (LjPrincipal *p, sqlite3_stmt *stmt, int col)
{
  LjRole role = LJ_ROLE_NONE;

  lj_role_from_string ((const char *) sqlite3_column_text (stmt, col), &role);
  p->role = role;
  p->org_id = sqlite3_column_int64 (stmt, col + 1);
}

/* 1: found (valid or not, @p filled when valid), 0: no such session, -1: error. */
static int
lookup_session (LjStore *store, const guint8 *hash, LjPrincipal *p, GError **error)
{
  static const char sql[] =
    "SELECT s.id, s.user_id, s.last_seen_at, s.expires_at, s.revoked_at IS NOT NULL, u.disabled, u.role, u.org_id"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1";
  const LjAuthPolicy *policy = lj_auth_get_policy ();
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  gint64 now = lj_clock_now_seconds ();
  gint64 id, last_seen;
  int rc;

  if (st == NULL)
    return -1;
  sqlite3_bind_blob (st->stmt, 1, hash, LJ_TOKEN_HASH_BYTES, SQLITE_STATIC);
  rc = lj_stmt_step (st, error);
  if (rc != SQLITE_ROW)
    return rc < 0 ? -1 : 0;
  id = sqlite3_column_int64 (st->stmt, 0);
  last_seen = sqlite3_column_int64 (st->stmt, 2);
  if (sqlite3_column_int (st->stmt, 4) || sqlite3_column_int (st->stmt, 5) || now >= sqlite3_column_int64 (st->stmt, 3)
      || now - last_seen >= policy->idle_timeout)
    return 1;
  p->user_id = sqlite3_column_int64 (st->stmt, 1);
  p->session_id = id;
  fill_principal (p, st->stmt, 6);
  g_clear_pointer (&st, lj_stmt_release);
  if (now - last_seen >= LJ_SESSION_TOUCH_INTERVAL)
    touch (store, "UPDATE sessions SET last_seen_at = ?1 WHERE id = ?2", id, now, NULL);
  return 1;
}

static int
lookup_api_token (LjStore *store, const guint8 *hash, LjPrincipal *p, GError **error)
{
  static const char sql[] =
    "SELECT t.id, t.user_id, t.expires_at IS NOT NULL AND t.expires_at <= ?2, t.revoked_at IS NOT NULL, u.disabled,"
    " u.role, u.org_id, t.last_used_at IS NULL OR t.last_used_at <= ?3"
    " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1";
  g_autoptr (LjStmt) st = lj_store_prepare (store, sql, error);
  gint64 now = lj_clock_now_seconds ();
  g_autofree char *now_text = lj_auth_format_time (now);
  g_autofree char *touch_before = lj_auth_format_time (now - LJ_SESSION_TOUCH_INTERVAL);
  gint64 id;
  gboolean stale;
  int rc;

  if (st == NULL)
    return -1;
  sqlite3_bind_blob (st->stmt, 1, hash, LJ_TOKEN_HASH_BYTES, SQLITE_STATIC);
  sqlite3_bind_text (st->stmt, 2, now_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (st->stmt, 3, touch_before, -1, SQLITE_STATIC);
  rc = lj_stmt_step (st, error);
  if (rc != SQLITE_ROW)
    return rc < 0 ? -1 : 0;
  if (sqlite3_column_int (st->stmt, 2) || sqlite3_column_int (st->stmt, 3) || sqlite3_column_int (st->stmt, 4))
    return 1;
  id = sqlite3_column_int64 (st->stmt, 0);
  p->user_id = sqlite3_column_int64 (st->stmt, 1);
  p->token_id = id;
  fill_principal (p, st->stmt, 5);
  stale = sqlite3_column_int (st->stmt, 7);
  g_clear_pointer (&st, lj_stmt_release);
  if (stale)
    touch (store, "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2", id, 0, now_text);
  return 1;
}

gboolean
lj_credentials_lookup (LjStore *store, const guint8 hash[LJ_TOKEN_HASH_BYTES], LjPrincipal *p, GError **error)
{
  int rc;

  memset (p, 0, sizeof *p);
  rc = lookup_session (store, hash, p, error);
  if (rc == 0)
    rc = lookup_api_token (store, hash, p, error);
  if (rc < 0)
    return FALSE;
  if (p->user_id == 0 || p->role == LJ_ROLE_NONE)
    return invalid (error);
  return TRUE;
}
