/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The core component: the park's organisational model on top of the engine. */
#pragma once

#include "app/lj-app-private.h"

G_BEGIN_DECLS

gboolean lj_core_register (LjApp *app, GError **error);
gboolean lj_core_migrate (LjStore *store, GError **error);

/* Domain rules and extra routes, one file each. */
void     lj_organizations_setup (LjApp *app);
void     lj_activities_setup (LjApp *app);
void     lj_stats_add_routes (LjApp *app);
void     lj_health_add_routes (LjApp *app);
void     lj_timeline_add_routes (LjApp *app);
JsonNode *lj_core_effective_value (JsonObject *input, JsonObject *current, const char *name);
gboolean lj_parse_period_param (LjRequest *req, const char *name, char **out);

G_END_DECLS
