/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lj-app-private.h"

G_BEGIN_DECLS

/* GET /api/v1/audit (admin only). */
void     lj_audit_add_routes (LjApp *app);
/* Keeps in @before and @after only the members whose values differ. */
void     lj_audit_diff (JsonObject *before, JsonObject *after, JsonObject **changed_before,
                        JsonObject **changed_after);

G_END_DECLS
