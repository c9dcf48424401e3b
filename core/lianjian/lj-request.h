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
} LjHttpError;

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

LJ_AVAILABLE_IN_1_0
void         lj_request_add_field_error (LjRequest *req, const char *field, const char *format, ...) G_GNUC_PRINTF (3, 4);
LJ_AVAILABLE_IN_1_0
guint        lj_request_get_n_field_errors (LjRequest *req);

LJ_AVAILABLE_IN_1_0
void         lj_request_set_response_json (LjRequest *req, guint status, char *json, gsize len);
LJ_AVAILABLE_IN_1_0
void         lj_request_set_response_header (LjRequest *req, const char *name, const char *value);
LJ_AVAILABLE_IN_1_0
void         lj_request_set_status (LjRequest *req, guint status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjRequest, lj_request_unref)

G_END_DECLS
