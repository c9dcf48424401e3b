/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signing in and out: POST /auth/login, POST /auth/logout, GET /me and
 * POST /me/password.  Login and password change verify Argon2id hashes on
 * the worker pool (lj-password.c): the request is paused meanwhile, and its
 * writes run afterwards in a transaction of their own.  Every failed login
 * looks the same from outside: one status, one message, and an Argon2id
 * verify (against a dummy hash for unknown users) so the time is alike. */
#include "lj-auth-private.h"
#include "http/lj-request-private.h"

#include <string.h>

#define LOGIN_RESPONSE_SCHEMA \
  "{\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\",\"description\":\"lj_ and 43 characters;" \
  " shown once\"},\"expires_at\":{\"type\":\"string\",\"format\":\"date-time\"},\"user\":{\"type\":\"object\"}}}"

typedef struct {
  LjUser *user;        /* NULL for an unknown username */
  char   *token;
  gint64  expires_at;
  char   *new_hash;
  gboolean verified;
} LjLogin;

static void
login_free (LjLogin *login)
{
  lj_user_free (login->user);
  if (login->token)
    sodium_memzero (login->token, strlen (login->token));
  g_free (login->token);
  g_free (login->new_hash);
  g_free (login);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjLogin, login_free)

static gboolean
login_failed (GError **error)
{
  g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAUTHORIZED, LJ_AUTH_LOGIN_FAILED);
  return FALSE;
}

/* Reads a required string member, adding a field error when it is not one. */
static const char *
required_string (LjRequest *req, JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return json_node_get_string (n);
  lj_request_add_field_error (req, name, n ? "must be a string" : "is required");
  return NULL;
}

static gboolean
only_members (LjRequest *req, JsonObject *o, const char *const *known, GError **error)
{
  GList *members = json_object_get_members (o);

  for (GList *it = members; it; it = it->next)
    if (!g_strv_contains (known, it->data))
      lj_request_add_field_error (req, it->data, "is not a known field");
  g_list_free (members);
  return TRUE;
}

static gboolean
fields_ok (LjRequest *req, GError **error)
{
  if (lj_request_get_n_field_errors (req) == 0)
    return TRUE;
  g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid fields");
  return FALSE;
}

/* ---- login ---- */

/* Runs in the write transaction once the verify is back.  Failures are
 * recorded (and committed) too, so this returns TRUE for a wrong password
 * and leaves the outcome in login->token. */
static gboolean
login_write (LjRequest *req, gpointer data, GError **error)
{
  LjLogin *login = data;
  LjStore *store = lj_request_get_store (req);
  g_autoptr (LjUser) now = NULL;
  g_autoptr (GError) local = NULL;
  LjPrincipal p = { 0 };

  if (login->user == NULL)
    return TRUE;
  /* Read again: another login may have counted a failure meanwhile. */
  now = lj_user_load (store, login->user->id, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (now == NULL || now->disabled || lj_user_is_locked (now))
    return TRUE;
  if (!login->verified || g_strcmp0 (now->password_hash, login->user->password_hash) != 0)
    {
      g_message ("security: failed sign-in for %s", now->username);
      return lj_user_note_failure (store, now, error);
    }
  if (!lj_user_note_success (store, now->id, login->new_hash, error)
      || !lj_session_create (store, now->id, lj_request_get_client_address (req), &login->token,
                             &login->expires_at, error))
    return FALSE;
  /* The audit row names the user who signed in, not the anonymous caller. */
  p.user_id = now->id;
  p.role = now->role;
  p.org_id = now->org_id;
  p.session_id = sqlite3_last_insert_rowid (lj_store_get_db (store));
  lj_request_set_principal (req, &p);
  g_message ("security: %s signed in", now->username);
  return lj_request_audit (req, "login", "sessions", p.session_id, NULL, NULL, error);
}

static void
login_respond (LjRequest *req, LjLogin *login)
{
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autofree char *expires = lj_auth_format_time (login->expires_at);

  lj_json_writer_begin_object (w);
  lj_json_writer_member_string (w, "token", login->token);
  lj_json_writer_member_string (w, "expires_at", expires);
  lj_json_writer_key (w, "user");
  lj_user_write_json (w, login->user);
  lj_json_writer_end_object (w);
  lj_request_set_response_header (req, "Cache-Control", "no-store");
  lj_auth_respond_writer (req, 200, g_steal_pointer (&w));
}

static void
login_verified (LjRequest *req, LjPasswordJob *job, gpointer data)
{
  g_autoptr (LjLogin) login = data;
  g_autoptr (GError) error = NULL;

  login->verified = job->verified;
  login->new_hash = g_steal_pointer (&job->new_hash);
  if (!lj_request_run_transaction (req, TRUE, login_write, login, &error))
    lj_request_set_error (req, error);
  else if (login->token == NULL)
    {
      login_failed (&error);
      lj_request_set_error (req, error);
    }
  else
    login_respond (req, login);
  lj_request_resume (req);
}

static gboolean
login (LjRequest *req, gpointer data, GError **error)
{
  static const char *const known[] = { "username", "password", NULL };
  JsonObject *o = lj_request_get_json_object (req, error);
  g_autoptr (LjLogin) login = NULL;
  g_autoptr (GError) local = NULL;
  LjPasswordJob *job;
  const char *username, *password;

  if (o == NULL)
    return FALSE;
  only_members (req, o, known, error);
  username = required_string (req, o, "username");
  password = required_string (req, o, "password");
  if (password && strlen (password) > LJ_AUTH_PASSWORD_MAX)
    lj_request_add_field_error (req, "password", "must be at most %d bytes", LJ_AUTH_PASSWORD_MAX);
  if (!fields_ok (req, error))
    return FALSE;
  login = g_new0 (LjLogin, 1);
  login->user = lj_user_load_by_name (lj_request_get_store (req), username, &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* Unknown users, token-only accounts, disabled and locked ones all get
   * a full verify, so the answer's timing says nothing about which. */
  job = lj_password_job_new ();
  job->verify = TRUE;
  job->password = g_strdup (password);
  job->hash = login->user ? g_strdup (login->user->password_hash) : NULL;
  if (!lj_password_submit (req, job, login_verified, login, error))
    return FALSE;
  g_steal_pointer (&login);   /* login_verified () owns it now */
  return TRUE;
}

/* ---- logout, me ---- */

static gboolean
logout (LjRequest *req, gpointer data, GError **error)
{
  const LjPrincipal *p = lj_request_get_principal (req);

  if (p->session_id == 0)
    {
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_BAD_REQUEST,
                           "logout ends a session; an API token is revoked with"
                           " DELETE /api/v1/users/{id}/tokens/{token_id}");
      return FALSE;
    }
  if (!lj_session_revoke (lj_request_get_store (req), p->session_id, error))
    return FALSE;
  g_message ("security: user %" G_GINT64_FORMAT " signed out", p->user_id);
  if (!lj_request_audit (req, "logout", "sessions", p->session_id, NULL, NULL, error))
    return FALSE;
  lj_request_set_status (req, 204);
  return TRUE;
}

static gboolean
me (LjRequest *req, gpointer data, GError **error)
{
  const LjPrincipal *p = lj_request_get_principal (req);
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  g_autoptr (GError) local = NULL;
  g_autoptr (LjUser) u = lj_user_load (lj_request_get_store (req), p->user_id, &local);

  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (u == NULL)
    return login_failed (error);
  lj_user_write_json (w, u);
  lj_auth_respond_writer (req, 200, g_steal_pointer (&w));
  return TRUE;
}

/* ---- password change ---- */

typedef struct {
  LjUser  *user;
  gboolean verified;
  char    *new_hash;
} LjPasswordChange;

static void
change_free (LjPasswordChange *c)
{
  lj_user_free (c->user);
  g_free (c->new_hash);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjPasswordChange, change_free)

static gboolean
change_write (LjRequest *req, gpointer data, GError **error)
{
  LjPasswordChange *c = data;
  LjStore *store = lj_request_get_store (req);
  g_autoptr (JsonObject) after = json_object_new ();

  if (!c->verified)
    {
      /* A stolen session must not become a way to guess the password. */
      if (!lj_user_note_failure (store, c->user, error))
        return FALSE;
      return TRUE;
    }
  if (!lj_user_set_password_hash (store, c->user->id, c->new_hash, error))
    return FALSE;
  json_object_set_boolean_member (after, "password_changed", TRUE);
  g_message ("security: %s changed their password; their sessions were revoked", c->user->username);
  return lj_request_audit (req, "password", "users", c->user->id, NULL, after, error);
}

static void
change_verified (LjRequest *req, LjPasswordJob *job, gpointer data)
{
  g_autoptr (LjPasswordChange) c = data;
  g_autoptr (GError) error = NULL;

  c->verified = job->verified && !job->failed && job->new_hash;
  c->new_hash = g_steal_pointer (&job->new_hash);
  if (job->failed)
    g_set_error_literal (&error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_UNAVAILABLE, "could not hash the password; try again");
  else if (!lj_request_run_transaction (req, TRUE, change_write, c, &error))
    ;
  else if (!c->verified)
    {
      lj_request_add_field_error (req, "current_password", "is not the current password");
      g_set_error_literal (&error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "the current password is wrong");
    }
  if (error)
    lj_request_set_error (req, error);
  else
    lj_request_set_status (req, 204);
  lj_request_resume (req);
}

static gboolean
change_password (LjRequest *req, gpointer data, GError **error)
{
  static const char *const known[] = { "current_password", "new_password", NULL };
  JsonObject *o = lj_request_get_json_object (req, error);
  g_autoptr (LjPasswordChange) c = g_new0 (LjPasswordChange, 1);
  g_autoptr (GError) local = NULL;
  const char *current, *fresh;
  LjPasswordJob *job;

  if (o == NULL)
    return FALSE;
  only_members (req, o, known, error);
  current = required_string (req, o, "current_password");
  fresh = required_string (req, o, "new_password");
  if (fresh)
    lj_password_check_length (req, "new_password", fresh);
  if (!fields_ok (req, error))
    return FALSE;
  c->user = lj_user_load (lj_request_get_store (req), lj_request_get_user_id (req), &local);
  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (c->user == NULL)
    return login_failed (error);
  if (lj_user_is_locked (c->user))
    {
      g_set_error_literal (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_FORBIDDEN,
                           "the account is locked after failed password checks; try again later");
      return FALSE;
    }
  job = lj_password_job_new ();
  job->verify = TRUE;
  job->password = g_strdup (current);
  job->hash = g_strdup (c->user->password_hash);
  job->new_password = g_strdup (fresh);
  if (!lj_password_submit (req, job, change_verified, c, error))
    return FALSE;
  g_steal_pointer (&c);   /* change_verified () owns it now */
  return TRUE;
}

void
lj_auth_session_routes (LjApp *app)
{
  static const char login_schema[] =
    "{\"type\":\"object\",\"required\":[\"username\",\"password\"],\"additionalProperties\":false,"
    "\"properties\":{\"username\":{\"type\":\"string\"},\"password\":{\"type\":\"string\",\"maxLength\":1024}}}";
  static const char password_schema[] =
    "{\"type\":\"object\",\"required\":[\"current_password\",\"new_password\"],\"additionalProperties\":false,"
    "\"properties\":{\"current_password\":{\"type\":\"string\"},"
    "\"new_password\":{\"type\":\"string\",\"minLength\":12,\"maxLength\":1024}}}";
  LjRoute *r;

  r = lj_app_add_route (app, "POST", "/api/v1/auth/login", login, NULL);
  lj_route_set_flags (r, LJ_ROUTE_FLAGS_PUBLIC | LJ_ROUTE_FLAGS_NO_TRANSACTION);
  lj_route_set_summary (r, "auth", "Sign in with a username and password; returns a session token");
  lj_route_set_request_schema (r, login_schema);
  lj_route_add_response (r, 200, "Signed in; the token is shown only here", LOGIN_RESPONSE_SCHEMA);
  lj_route_add_response (r, 401, "Wrong username or password, or the account is locked or disabled"
                         " (one answer for all)", NULL);
  lj_route_add_response (r, 422, "Missing or invalid fields", NULL);
  lj_route_add_response (r, 503, "Too many sign-ins waiting; see Retry-After", NULL);

  r = lj_app_add_route (app, "POST", "/api/v1/auth/logout", logout, NULL);
  lj_route_set_roles (r, LJ_ROLES_ANY);
  lj_route_set_summary (r, "auth", "End the session whose token is sent");
  lj_route_add_response (r, 204, "Signed out", NULL);
  lj_route_add_response (r, 400, "Sent with an API token, which logout does not end", NULL);

  r = lj_app_add_route (app, "GET", "/api/v1/me", me, NULL);
  lj_route_set_roles (r, LJ_ROLES_ANY);
  lj_route_set_summary (r, "auth", "The signed-in user");
  lj_route_add_response (r, 200, "The user", NULL);

  r = lj_app_add_route (app, "POST", "/api/v1/me/password", change_password, NULL);
  lj_route_set_roles (r, LJ_ROLES_ANY);
  lj_route_set_flags (r, LJ_ROUTE_FLAGS_NO_TRANSACTION);
  lj_route_set_summary (r, "auth", "Change one's own password; ends all of one's sessions (sign in again)");
  lj_route_set_request_schema (r, password_schema);
  lj_route_add_response (r, 204, "Changed; every session of the user is revoked", NULL);
  lj_route_add_response (r, 403, "The account is locked", NULL);
  lj_route_add_response (r, 422, "Invalid fields, or current_password is wrong", NULL);
  lj_route_add_response (r, 503, "Too many password hashes waiting; see Retry-After", NULL);
}
