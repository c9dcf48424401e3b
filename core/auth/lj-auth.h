/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts, passwords and tokens: who a request comes from.
 *
 * Contract with the dispatcher (core/app/lj-app.c): before any route runs,
 * lj_auth_authenticate () reads `Authorization: Bearer lj_…`, finds the
 * session or API token by its SHA-256, checks expiry (idle and absolute,
 * on lj_clock), the user's state, and fills the request's principal with
 * lj_request_set_principal ().  It writes nothing except, at most once a
 * minute per session, its last-seen time. */
#pragma once

#include "lianjian/lianjian.h"
#include "app/lj-app-private.h"
#include "lj-auth-defaults.h"

G_BEGIN_DECLS

#define LJ_AUTH_ERROR (lj_auth_error_quark ())
GQuark lj_auth_error_quark (void);

/* Session lifetimes and lockout, from [auth] in the configuration. */
#define LJ_AUTH_PASSWORD_MIN 12
#define LJ_AUTH_PASSWORD_MAX 1024

/* Fills @req's principal from its Authorization header.  No header: the
 * principal stays anonymous (LJ_ROLE_NONE) and TRUE is returned; the
 * dispatcher refuses non-public routes.  A header that names no valid
 * token: FALSE with LJ_HTTP_ERROR_UNAUTHORIZED. */
gboolean  lj_auth_authenticate (LjApp *app, LjRequest *req, GError **error);

/* Registers /auth/login, /auth/logout, /me, /me/password, /users… and
 * /audit is not here (core/app/lj-audit.c). */
void      lj_auth_add_routes (LjApp *app);

/* Creates a user (password may be NULL: token-only account) and, when
 * @token is not NULL, an API token named "initial" for it.  For the CLI,
 * the demo and the test harness.  Runs its own write transaction. */
gboolean  lj_auth_create_user (LjStore    *store,
                               const char *username,
                               const char *display_name,
                               LjRole      role,
                               gint64      org_id,
                               const char *password,
                               char      **token,
                               gint64     *user_id,
                               GError    **error);

/* TRUE when at least one enabled user exists; FALSE with @error unset
 * when none does (first run: say how to create the first admin). */
gboolean  lj_auth_has_users (LjStore *store, GError **error);

/* Applies [auth] from the configuration: idle_timeout, absolute_timeout,
 * lockout_failures, lockout_seconds.  Call before serving. */
void      lj_auth_configure (guint idle_timeout, guint absolute_timeout, guint lockout_failures,
                             guint lockout_seconds);

/* Applies [auth] password_iterations, password_memory (MiB) and
 * password_threads.  Call before the first hash; existing hashes are
 * rehashed at their next login when the cost changed. */
void      lj_auth_configure_passwords (guint iterations, guint memory_mib, guint threads);

/* Tests only: use the OWASP Argon2id profile (t=2, 19 MiB) whatever the
 * configuration says.  Call before any hashing. */
void      lj_auth_use_test_profile (void);
/* Tests only: while @hold, password workers wait before hashing, so a test
 * can show other requests are answered while a hash is pending. */
void      lj_password_hold_for_testing (gboolean hold);
/* Tests only: how many workers wait on the hold now. */
guint     lj_password_held_for_testing (void);

G_END_DECLS
