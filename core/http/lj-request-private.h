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
void         lj_request_set_response (LjRequest *req, guint status, const char *content_type, char *body, gsize len);
gboolean     lj_request_may_see_private (LjRequest *req);

G_END_DECLS
