/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `visit_log` section of GET /api/v1/stats/overview: per round and in
 * the period, enterprises planned and visited, visits, blank spots found,
 * requests by category and state, assigned vs closed, the on-time rate of
 * each deadline, escalations, satisfaction, and the same by chain
 * (docs/plugins/visit-log.md).  `from`/`to` narrow visits by visited_on and
 * requests by registration; `chain_id` narrows both to the chain's
 * enterprises (a request's own chain_id wins when set).
 *
 * A province has hundreds of thousands of visits and assignments, so the
 * figures come from a few passes in index order over indexes that hold
 * what is counted (schemas/plugins/visit-log/0002-stats.sql), never from a
 * query per round or per chain: the park's assignments are counted per
 * round in SQL, everything else row by row in C, where one visit row feeds
 * its round's, the park's and its chains' figures at once.
 * Each statement comes in a park and a chain variant: the chain one reaches
 * the chain's enterprises through enterprise_chains' chain index instead of
 * testing every row.
 *
 * That exact count still costs 150 ms for the province and 40 ms for its
 * largest chain, so it only answers requests with from or to.  Without a
 * period every figure is read from counters that triggers keep for the
 * park and for each chain (schemas/plugins/visit-log/0003-stats-counters.sql):
 * a few hundred rows, whatever the number of visits. */
#include "vl-plugin.h"

#include <string.h>

typedef enum {
  VL_SCOPE_PARK,
  VL_SCOPE_CHAIN,
  VL_N_SCOPES,
} VlScope;

#define CHAIN_ENTERPRISES "(SELECT enterprise_id FROM enterprise_chains WHERE chain_id = :chain)"
#define VISITED_IN_PERIOD \
  "(:from IS NULL OR v.visited_on >= substr (:from, 1, 10)) AND (:to IS NULL OR v.visited_on < substr (:to, 1, 10))"
#define REGISTERED_IN_PERIOD "(:from IS NULL OR x.registered_at >= :from) AND (:to IS NULL OR x.registered_at < :to)"

static const char rounds_sql[] =
  "SELECT id, name, round_no, status, target_count FROM visit_log_campaigns ORDER BY round_no, id";

static const char *const chains_sql[VL_N_SCOPES] = {
  [VL_SCOPE_PARK] = "SELECT id FROM chains ORDER BY id",
  [VL_SCOPE_CHAIN] = "SELECT id FROM chains WHERE id = :chain",
};

/* The park's assignments per round, read in round order from the rounds'
 * indexes; the skipped ones are counted on their partial index, as testing
 * the status of every assignment costs as much again as counting them. */
static const char park_plans_sql[] =
  "SELECT p.campaign_id, p.n, coalesce (s.n, 0) "
  " FROM (SELECT campaign_id, count (*) AS n FROM visit_log_assignments GROUP BY campaign_id) p "
  " LEFT JOIN (SELECT campaign_id, count (*) AS n FROM visit_log_assignments WHERE status = 'skipped' "
  "   GROUP BY campaign_id) s ON s.campaign_id = p.campaign_id";
static const char park_planned_enterprises_sql[] =
  "SELECT count (*) FROM (SELECT DISTINCT enterprise_id FROM visit_log_assignments)";

/* One chain's assignments come enterprise by enterprise from its
 * enterprises' index entries; counted as they come (count_chain_plans)
 * rather than sorted by round for a GROUP BY. */
static const char chain_plans_sql[] =
  "SELECT a.enterprise_id, a.campaign_id, a.status = 'skipped' FROM visit_log_assignments a "
  " WHERE a.enterprise_id IN " CHAIN_ENTERPRISES " ORDER BY a.enterprise_id";

/* One row per visit, grouped by enterprise then round: the first row of an
 * enterprise or of an (enterprise, round) pair is where a distinct count
 * goes up (count_visits). */
static const char *const visits_sql[VL_N_SCOPES] = {
  [VL_SCOPE_PARK] =
    "SELECT v.enterprise_id, v.campaign_id, v.pb_blank_spot IS 1 FROM visit_log_visits v "
    " WHERE " VISITED_IN_PERIOD " ORDER BY v.enterprise_id, v.campaign_id",
  [VL_SCOPE_CHAIN] =
    "SELECT v.enterprise_id, v.campaign_id, v.pb_blank_spot IS 1 FROM visit_log_visits v "
    " WHERE v.enterprise_id IN " CHAIN_ENTERPRISES " AND " VISITED_IN_PERIOD
    " ORDER BY v.enterprise_id, v.campaign_id",
};

/* The park's chains, in the order of the visits' enterprises (count_chain_visits). */
static const char memberships_sql[] = "SELECT enterprise_id, chain_id FROM enterprise_chains ORDER BY enterprise_id";

/* One row per request, in id order.  The round comes from the visit
 * through an index of (id, campaign_id): the planner would read the
 * visit's row instead, and visit rows are large (50 ms for the province's
 * requests against 16). */
#define REQUEST_COLUMNS \
  "SELECT x.id, rv.campaign_id, " \
  " coalesce (x.chain_id, (SELECT min (ec.chain_id) FROM enterprise_chains ec WHERE ec.enterprise_id = x.enterprise_id)), " \
  " x.category, x.state, x.satisfaction, x.reopen_count > 0, " \
  " x.accepted_at IS NOT NULL, coalesce (x.accepted_at <= x.accept_due_at, 0), " \
  " x.resolved_at IS NOT NULL AND x.state IN ('resolved', 'verified', 'closed'), " \
  " coalesce (x.resolved_at <= x.handle_due_at, 0), " \
  " x.closed_at IS NOT NULL, coalesce (x.closed_at <= x.close_due_at, 0) " \
  "FROM visit_log_requests x " \
  " LEFT JOIN visit_log_visits rv INDEXED BY visit_log_visits_round_idx ON rv.id = x.visit_id "
#define CHAIN_REQUESTS "(x.chain_id = :chain OR (x.chain_id IS NULL AND x.enterprise_id IN " CHAIN_ENTERPRISES "))"

static const char *const requests_sql[VL_N_SCOPES] = {
  [VL_SCOPE_PARK] = REQUEST_COLUMNS "WHERE " REGISTERED_IN_PERIOD " ORDER BY x.id",
  [VL_SCOPE_CHAIN] = REQUEST_COLUMNS "WHERE " CHAIN_REQUESTS " AND " REGISTERED_IN_PERIOD " ORDER BY x.id",
};

/* Read alongside the requests, also in request id order (count_requests):
 * the requests ever assigned, and the escalations.  The park's are read
 * whole, which costs a quarter of looking each request up in them. */
static const char *const assigned_sql[VL_N_SCOPES] = {
  [VL_SCOPE_PARK] = "SELECT DISTINCT request_id FROM visit_log_request_log WHERE event = 'assign' ORDER BY request_id",
  [VL_SCOPE_CHAIN] =
    "SELECT DISTINCT l.request_id FROM visit_log_request_log l WHERE l.event = 'assign' "
    " AND l.request_id IN (SELECT x.id FROM visit_log_requests x WHERE " CHAIN_REQUESTS ") ORDER BY l.request_id",
};

static const char *const escalations_sql[VL_N_SCOPES] = {
  [VL_SCOPE_PARK] = "SELECT request_id, deadline FROM visit_log_escalations ORDER BY request_id",
  [VL_SCOPE_CHAIN] =
    "SELECT e.request_id, e.deadline FROM visit_log_escalations e "
    " WHERE e.request_id IN (SELECT x.id FROM visit_log_requests x WHERE " CHAIN_REQUESTS ") ORDER BY e.request_id",
};

/* Without a period: the counters of scope :chain (0, the park's). */
#define ROUND_FIELD_COLUMNS 5    /* then the figures, in the order of round_figure_names */
#define COUNTED_CHAIN_COLUMNS 4  /* id, visits, requests, closed */
static const char counted_rounds_sql[] =
  "SELECT c.id, c.name, c.round_no, c.status, c.target_count, "
  " r.planned, r.skipped, r.visits, r.enterprises_visited, r.blank_spots_found, r.requests "
  "FROM visit_log_campaigns c "
  " LEFT JOIN visit_log_stats_scope_rounds r ON r.scope = :chain AND r.campaign_id = c.id "
  "ORDER BY c.round_no, c.id";

static const char *const counted_chains_sql[VL_N_SCOPES] = {
  [VL_SCOPE_PARK] =
    "SELECT c.id, s.visits, s.owned_requests, s.owned_closed FROM chains c "
    " LEFT JOIN visit_log_stats_scopes s ON s.scope = c.id ORDER BY c.id",
  [VL_SCOPE_CHAIN] =
    "SELECT c.id, s.visits, s.owned_requests, s.owned_closed FROM chains c "
    " LEFT JOIN visit_log_stats_scopes s ON s.scope = c.id WHERE c.id = :chain",
};

/* In the order of read_counted_totals. */
static const char counted_totals_sql[] =
  "SELECT enterprises_planned, enterprises_visited, visits, blank_spots_found, requests, assigned, closed, open, "
  " long_term, reopened, accept_done, accept_met, handle_done, handle_met, close_done, close_met, "
  " escalations, escalated_requests, escalations_accept, escalations_handle, escalations_close, "
  " rated, satisfied, basically_satisfied, unsatisfied "
  "FROM visit_log_stats_scopes WHERE scope = :chain";

/* A name whose requests all moved on is kept at 0: the exact count would
 * not list it. */
static const char counted_names_sql[] =
  "SELECT kind = 'state', name, n FROM visit_log_stats_scope_names WHERE scope = :chain AND n <> 0";

enum {
  REQ_ID,
  REQ_ROUND,
  REQ_CHAIN,
  REQ_CATEGORY,
  REQ_STATE,
  REQ_SATISFACTION,
  REQ_REOPENED,
  REQ_DEADLINES,   /* (done, met) for each deadline */
};

/* A round's figures, in the order the section lists them. */
enum {
  ROUND_PLANNED,
  ROUND_SKIPPED,
  ROUND_VISITS,
  ROUND_ENTERPRISES_VISITED,
  ROUND_BLANK_SPOTS_FOUND,
  ROUND_REQUESTS,
  N_ROUND_FIGURES,
};

static const char *const round_figure_names[N_ROUND_FIGURES] = {
  "planned", "skipped", "visits", "enterprises_visited", "blank_spots_found", "requests",
};

typedef enum {
  DEADLINE_ACCEPT,
  DEADLINE_HANDLE,
  DEADLINE_CLOSE,
  N_DEADLINES,
} VlDeadline;

static const char *const deadline_names[N_DEADLINES] = { "accept", "handle", "close" };

typedef struct {
  gint64      id;
  JsonObject *fields;   /* campaign_id, name, round_no, status, target_count */
  gint64      figures[N_ROUND_FIGURES];
} VlRound;

typedef struct {
  gint64 id;
  gint64 visits;
  gint64 requests;
  gint64 closed;
} VlChain;

/* An enterprise's visits in the period, for the park's chains' figures. */
typedef struct {
  gint64 enterprise_id;
  gint64 visits;
} VlEnterpriseVisits;

typedef struct {
  gint64 done;
  gint64 met;
} VlOnTime;

typedef struct {
  VlScope     scope;
  GArray     *rounds;         /* VlRound, in the section's order */
  GHashTable *round_by_id;    /* &VlRound.id → VlRound */
  GArray     *chains;         /* VlChain, by id */
  GHashTable *chain_by_id;
  GArray     *enterprise_visits;  /* VlEnterpriseVisits, by enterprise */
  gint64      enterprises_planned;
  gint64      enterprises_visited;
  gint64      visits;
  gint64      blank_spots_found;
  gint64      requests;
  GTree      *by_category;    /* name → count (a gint64 *) */
  GTree      *by_state;
  gint64      assigned;
  gint64      closed;
  gint64      open;
  gint64      long_term;
  gint64      reopened;
  VlOnTime    on_time[N_DEADLINES];
  gint64      escalations;
  gint64      escalated_requests;
  gint64      escalations_by_deadline[N_DEADLINES];
  gint64      rated;
  gint64      satisfied;
  gint64      basically_satisfied;
  gint64      unsatisfied;
} VlStats;

static int
compare_names (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return strcmp (a, b);
}

static void
vl_stats_init (VlStats *stats, VlScope scope)
{
  memset (stats, 0, sizeof *stats);
  stats->scope = scope;
  stats->rounds = g_array_new (FALSE, TRUE, sizeof (VlRound));
  stats->round_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  stats->chains = g_array_new (FALSE, TRUE, sizeof (VlChain));
  stats->chain_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  stats->enterprise_visits = g_array_new (FALSE, FALSE, sizeof (VlEnterpriseVisits));
  stats->by_category = g_tree_new_full (compare_names, NULL, g_free, g_free);
  stats->by_state = g_tree_new_full (compare_names, NULL, g_free, g_free);
}

static void
vl_stats_clear (VlStats *stats)
{
  for (guint i = 0; i < stats->rounds->len; i++)
    g_clear_pointer (&g_array_index (stats->rounds, VlRound, i).fields, json_object_unref);
  g_array_unref (stats->rounds);
  g_hash_table_unref (stats->round_by_id);
  g_array_unref (stats->chains);
  g_hash_table_unref (stats->chain_by_id);
  g_array_unref (stats->enterprise_visits);
  g_tree_unref (stats->by_category);
  g_tree_unref (stats->by_state);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VlStats, vl_stats_clear)

/* NULL for a NULL id, or one not listed. */
static VlRound *
find_round (VlStats *stats, sqlite3_stmt *s, int column)
{
  gint64 id = sqlite3_column_int64 (s, column);

  return sqlite3_column_type (s, column) == SQLITE_NULL ? NULL : g_hash_table_lookup (stats->round_by_id, &id);
}

static VlChain *
find_chain (VlStats *stats, sqlite3_stmt *s, int column)
{
  gint64 id = sqlite3_column_int64 (s, column);

  return sqlite3_column_type (s, column) == SQLITE_NULL ? NULL : g_hash_table_lookup (stats->chain_by_id, &id);
}

static JsonObject *
round_fields (sqlite3_stmt *s)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "campaign_id", sqlite3_column_int64 (s, 0));
  json_object_set_string_member (o, "name", (const char *) sqlite3_column_text (s, 1));
  json_object_set_int_member (o, "round_no", sqlite3_column_int64 (s, 2));
  json_object_set_string_member (o, "status", (const char *) sqlite3_column_text (s, 3));
  if (sqlite3_column_type (s, 4) == SQLITE_NULL)
    json_object_set_null_member (o, "target_count");
  else
    json_object_set_int_member (o, "target_count", sqlite3_column_int64 (s, 4));
  return o;
}

/* @sql lists the rounds' fields, and their figures after them when they
 * were counted ahead (counted_rounds_sql). */
static gboolean
load_rounds (LjRequest *req, VlStats *stats, const LjStatsQuery *query, const char *sql, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare (req, query, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      VlRound round = { sqlite3_column_int64 (s, 0), round_fields (s), { 0 } };

      for (int f = 0; f < N_ROUND_FIGURES && ROUND_FIELD_COLUMNS + f < sqlite3_column_count (s); f++)
        round.figures[f] = sqlite3_column_int64 (s, ROUND_FIELD_COLUMNS + f);
      g_array_append_val (stats->rounds, round);
    }
  /* The array no longer moves: index it. */
  for (guint i = 0; i < stats->rounds->len; i++)
    {
      VlRound *round = &g_array_index (stats->rounds, VlRound, i);

      g_hash_table_insert (stats->round_by_id, &round->id, round);
    }
  return rc == SQLITE_DONE;
}

/* @sql lists the chains' ids, and their visits, requests and closed
 * requests after them when they were counted ahead (counted_chains_sql). */
static gboolean
load_chains (LjRequest *req, VlStats *stats, const LjStatsQuery *query, const char *sql, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare (req, query, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      VlChain chain = { sqlite3_column_int64 (s, 0), 0, 0, 0 };

      if (sqlite3_column_count (s) == COUNTED_CHAIN_COLUMNS)
        {
          chain.visits = sqlite3_column_int64 (s, 1);
          chain.requests = sqlite3_column_int64 (s, 2);
          chain.closed = sqlite3_column_int64 (s, 3);
        }
      g_array_append_val (stats->chains, chain);
    }
  for (guint i = 0; i < stats->chains->len; i++)
    {
      VlChain *chain = &g_array_index (stats->chains, VlChain, i);

      g_hash_table_insert (stats->chain_by_id, &chain->id, chain);
    }
  return rc == SQLITE_DONE;
}

static gboolean
count_park_plans (LjRequest *req, VlStats *stats, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, park_plans_sql, error);
  g_autoptr (LjStmt) distinct = NULL;
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      VlRound *round = find_round (stats, lj_stmt_get (st), 0);

      if (round == NULL)
        continue;
      round->figures[ROUND_PLANNED] = sqlite3_column_int64 (lj_stmt_get (st), 1);
      round->figures[ROUND_SKIPPED] = sqlite3_column_int64 (lj_stmt_get (st), 2);
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  distinct = lj_request_prepare (req, park_planned_enterprises_sql, error);
  if (distinct == NULL || lj_stmt_step (distinct, error) != SQLITE_ROW)
    return FALSE;
  stats->enterprises_planned = sqlite3_column_int64 (lj_stmt_get (distinct), 0);
  return TRUE;
}

static gboolean
count_chain_plans (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare (req, query, chain_plans_sql, error);
  gboolean first = TRUE;
  gint64 enterprise_id = 0;
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      VlRound *round = find_round (stats, s, 1);

      if (first || sqlite3_column_int64 (s, 0) != enterprise_id)
        {
          first = FALSE;
          enterprise_id = sqlite3_column_int64 (s, 0);
          stats->enterprises_planned++;
        }
      if (round == NULL)
        continue;
      round->figures[ROUND_PLANNED]++;
      round->figures[ROUND_SKIPPED] += sqlite3_column_int (s, 2);
    }
  return rc == SQLITE_DONE;
}

static gboolean
count_plans (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  return stats->scope == VL_SCOPE_PARK ? count_park_plans (req, stats, error)
                                       : count_chain_plans (req, stats, query, error);
}

/* Rows come grouped by enterprise, then by round: an enterprise (or a
 * round's enterprise) counts as visited on its first row, and as a blank
 * spot found on its first row whose check found one. */
static gboolean
count_visits (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare (req, query, visits_sql[stats->scope], error);
  VlEnterpriseVisits *enterprise = NULL;
  VlRound *round = NULL;
  gboolean enterprise_blank = FALSE, pair_blank = FALSE, pair_round_null = FALSE;
  gint64 pair_round = 0;
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      gint64 enterprise_id = sqlite3_column_int64 (s, 0);
      gint64 round_id = sqlite3_column_int64 (s, 1);
      gboolean round_null = sqlite3_column_type (s, 1) == SQLITE_NULL;
      gboolean blank = sqlite3_column_int (s, 2);
      gboolean new_enterprise = enterprise == NULL || enterprise->enterprise_id != enterprise_id;

      if (new_enterprise)
        {
          VlEnterpriseVisits first = { enterprise_id, 0 };

          g_array_append_val (stats->enterprise_visits, first);
          enterprise = &g_array_index (stats->enterprise_visits, VlEnterpriseVisits, stats->enterprise_visits->len - 1);
          stats->enterprises_visited++;
          enterprise_blank = FALSE;
        }
      if (new_enterprise || round_null != pair_round_null || round_id != pair_round)
        {
          pair_round = round_id;
          pair_round_null = round_null;
          pair_blank = FALSE;
          if ((round = find_round (stats, s, 1)) != NULL)
            round->figures[ROUND_ENTERPRISES_VISITED]++;
        }
      enterprise->visits++;
      stats->visits++;
      if (blank && !enterprise_blank)
        {
          enterprise_blank = TRUE;
          stats->blank_spots_found++;
        }
      if (round == NULL)
        continue;
      round->figures[ROUND_VISITS]++;
      if (blank && !pair_blank)
        {
          pair_blank = TRUE;
          round->figures[ROUND_BLANK_SPOTS_FOUND]++;
        }
    }
  return rc == SQLITE_DONE;
}

/* A chain's visits are its enterprises' visits.  For one chain that is
 * every visit counted; for the park each enterprise's visits go to each of
 * its chains, walking the memberships and the enterprises (both ordered by
 * enterprise) side by side. */
static gboolean
count_chain_visits (LjRequest *req, VlStats *stats, GError **error)
{
  g_autoptr (LjStmt) st = NULL;
  GArray *visited = stats->enterprise_visits;
  guint i = 0;
  int rc;

  if (stats->scope == VL_SCOPE_CHAIN)
    {
      for (guint c = 0; c < stats->chains->len; c++)
        g_array_index (stats->chains, VlChain, c).visits = stats->visits;
      return TRUE;
    }
  if ((st = lj_request_prepare (req, memberships_sql, error)) == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 enterprise_id = sqlite3_column_int64 (lj_stmt_get (st), 0);
      VlChain *chain;

      while (i < visited->len && g_array_index (visited, VlEnterpriseVisits, i).enterprise_id < enterprise_id)
        i++;
      if (i == visited->len)
        break;
      if (g_array_index (visited, VlEnterpriseVisits, i).enterprise_id == enterprise_id &&
          (chain = find_chain (stats, lj_stmt_get (st), 1)) != NULL)
        chain->visits += g_array_index (visited, VlEnterpriseVisits, i).visits;
    }
  return rc != -1;
}

/* A statement ordered by request id, read alongside the requests. */
typedef struct {
  LjStmt *st;
  int     rc;   /* of its last step: SQLITE_ROW while on a row */
} VlCursor;

static void
vl_cursor_clear (VlCursor *cursor)
{
  g_clear_pointer (&cursor->st, lj_stmt_release);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VlCursor, vl_cursor_clear)

static gboolean
cursor_open (VlCursor *cursor, LjRequest *req, const char *sql, const LjStatsQuery *query, GError **error)
{
  if ((cursor->st = lj_stats_query_prepare (req, query, sql, error)) == NULL)
    return FALSE;
  cursor->rc = lj_stmt_step (cursor->st, error);
  return cursor->rc != -1;
}

/* Steps past the rows of requests before @id: whether it is on a row of @id. */
static gboolean
cursor_reaches (VlCursor *cursor, gint64 id, GError **error)
{
  while (cursor->rc == SQLITE_ROW && sqlite3_column_int64 (lj_stmt_get (cursor->st), 0) < id)
    cursor->rc = lj_stmt_step (cursor->st, error);
  return cursor->rc == SQLITE_ROW && sqlite3_column_int64 (lj_stmt_get (cursor->st), 0) == id;
}

static void
count_name_n (GTree *tree, const char *name, gint64 count)
{
  gint64 *n = g_tree_lookup (tree, name);

  if (n == NULL)
    {
      n = g_new0 (gint64, 1);
      g_tree_insert (tree, g_strdup (name), n);
    }
  *n += count;
}

static void
count_name (GTree *tree, const char *name)
{
  count_name_n (tree, name, 1);
}

static void
count_request (VlStats *stats, sqlite3_stmt *s)
{
  const char *state = (const char *) sqlite3_column_text (s, REQ_STATE);
  const char *satisfaction = (const char *) sqlite3_column_text (s, REQ_SATISFACTION);
  gboolean closed = g_strcmp0 (state, "closed") == 0;
  VlRound *round = find_round (stats, s, REQ_ROUND);
  VlChain *chain = find_chain (stats, s, REQ_CHAIN);

  stats->requests++;
  count_name (stats->by_category, (const char *) sqlite3_column_text (s, REQ_CATEGORY));
  count_name (stats->by_state, state);
  stats->closed += closed;
  stats->open += !closed && g_strcmp0 (state, "rejected") != 0;
  stats->long_term += g_strcmp0 (state, "long_term") == 0;
  stats->reopened += sqlite3_column_int (s, REQ_REOPENED);
  for (guint d = 0; d < N_DEADLINES; d++)
    if (sqlite3_column_int (s, REQ_DEADLINES + 2 * d))
      {
        stats->on_time[d].done++;
        stats->on_time[d].met += sqlite3_column_int (s, REQ_DEADLINES + 2 * d + 1);
      }
  if (satisfaction != NULL)
    {
      stats->rated++;
      stats->satisfied += strcmp (satisfaction, "satisfied") == 0;
      stats->basically_satisfied += strcmp (satisfaction, "basically_satisfied") == 0;
      stats->unsatisfied += strcmp (satisfaction, "unsatisfied") == 0;
    }
  if (round != NULL)
    round->figures[ROUND_REQUESTS]++;
  if (chain != NULL)
    {
      chain->requests++;
      chain->closed += closed;
    }
}

static gboolean
count_escalations (VlStats *stats, VlCursor *escalations, gint64 request_id, GError **error)
{
  gboolean any = FALSE;

  while (cursor_reaches (escalations, request_id, error))
    {
      const char *deadline = (const char *) sqlite3_column_text (lj_stmt_get (escalations->st), 1);

      any = TRUE;
      stats->escalations++;
      for (guint d = 0; d < N_DEADLINES; d++)
        stats->escalations_by_deadline[d] += g_strcmp0 (deadline, deadline_names[d]) == 0;
      escalations->rc = lj_stmt_step (escalations->st, error);
    }
  stats->escalated_requests += any;
  return escalations->rc != -1;
}

static gboolean
count_requests (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare (req, query, requests_sql[stats->scope], error);
  g_auto (VlCursor) assigned = { NULL, 0 };
  g_auto (VlCursor) escalations = { NULL, 0 };
  int rc;

  if (st == NULL || !cursor_open (&assigned, req, assigned_sql[stats->scope], query, error) ||
      !cursor_open (&escalations, req, escalations_sql[stats->scope], query, error))
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (lj_stmt_get (st), REQ_ID);

      count_request (stats, lj_stmt_get (st));
      stats->assigned += cursor_reaches (&assigned, id, error);
      if (assigned.rc == -1 || !count_escalations (stats, &escalations, id, error))
        return FALSE;
    }
  return rc == SQLITE_DONE;
}

/* ---- without a period: the counters ---- */

static gboolean
read_counted_totals (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare (req, query, counted_totals_sql, error);
  gint64 *const totals[] = {
    &stats->enterprises_planned, &stats->enterprises_visited, &stats->visits, &stats->blank_spots_found,
    &stats->requests, &stats->assigned, &stats->closed, &stats->open, &stats->long_term, &stats->reopened,
    &stats->on_time[DEADLINE_ACCEPT].done, &stats->on_time[DEADLINE_ACCEPT].met,
    &stats->on_time[DEADLINE_HANDLE].done, &stats->on_time[DEADLINE_HANDLE].met,
    &stats->on_time[DEADLINE_CLOSE].done, &stats->on_time[DEADLINE_CLOSE].met,
    &stats->escalations, &stats->escalated_requests, &stats->escalations_by_deadline[DEADLINE_ACCEPT],
    &stats->escalations_by_deadline[DEADLINE_HANDLE], &stats->escalations_by_deadline[DEADLINE_CLOSE],
    &stats->rated, &stats->satisfied, &stats->basically_satisfied, &stats->unsatisfied,
  };
  int rc;

  if (st == NULL || (rc = lj_stmt_step (st, error)) == -1)
    return FALSE;
  /* A chain nothing was ever counted for has no row: all its figures are 0. */
  if (rc != SQLITE_ROW)
    return TRUE;
  g_assert (sqlite3_column_count (lj_stmt_get (st)) == G_N_ELEMENTS (totals));
  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    *totals[i] = sqlite3_column_int64 (lj_stmt_get (st), i);
  return TRUE;
}

static gboolean
read_counted_names (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare (req, query, counted_names_sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);

      count_name_n (sqlite3_column_int (s, 0) ? stats->by_state : stats->by_category,
                    (const char *) sqlite3_column_text (s, 1), sqlite3_column_int64 (s, 2));
    }
  return rc == SQLITE_DONE;
}

static gboolean
read_counters (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  return load_rounds (req, stats, query, counted_rounds_sql, error) &&
         load_chains (req, stats, query, counted_chains_sql[stats->scope], error) &&
         read_counted_totals (req, stats, query, error) && read_counted_names (req, stats, query, error);
}

static gboolean
count_exactly (LjRequest *req, VlStats *stats, const LjStatsQuery *query, GError **error)
{
  return load_rounds (req, stats, query, rounds_sql, error) &&
         load_chains (req, stats, query, chains_sql[stats->scope], error) && count_plans (req, stats, query, error) &&
         count_visits (req, stats, query, error) && count_chain_visits (req, stats, error) &&
         count_requests (req, stats, query, error);
}

/* ---- the JSON ---- */

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* @part / @whole, null when @whole is 0.  The section's ratios have always
 * been SQLite's REALs rendered with 15 significant digits and read back;
 * rounding the same way keeps every published figure as it was, to the
 * last digit. */
static void
add_ratio (JsonBuilder *b, const char *name, double part, gint64 whole)
{
  char text[64];

  json_builder_set_member_name (b, name);
  if (whole == 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  sqlite3_snprintf (sizeof text, text, "%!.15g", part / (double) whole);
  json_builder_add_double_value (b, g_ascii_strtod (text, NULL));
}

static gboolean
add_name_count (gpointer key, gpointer value, gpointer user_data)
{
  add_int (user_data, key, *(gint64 *) value);
  return FALSE;
}

static void
add_name_counts (JsonBuilder *b, const char *name, GTree *counts)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  g_tree_foreach (counts, add_name_count, b);
  json_builder_end_object (b);
}

static void
add_rounds (JsonBuilder *b, VlStats *stats)
{
  json_builder_set_member_name (b, "campaigns");
  json_builder_begin_array (b);
  for (guint i = 0; i < stats->rounds->len; i++)
    {
      VlRound *round = &g_array_index (stats->rounds, VlRound, i);

      for (guint f = 0; f < N_ROUND_FIGURES; f++)
        json_object_set_int_member (round->fields, round_figure_names[f], round->figures[f]);
      json_builder_add_value (b, json_node_init_object (json_node_alloc (), round->fields));
    }
  json_builder_end_array (b);
}

static void
add_requests (JsonBuilder *b, VlStats *stats)
{
  json_builder_set_member_name (b, "requests");
  json_builder_begin_object (b);
  add_int (b, "total", stats->requests);
  add_name_counts (b, "by_category", stats->by_category);
  add_name_counts (b, "by_state", stats->by_state);
  add_int (b, "assigned", stats->assigned);
  add_int (b, "closed", stats->closed);
  add_int (b, "open", stats->open);
  add_int (b, "long_term", stats->long_term);
  add_int (b, "reopened", stats->reopened);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "on_time");
  json_builder_begin_object (b);
  for (guint d = 0; d < N_DEADLINES; d++)
    {
      json_builder_set_member_name (b, deadline_names[d]);
      json_builder_begin_object (b);
      add_int (b, "done", stats->on_time[d].done);
      add_int (b, "met", stats->on_time[d].met);
      add_ratio (b, "rate", stats->on_time[d].met, stats->on_time[d].done);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "escalations");
  json_builder_begin_object (b);
  add_int (b, "total", stats->escalations);
  add_int (b, "requests", stats->escalated_requests);
  for (guint d = 0; d < N_DEADLINES; d++)
    add_int (b, deadline_names[d], stats->escalations_by_deadline[d]);
  json_builder_end_object (b);

  /* Satisfied counts 1, basically satisfied 0.5, unsatisfied 0. */
  json_builder_set_member_name (b, "satisfaction");
  json_builder_begin_object (b);
  add_int (b, "rated", stats->rated);
  add_int (b, "satisfied", stats->satisfied);
  add_int (b, "basically_satisfied", stats->basically_satisfied);
  add_int (b, "unsatisfied", stats->unsatisfied);
  add_ratio (b, "rate", stats->satisfied + stats->basically_satisfied, stats->rated);
  add_ratio (b, "average", stats->satisfied + 0.5 * stats->basically_satisfied, stats->rated);
  json_builder_end_object (b);
}

static void
add_chains (JsonBuilder *b, VlStats *stats)
{
  json_builder_set_member_name (b, "by_chain");
  json_builder_begin_array (b);
  for (guint i = 0; i < stats->chains->len; i++)
    {
      VlChain *chain = &g_array_index (stats->chains, VlChain, i);

      json_builder_begin_object (b);
      add_int (b, "chain_id", chain->id);
      add_int (b, "visits", chain->visits);
      add_int (b, "requests", chain->requests);
      add_int (b, "closed", chain->closed);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static JsonNode *
build_section (VlStats *stats)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_rounds (b, stats);
  add_int (b, "enterprises_planned", stats->enterprises_planned);
  add_int (b, "enterprises_visited", stats->enterprises_visited);
  add_int (b, "visits", stats->visits);
  add_int (b, "blank_spots_found", stats->blank_spots_found);
  add_requests (b, stats);
  add_chains (b, stats);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
vl_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error)
{
  g_auto (VlStats) stats = { 0 };

  vl_stats_init (&stats, query->chain_id == 0 ? VL_SCOPE_PARK : VL_SCOPE_CHAIN);
  /* The counters hold every row ever written, not a period's. */
  if (query->from == NULL && query->to == NULL ? !read_counters (req, &stats, query, error)
                                               : !count_exactly (req, &stats, query, error))
    return NULL;
  return build_section (&stats);
}
