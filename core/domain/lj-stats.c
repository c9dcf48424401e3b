/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/stats/overview: the park's figures (chains, enterprises,
 * organisations, members, coverage and blank spots, activity sessions and
 * attendances), each one SQL aggregate over indexes, never rows loaded and
 * counted in C.  Optional chain_id narrows every figure to one chain;
 * from/to narrow activities to a period [from, to).
 *
 * Most figures are kept as they change by the triggers of migration 0009
 * (members per organisation, a chain's organisations, coverage copied onto
 * enterprise_chains, sessions and attendances per chain, status and kind),
 * so a chain's figures read a few hundred index entries, not the rows of
 * its thousands of enterprises; only a period counts activities in their
 * index. */
#include "lj-core.h"
#include "resource/lj-resource-private.h"

#include <string.h>

/* The park's figures and one chain's come from different statements: one
 * statement with "chain IS NULL OR …" would serve both, but it keeps SQLite
 * off the indexes that make a chain's figures cheap (docs/performance.md,
 * finding 6).  Each pair below is { park, chain }, bound by
 * lj_stats_query_prepare (): :chain, and the period :from, :to. */
#define ELIGIBLE(e) e ".status = 'active' AND " e ".ownership = 'non_public' AND " e ".three_haves = 1"
/* A chain's eligible enterprises: a range of enterprise_chains_coverage_idx,
 * whose eligible and covered columns copy the enterprise's (0009). */
#define CHAIN_ELIGIBLE " FROM enterprise_chains ec WHERE ec.chain_id = :chain AND ec.eligible = 1"
#define PERIOD "(:from IS NULL OR a.starts_at >= :from) AND (:to IS NULL OR a.starts_at < :to)"

/* The blank spots listed in full; blank_spots_total counts them all, and
 * GET /enterprises with the same filters pages through the rest. */
#define LJ_STATS_BLANK_SPOTS_MAX 100

typedef struct {
  LjRequest    *req;
  LjStatsQuery  query;   /* chain_id 0: the whole park */
} LjStatsScope;

/**
 * lj_stats_query_prepare:
 * See lj-plugin.h.  Every value is bound, NULL included: a cached
 * statement keeps the bindings of its last use.
 */
LjStmt *
lj_stats_query_prepare (LjRequest *req, const LjStatsQuery *query, const char *sql, GError **error)
{
  LjStmt *st = lj_request_prepare (req, sql, error);
  sqlite3_stmt *s;
  int i;

  if (st == NULL)
    return NULL;
  s = lj_stmt_get (st);
  if ((i = sqlite3_bind_parameter_index (s, ":chain")) > 0)
    sqlite3_bind_int64 (s, i, query->chain_id);
  if ((i = sqlite3_bind_parameter_index (s, ":from")) > 0)
    sqlite3_bind_text (s, i, query->from, -1, SQLITE_TRANSIENT);
  if ((i = sqlite3_bind_parameter_index (s, ":to")) > 0)
    sqlite3_bind_text (s, i, query->to, -1, SQLITE_TRANSIENT);
  return st;
}

/**
 * lj_stats_query_prepare_scoped:
 * See lj-plugin.h.
 */
LjStmt *
lj_stats_query_prepare_scoped (LjRequest *req, const LjStatsQuery *query, const LjStatsSql *sql, GError **error)
{
  return lj_stats_query_prepare (req, query, query->chain_id > 0 ? sql->chain : sql->park, error);
}

static LjStmt *
scoped (LjStatsScope *s, const LjStatsSql *sql, GError **error)
{
  return lj_stats_query_prepare_scoped (s->req, &s->query, sql, error);
}

/* Members are formal or probationary (a CHECK in 0001-core.sql), so formal
 * members are all members less the probationary ones.  A chain's
 * organisations are chain_organizations' rows: its own committees and the
 * organisations covering an enterprise on it. */
static const LjStatsSql counts_sql = {
  "SELECT (SELECT count(*) FROM chains), (SELECT count(*) FROM enterprises), (SELECT count(*) FROM organizations),"
  " ifnull (sum (m.members), 0), ifnull (sum (m.probationary), 0) FROM organization_member_counts m",
  "SELECT 1, (SELECT count(*) FROM enterprise_chains WHERE chain_id = :chain),"
  " (SELECT count(*) FROM chain_organizations WHERE chain_id = :chain),"
  " ifnull (sum (m.members), 0), ifnull (sum (m.probationary), 0)"
  " FROM chain_organizations co JOIN organization_member_counts m ON m.org_id = co.org_id WHERE co.chain_id = :chain",
};

static gboolean
write_counts (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  g_autoptr (LjStmt) st = scoped (s, &counts_sql, error);
  gint64 members, probationary;

  if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  members = sqlite3_column_int64 (st->stmt, 3);
  probationary = sqlite3_column_int64 (st->stmt, 4);
  lj_json_writer_member_int (w, "chains", sqlite3_column_int64 (st->stmt, 0));
  lj_json_writer_member_int (w, "enterprises", sqlite3_column_int64 (st->stmt, 1));
  lj_json_writer_member_int (w, "organizations", sqlite3_column_int64 (st->stmt, 2));
  lj_json_writer_key (w, "members");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "total", members);
  lj_json_writer_member_int (w, "formal", members - probationary);
  lj_json_writer_member_int (w, "probationary", probationary);
  lj_json_writer_end_object (w);
  return TRUE;
}

#define BLANK_SPOT_CHAINS(id) \
  "(SELECT json_group_array(chain_id) FROM" \
  " (SELECT c.chain_id FROM enterprise_chains c WHERE c.enterprise_id = " id " ORDER BY c.chain_id))"
#define BLANK_SPOTS_LIMIT G_STRINGIFY (LJ_STATS_BLANK_SPOTS_MAX)

static const LjStatsSql blank_spots_sql = {
  "SELECT e.id, e.name, " BLANK_SPOT_CHAINS ("e.id") " FROM enterprises e"
  " WHERE " ELIGIBLE ("e") " AND e.covered = 0 ORDER BY e.id LIMIT " BLANK_SPOTS_LIMIT,
  "SELECT ec.enterprise_id, (SELECT e.name FROM enterprises e WHERE e.id = ec.enterprise_id), "
  BLANK_SPOT_CHAINS ("ec.enterprise_id") CHAIN_ELIGIBLE " AND ec.covered = 0 ORDER BY ec.enterprise_id LIMIT " BLANK_SPOTS_LIMIT,
};

static gboolean
write_blank_spots (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  g_autoptr (LjStmt) st = scoped (s, &blank_spots_sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  lj_json_writer_key (w, "blank_spots");
  lj_json_writer_begin_array (w);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      lj_json_writer_begin_object (w);
      lj_json_writer_member_int (w, "enterprise_id", sqlite3_column_int64 (st->stmt, 0));
      lj_json_writer_member_string (w, "name", (const char *) sqlite3_column_text (st->stmt, 1));
      lj_json_writer_key (w, "chains");
      lj_json_writer_raw (w, (const char *) sqlite3_column_text (st->stmt, 2));
      lj_json_writer_end_object (w);
    }
  lj_json_writer_end_array (w);
  return rc == SQLITE_DONE;
}

static const LjStatsSql coverage_sql = {
  "SELECT count(*), ifnull(sum(e.covered), 0) FROM enterprises e WHERE " ELIGIBLE ("e"),
  "SELECT count(*), ifnull(sum(ec.covered), 0)" CHAIN_ELIGIBLE,
};

static gboolean
write_coverage (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  g_autoptr (LjStmt) st = scoped (s, &coverage_sql, error);
  gint64 eligible, covered;

  if (st == NULL || lj_stmt_step (st, error) != SQLITE_ROW)
    return FALSE;
  eligible = sqlite3_column_int64 (st->stmt, 0);
  covered = sqlite3_column_int64 (st->stmt, 1);
  lj_json_writer_key (w, "coverage");
  lj_json_writer_begin_object (w);
  lj_json_writer_member_int (w, "eligible", eligible);
  lj_json_writer_member_int (w, "covered", covered);
  lj_json_writer_key (w, "rate");
  if (eligible > 0)
    lj_json_writer_double (w, (double) covered / (double) eligible);
  else
    lj_json_writer_null (w);
  lj_json_writer_member_int (w, "blank_spots_total", eligible - covered);
  if (!write_blank_spots (s, w, error))
    return FALSE;
  lj_json_writer_end_object (w);
  return TRUE;
}

/* Sessions and attendances under one key (a kind, or a chain id). */
typedef struct {
  char   *kind;      /* by kind */
  gint64  chain_id;  /* by chain; 0 for activities on no chain */
  gint64  sessions;
  gint64  attendances;
} LjStatsGroup;

static void
group_clear (gpointer data)
{
  g_free (((LjStatsGroup *) data)->kind);
}

static LjStatsGroup *
group_for_kind (GArray *groups, const char *kind)
{
  LjStatsGroup fresh = { NULL, 0, 0, 0 };

  for (guint i = 0; i < groups->len; i++)
    if (strcmp (g_array_index (groups, LjStatsGroup, i).kind, kind) == 0)
      return &g_array_index (groups, LjStatsGroup, i);
  fresh.kind = g_strdup (kind);
  g_array_append_val (groups, fresh);
  return &g_array_index (groups, LjStatsGroup, groups->len - 1);
}

static int
group_compare_kind (gconstpointer a, gconstpointer b)
{
  return strcmp (((const LjStatsGroup *) a)->kind, ((const LjStatsGroup *) b)->kind);
}

static void
write_groups (LjJsonWriter *w, const char *key, GArray *groups, gboolean by_kind)
{
  lj_json_writer_key (w, key);
  lj_json_writer_begin_array (w);
  for (guint i = 0; i < groups->len; i++)
    {
      LjStatsGroup *g = &g_array_index (groups, LjStatsGroup, i);
      lj_json_writer_begin_object (w);
      if (by_kind)
        lj_json_writer_member_string (w, "kind", g->kind);
      else if (g->chain_id > 0)
        lj_json_writer_member_int (w, "chain_id", g->chain_id);
      else
        lj_json_writer_member_null (w, "chain_id");
      lj_json_writer_member_int (w, "sessions", g->sessions);
      lj_json_writer_member_int (w, "attendances", g->attendances);
      lj_json_writer_end_object (w);
    }
  lj_json_writer_end_array (w);
}

/* Without a period: activity_counts, kept per (chain, status, kind) by
 * triggers, in key order (chain 0 is "on no chain" and comes first, as
 * NULL does in the index). */
static const LjStatsSql activity_counts_sql = {
  "SELECT nullif (a.chain_id, 0), a.kind, a.sessions, a.attendances FROM activity_counts a"
  " WHERE a.status <> 'cancelled' AND a.sessions > 0 ORDER BY a.chain_id, a.status, a.kind",
  "SELECT nullif (a.chain_id, 0), a.kind, a.sessions, a.attendances FROM activity_counts a"
  " WHERE a.chain_id = :chain AND a.status <> 'cancelled' AND a.sessions > 0 ORDER BY a.status, a.kind",
};

/* With a period: one pass over activities_stats_idx in its own order
 * (chain, status, kind: no sort), summed into by-kind and by-chain groups
 * here, as the counts are. */
static const LjStatsSql activities_sql = {
  "SELECT a.chain_id, a.kind, count(*), ifnull(sum(a.attendance_count), 0) FROM activities a"
  " WHERE a.status <> 'cancelled' AND " PERIOD " GROUP BY a.chain_id, a.status, a.kind",
  "SELECT a.chain_id, a.kind, count(*), ifnull(sum(a.attendance_count), 0) FROM activities a"
  " WHERE a.chain_id = :chain AND a.status <> 'cancelled' AND " PERIOD " GROUP BY a.status, a.kind",
};

static gboolean
write_activities (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  gboolean period = s->query.from != NULL || s->query.to != NULL;
  g_autoptr (LjStmt) st = scoped (s, period ? &activities_sql : &activity_counts_sql, error);
  g_autoptr (GArray) by_kind = g_array_new (FALSE, TRUE, sizeof (LjStatsGroup));
  g_autoptr (GArray) by_chain = g_array_new (FALSE, TRUE, sizeof (LjStatsGroup));
  gint64 sessions = 0, attendances = 0;
  int rc;

  if (st == NULL)
    return FALSE;
  g_array_set_clear_func (by_kind, group_clear);
  while ((rc = lj_stmt_step (st, error)) == SQLITE_ROW)
    {
      gint64 chain = sqlite3_column_int64 (st->stmt, 0);
      gint64 n = sqlite3_column_int64 (st->stmt, 2), att = sqlite3_column_int64 (st->stmt, 3);
      LjStatsGroup *kind = group_for_kind (by_kind, (const char *) sqlite3_column_text (st->stmt, 1));
      LjStatsGroup *last = by_chain->len ? &g_array_index (by_chain, LjStatsGroup, by_chain->len - 1) : NULL;

      kind->sessions += n;
      kind->attendances += att;
      /* Rows come grouped by chain: a new chain starts a new group. */
      if (last == NULL || last->chain_id != chain)
        {
          LjStatsGroup fresh = { NULL, chain, 0, 0 };
          g_array_append_val (by_chain, fresh);
          last = &g_array_index (by_chain, LjStatsGroup, by_chain->len - 1);
        }
      last->sessions += n;
      last->attendances += att;
      sessions += n;
      attendances += att;
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  g_array_sort (by_kind, group_compare_kind);
  lj_json_writer_key (w, "activities");
  lj_json_writer_begin_object (w);
  write_groups (w, "by_kind", by_kind, TRUE);
  write_groups (w, "by_chain", by_chain, FALSE);
  lj_json_writer_member_int (w, "sessions", sessions);
  lj_json_writer_member_int (w, "attendances", attendances);
  lj_json_writer_end_object (w);
  return TRUE;
}

static gboolean
parse_scope (LjRequest *req, LjStatsScope *s, char **from, char **to, GError **error)
{
  const char *chain = lj_request_get_query (req, "chain_id");
  GHashTableIter iter;
  const char *name;

  g_hash_table_iter_init (&iter, lj_request_get_query_table (req));
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    if (g_strcmp0 (name, "chain_id") != 0 && g_strcmp0 (name, "from") != 0 && g_strcmp0 (name, "to") != 0)
      lj_request_add_field_error (req, name, "unknown parameter");
  lj_parse_period_param (req, "from", from);
  lj_parse_period_param (req, "to", to);
  s->query.from = *from;
  s->query.to = *to;
  if (chain)
    {
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (chain, 10, 1, G_MAXINT64, &v, NULL))
        lj_request_add_field_error (req, "chain_id", "must be a chain id");
      else if (!lj_resource_check_ref (lj_app_get_resource (lj_request_get_app (req), "chains"), req, v,
                                       "chain_id", error))
        return FALSE;
      s->query.chain_id = v;
    }
  if (lj_request_get_n_field_errors (req) > 0)
    {
      g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INVALID, "invalid parameters");
      return FALSE;
    }
  return TRUE;
}

/* Each plugin's section, under its name, with the same period and chain. */
static gboolean
write_plugin_sections (LjStatsScope *s, LjJsonWriter *w, GError **error)
{
  LjApp *app = lj_request_get_app (s->req);

  for (guint i = 0; i < app->stats_sections->len; i++)
    {
      LjStatsSection *sec = app->stats_sections->pdata[i];
      g_autoptr (JsonNode) node = sec->func (s->req, &s->query, sec->user_data, error);

      if (node == NULL)
        {
          if (error && *error == NULL)
            g_set_error (error, LJ_HTTP_ERROR, LJ_HTTP_ERROR_INTERNAL, "stats section %s failed", sec->name);
          g_prefix_error (error, "stats section %s: ", sec->name);
          return FALSE;
        }
      lj_json_writer_key (w, sec->name);
      lj_json_writer_node (w, node);
    }
  return TRUE;
}

static gboolean
handle_overview (LjRequest *req, gpointer user_data, GError **error)
{
  LjStatsScope s = { req, { NULL, NULL, 0 } };
  g_autofree char *from = NULL, *to = NULL;
  g_autoptr (LjJsonWriter) w = lj_json_writer_new ();
  gsize len;
  char *json;

  if (!parse_scope (req, &s, &from, &to, error))
    return FALSE;
  lj_json_writer_begin_object (w);
  if (s.query.chain_id)
    lj_json_writer_member_int (w, "chain_id", s.query.chain_id);
  else
    lj_json_writer_member_null (w, "chain_id");
  lj_json_writer_member_string (w, "from", from);
  lj_json_writer_member_string (w, "to", to);
  if (!write_counts (&s, w, error) || !write_coverage (&s, w, error) || !write_activities (&s, w, error) ||
      !write_plugin_sections (&s, w, error))
    return FALSE;
  lj_json_writer_end_object (w);
  json = lj_json_writer_steal (g_steal_pointer (&w), &len);
  lj_request_set_response_json (req, 200, json, len);
  return TRUE;
}

void
lj_stats_add_routes (LjApp *app)
{
  LjRoute *route = lj_app_add_route (app, "GET", "/api/v1/stats/overview", handle_overview, NULL);

  lj_route_set_summary (route, "stats", "Park figures: coverage, blank spots, members, sessions and attendances");
  lj_route_add_query_param (route, "chain_id", "integer", "Only this industry chain");
  lj_route_add_query_param (route, "from", "string", "Activities starting at or after (date or RFC 3339)");
  lj_route_add_query_param (route, "to", "string", "Activities starting before (date or RFC 3339)");
}
