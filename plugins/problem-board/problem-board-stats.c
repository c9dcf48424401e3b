/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `problem_board` section of /api/v1/stats/overview and the plugin's
 * entries on the enterprise timeline.
 *
 * Stats give counts only, over every problem whatever its visibility: the
 * period (from/to) narrows what happened in it (posted = submitted, solved,
 * closed unsolved, projects back on track); `open` and `in_progress` are
 * the current state.  The timeline hides problems the caller may not see
 * with the same predicate as the resource's x-lj-visible. */
#include <string.h>
#include "problem-board.h"

/* Per chain (?3; 0: all), with the period ?1 <= x < ?2 (NULL: unbounded). */
static const char COUNTS_SQL[] =
  "SELECT"
  " (SELECT count (*) FROM problem_board_problems p WHERE (?3 = 0 OR p.chain_id = ?3) AND p.submitted_at IS NOT NULL"
  "   AND (?1 IS NULL OR p.submitted_at >= ?1) AND (?2 IS NULL OR p.submitted_at < ?2)),"
  " (SELECT count (*) FROM problem_board_problems p WHERE (?3 = 0 OR p.chain_id = ?3) AND p.state = 'open'),"
  " (SELECT count (*) FROM problem_board_problems p WHERE (?3 = 0 OR p.chain_id = ?3)"
  "   AND p.state IN ('in_progress', 'on_hold', 'delivered')),"
  " (SELECT count (*) FROM problem_board_problems p WHERE (?3 = 0 OR p.chain_id = ?3) AND p.state = 'solved'"
  "   AND (?1 IS NULL OR p.solved_at >= ?1) AND (?2 IS NULL OR p.solved_at < ?2)),"
  " (SELECT count (*) FROM problem_board_problems p WHERE (?3 = 0 OR p.chain_id = ?3) AND p.state = 'unsolved'"
  "   AND (?1 IS NULL OR p.closed_at >= ?1) AND (?2 IS NULL OR p.closed_at < ?2)),"
  " (SELECT count (*) FROM problem_board_problems p JOIN problem_board_teams tm ON tm.id = p.team_id"
  "   WHERE (?3 = 0 OR p.chain_id = ?3) AND p.state = 'solved' AND tm.kind IN ('commando', 'task_force')"
  "   AND (?1 IS NULL OR p.solved_at >= ?1) AND (?2 IS NULL OR p.solved_at < ?2)),"
  " (SELECT count (*) FROM problem_board_projects pr WHERE (?3 = 0 OR pr.chain_id = ?3)"
  "   AND pr.status IN ('back_on_track', 'done') AND pr.back_on_track_on IS NOT NULL"
  "   AND (?1 IS NULL OR pr.back_on_track_on >= substr (?1, 1, 10)) AND (?2 IS NULL OR pr.back_on_track_on < substr (?2, 1, 10))),"
  " (SELECT count (*) FROM problem_board_projects pr WHERE (?3 = 0 OR pr.chain_id = ?3) AND pr.status = 'lagging')";

static const char DAYS_SQL[] =
  "SELECT julianday (p.solved_at) - julianday (p.submitted_at) AS d FROM problem_board_problems p"
  " WHERE (?3 = 0 OR p.chain_id = ?3) AND p.state = 'solved' AND p.submitted_at IS NOT NULL"
  " AND (?1 IS NULL OR p.solved_at >= ?1) AND (?2 IS NULL OR p.solved_at < ?2) ORDER BY d";

static void
bind_period (sqlite3_stmt *s, const LjStatsQuery *query, gint64 chain_id)
{
  if (query->from)
    sqlite3_bind_text (s, 1, query->from, -1, SQLITE_TRANSIENT);
  if (query->to)
    sqlite3_bind_text (s, 2, query->to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 3, chain_id);
}

/* The median of the days from submitted to solved, or -1 with none. */
static gboolean
median_days (LjRequest *req, const LjStatsQuery *query, gint64 chain_id, double *out, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, DAYS_SQL, error);
  g_autoptr (GArray) days = g_array_new (FALSE, FALSE, sizeof (double));
  int rc;

  *out = -1;
  if (st == NULL)
    return FALSE;
  bind_period (lj_stmt_get (st), query, chain_id);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      double d = sqlite3_column_double (lj_stmt_get (st), 0);
      g_array_append_val (days, d);
    }
  if (rc < 0)
    return FALSE;
  if (days->len == 0)
    return TRUE;
  if (days->len % 2)
    *out = g_array_index (days, double, days->len / 2);
  else
    *out = (g_array_index (days, double, days->len / 2 - 1) + g_array_index (days, double, days->len / 2)) / 2;
  return TRUE;
}

/* One set of figures, as members of the object being built. */
static gboolean
add_figures (LjRequest *req, const LjStatsQuery *query, gint64 chain_id, JsonBuilder *b, GError **error)
{
  static const char *const names[] = { "posted", "open", "in_progress", "solved", "unsolved" };
  g_autoptr (LjStmt) st = lj_request_prepare (req, COUNTS_SQL, error);
  sqlite3_stmt *s;
  double median;
  gint64 solved, by_party;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  bind_period (s, query, chain_id);
  if (lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      json_builder_set_member_name (b, names[i]);
      json_builder_add_int_value (b, sqlite3_column_int64 (s, i));
    }
  solved = sqlite3_column_int64 (s, 3);
  by_party = sqlite3_column_int64 (s, 5);
  json_builder_set_member_name (b, "solved_by_party_teams");
  json_builder_add_int_value (b, by_party);
  json_builder_set_member_name (b, "party_team_share");
  if (solved > 0)
    json_builder_add_double_value (b, (double) by_party / (double) solved);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "projects_back_on_track");
  json_builder_add_int_value (b, sqlite3_column_int64 (s, 6));
  json_builder_set_member_name (b, "projects_lagging");
  json_builder_add_int_value (b, sqlite3_column_int64 (s, 7));
  g_clear_pointer (&st, lj_stmt_release);
  if (!median_days (req, query, chain_id, &median, error))
    return FALSE;
  json_builder_set_member_name (b, "median_days_to_solve");
  if (median < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, median);
  return TRUE;
}

JsonNode *
pb_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (LjStmt) st = NULL;
  g_autoptr (GArray) chains = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  json_builder_begin_object (b);
  if (!add_figures (req, query, query->chain_id, b, error))
    return NULL;
  st = lj_request_prepare (req, "SELECT id FROM chains WHERE ?1 = 0 OR id = ?1 ORDER BY id", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (lj_stmt_get (st), 1, query->chain_id);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);
      g_array_append_val (chains, id);
    }
  if (rc < 0)
    return NULL;
  g_clear_pointer (&st, lj_stmt_release);
  json_builder_set_member_name (b, "by_chain");
  json_builder_begin_array (b);
  for (guint i = 0; i < chains->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "chain_id");
      json_builder_add_int_value (b, g_array_index (chains, gint64, i));
      if (!add_figures (req, query, g_array_index (chains, gint64, i), b, error))
        return NULL;
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- the enterprise timeline ---- */

#define PROBLEM_ENTRY(at_column, kind, detail) \
  "SELECT p." at_column " AS at, '" kind "' AS kind, ifnull (p.code || ' ', '') || p.title AS title," \
  " 'problem-board/problems' AS resource, p.id AS record_id, " detail " AS detail" \
  " FROM problem_board_problems p WHERE p.enterprise_id = ?1 AND p." at_column " IS NOT NULL AND " PB_VISIBLE_P

void
pb_add_timeline_sources (LjPlugin *plugin)
{
  lj_plugin_add_timeline_source (plugin,
    PROBLEM_ENTRY ("submitted_at", "problem-board.problem.posted",
                   "json_object ('code', p.code, 'category', p.category, 'priority', p.priority)"));
  lj_plugin_add_timeline_source (plugin,
    PROBLEM_ENTRY ("started_at", "problem-board.problem.claimed",
                   "json_object ('code', p.code, 'team_id', p.team_id, 'team', "
                   "(SELECT tm.name FROM problem_board_teams tm WHERE tm.id = p.team_id))"));
  lj_plugin_add_timeline_source (plugin,
    PROBLEM_ENTRY ("solved_at", "problem-board.problem.solved",
                   "json_object ('code', p.code, 'verdict', p.verdict, 'days_recovered', p.days_recovered)"));
  lj_plugin_add_timeline_source (plugin,
    "SELECT e.at AS at, 'problem-board.project.' || e.to_status AS kind, pr.name AS title,"
    " 'problem-board/projects' AS resource, pr.id AS record_id,"
    " json_object ('from', e.from_status, 'to', e.to_status) AS detail"
    " FROM problem_board_project_events e JOIN problem_board_projects pr ON pr.id = e.project_id"
    " WHERE pr.enterprise_id = ?1");
}
