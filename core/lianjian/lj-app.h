/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LjApp: one running park server: its configuration, its store, its routes
 * and resources.  Everything that answers HTTP is registered here, so the
 * router, the transaction wrapper and openapi.json all see the same list. */
#pragma once

#if !defined(__LIANJIAN_H_INSIDE__) && !defined(LIANJIAN_COMPILATION)
#error "Only <lianjian/lianjian.h> can be included directly."
#endif

#include <lianjian/lj-version.h>
#include <lianjian/lj-request.h>
#include <lianjian/lj-resource.h>

G_BEGIN_DECLS

typedef struct _LjApp LjApp;
typedef struct _LjRoute LjRoute;

/**
 * LjRouteFunc:
 * Answers one request.  Runs on the server's main context inside the
 * request's transaction (read-only for GET).  On failure return FALSE with
 * @error set: the transaction is rolled back and the error becomes an
 * application/problem+json response.
 */
typedef gboolean (*LjRouteFunc) (LjRequest *req, gpointer user_data, GError **error);

typedef enum {
  LJ_ROUTE_FLAGS_NONE = 0,
  LJ_ROUTE_FLAGS_PUBLIC = 1 << 0,   /* no Authorization needed */
  LJ_ROUTE_FLAGS_NO_TRANSACTION = 1 << 1,
} LjRouteFlags;

LJ_AVAILABLE_IN_1_0
LjRoute *lj_app_add_route (LjApp       *app,
                           const char  *method,
                           const char  *pattern,
                           LjRouteFunc  func,
                           gpointer     user_data);
LJ_AVAILABLE_IN_1_0
void     lj_route_set_flags (LjRoute *route, LjRouteFlags flags);
LJ_AVAILABLE_IN_1_0
void     lj_route_set_summary (LjRoute *route, const char *tag, const char *summary);
LJ_AVAILABLE_IN_1_0
void     lj_route_add_query_param (LjRoute *route, const char *name, const char *json_type, const char *description);
LJ_AVAILABLE_IN_1_0
void     lj_route_set_request_schema (LjRoute *route, const char *schema_json);
/* Who may call the route.  Default: every signed-in role for GET, admins
 * and secretaries otherwise (handlers check the secretary's scope). */
LJ_AVAILABLE_IN_1_0
void     lj_route_set_roles (LjRoute *route, LjRoles roles);
LJ_AVAILABLE_IN_1_0
void     lj_route_add_response (LjRoute *route, guint status, const char *description, const char *schema_json);

LJ_AVAILABLE_IN_1_0
gboolean lj_app_add_resource (LjApp *app, LjResource *resource, GError **error);
LJ_AVAILABLE_IN_1_0
LjResource *lj_app_get_resource (LjApp *app, const char *name);
LJ_AVAILABLE_IN_1_0
void     lj_app_add_check (LjApp *app, const char *name, LjCheckFunc func);

/**
 * lj_resource_respond_record:
 * Answers @req with record @id of @resource as the generated GET route
 * would (ETag, private fields only for callers allowed to see them).
 */
LJ_AVAILABLE_IN_1_0
gboolean lj_resource_respond_record (LjResource *resource, LjRequest *req, gint64 id, guint status,
                                     GError **error);
/**
 * lj_resource_load:
 * Returns: (transfer full) (nullable): record @id with every field, or NULL
 * with a 404 error when it does not exist or the caller may not see it.
 */
LJ_AVAILABLE_IN_1_0
JsonObject *lj_resource_load (LjResource *resource, LjRequest *req, gint64 id, GError **error);
typedef enum {
  LJ_WRITE_AS_CALLER = 0,        /* the caller's role and scope apply */
  LJ_WRITE_AS_SYSTEM = 1 << 0,   /* a side effect of something the caller may do */
} LjWriteFlags;

/**
 * lj_resource_create:
 * @fields: the record's fields, as a POST body would hold them
 *
 * Creates a record from code inside the request's transaction exactly as
 * POST would (validation, domain rules, scope unless LJ_WRITE_AS_SYSTEM,
 * validate hooks, audit, after-commit hooks), without answering the
 * request.  Field errors are added to @req under the resource's field names.
 * Returns: the new record's id, or 0 with @error set.
 */
LJ_AVAILABLE_IN_1_0
gint64   lj_resource_create (LjResource *resource, LjRequest *req, JsonObject *fields, LjWriteFlags flags,
                             GError **error);
/**
 * lj_resource_update:
 * Changes the given fields of record @id from code, as PATCH would (without
 * If-Match).  Returns: FALSE with @error set (404 when it does not exist).
 */
LJ_AVAILABLE_IN_1_0
gboolean lj_resource_update (LjResource *resource, LjRequest *req, gint64 id, JsonObject *fields,
                             LjWriteFlags flags, GError **error);
/* Returns: (transfer none) (nullable): a registered resource by full name. */
LJ_AVAILABLE_IN_1_0
LjResource *lj_request_get_resource (LjRequest *req, const char *name);

G_END_DECLS
