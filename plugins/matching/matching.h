/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The matching plugin's shared pieces: its resources (set once at
 * registration, valid for the process) and the helpers its files share. */
#pragma once

#include <lianjian/lianjian.h>

G_BEGIN_DECLS

typedef struct {
  LjPlugin   *plugin;
  LjResource *events;
  LjResource *registrations;
  LjResource *listings;
  LjResource *matches;
  LjResource *agreements;
} MatchingPlugin;

extern MatchingPlugin matching;

/* GET /listings/{id}/suggestions (matching-suggest.c) */
gboolean matching_handle_suggestions (LjRequest *req, gpointer user_data, GError **error);
/* The section of GET /api/v1/stats/overview (matching-stats.c) */
JsonNode *matching_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error);
/* The demo park's part (matching-demo.c) */
gboolean matching_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error);

/* A fresh check-in code from the kernel's CSPRNG (getrandom(2)), or from
 * @seed deterministically when @seed is not NULL (demo data only). */
char    *matching_new_code (const char *seed);
/* Runs @sql with ?1 = @text (NULL binds NULL) and ?2 = @id. */
gboolean matching_exec_text_id (LjRequest *req, const char *sql, const char *text, gint64 id, GError **error);
/* The first column of the first row of @sql with ?1 = @id, as text
 * (transfer full; NULL when no row or NULL). */
char    *matching_query_text (LjRequest *req, const char *sql, gint64 id, GError **error);

G_END_DECLS
