/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between the problem-board plugin's files; nothing here is exported. */
#pragma once

#include <lianjian/lianjian.h>

typedef struct {
  LjResource *teams;
  LjResource *projects;
  LjResource *problems;
  LjResource *claims;
  LjResource *updates;
} PbResources;

/* The plugin's resources, set once by the register function. */
extern PbResources pb;

/* Who may see problem `p`: the same predicate as problems.json's
 * x-lj-visible, over the alias p, for the timeline. */
#define PB_VISIBLE_P \
  "(lj_role() = 'admin'" \
  " OR EXISTS (SELECT 1 FROM organization_enterprises oe WHERE oe.enterprise_id = p.enterprise_id AND lj_in_scope(oe.org_id))" \
  " OR p.visibility = 'park'" \
  " OR (p.visibility = 'chain' AND (lj_in_scope((SELECT c.committee_org_id FROM chains c WHERE c.id = p.chain_id))" \
  " OR EXISTS (SELECT 1 FROM enterprise_chains ec JOIN organization_enterprises oe ON oe.enterprise_id = ec.enterprise_id" \
  " WHERE ec.chain_id = p.chain_id AND lj_in_scope(oe.org_id))))" \
  " OR (p.visibility = 'team' AND lj_in_scope((SELECT tm.host_org_id FROM problem_board_teams tm WHERE tm.id = p.team_id))))"

/* Runs @sql binding the arguments by @format: `i` gint64, `s` string (NULL binds NULL). */
gboolean  pb_exec (LjRequest *req, const char *sql, GError **error, const char *format, ...);

JsonNode *pb_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error);
void      pb_add_timeline_sources (LjPlugin *plugin);
gboolean  pb_demo (LjPlugin *plugin, LjRequest *req, gpointer user_data, GError **error);
