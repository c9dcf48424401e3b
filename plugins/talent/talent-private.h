/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The talent plugin's shared helpers (not part of any API). */
#pragma once

#include <lianjian/lianjian.h>

G_BEGIN_DECLS

/* Runs @sql with ?1 bound to @a (and ?2 to @b when @b >= 0); the first
 * column of the first row in *@out (0 when no row or NULL). */
gboolean talent_sql_int (LjRequest *req, const char *sql, gint64 a, gint64 b, gint64 *out, GError **error);
gboolean talent_sql_exec (LjRequest *req, const char *sql, gint64 a, gint64 b, GError **error);

/* The section `talent` of GET /api/v1/stats/overview (talent-stats.c). */
JsonNode *talent_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error);

gboolean talent_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error);

G_END_DECLS
