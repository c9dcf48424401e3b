/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parts of LjRequest the server and the dispatcher see. */
#pragma once

#include "lianjian/lianjian.h"
#include "store/lj-store.h"

G_BEGIN_DECLS

typedef struct {
  char *field;
  char *message;
} LjFieldError;

/* Limits that apply to one request body; from [server] in the config. */
#define LJ_REQUEST_DEFAULT_MAX_DEPTH 32

LjRequest   *lj_request_new (const char *method, const char *path, const char *query_string);
void         lj_request_add_header (LjRequest *req, const char *name, const char *value);
void         lj_request_take_body (LjRequest *req, GBytes *body);
void         lj_request_set_path_param (LjRequest *req, const char *name, gint64 value);
void         lj_request_set_store (LjRequest *req, LjStore *store);
LjStore     *lj_request_get_store (LjRequest *req);
void         lj_request_set_app (LjRequest *req, LjApp *app);
LjApp       *lj_request_get_app (LjRequest *req);
GPtrArray   *lj_request_get_field_errors (LjRequest *req);

guint        lj_request_get_status (LjRequest *req);
const char  *lj_request_get_response_body (LjRequest *req, gsize *len);
const char  *lj_request_get_response_type (LjRequest *req);
GPtrArray   *lj_request_get_response_headers (LjRequest *req);
void         lj_request_clear_response_headers (LjRequest *req);
void         lj_request_set_response (LjRequest *req, guint status, const char *content_type, char *body, gsize len);
gboolean     lj_request_may_see_private (LjRequest *req);

/* The authenticated caller; set by the dispatcher (core/auth) before any
 * handler runs. */
typedef struct {
  gint64  user_id;        /* 0: anonymous or system */
  LjRole  role;
  gint64  org_id;         /* scope root for secretaries, else 0 */
  gint64  session_id;     /* the sessions row, or 0 */
  gint64  token_id;       /* the api_tokens row, or 0 */
  const char *actor;      /* for the audit trail when user_id is 0 ("system:visit-log") */
} LjPrincipal;

void         lj_request_set_principal (LjRequest *req, const LjPrincipal *principal);
const LjPrincipal *lj_request_get_principal (LjRequest *req);
void         lj_request_set_client_address (LjRequest *req, const char *address);
const char  *lj_request_get_client_address (LjRequest *req);
const char  *lj_request_get_malformed (LjRequest *req);
void         lj_request_set_malformed (LjRequest *req, const char *reason);
GHashTable  *lj_request_get_scope_cache (LjRequest *req);
void         lj_request_set_scope_cache (LjRequest *req, GHashTable *scope);
void         lj_request_count_audit (LjRequest *req);
GPtrArray   *lj_request_steal_after_commit (LjRequest *req);
typedef struct _LjJsonWriter LjJsonWriter;
void         lj_request_write_problem_members (LjRequest *req, LjJsonWriter *w);
/* The number of lj_request_audit () rows written so far. */
guint        lj_request_get_n_audited (LjRequest *req);
gboolean     lj_request_is_paused (LjRequest *req);
/* The server's way back in when a paused request resumes. */
typedef void (*LjRequestResumeFunc) (LjRequest *req, gpointer data);
void         lj_request_set_resume_func (LjRequest *req, LjRequestResumeFunc func, gpointer data);

G_END_DECLS
