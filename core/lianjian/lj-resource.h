/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LjResource: a record type declared once, as a JSON Schema 2020-12
 * document with x-lj-* storage hints (see docs/resources.md).  The engine
 * derives validation, SQL, list filters, sorting, cursors, search, ETags and
 * the OpenAPI document from it; C code is only needed for domain rules,
 * which hook in through the validate function. */
#pragma once

#if !defined(__LIANJIAN_H_INSIDE__) && !defined(LIANJIAN_COMPILATION)
#error "Only <lianjian/lianjian.h> can be included directly."
#endif

#include <lianjian/lj-version.h>
#include <lianjian/lj-request.h>

G_BEGIN_DECLS

typedef struct _LjResource LjResource;

#define LJ_RESOURCE_ERROR (lj_resource_error_quark ())
LJ_AVAILABLE_IN_1_0
GQuark lj_resource_error_quark (void);

typedef enum {
  LJ_RESOURCE_ERROR_DECLARATION, /* the declaration document is malformed */
} LjResourceError;

/**
 * LjResourceValidateFunc:
 * @resource: the resource
 * @req: the request; report rule violations with lj_request_add_field_error()
 * @id: the record's id, or 0 when it is being created
 * @input: the validated fields being written (normalised values)
 * @current: (nullable): the stored record before this write, NULL on create
 * @user_data: closure data
 * @error: for failures that are not field errors (conflict, internal)
 *
 * Runs inside the request's write transaction after every field passed the
 * declared checks.  Returns: FALSE only with @error set.
 */
typedef gboolean (*LjResourceValidateFunc) (LjResource *resource,
                                            LjRequest  *req,
                                            gint64      id,
                                            JsonObject *input,
                                            JsonObject *current,
                                            gpointer    user_data,
                                            GError    **error);

/**
 * LjCheckFunc:
 * A named value check (`"x-lj-check": "credit_code"`).  Returns TRUE when
 * @value is acceptable; otherwise sets *@message to a static English text.
 */
typedef gboolean (*LjCheckFunc) (const char *value, const char **message);

LJ_AVAILABLE_IN_1_0
LjResource *lj_resource_new_from_data (const char *data, gssize len, GError **error);
LJ_AVAILABLE_IN_1_0
LjResource *lj_resource_ref (LjResource *resource);
LJ_AVAILABLE_IN_1_0
void        lj_resource_unref (LjResource *resource);
LJ_AVAILABLE_IN_1_0
const char *lj_resource_get_name (LjResource *resource);
LJ_AVAILABLE_IN_1_0
const char *lj_resource_get_table (LjResource *resource);
LJ_AVAILABLE_IN_1_0
void        lj_resource_set_validate_func (LjResource            *resource,
                                           LjResourceValidateFunc func,
                                           gpointer               user_data,
                                           GDestroyNotify         destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LjResource, lj_resource_unref)

G_END_DECLS
