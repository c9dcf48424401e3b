/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `visit_log` section of GET /api/v1/stats/overview: per round and in
 * the period, enterprises planned and visited, visits, blank spots found,
 * requests by category and state, assigned vs closed, the on-time rate of
 * each deadline, escalations, satisfaction, and the same by chain.  One
 * SQL statement builds the JSON; `from`/`to` narrow visits by visited_on
 * and requests by registration; `chain_id` narrows both to the chain's
 * enterprises (a request's own chain_id wins when set). */
#include "vl-plugin.h"

#define ON_CHAIN(e) "EXISTS (SELECT 1 FROM enterprise_chains ec WHERE ec.enterprise_id = " e " AND ec.chain_id = ?1)"
#define RATE(met, n) "CASE WHEN " n " > 0 THEN 1.0 * " met " / " n " END"
#define ON_TIME(done, due, where) \
  "(SELECT json_object ('done', count (*), 'met', coalesce (sum (" done " <= " due "), 0), 'rate', " \
  RATE ("sum (" done " <= " due ")", "count (*)") ") FROM r WHERE " where ")"

static const char stats_sql[] =
  "WITH v AS (SELECT x.* FROM visit_log_visits x WHERE (?2 IS NULL OR x.visited_on >= substr (?2, 1, 10)) "
  "   AND (?3 IS NULL OR x.visited_on < substr (?3, 1, 10)) AND (?1 = 0 OR " ON_CHAIN ("x.enterprise_id") ")), "
  " a AS (SELECT x.* FROM visit_log_assignments x WHERE ?1 = 0 OR " ON_CHAIN ("x.enterprise_id") "), "
  " r AS (SELECT x.*, EXISTS (SELECT 1 FROM visit_log_request_log l WHERE l.request_id = x.id AND l.event = 'assign') "
  "   AS was_assigned, coalesce (x.chain_id, (SELECT min (ec.chain_id) FROM enterprise_chains ec "
  "   WHERE ec.enterprise_id = x.enterprise_id)) AS on_chain FROM visit_log_requests x "
  "   WHERE (?2 IS NULL OR x.registered_at >= ?2) AND (?3 IS NULL OR x.registered_at < ?3) "
  "   AND (?1 = 0 OR x.chain_id = ?1 OR (x.chain_id IS NULL AND " ON_CHAIN ("x.enterprise_id") "))), "
  " esc AS (SELECT e.* FROM visit_log_escalations e JOIN r ON r.id = e.request_id) "
  "SELECT json_object ("
  " 'campaigns', json ((SELECT json_group_array (json_object ('campaign_id', c.id, 'name', c.name, "
  "   'round_no', c.round_no, 'status', c.status, 'target_count', c.target_count, "
  "   'planned', (SELECT count (*) FROM a WHERE a.campaign_id = c.id), "
  "   'skipped', (SELECT count (*) FROM a WHERE a.campaign_id = c.id AND a.status = 'skipped'), "
  "   'visits', (SELECT count (*) FROM v WHERE v.campaign_id = c.id), "
  "   'enterprises_visited', (SELECT count (DISTINCT v.enterprise_id) FROM v WHERE v.campaign_id = c.id), "
  "   'blank_spots_found', (SELECT count (DISTINCT v.enterprise_id) FROM v WHERE v.campaign_id = c.id "
  "     AND v.pb_blank_spot = 1), "
  "   'requests', (SELECT count (*) FROM r JOIN visit_log_visits rv ON rv.id = r.visit_id "
  "     WHERE rv.campaign_id = c.id))) "
  "   FROM (SELECT * FROM visit_log_campaigns ORDER BY round_no, id) c)), "
  " 'enterprises_planned', (SELECT count (DISTINCT enterprise_id) FROM a), "
  " 'enterprises_visited', (SELECT count (DISTINCT enterprise_id) FROM v), "
  " 'visits', (SELECT count (*) FROM v), "
  " 'blank_spots_found', (SELECT count (DISTINCT enterprise_id) FROM v WHERE pb_blank_spot = 1), "
  " 'requests', json_object ("
  "   'total', (SELECT count (*) FROM r), "
  "   'by_category', json ((SELECT json_group_object (category, n) FROM "
  "     (SELECT category, count (*) AS n FROM r GROUP BY category ORDER BY category))), "
  "   'by_state', json ((SELECT json_group_object (state, n) FROM "
  "     (SELECT state, count (*) AS n FROM r GROUP BY state ORDER BY state))), "
  "   'assigned', (SELECT count (*) FROM r WHERE was_assigned), "
  "   'closed', (SELECT count (*) FROM r WHERE state = 'closed'), "
  "   'open', (SELECT count (*) FROM r WHERE state NOT IN ('closed', 'rejected')), "
  "   'long_term', (SELECT count (*) FROM r WHERE state = 'long_term'), "
  "   'reopened', (SELECT count (*) FROM r WHERE reopen_count > 0)), "
  " 'on_time', json_object ("
  "   'accept', json (" ON_TIME ("accepted_at", "accept_due_at", "accepted_at IS NOT NULL") "), "
  "   'handle', json (" ON_TIME ("resolved_at", "handle_due_at",
                                 "resolved_at IS NOT NULL AND state IN ('resolved', 'verified', 'closed')") "), "
  "   'close', json (" ON_TIME ("closed_at", "close_due_at", "closed_at IS NOT NULL") ")), "
  " 'escalations', json_object ('total', (SELECT count (*) FROM esc), "
  "   'requests', (SELECT count (DISTINCT request_id) FROM esc), "
  "   'accept', (SELECT count (*) FROM esc WHERE deadline = 'accept'), "
  "   'handle', (SELECT count (*) FROM esc WHERE deadline = 'handle'), "
  "   'close', (SELECT count (*) FROM esc WHERE deadline = 'close')), "
  " 'satisfaction', json ((SELECT json_object ("
  "   'rated', count (*), "
  "   'satisfied', coalesce (sum (satisfaction = 'satisfied'), 0), "
  "   'basically_satisfied', coalesce (sum (satisfaction = 'basically_satisfied'), 0), "
  "   'unsatisfied', coalesce (sum (satisfaction = 'unsatisfied'), 0), "
  "   'rate', " RATE ("sum (satisfaction IN ('satisfied', 'basically_satisfied'))", "count (*)") ", "
  "   'average', avg (CASE satisfaction WHEN 'satisfied' THEN 1.0 WHEN 'basically_satisfied' THEN 0.5 ELSE 0.0 END)) "
  "   FROM r WHERE satisfaction IS NOT NULL)), "
  " 'by_chain', json ((SELECT json_group_array (json_object ('chain_id', ch.id, "
  "   'visits', (SELECT count (*) FROM v WHERE EXISTS (SELECT 1 FROM enterprise_chains ec "
  "     WHERE ec.enterprise_id = v.enterprise_id AND ec.chain_id = ch.id)), "
  "   'requests', (SELECT count (*) FROM r WHERE r.on_chain = ch.id), "
  "   'closed', (SELECT count (*) FROM r WHERE r.on_chain = ch.id AND r.state = 'closed'))) "
  "   FROM (SELECT id FROM chains WHERE ?1 = 0 OR id = ?1 ORDER BY id) ch)))";

JsonNode *
vl_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, stats_sql, error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return NULL;
  s = lj_stmt_get (st);
  sqlite3_bind_int64 (s, 1, query->chain_id);
  sqlite3_bind_text (s, 2, query->from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, query->to, -1, SQLITE_TRANSIENT);
  if ((rc = lj_stmt_step (st, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW || !json_parser_load_from_data (parser, (const char *) sqlite3_column_text (s, 0), -1, error))
    {
      g_clear_error (error);
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "visit_log statistics could not be built");
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}
