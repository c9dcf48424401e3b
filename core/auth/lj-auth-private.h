/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the files of core/auth share: the policy in force, the password
 * worker pool, token encoding, sessions and user records.  Not installed. */
#pragma once

#include "lj-auth.h"
#include "json/lj-json-writer.h"

#include <sodium.h>

G_BEGIN_DECLS

/* ---- policy (lj-auth.c) ---- */

typedef struct {
  gint64 idle_timeout;       /* seconds a session may go unused */
  gint64 absolute_timeout;   /* seconds a session lives at most */
  guint  lockout_failures;   /* failed logins in a row that lock an account */
  gint64 lockout_seconds;    /* how long the lock lasts */
} LjAuthPolicy;

const LjAuthPolicy *lj_auth_get_policy (void);

/* The one message for every failed login, whatever the reason. */
#define LJ_AUTH_LOGIN_FAILED "wrong username or password, or the account is locked or disabled"
/* The one message for every token that does not authenticate. */
#define LJ_AUTH_TOKEN_INVALID "the token is unknown, expired or revoked; sign in again"

/* ---- passwords (lj-password.c) ---- */

/* At most [auth] password_threads Argon2id computations run at once, and
 * at most this many wait; the next caller gets 503. */
#define LJ_PASSWORD_MAX_WAITING 8

void      lj_password_init (void);
void      lj_password_set_test_profile (void);
void      lj_password_configure (guint iterations, guint memory_mib, guint threads);
/* FALSE with a 422 field error on @field when @password is out of bounds. */
gboolean  lj_password_check_length (LjRequest *req, const char *field, const char *password);
gboolean  lj_password_length_ok (const char *password);
/* Hashes on the calling thread: for the CLI, the demo and the harness. */
char     *lj_password_hash_sync (const char *password, GError **error);

typedef struct {
  /* in */
  char     *password;      /* verified against @hash, or against the dummy hash when @hash is NULL */
  char     *hash;
  gboolean  verify;        /* whether to verify at all */
  char     *new_password;  /* hashed into @new_hash when not NULL */
  /* out */
  gboolean  verified;
  char     *new_hash;      /* of @new_password, or the rehash of @password */
  gboolean  failed;        /* libsodium could not hash (out of memory) */
} LjPasswordJob;

typedef void (*LjPasswordDone) (LjRequest *req, LjPasswordJob *job, gpointer data);

LjPasswordJob *lj_password_job_new (void);
void           lj_password_job_free (LjPasswordJob *job);
/* Pauses @req and runs @job on the worker pool; @done runs later on the
 * request's main context and must resume the request.  FALSE (503) when
 * too many are waiting: @job is freed, @data stays the caller's. */
gboolean       lj_password_submit (LjRequest *req, LjPasswordJob *job, LjPasswordDone done, gpointer data,
                                   GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjPasswordJob, lj_password_job_free)

/* ---- tokens (lj-token.c) ---- */

#define LJ_TOKEN_PREFIX "lj_"
#define LJ_TOKEN_BYTES 32
#define LJ_TOKEN_HASH_BYTES crypto_hash_sha256_BYTES
/* Returns: (transfer full): a fresh token's text; its hash in @hash. */
char     *lj_token_generate (guint8 hash[LJ_TOKEN_HASH_BYTES]);
/* TRUE when @text has the shape of a token; its hash in @hash. */
gboolean  lj_token_parse (const char *text, guint8 hash[LJ_TOKEN_HASH_BYTES]);
char     *lj_auth_format_time (gint64 seconds);

/* ---- sessions and API tokens (lj-sessions.c) ---- */

gboolean  lj_session_create (LjStore *store, gint64 user_id, const char *client_address, char **token,
                             gint64 *expires_at, GError **error);
gboolean  lj_session_revoke (LjStore *store, gint64 session_id, GError **error);
/* Revokes every live session of @user_id, and its API tokens too when
 * @with_tokens. */
gboolean  lj_sessions_revoke_user (LjStore *store, gint64 user_id, gboolean with_tokens, GError **error);
gboolean  lj_api_token_create (LjStore *store, gint64 user_id, const char *name, const char *expires_at,
                               char **token, gint64 *token_id, GError **error);
gboolean  lj_api_token_revoke (LjStore *store, gint64 token_id, GError **error);
/* Fills @p from a token's hash; FALSE with 401 when it names nothing valid. */
gboolean  lj_credentials_lookup (LjStore *store, const guint8 hash[LJ_TOKEN_HASH_BYTES], LjPrincipal *p,
                                 GError **error);

/* ---- users (lj-users.c) ---- */

typedef struct {
  gint64   id;
  char    *username;
  char    *display_name;
  LjRole   role;
  gint64   org_id;
  gboolean disabled;
  char    *password_hash;
  guint    failed_logins;
  gint64   locked_until;
  gint64   version;
  char    *created_at;
  char    *updated_at;
} LjUser;

void      lj_user_free (LjUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjUser, lj_user_free)
/* Returns: (nullable): the user, or NULL (with @error unset) when there is none. */
LjUser   *lj_user_load (LjStore *store, gint64 id, GError **error);
LjUser   *lj_user_load_by_name (LjStore *store, const char *username, GError **error);
/* Writes the public record: never the hash or the lockout state. */
void      lj_user_write_json (LjJsonWriter *w, const LjUser *user);
JsonObject *lj_user_to_audit_json (const LjUser *user);
/* Records a failed password check; locks the account after too many. */
gboolean  lj_user_note_failure (LjStore *store, LjUser *user, GError **error);
gboolean  lj_user_note_success (LjStore *store, gint64 user_id, const char *new_hash, GError **error);
gboolean  lj_user_is_locked (const LjUser *user);
gboolean  lj_user_set_password_hash (LjStore *store, gint64 user_id, const char *hash, GError **error);

/* Route registration, one per file. */
void      lj_auth_session_routes (LjApp *app);
void      lj_auth_user_routes (LjApp *app);
void      lj_auth_token_routes (LjApp *app);

/* Shared by the handlers: the JSON answer and the lists paged by id. */
typedef void (*LjAuthRowWriter) (LjJsonWriter *w, sqlite3_stmt *row);

void      lj_auth_respond_writer (LjRequest *req, guint status, LjJsonWriter *w);
void      lj_auth_parse_page (LjRequest *req, guint *limit, gint64 *after);
gboolean  lj_auth_write_page (LjJsonWriter *w, LjStmt *st, guint limit, LjAuthRowWriter write_row, GError **error);

G_END_DECLS
