/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The talent section of GET /api/v1/stats/overview (docs/plugins/talent.md,
 * "Statistics: section talent").
 *
 * A handful of set-based statements, each one pass: figures per programme,
 * per track stage and per pool profile.  The totals, the chains and the
 * pools are summed up here, so the cost does not grow with the number of
 * chains or pools (it used to be a statement per pool and a correlated
 * subquery per chain: 40-50 ms for the province).  Every statement has a
 * park variant and a chain variant: `:chain = 0 OR …` would keep SQLite off the
 * index the chain variant starts from (the chain's programmes, or its
 * enterprises).  The indexes, and the per-entry pool facts, come from
 * schemas/plugins/talent/0003-stats.sql.
 *
 * Parameters: :from the period's start (a timestamp, or NULL), :to its end
 * (exclusive), :chain the chain (chain variants only). */
#include "talent-private.h"

#include <stdlib.h>
#include <string.h>

#define PROGRAMME_OVERLAPS \
  "(:from IS NULL OR p.ends_on IS NULL OR p.ends_on >= substr(:from, 1, 10)) AND " \
  "(:to IS NULL OR p.starts_on IS NULL OR p.starts_on < substr(:to, 1, 10))"
#define PROGRAMME_ENDS_IN_PERIOD \
  "(:from IS NULL OR p.ends_on >= substr(:from, 1, 10)) AND (:to IS NULL OR p.ends_on < substr(:to, 1, 10))"
#define SESSION_IN_PERIOD "(:from IS NULL OR s.starts_at >= :from) AND (:to IS NULL OR s.starts_at < :to)"
#define CHAIN_PROGRAMMES "(SELECT pc.programme_id FROM talent_programme_chains pc WHERE pc.chain_id = :chain)"
/* A person is on the chain when their enterprise is.  The chain variants
 * of the person-based figures (tracks, pools) read the per-chain copies of
 * migration 0004, which triggers keep as people, tracks, entries and the
 * core's enterprise_chains change: reaching them through the chain's
 * enterprises cost a probe per enterprise (6-7 ms for chain 1 of the
 * province, 8,643 enterprises). */

/* What the section counts of one programme. */
typedef struct {
  gint64   id;
  gboolean live;        /* not cancelled */
  gboolean counted;     /* live, and running at some time in the period */
  gint64   sessions;    /* sessions starting in the period */
  gint64   attendances; /* present or late at those sessions */
  double   hours;       /* credited at those sessions */
} ProgrammeFigures;

typedef struct {
  gint64 programmes, sessions, attendances;
  double hours;
} Totals;

static const char *const expert_stages[] = {
  "nominated", "applicant", "activist", "development_target", "probationary", "probation_extended", "full_member",
  "paused", "dropped", NULL
};
static const char *const backbone_stages[] = {
  "nominated", "in_training", "assessed", "confirmed", "not_confirmed", NULL
};
#define MAX_STAGES G_N_ELEMENTS (expert_stages)
G_STATIC_ASSERT (G_N_ELEMENTS (backbone_stages) <= MAX_STAGES);

/* Each kind of track, its stages, and the stage that is its conversion:
 * a track counts as converted when it is at that stage now and reached it
 * in the period.  CONVERTED must name the same stages. */
static const struct {
  const char        *kind;
  const char *const *stages;
  const char        *converted;
} track_kinds[] = {
  { "expert_to_member", expert_stages, "full_member" },
  { "member_to_backbone", backbone_stages, "confirmed" },
};
#define CONVERTED(track_id) \
  "sum(CASE WHEN tr.stage IN ('full_member', 'confirmed') THEN EXISTS (SELECT 1 FROM talent_track_stages s " \
  "WHERE s.track_id = " track_id " AND s.stage = tr.stage AND (:from IS NULL OR s.reached_on >= substr(:from, 1, 10)) " \
  "AND (:to IS NULL OR s.reached_on < substr(:to, 1, 10))) ELSE 0 END)"

/* The pool profile's education levels, in the order of the JSON (as
 * build_profile in talent.c); NULL counts as `unknown`. */
static const char *const pool_educations[] = {
  "below_high_school", "high_school", "junior_college", "bachelor", "master", "doctorate", NULL
};
#define N_EDUCATIONS (G_N_ELEMENTS (pool_educations) - 1)
#define FIRST_COLLEGE_LEVEL 2 /* junior_college and above */
/* talent_pool_entry_facts.tags: bit i is pool_tags[i]. */
static const char *const pool_tags[] = { "technical_expert", "backbone", "reserve_cadre" };

typedef struct {
  gint64 id;
  char  *name;
  gint64 size;
  gint64 education[N_EDUCATIONS];
  gint64 unknown;
  gint64 tags[G_N_ELEMENTS (pool_tags)];
  gint64 party_members;
} PoolFigures;

static void
pool_figures_clear (gpointer data)
{
  g_free (((PoolFigures *) data)->name);
}

static int
compare_id (const void *key, const void *element)
{
  gint64 a = *(const gint64 *) key, b = *(const gint64 *) element;

  return (a > b) - (a < b);
}

/* @array holds structs that start with their gint64 id, sorted by id. */
static gpointer
find_by_id (GArray *array, gint64 id)
{
  return bsearch (&id, array->data, array->len, g_array_get_element_size (array), compare_id);
}

/* The programmes of the scope, by id. */
static gboolean
load_programmes (LjRequest *req, const LjStatsQuery *q, GArray *programmes, GError **error)
{
  static const char park_sql[] =
    "SELECT p.id, p.state <> 'cancelled', " PROGRAMME_OVERLAPS " FROM talent_programmes p ORDER BY p.id";
  static const char chain_sql[] =
    "SELECT p.id, p.state <> 'cancelled', " PROGRAMME_OVERLAPS " FROM talent_programmes p "
    "WHERE p.id IN " CHAIN_PROGRAMMES " ORDER BY p.id";
  static const LjStatsSql sql = { park_sql, chain_sql };
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, q, &sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      ProgrammeFigures p = { sqlite3_column_int64 (s, 0), sqlite3_column_int (s, 1) != 0, FALSE, 0, 0, 0 };

      p.counted = p.live && sqlite3_column_int (s, 2) != 0;
      g_array_append_val (programmes, p);
    }
  return rc == SQLITE_DONE;
}

/* Sessions, attendances and hours in the period, per programme. */
static gboolean
add_sessions (LjRequest *req, const LjStatsQuery *q, GArray *programmes, GError **error)
{
  static const char sessions_park_sql[] =
    "SELECT s.programme_id, count(*) FROM talent_sessions s WHERE " SESSION_IN_PERIOD " GROUP BY s.programme_id";
  static const char sessions_chain_sql[] =
    "SELECT s.programme_id, count(*) FROM talent_sessions s "
    "WHERE s.programme_id IN " CHAIN_PROGRAMMES " AND " SESSION_IN_PERIOD " GROUP BY s.programme_id";
#define ATTENDANCE_FIGURES \
  "SELECT s.programme_id, count(*) FILTER (WHERE a.status IN ('present', 'late')), sum(a.credited_hours) " \
  "FROM talent_sessions s JOIN talent_attendance a ON a.session_id = s.id "
  static const char attendance_park_sql[] =
    ATTENDANCE_FIGURES "WHERE " SESSION_IN_PERIOD " GROUP BY s.programme_id";
  static const char attendance_chain_sql[] =
    ATTENDANCE_FIGURES "WHERE s.programme_id IN " CHAIN_PROGRAMMES " AND " SESSION_IN_PERIOD " GROUP BY s.programme_id";
#undef ATTENDANCE_FIGURES
  int rc;

  {
    static const LjStatsSql sessions_sql = { sessions_park_sql, sessions_chain_sql };
    g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, q, &sessions_sql, error);

    if (st == NULL)
      return FALSE;
    while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
      {
        ProgrammeFigures *p = find_by_id (programmes, sqlite3_column_int64 (lj_stmt_get (st), 0));

        if (p)
          p->sessions = sqlite3_column_int64 (lj_stmt_get (st), 1);
      }
    if (rc != SQLITE_DONE)
      return FALSE;
  }
  {
    static const LjStatsSql attendance_sql = { attendance_park_sql, attendance_chain_sql };
    g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, q, &attendance_sql, error);

    if (st == NULL)
      return FALSE;
    while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
      {
        ProgrammeFigures *p = find_by_id (programmes, sqlite3_column_int64 (lj_stmt_get (st), 0));

        if (p)
          {
            p->attendances = sqlite3_column_int64 (lj_stmt_get (st), 1);
            p->hours = sqlite3_column_double (lj_stmt_get (st), 2);
          }
      }
    if (rc != SQLITE_DONE)
      return FALSE;
  }
  return TRUE;
}

/* Hours add up per programme, then per chain and in total: the same
 * figure as one sum over the records while hours are exact in binary
 * (quarter hours are); the order of a single SQL sum is not defined
 * either. */
static void
totals_add (Totals *t, const ProgrammeFigures *p)
{
  /* Sessions of a live programme count even when the programme itself
   * runs outside the period: a session's own start decides. */
  if (!p->live)
    return;
  t->programmes += p->counted;
  t->sessions += p->sessions;
  t->attendances += p->attendances;
  t->hours += p->hours;
}

static gboolean
count_completions (LjRequest *req, const LjStatsQuery *q, gint64 *out, GError **error)
{
  static const char park_sql[] =
    "SELECT count(*) FROM talent_programmes p JOIN talent_enrolments e ON e.programme_id = p.id "
    "WHERE e.state = 'completed' AND " PROGRAMME_ENDS_IN_PERIOD;
  static const char chain_sql[] =
    "SELECT count(*) FROM talent_programmes p JOIN talent_enrolments e ON e.programme_id = p.id "
    "WHERE p.id IN " CHAIN_PROGRAMMES " AND e.state = 'completed' AND " PROGRAMME_ENDS_IN_PERIOD;
  static const LjStatsSql sql = { park_sql, chain_sql };
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, q, &sql, error);

  if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  *out = sqlite3_column_int64 (lj_stmt_get (st), 0);
  return TRUE;
}

static void
write_chain_figures (JsonBuilder *b, gint64 chain_id, const Totals *t)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "chain_id");
  json_builder_add_int_value (b, chain_id);
  json_builder_set_member_name (b, "programmes");
  json_builder_add_int_value (b, t->programmes);
  json_builder_set_member_name (b, "sessions");
  json_builder_add_int_value (b, t->sessions);
  json_builder_set_member_name (b, "attendances");
  json_builder_add_int_value (b, t->attendances);
  json_builder_set_member_name (b, "credited_hours");
  json_builder_add_double_value (b, t->hours);
  json_builder_end_object (b);
}

/* by_chain: every chain with programmes (cancelled ones included, at 0),
 * by id, its figures summed over its programmes. */
static gboolean
write_by_chain (LjRequest *req, const LjStatsQuery *q, JsonBuilder *b, GArray *programmes, GError **error)
{
  static const char park_sql[] =
    "SELECT pc.chain_id, pc.programme_id FROM talent_programme_chains pc ORDER BY pc.chain_id, pc.programme_id";
  static const char chain_sql[] =
    "SELECT pc.chain_id, pc.programme_id FROM talent_programme_chains pc WHERE pc.chain_id = :chain "
    "ORDER BY pc.programme_id";
  static const LjStatsSql sql = { park_sql, chain_sql };
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, q, &sql, error);
  Totals t = { 0 };
  gint64 chain_id = 0;
  int rc;

  if (st == NULL)
    return FALSE;
  json_builder_set_member_name (b, "by_chain");
  json_builder_begin_array (b);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 c = sqlite3_column_int64 (lj_stmt_get (st), 0);
      ProgrammeFigures *p = find_by_id (programmes, sqlite3_column_int64 (lj_stmt_get (st), 1));

      if (c != chain_id)
        {
          if (chain_id != 0)
            write_chain_figures (b, chain_id, &t);
          chain_id = c;
          t = (Totals) { 0 };
        }
      if (p)
        totals_add (&t, p);
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  if (chain_id != 0)
    write_chain_figures (b, chain_id, &t);
  json_builder_end_array (b);
  return TRUE;
}

/* programmes … completions, then by_chain at the end of the section. */
static gboolean
write_programme_figures (LjRequest *req, const LjStatsQuery *q, JsonBuilder *b, GArray *programmes, GError **error)
{
  Totals t = { 0 };
  gint64 completions = 0;

  if (!load_programmes (req, q, programmes, error) || !add_sessions (req, q, programmes, error) ||
      !count_completions (req, q, &completions, error))
    return FALSE;
  for (guint i = 0; i < programmes->len; i++)
    totals_add (&t, &g_array_index (programmes, ProgrammeFigures, i));
  json_builder_set_member_name (b, "programmes");
  json_builder_add_int_value (b, t.programmes);
  json_builder_set_member_name (b, "sessions");
  json_builder_add_int_value (b, t.sessions);
  json_builder_set_member_name (b, "attendances");
  json_builder_add_int_value (b, t.attendances);
  json_builder_set_member_name (b, "credited_hours");
  json_builder_add_double_value (b, t.hours);
  json_builder_set_member_name (b, "completions");
  json_builder_add_int_value (b, completions);
  return TRUE;
}

static int
index_of (const char *const *names, const char *name)
{
  for (int i = 0; name && names[i]; i++)
    if (strcmp (names[i], name) == 0)
      return i;
  return -1;
}

typedef struct {
  gint64 at_stage[G_N_ELEMENTS (track_kinds)][MAX_STAGES];
  gint64 converted[G_N_ELEMENTS (track_kinds)];
} TrackFigures;

/* Tracks per kind and current stage, and conversions, in one pass over
 * the tracks grouped by kind and stage.  The park variant reads no
 * person: every track has one (a foreign key). */
static gboolean
count_tracks (LjRequest *req, const LjStatsQuery *q, TrackFigures *f, GError **error)
{
  static const char park_sql[] =
    "SELECT tr.kind, tr.stage, count(*), " CONVERTED ("tr.id") " FROM talent_tracks tr GROUP BY tr.kind, tr.stage";
  static const char chain_sql[] =
    "SELECT tr.kind, tr.stage, count(*), " CONVERTED ("tr.track_id") " FROM talent_track_chain_facts tr "
    "WHERE tr.chain_id = :chain GROUP BY tr.kind, tr.stage";
  static const LjStatsSql sql = { park_sql, chain_sql };
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, q, &sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      const char *kind = (const char *) sqlite3_column_text (s, 0);
      const char *stage = (const char *) sqlite3_column_text (s, 1);

      for (guint k = 0; k < G_N_ELEMENTS (track_kinds); k++)
        {
          int i = index_of (track_kinds[k].stages, stage);

          /* A conversion is counted by the stage alone, whatever the kind. */
          if (g_strcmp0 (stage, track_kinds[k].converted) == 0)
            f->converted[k] += sqlite3_column_int64 (s, 3);
          if (g_strcmp0 (kind, track_kinds[k].kind) == 0 && i >= 0)
            f->at_stage[k][i] += sqlite3_column_int64 (s, 2);
        }
    }
  return rc == SQLITE_DONE;
}

/* tracks: per kind, every stage (0 when none) and the total; conversions. */
static gboolean
write_tracks (LjRequest *req, const LjStatsQuery *q, JsonBuilder *b, GError **error)
{
  TrackFigures f = { { { 0 } } };

  if (!count_tracks (req, q, &f, error))
    return FALSE;
  json_builder_set_member_name (b, "tracks");
  json_builder_begin_object (b);
  for (guint k = 0; k < G_N_ELEMENTS (track_kinds); k++)
    {
      gint64 total = 0;

      json_builder_set_member_name (b, track_kinds[k].kind);
      json_builder_begin_object (b);
      for (guint i = 0; track_kinds[k].stages[i]; i++)
        {
          json_builder_set_member_name (b, track_kinds[k].stages[i]);
          json_builder_add_int_value (b, f.at_stage[k][i]);
          total += f.at_stage[k][i];
        }
      json_builder_set_member_name (b, "total");
      json_builder_add_int_value (b, total);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "conversions");
  json_builder_begin_object (b);
  for (guint k = 0; k < G_N_ELEMENTS (track_kinds); k++)
    {
      json_builder_set_member_name (b, track_kinds[k].kind);
      json_builder_add_int_value (b, f.converted[k]);
    }
  json_builder_end_object (b);
  return TRUE;
}

static gboolean
load_pools (LjRequest *req, GArray *pools, GError **error)
{
  g_autoptr (LjStmt) st = lj_request_prepare (req, "SELECT id, name FROM talent_pools ORDER BY id", error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      PoolFigures p = { sqlite3_column_int64 (lj_stmt_get (st), 0),
                        g_strdup ((const char *) sqlite3_column_text (lj_stmt_get (st), 1)) };

      g_array_append_val (pools, p);
    }
  return rc == SQLITE_DONE;
}

/* The active entries of every pool, grouped by what the profile counts:
 * a few rows per pool. */
static gboolean
add_pool_entries (LjRequest *req, const LjStatsQuery *q, GArray *pools, GError **error)
{
  static const char park_sql[] =
    "SELECT f.pool_id, f.education, f.is_member, f.tags, count(*) FROM talent_pool_entry_facts f "
    "WHERE f.status = 'active' GROUP BY f.pool_id, f.education, f.is_member, f.tags";
  static const char chain_sql[] =
    "SELECT f.pool_id, f.education, f.is_member, f.tags, count(*) FROM talent_pool_chain_facts f "
    "WHERE f.chain_id = :chain GROUP BY f.pool_id, f.education, f.is_member, f.tags";
  static const LjStatsSql sql = { park_sql, chain_sql };
  g_autoptr (LjStmt) st = lj_stats_query_prepare_scoped (req, q, &sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      sqlite3_stmt *s = lj_stmt_get (st);
      PoolFigures *p = find_by_id (pools, sqlite3_column_int64 (s, 0));
      gint64 tags = sqlite3_column_int64 (s, 3), n = sqlite3_column_int64 (s, 4);

      if (p == NULL)
        continue;
      p->size += n;
      if (sqlite3_column_type (s, 1) == SQLITE_NULL)
        p->unknown += n;
      else
        {
          int i = index_of (pool_educations, (const char *) sqlite3_column_text (s, 1));

          if (i >= 0)
            p->education[i] += n;
        }
      for (guint i = 0; i < G_N_ELEMENTS (pool_tags); i++)
        if (tags & (1 << i))
          p->tags[i] += n;
      if (sqlite3_column_int (s, 2))
        p->party_members += n;
    }
  return rc == SQLITE_DONE;
}

/* The profile fields exactly as GET /talent/pools/{id}/profile writes them
 * (build_profile in talent.c). */
static void
write_pool (JsonBuilder *b, const PoolFigures *p)
{
  gint64 above = 0;

  for (guint i = FIRST_COLLEGE_LEVEL; i < N_EDUCATIONS; i++)
    above += p->education[i];
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pool_id");
  json_builder_add_int_value (b, p->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, p->name);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, p->size);
  json_builder_set_member_name (b, "education");
  json_builder_begin_object (b);
  for (guint i = 0; i < N_EDUCATIONS; i++)
    {
      json_builder_set_member_name (b, pool_educations[i]);
      json_builder_add_int_value (b, p->education[i]);
    }
  json_builder_set_member_name (b, "unknown");
  json_builder_add_int_value (b, p->unknown);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "junior_college_or_above");
  json_builder_add_int_value (b, above);
  json_builder_set_member_name (b, "junior_college_or_above_share");
  if (p->size == 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, (double) above / (double) p->size);
  json_builder_set_member_name (b, "junior_college_or_above_percent");
  if (p->size == 0)
    json_builder_add_null_value (b);
  else
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      json_builder_add_double_value (b, g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, "%.2f",
                                                                        100.0 * above / p->size), NULL));
    }
  json_builder_set_member_name (b, "tags");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (pool_tags); i++)
    {
      json_builder_set_member_name (b, pool_tags[i]);
      json_builder_add_int_value (b, p->tags[i]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "party_members");
  json_builder_add_int_value (b, p->party_members);
  json_builder_end_object (b);
}

/* pools: every pool, by id, restricted to people of the chain when given. */
static gboolean
write_pools (LjRequest *req, const LjStatsQuery *q, JsonBuilder *b, GError **error)
{
  g_autoptr (GArray) pools = g_array_new (FALSE, TRUE, sizeof (PoolFigures));

  g_array_set_clear_func (pools, pool_figures_clear);
  if (!load_pools (req, pools, error) || !add_pool_entries (req, q, pools, error))
    return FALSE;
  json_builder_set_member_name (b, "pools");
  json_builder_begin_array (b);
  for (guint i = 0; i < pools->len; i++)
    write_pool (b, &g_array_index (pools, PoolFigures, i));
  json_builder_end_array (b);
  return TRUE;
}

JsonNode *
talent_stats_section (LjRequest *req, const LjStatsQuery *q, gpointer user_data, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GArray) programmes = g_array_new (FALSE, FALSE, sizeof (ProgrammeFigures));

  json_builder_begin_object (b);
  if (!write_programme_figures (req, q, b, programmes, error) || !write_tracks (req, q, b, error) ||
      !write_pools (req, q, b, error) || !write_by_chain (req, q, b, programmes, error))
    return NULL;
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
