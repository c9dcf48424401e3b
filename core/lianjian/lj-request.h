/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LjRequest: one HTTP request and the response being built for it, without
 * any libsoup type in sight, so handlers can be driven by tests and fuzzers
 * without a socket.  A handler reads the request, writes the response, and
 * reports failure with a GError whose domain and code pick the status. */
#pragma once

#if !defined(__LIANJIAN_H_INSIDE__) && !defined(LIANJIAN_COMPILATION)
#error "Only <lianjian/lianjian.h> can be included directly."
#endif

#include <lianjian/lj-version.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _LjRequest LjRequest;

#define LJ_HTTP_ERROR (lj_http_error_quark ())
LJ_AVAILABLE_IN_1_0
GQuark lj_http_error_quark (void);

/**
 * LjHttpError:
 * The failures a handler reports; each maps to one HTTP status in
 * lj-problem.c, and nowhere else.
 */
typedef enum {
  LJ_HTTP_ERROR_BAD_REQUEST,        /* 400 */
  LJ_HTTP_ERROR_UNAUTHORIZED,       /* 401 */
  LJ_HTTP_ERROR_FORBIDDEN,          /* 403 */
  LJ_HTTP_ERROR_NOT_FOUND,          /* 404 */
  LJ_HTTP_ERROR_METHOD_NOT_ALLOWED, /* 405 */
  LJ_HTTP_ERROR_CONFLICT,           /* 409 */
  LJ_HTTP_ERROR_LENGTH_REQUIRED,    /* 411 */
  LJ_HTTP_ERROR_PRECONDITION,       /* 412 */
  LJ_HTTP_ERROR_TOO_LARGE,          /* 413 */
  LJ_HTTP_ERROR_UNSUPPORTED_MEDIA,  /* 415 */
  LJ_HTTP_ERROR_INVALID,            /* 422: details in the request's field errors */
  LJ_HTTP_ERROR_UNAVAILABLE,        /* 503 */
  LJ_HTTP_ERROR_INTERNAL,           /* 500 */
  LJ_HTTP_ERROR_TOO_MANY,           /* 429 */
} LjHttpError;

/**
 * LjRole:
 * Who is calling.  `LJ_ROLE_NONE` only reaches routes flagged public.
 */
typedef enum {
  LJ_ROLE_NONE = 0,
  LJ_ROLE_VIEWER,
  LJ_ROLE_SECRETARY,
  LJ_ROLE_ADMIN,
} LjRole;

/* Sets of roles, for lj_route_set_roles (). */
typedef enum {
  LJ_ROLES_VIEWER = 1 << LJ_ROLE_VIEWER,
  LJ_ROLES_SECRETARY = 1 << LJ_ROLE_SECRETARY,
  LJ_ROLES_ADMIN = 1 << LJ_ROLE_ADMIN,
  LJ_ROLES_WRITERS = LJ_ROLES_SECRETARY | LJ_ROLES_ADMIN,
  LJ_ROLES_ANY = LJ_ROLES_VIEWER | LJ_ROLES_SECRETARY | LJ_ROLES_ADMIN,
} LjRoles;

LJ_AVAILABLE_IN_1_0
const char  *lj_role_to_string (LjRole role);
/* Returns: TRUE when @text names a role ("admin", "secretary", "viewer"). */
LJ_AVAILABLE_IN_1_0
gboolean     lj_role_from_string (const char *text, LjRole *role);

LJ_AVAILABLE_IN_1_0
LjRequest   *lj_request_ref (LjRequest *req);
LJ_AVAILABLE_IN_1_0
void         lj_request_unref (LjRequest *req);

LJ_AVAILABLE_IN_1_0
const char  *lj_request_get_method (LjRequest *req);
LJ_AVAILABLE_IN_1_0
const char  *lj_request_get_path (LjRequest *req);
LJ_AVAILABLE_IN_1_0
const char  *lj_request_get_header (LjRequest *req, const char *name);
LJ_AVAILABLE_IN_1_0
const char  *lj_request_get_query (LjRequest *req, const char *name);
LJ_AVAILABLE_IN_1_0
GHashTable  *lj_request_get_query_table (LjRequest *req);
LJ_AVAILABLE_IN_1_0
gint64       lj_request_get_path_id (LjRequest *req, const char *name);
LJ_AVAILABLE_IN_1_0
JsonObject  *lj_request_get_json_object (LjRequest *req, GError **error);

/* The caller, as authenticated by the host before the handler runs. */
LJ_AVAILABLE_IN_1_0
LjRole       lj_request_get_role (LjRequest *req);
/* The caller's user id; 0 for anonymous callers and for system tasks. */
LJ_AVAILABLE_IN_1_0
gint64       lj_request_get_user_id (LjRequest *req);
/* The root of a secretary's scope; 0 for other roles. */
LJ_AVAILABLE_IN_1_0
gint64       lj_request_get_org_id (LjRequest *req);
/**
 * lj_request_org_in_scope:
 * Whether organisation @org_id is in the caller's write scope: always for
 * admins, never for viewers, and for secretaries when @org_id is their
 * organisation or below it.  The same test is available to SQL as
 * `lj_in_scope(org_id)`, with `lj_role()`, `lj_user_id()` and `lj_org_id()`;
 * `lj_now()` is lj_clock_now_timestamp () for SQL.
 */
LJ_AVAILABLE_IN_1_0
gboolean     lj_request_org_in_scope (LjRequest *req, gint64 org_id);
/* A short random id for this request, also sent as X-Request-Id. */
LJ_AVAILABLE_IN_1_0
const char  *lj_request_get_id (LjRequest *req);

/**
 * lj_request_audit:
 * @action: what happened: `create`, `update`, `delete`, a transition event…
 * @entity: the resource name (`members`, `problem-board/problems`)
 * @before: (nullable): the changed fields before the write
 * @after: (nullable): the changed fields after it
 *
 * Appends one row to the audit trail inside the request's transaction, with
 * the caller, their role and organisation, the request id and the client
 * address.  The generated routes and transitions call this themselves; a
 * custom write route that does not is audited by the host with its method
 * and path.  Never pass secrets: values are stored as given.
 */
LJ_AVAILABLE_IN_1_0
gboolean     lj_request_audit (LjRequest  *req,
                               const char *action,
                               const char *entity,
                               gint64      entity_id,
                               JsonObject *before,
                               JsonObject *after,
                               GError    **error);

/**
 * lj_request_pause:
 * Tells the host the answer comes later: return TRUE from the handler
 * without a status, then call lj_request_resume () from the main context
 * once the response is set.  Only for routes flagged
 * LJ_ROUTE_FLAGS_NO_TRANSACTION (a transaction cannot stay open while the
 * request waits); run later writes with lj_request_run_transaction ().
 */
LJ_AVAILABLE_IN_1_0
void         lj_request_pause (LjRequest *req);
LJ_AVAILABLE_IN_1_0
void         lj_request_resume (LjRequest *req);
/* Adds an extension member to the problem+json body of an error answer,
 * such as `allowed_events` (takes @value). */
LJ_AVAILABLE_IN_1_0
void         lj_request_add_problem_member (LjRequest *req, const char *name, JsonNode *value);
/* Turns @error into the problem response (status, problem+json). */
LJ_AVAILABLE_IN_1_0
void         lj_request_set_error (LjRequest *req, const GError *error);

typedef gboolean (*LjTransactionFunc) (LjRequest *req, gpointer user_data, GError **error);
/**
 * lj_request_run_transaction:
 * Runs @func in a transaction of its own (BEGIN IMMEDIATE when @write),
 * committed when it returns TRUE, rolled back otherwise; for paused
 * requests, which have none.
 */
LJ_AVAILABLE_IN_1_0
gboolean     lj_request_run_transaction (LjRequest        *req,
                                         gboolean          write,
                                         LjTransactionFunc func,
                                         gpointer          user_data,
                                         GError          **error);

LJ_AVAILABLE_IN_1_0
void         lj_request_add_field_error (LjRequest *req, const char *field, const char *format, ...) G_GNUC_PRINTF (3, 4);
LJ_AVAILABLE_IN_1_0
guint        lj_request_get_n_field_errors (LjRequest *req);
/**
 * lj_request_check_query_params:
 * @allowed: NULL-terminated names the route accepts
 * Adds an "unknown parameter" field error for every other query parameter.
 * Returns: TRUE when there was none.
 */
LJ_AVAILABLE_IN_1_0
gboolean     lj_request_check_query_params (LjRequest *req, const char *const *allowed);

LJ_AVAILABLE_IN_1_0
void         lj_request_set_response_json (LjRequest *req, guint status, char *json, gsize len);
LJ_AVAILABLE_IN_1_0
void         lj_request_set_response_header (LjRequest *req, const char *name, const char *value);
LJ_AVAILABLE_IN_1_0
void         lj_request_set_status (LjRequest *req, guint status);
/* Serialises @node as the response body. */
LJ_AVAILABLE_IN_1_0
void         lj_request_set_response_node (LjRequest *req, guint status, JsonNode *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjRequest, lj_request_unref)

G_END_DECLS
