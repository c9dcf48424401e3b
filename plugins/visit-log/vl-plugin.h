/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the visit-log plugin's files share. */
#pragma once

#include <lianjian/lianjian.h>
#include "vl-deadline.h"

typedef struct {
  LjPlugin   *plugin;
  VlCalendar *calendar;  /* from the config, on first use */
  GSource    *timer;     /* the periodic escalation check */
} VlState;

extern VlState vl_state;

gboolean vl_request_set_deadlines (LjRequest *req, gint64 id, gint64 policy_id, const char *registered_at,
                                   GError **error);
gboolean vl_request_log (LjRequest *req, gint64 request_id, const char *at, const char *kind, const char *event,
                         const char *from, const char *to, const char *note, const char *data, GError **error);

gboolean vl_validate_assignment (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                                 gpointer user_data, GError **error);
gboolean vl_validate_visit (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                            gpointer user_data, GError **error);
gboolean vl_validate_request (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                              gpointer user_data, GError **error);
gboolean vl_validate_team (LjResource *r, LjRequest *req, gint64 id, JsonObject *input, JsonObject *current,
                           gpointer user_data, GError **error);
gboolean vl_fill_campaign (LjRequest *req, const char *table_sql, gint64 id, GError **error);
void     vl_rules_add_hooks (LjPlugin *plugin);
gboolean vl_on_visit_created (LjRequest *req, LjEvent *event, gpointer user_data, GError **error);
/* @as_of: activities up to this timestamp count */
gboolean vl_party_check (LjRequest *req, gint64 visit_id, gint64 enterprise_id, const char *as_of, GError **error);

gboolean vl_handle_run_escalations (LjRequest *req, gpointer user_data, GError **error);
gboolean vl_handle_request_history (LjRequest *req, gpointer user_data, GError **error);
/* Records the escalations due now; their number in @count. */
gboolean vl_escalate (LjRequest *req, guint *count, JsonArray *recorded, GError **error);

JsonNode *vl_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error);

gboolean vl_start (LjPlugin *plugin, gpointer user_data, GError **error);
void     vl_stop (LjPlugin *plugin, gpointer user_data);
gboolean vl_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error);
