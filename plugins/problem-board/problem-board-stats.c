/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `problem_board` section of /api/v1/stats/overview and the plugin's
 * entries on the enterprise timeline.
 *
 * Stats give counts only, over every problem whatever its visibility: the
 * period (from/to) narrows what happened in it (posted = submitted, solved,
 * closed unsolved, projects back on track); `open` and `in_progress` are
 * the current state.  The timeline hides problems the caller may not see
 * with the same predicate as the resource's x-lj-visible.
 *
 * The section costs the same few statements whatever the number of chains,
 * each one pass over an index of migration 0002 (never a problem row, which
 * carries its texts); C adds their rows up per chain and for the scope. */
#include <math.h>
#include <string.h>
#include "problem-board.h"

/* The park's figures and one chain's come from different statements: one
 * statement with ":chain = 0 OR p.chain_id = :chain" would serve both, but
 * it keeps SQLite off the index that makes a chain's figures cheap.  The
 * period is :from <= x < :to, either NULL meaning unbounded. */
#define IN_PERIOD(x) "(:from IS NULL OR " x " >= :from) AND (:to IS NULL OR " x " < :to)"

/* Per chain: the problems submitted in the period. */
#define POSTED_SQL(in_chain) \
  "SELECT p.chain_id, count (*) FROM problem_board_problems p" \
  " WHERE p.submitted_at IS NOT NULL AND " IN_PERIOD ("p.submitted_at") in_chain " GROUP BY p.chain_id"

static const LjStatsSql posted_sql = {
  POSTED_SQL (""),
  POSTED_SQL (" AND p.chain_id = :chain"),
};

/* Per state counted now and chain: how many, and how many closed in the
 * period (what `unsolved` counts).  The list is the one of the partial
 * index problem_board_problems_state_idx: SQLite uses that index only for
 * a statement naming the same list. */
#define STATES_SQL(in_chain) \
  "SELECT p.chain_id, p.state, count (*), count (*) FILTER (WHERE " IN_PERIOD ("p.closed_at") ")" \
  " FROM problem_board_problems p WHERE p.state IN ('open', 'in_progress', 'on_hold', 'delivered', 'unsolved')" \
  in_chain " GROUP BY p.state, p.chain_id"

static const LjStatsSql states_sql = {
  STATES_SQL (""),
  STATES_SQL (" AND p.chain_id = :chain"),
};

/* The problems solved in the period: the days they took, whether they
 * were ever submitted (only those count for the median) and their team.
 * Rows, not counts: the medians need every value.  The index holds this
 * very expression, which spares two julianday () per row; it is named
 * because, for one chain, SQLite would rather take (chain_id, state) and
 * read every solved problem's row. */
#define SOLVED_SQL(in_chain) \
  "SELECT p.chain_id, julianday (p.solved_at) - julianday (p.submitted_at), p.submitted_at IS NOT NULL, p.team_id" \
  " FROM problem_board_problems p INDEXED BY problem_board_problems_solved_idx" \
  " WHERE p.state = 'solved' AND " IN_PERIOD ("p.solved_at") in_chain

static const LjStatsSql solved_sql = {
  SOLVED_SQL (""),
  SOLVED_SQL (" AND p.chain_id = :chain"),
};

/* Party-member teams: commando teams and task forces. */
static const char PARTY_TEAMS_SQL[] =
  "SELECT id FROM problem_board_teams WHERE kind IN ('commando', 'task_force')";

/* Projects are dated by day: the period's bounds are cut to their dates. */
#define PROJECTS_SQL(in_chain) \
  "SELECT pr.chain_id," \
  " count (*) FILTER (WHERE pr.status IN ('back_on_track', 'done') AND pr.back_on_track_on IS NOT NULL" \
  " AND (:from IS NULL OR pr.back_on_track_on >= substr (:from, 1, 10))" \
  " AND (:to IS NULL OR pr.back_on_track_on < substr (:to, 1, 10)))," \
  " count (*) FILTER (WHERE pr.status = 'lagging')" \
  " FROM problem_board_projects pr" in_chain " GROUP BY pr.chain_id"

static const LjStatsSql projects_sql = {
  PROJECTS_SQL (""),
  PROJECTS_SQL (" WHERE pr.chain_id = :chain"),
};

/* by_chain lists every chain of the scope, with or without problems. */
static const LjStatsSql chains_sql = {
  "SELECT id FROM chains ORDER BY id",
  "SELECT id FROM chains WHERE id = :chain",
};

/* One set of figures: the scope's or one chain's. */
typedef struct {
  gint64  posted;
  gint64  open;
  gint64  in_progress;
  gint64  solved;
  gint64  unsolved;
  gint64  solved_by_party_teams;
  gint64  projects_back_on_track;
  gint64  projects_lagging;
  GArray *days;   /* double: days from submitted to solved, in no order; see add_solved */
} PbFigures;

/* The figures of each chain that has rows in the scope, and their sum. */
typedef struct {
  PbFigures   all;
  GHashTable *chains;        /* gint64 chain id → PbFigures */
  GHashTable *party_teams;   /* gint64 team ids */
} PbTally;

static void
pb_figures_free (PbFigures *f)
{
  g_array_unref (f->days);
  g_free (f);
}

static void
pb_tally_init (PbTally *t)
{
  memset (t, 0, sizeof *t);
  t->all.days = g_array_new (FALSE, FALSE, sizeof (double));
  t->chains = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) pb_figures_free);
  t->party_teams = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
pb_tally_clear (PbTally *t)
{
  g_clear_pointer (&t->all.days, g_array_unref);
  g_clear_pointer (&t->chains, g_hash_table_unref);
  g_clear_pointer (&t->party_teams, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PbTally, pb_tally_clear)

/* The chain's figures, created empty on its first row. */
static PbFigures *
chain_figures (PbTally *t, gint64 chain_id)
{
  PbFigures *f = g_hash_table_lookup (t->chains, &chain_id);

  if (f == NULL)
    {
      f = g_new0 (PbFigures, 1);
      f->days = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (t->chains, g_memdup2 (&chain_id, sizeof chain_id), f);
    }
  return f;
}

static gboolean
tally_posted (LjRequest *req, const LjStatsQuery *query, PbTally *t, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, query, &posted_sql, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    chain_figures (t, sqlite3_column_int64 (s, 0))->posted += sqlite3_column_int64 (s, 1);
  return rc == SQLITE_DONE;
}

static void
add_state (PbFigures *f, const char *state, gint64 n, gint64 closed_in_period)
{
  if (g_strcmp0 (state, "open") == 0)
    f->open += n;
  else if (g_strcmp0 (state, "unsolved") == 0)
    f->unsolved += closed_in_period;
  else
    f->in_progress += n;   /* in_progress, on_hold, delivered */
}

static gboolean
tally_states (LjRequest *req, const LjStatsQuery *query, PbTally *t, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, query, &states_sql, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      add_state (chain_figures (t, sqlite3_column_int64 (s, 0)), (const char *) sqlite3_column_text (s, 1),
                 sqlite3_column_int64 (s, 2), sqlite3_column_int64 (s, 3));
    }
  return rc == SQLITE_DONE;
}

/* A few hundred ids, looked up in C for each solved problem: cheaper than
 * SQLite evaluating the same IN (SELECT …) on each of 12,000 rows. */
static gboolean
load_party_teams (LjRequest *req, PbTally *t, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, PARTY_TEAMS_SQL, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);

      g_hash_table_add (t->party_teams, g_memdup2 (&id, sizeof id));
    }
  return rc == SQLITE_DONE;
}

/* One solved problem (a row of SOLVED_SQL).  Days SQLite cannot compute
 * (a timestamp it cannot read) are NULL; the median has always ranked them
 * below every number, as SQL sorts NULL, and read them as 0 days: they are
 * kept as -INFINITY, which day_value () reads as 0. */
static void
add_solved (PbFigures *f, sqlite3_stmt *s, gboolean by_party)
{
  f->solved++;
  f->solved_by_party_teams += by_party;
  if (sqlite3_column_int (s, 2))
    {
      double d = sqlite3_column_type (s, 1) == SQLITE_NULL ? -INFINITY : sqlite3_column_double (s, 1);

      g_array_append_val (f->days, d);
    }
}

static gboolean
tally_solved (LjRequest *req, const LjStatsQuery *query, PbTally *t, GError **error)
{
  g_autoptr (LjStmt) st = NULL;
  PbFigures *f = NULL;
  gint64 chain_id = 0;
  sqlite3_stmt *s;
  int rc;

  if (!load_party_teams (req, t, error))
    return FALSE;
  st = lj_stats_query_prepare_scoped (req, query, &solved_sql, error);
  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 team_id = sqlite3_column_int64 (s, 3);
      gboolean by_party = sqlite3_column_type (s, 3) != SQLITE_NULL
                          && g_hash_table_contains (t->party_teams, &team_id);

      /* The index gives the rows chain by chain: look the chain up once. */
      if (f == NULL || sqlite3_column_int64 (s, 0) != chain_id)
        {
          chain_id = sqlite3_column_int64 (s, 0);
          f = chain_figures (t, chain_id);
        }
      add_solved (f, s, by_party);
    }
  return rc == SQLITE_DONE;
}

static gboolean
tally_projects (LjRequest *req, const LjStatsQuery *query, PbTally *t, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, query, &projects_sql, error);
  sqlite3_stmt *s;
  int rc;

  if (st == NULL)
    return FALSE;
  s = lj_stmt_get (st);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      PbFigures *f = chain_figures (t, sqlite3_column_int64 (s, 0));

      f->projects_back_on_track += sqlite3_column_int64 (s, 1);
      f->projects_lagging += sqlite3_column_int64 (s, 2);
    }
  return rc == SQLITE_DONE;
}

/* The scope's figures: its chains' added up.  Every row has a chain, so
 * this counts every problem and project of the scope, whether or not its
 * chain is listed in by_chain. */
static void
add_up_chains (PbTally *t)
{
  GHashTableIter iter;
  PbFigures *f;

  g_hash_table_iter_init (&iter, t->chains);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &f))
    {
      t->all.posted += f->posted;
      t->all.open += f->open;
      t->all.in_progress += f->in_progress;
      t->all.solved += f->solved;
      t->all.unsolved += f->unsolved;
      t->all.solved_by_party_teams += f->solved_by_party_teams;
      t->all.projects_back_on_track += f->projects_back_on_track;
      t->all.projects_lagging += f->projects_lagging;
      g_array_append_vals (t->all.days, f->days->data, f->days->len);
    }
}

static double
day_value (double d)
{
  return isinf (d) ? 0 : d;
}

/* Moves the k-th smallest of @d to d[k], with nothing larger before it and
 * nothing smaller after it (Hoare's FIND, as in Wirth's "Algorithms + Data
 * Structures"): linear on average, where sorting the province's 12,000
 * solved problems took half a millisecond. */
static void
select_kth (double *d, gssize n, gssize k)
{
  gssize l = 0, m = n - 1;

  while (l < m)
    {
      double x = d[k];
      gssize i = l, j = m;

      do
        {
          while (d[i] < x)
            i++;
          while (x < d[j])
            j--;
          if (i <= j)
            {
              double swap = d[i];

              d[i++] = d[j];
              d[j--] = swap;
            }
        }
      while (i <= j);
      if (j < k)
        l = i;
      if (k < i)
        m = j;
    }
}

/* The median of @days (reordered): the middle one, or the mean of the two
 * middle ones; -1 with none. */
static double
median_days (GArray *days)
{
  double *d = (double *) days->data;
  gssize n = days->len, k = n / 2;
  double lower;

  if (n == 0)
    return -1;
  select_kth (d, n, k);
  if (n % 2)
    return day_value (d[k]);
  /* The one just below the middle is the largest of those before it. */
  lower = d[0];
  for (gssize i = 1; i < k; i++)
    lower = MAX (lower, d[i]);
  return (day_value (lower) + day_value (d[k])) / 2;
}

/* The figures as members of the object being built. */
static void
add_figures (JsonBuilder *b, PbFigures *f)
{
  const struct { const char *name; gint64 value; } counts[] = {
    { "posted", f->posted }, { "open", f->open }, { "in_progress", f->in_progress },
    { "solved", f->solved }, { "unsolved", f->unsolved }, { "solved_by_party_teams", f->solved_by_party_teams },
  };
  double median = median_days (f->days);

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      json_builder_set_member_name (b, counts[i].name);
      json_builder_add_int_value (b, counts[i].value);
    }
  json_builder_set_member_name (b, "party_team_share");
  if (f->solved > 0)
    json_builder_add_double_value (b, (double) f->solved_by_party_teams / (double) f->solved);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "projects_back_on_track");
  json_builder_add_int_value (b, f->projects_back_on_track);
  json_builder_set_member_name (b, "projects_lagging");
  json_builder_add_int_value (b, f->projects_lagging);
  json_builder_set_member_name (b, "median_days_to_solve");
  if (median < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, median);
}

/* by_chain: the scope's chains in order, zeros for those without rows. */
static gboolean
add_by_chain (LjRequest *req, const LjStatsQuery *query, PbTally *t, JsonBuilder *b, GError **error)
{
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, query, &chains_sql, error);
  g_autoptr (GArray) no_days = g_array_new (FALSE, FALSE, sizeof (double));
  PbFigures none = { .days = no_days };
  int rc;

  if (st == NULL)
    return FALSE;
  json_builder_set_member_name (b, "by_chain");
  json_builder_begin_array (b);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (lj_stmt_get (st), 0);
      PbFigures *f = g_hash_table_lookup (t->chains, &id);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "chain_id");
      json_builder_add_int_value (b, id);
      add_figures (b, f ? f : &none);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return rc == SQLITE_DONE;
}

JsonNode *
pb_stats_section (LjRequest *req, const LjStatsQuery *query, gpointer user_data, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_auto (PbTally) t = { 0 };

  pb_tally_init (&t);
  if (!tally_posted (req, query, &t, error) || !tally_states (req, query, &t, error)
      || !tally_solved (req, query, &t, error) || !tally_projects (req, query, &t, error))
    return NULL;
  add_up_chains (&t);
  json_builder_begin_object (b);
  add_figures (b, &t.all);
  if (!add_by_chain (req, query, &t, b, error))
    return NULL;
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
